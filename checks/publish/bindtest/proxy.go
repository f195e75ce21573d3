package bindtest

import (
	"encoding/binary"
	"io"
	"net"
	"sync"
	"testing"

	"github.com/miekg/dns"
)

// Fault is what a Proxy does to the answer of an update: the faults of
// a network between this computer and the primary (a firewall that lets
// the update through and drops what comes back, a DNS proxy that strips
// what it does not know), which no server can be made to show. The
// update itself always reaches the server, which applies it.
type Fault int

const (
	// DropAnswer: the answer to an update never comes back; the
	// connection stays open.
	DropAnswer Fault = iota
	// StripTSIG: the answer to an update comes back without its TSIG
	// record.
	StripTSIG
)

// Proxy relays DNS over TCP (RFC 1035 section 4.2.2: two bytes of
// length, then the message) to the server at to, and does fault to the
// answers of updates; questions and their answers pass as they are. It
// returns its address on 127.0.0.1 and closes when the test ends.
func Proxy(t testing.TB, to string, fault Fault) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("bindtest: %v", err)
	}
	var mu sync.Mutex
	var conns []net.Conn
	track := func(c net.Conn) {
		mu.Lock()
		defer mu.Unlock()
		conns = append(conns, c)
	}
	t.Cleanup(func() {
		l.Close()
		mu.Lock()
		defer mu.Unlock()
		for _, c := range conns {
			c.Close()
		}
	})
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			track(c)
			go relay(c, to, fault, track)
		}
	}()
	return l.Addr().String()
}

// relay passes each message of the client's connection to the server and
// the answer back, faulted when the message was an update.
func relay(client net.Conn, to string, fault Fault, track func(net.Conn)) {
	server, err := net.Dial("tcp", to)
	if err != nil {
		client.Close()
		return
	}
	track(server)
	for {
		msg, err := readMsg(client)
		if err != nil {
			return
		}
		if _, err := server.Write(msg); err != nil {
			return
		}
		answer, err := readMsg(server)
		if err != nil {
			return
		}
		var m dns.Msg
		if m.Unpack(msg[2:]) != nil || m.Opcode != dns.OpcodeUpdate {
			client.Write(answer)
			continue
		}
		switch fault {
		case DropAnswer:
			continue
		case StripTSIG:
			var r dns.Msg
			if err := r.Unpack(answer[2:]); err != nil {
				return
			}
			var extra []dns.RR
			for _, rr := range r.Extra {
				if rr.Header().Rrtype != dns.TypeTSIG {
					extra = append(extra, rr)
				}
			}
			r.Extra = extra
			packed, err := r.Pack()
			if err != nil {
				return
			}
			client.Write(append(binary.BigEndian.AppendUint16(nil, uint16(len(packed))), packed...))
		}
	}
}

// readMsg reads one message with its two bytes of length.
func readMsg(c net.Conn) ([]byte, error) {
	head := make([]byte, 2)
	if _, err := io.ReadFull(c, head); err != nil {
		return nil, err
	}
	msg := make([]byte, 2+int(binary.BigEndian.Uint16(head)))
	copy(msg, head)
	_, err := io.ReadFull(c, msg[2:])
	return msg, err
}
