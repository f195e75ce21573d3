package smtptest

import (
	"bufio"
	"crypto/tls"
	"errors"
	"io"
	"log"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-sasl"
	gosmtp "github.com/emersion/go-smtp"
)

// Options configure a Server.
type Options struct {
	Cert     *tls.Certificate  // nil: no TLS at all
	Implicit bool              // TLS from the first byte (port 465 style)
	Users    map[string]string // username -> password; nil: no AUTH offered
	// Mechanisms offered; default PLAIN and LOGIN.
	Mechanisms []string
	// AuthError, when set, answers every AUTH (as Microsoft 365 does with
	// 5.7.139 when SMTP AUTH is off).
	AuthError *gosmtp.SMTPError
	// MailError and RcptError may refuse a sender or recipient, e.g. a
	// send-as denial for a sender other than the login.
	MailError func(from, user string) error
	RcptError func(to, user string) error
}

// Message is a mail the server accepted.
type Message struct {
	From, User string
	To         []string
	Data       []byte
}

// Server is a go-smtp server on 127.0.0.1.
type Server struct {
	Addr string
	Port int

	close func()

	mu   sync.Mutex
	msgs []Message
}

// Start serves on a free port of 127.0.0.1 until the test ends.
func Start(t testing.TB, opts Options) *Server {
	t.Helper()
	s, err := Listen("127.0.0.1:0", opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.Close)
	return s
}

// Listen serves on addr (such as 127.0.0.10:465, where a test may bind
// it) until Close.
func Listen(addr string, opts Options) (*Server, error) {
	s := &Server{}
	srv := gosmtp.NewServer(gosmtp.BackendFunc(func(c *gosmtp.Conn) (gosmtp.Session, error) {
		return &session{srv: s, opts: &opts}, nil
	}))
	srv.Domain = "mx.test"
	srv.ErrorLog = log.New(io.Discard, "", 0) // clients that hang up are the point of some tests
	srv.ReadTimeout, srv.WriteTimeout = 10*time.Second, 10*time.Second
	if opts.Cert != nil {
		srv.TLSConfig = &tls.Config{Certificates: []tls.Certificate{*opts.Cert}}
	}
	l, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, err
	}
	if opts.Implicit {
		l = tls.NewListener(l, srv.TLSConfig)
	}
	s.Addr = l.Addr().String()
	s.Port = l.Addr().(*net.TCPAddr).Port
	s.close = func() { srv.Close() }
	go srv.Serve(l)
	return s, nil
}

// Close stops the server.
func (s *Server) Close() { s.close() }

// Messages returns the mails received so far.
func (s *Server) Messages() []Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Message(nil), s.msgs...)
}

type session struct {
	srv  *Server
	opts *Options
	user string
	msg  Message
}

func (s *session) AuthMechanisms() []string {
	if s.opts.Users == nil {
		return nil
	}
	if s.opts.Mechanisms != nil {
		return s.opts.Mechanisms
	}
	return []string{sasl.Plain, sasl.Login}
}

func (s *session) check(user, pass string) error {
	if s.opts.AuthError != nil {
		return s.opts.AuthError
	}
	if want, ok := s.opts.Users[user]; !ok || want != pass {
		return &gosmtp.SMTPError{Code: 535, EnhancedCode: gosmtp.EnhancedCode{5, 7, 8}, Message: "Authentication credentials invalid"}
	}
	s.user = user
	return nil
}

func (s *session) Auth(mech string) (sasl.Server, error) {
	switch mech {
	case sasl.Plain:
		return sasl.NewPlainServer(func(_, user, pass string) error { return s.check(user, pass) }), nil
	case sasl.Login:
		return &loginServer{check: s.check}, nil
	}
	return nil, errors.New("unsupported mechanism")
}

func (s *session) Mail(from string, _ *gosmtp.MailOptions) error {
	if s.opts.MailError != nil {
		if err := s.opts.MailError(from, s.user); err != nil {
			return err
		}
	}
	s.msg = Message{From: from, User: s.user}
	return nil
}

func (s *session) Rcpt(to string, _ *gosmtp.RcptOptions) error {
	if s.opts.RcptError != nil {
		if err := s.opts.RcptError(to, s.user); err != nil {
			return err
		}
	}
	s.msg.To = append(s.msg.To, to)
	return nil
}

func (s *session) Data(r io.Reader) error {
	data, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	s.msg.Data = data
	s.srv.mu.Lock()
	s.srv.msgs = append(s.srv.msgs, s.msg)
	s.srv.mu.Unlock()
	return nil
}

func (s *session) Reset()        { s.msg = Message{} }
func (s *session) Logout() error { return nil }

// loginServer is SASL LOGIN with prompts worded unlike "Username:" and
// "Password:", as some servers word them, to prove clients ignore them.
type loginServer struct {
	check func(user, pass string) error
	step  int
	user  string
}

func (l *loginServer) Next(resp []byte) ([]byte, bool, error) {
	l.step++
	switch l.step {
	case 1:
		if len(resp) > 0 { // the username as an initial response
			l.user, l.step = string(resp), 2
			return []byte("Your password please"), false, nil
		}
		return []byte("Who are you?"), false, nil
	case 2:
		l.user = string(resp)
		return []byte("Your password please"), false, nil
	case 3:
		return nil, true, l.check(l.user, string(resp))
	}
	return nil, true, errors.New("unexpected LOGIN step")
}

// Peer is one connection to a scripted server.
type Peer struct {
	net.Conn
	r *bufio.Reader
}

// Line reads the client's next line ("" when it closed).
func (p *Peer) Line() string {
	p.SetReadDeadline(time.Now().Add(10 * time.Second))
	l, _ := p.r.ReadString('\n')
	return strings.TrimRight(l, "\r\n")
}

// Say sends lines to the client.
func (p *Peer) Say(lines ...string) {
	for _, l := range lines {
		io.WriteString(p, l+"\r\n")
	}
}

// Scripted serves each connection with script, a conversation written out
// by the test, and returns its address.
func Scripted(t testing.TB, script func(p *Peer)) string {
	t.Helper()
	addr, err := ScriptedAt(t, "127.0.0.1:0", script)
	if err != nil {
		t.Fatal(err)
	}
	return addr
}

// ScriptedAt is Scripted on a given address.
func ScriptedAt(t testing.TB, addr string, script func(p *Peer)) (string, error) {
	t.Helper()
	l, err := net.Listen("tcp", addr)
	if err != nil {
		return "", err
	}
	var wg sync.WaitGroup
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			wg.Add(1)
			go func() {
				defer wg.Done()
				defer c.Close()
				script(&Peer{Conn: c, r: bufio.NewReader(c)})
			}()
		}
	}()
	t.Cleanup(func() { l.Close(); wg.Wait() })
	return l.Addr().String(), nil
}
