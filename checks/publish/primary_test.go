package publish

import (
	"errors"
	"net"
	"strings"
	"testing"

	"mailwizard/transports"
)

func TestParseServer(t *testing.T) {
	test := func(in, host, port, wantErr string) {
		t.Helper()
		h, p, err := ParseServer(in)
		if wantErr != "" {
			var fe *transports.FieldError
			if !errors.As(err, &fe) || fe.Field != FieldServer || !strings.Contains(err.Error(), wantErr) {
				t.Errorf("ParseServer(%q) = %v, want an error saying %q", in, err, wantErr)
			}
			return
		}
		if err != nil || h != host || p != port {
			t.Errorf("ParseServer(%q) = %q %q %v, want %q %q", in, h, p, err, host, port)
		}
	}
	test("192.0.2.53", "192.0.2.53", "53", "")
	test("192.0.2.53:5353", "192.0.2.53", "5353", "")
	test("[2001:db8::53]:53", "2001:db8::53", "53", "")
	test("2001:db8::53", "2001:db8::53", "53", "")
	test("NS1.Example.NL", "ns1.example.nl", "53", "")
	test("ns1.example.nl:5300", "ns1.example.nl", "5300", "")
	test("", "", "", "is empty")
	test("ns1.example.nl:0", "", "", "is not a TCP port")
	test("ns1.example.nl:abc", "", "", `port "abc" is not a number`)
	test("ns1.exa\nmple.nl", "", "", "line feed")
	test("https://ns1.example.nl", "", "", "is a URL")
}

// Whatever is typed as the server, reading it never panics, and what it
// accepts reads back the same when written as host:port.
func FuzzParseServer(f *testing.F) {
	for _, s := range []string{"192.0.2.53", "[2001:db8::1]:53", "ns1.example.nl:5300", "bücher.de", ":53", "[]:1", "a:b:c", "1.2.3.4:65536"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		host, port, err := ParseServer(in)
		if err != nil {
			var fe *transports.FieldError
			if !errors.As(err, &fe) || fe.Field != FieldServer {
				t.Fatalf("error %v names no field", err)
			}
			return
		}
		h2, p2, err := ParseServer(net.JoinHostPort(host, port))
		if err != nil || h2 != host || p2 != port {
			t.Fatalf("%q -> %q %q does not read back: %q %q %v", in, host, port, h2, p2, err)
		}
	})
}
