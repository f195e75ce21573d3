package smtp

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/hex"
	"errors"
	"fmt"
	"math/big"
	"mime"
	"mime/quotedprintable"
	"strings"
	"time"

	"github.com/emersion/go-msgauth/dkim"

	"mailwizard/transports"
	"mailwizard/transports/dkimkey"
)

// codeAlphabet has no 0/O, 1/I/L: a code read off a phone screen and typed
// on a keyboard must not be ambiguous.
const codeAlphabet = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"

// Limits of a verification: how many tries, how long the code lives.
const (
	MaxAttempts  = 5
	CodeLifetime = 30 * time.Minute
)

// Errors of Verification.Check.
var (
	ErrWrongCode       = errors.New("smtp: that is not the code")
	ErrTooManyAttempts = errors.New("smtp: too many wrong codes; send a new one")
	ErrCodeExpired     = errors.New("smtp: the code is older than 30 minutes; send a new one")
)

// Verification is one code sent and waiting to be typed back. The code is
// unexported and never printed: only the mail carries it.
type Verification struct {
	code     string
	sent     time.Time
	attempts int
	From, To string
	// What SendVerification saw, for the evidence: the server's address,
	// the encryption and certificate, and the login with its mechanism
	// ("" for both when the service's addresses are allow-listed).
	Server    string
	TLS       *TLSInfo
	Login     string
	Mechanism string
}

// NewVerification makes a code of 8 characters from crypto/rand.
func NewVerification() (*Verification, error) {
	var b strings.Builder
	max := big.NewInt(int64(len(codeAlphabet)))
	for range 8 {
		n, err := rand.Int(rand.Reader, max)
		if err != nil {
			return nil, fmt.Errorf("smtp: making a code: %w", err)
		}
		b.WriteByte(codeAlphabet[n.Int64()])
	}
	return &Verification{code: b.String(), sent: time.Now()}, nil
}

// display is the code as the mail shows it: XXXX-XXXX.
func (v *Verification) display() string { return v.code[:4] + "-" + v.code[4:] }

// normalizeCode accepts what people type: any case, with or without the
// dash or spaces.
func normalizeCode(s string) string {
	s = strings.ToUpper(s)
	return strings.Map(func(r rune) rune {
		if r == '-' || r == ' ' || r == '\t' {
			return -1
		}
		return r
	}, s)
}

// Check compares a typed code in constant time, counting attempts and
// refusing an expired code.
func (v *Verification) Check(typed string, now time.Time) error {
	if v.attempts >= MaxAttempts {
		return ErrTooManyAttempts
	}
	if now.Sub(v.sent) > CodeLifetime {
		return ErrCodeExpired
	}
	v.attempts++
	if subtle.ConstantTimeCompare([]byte(normalizeCode(typed)), []byte(v.code)) == 1 {
		return nil
	}
	if v.attempts >= MaxAttempts {
		return ErrTooManyAttempts
	}
	return ErrWrongCode
}

// AttemptsLeft is how many more tries remain.
func (v *Verification) AttemptsLeft() int { return MaxAttempts - v.attempts }

// Evidence records a passed verification for the configuration document:
// at is when the code was confirmed, and what the sending session saw. It
// says the test ran from the admin's desk.
func (v *Verification) Evidence(transport string, at time.Time) transports.Evidence {
	detail := fmt.Sprintf("verification code sent from %s to %s and typed back", v.From, v.To)
	if v.Login != "" && !strings.EqualFold(v.Login, v.From) {
		detail += fmt.Sprintf("; sent as %s while logged in as %s (send-as right proven)", v.From, v.Login)
	}
	return transports.Evidence{Check: "smtp.verify", Transport: transport, Passed: true, At: at.UTC().Truncate(time.Second),
		Server: v.Server, Origin: transports.OriginAdminDesk, TLS: v.TLS.Seen(), Auth: AuthSeen(v.Mechanism),
		Sender: v.From, Detail: detail}
}

// Evidence records what a test saw, for the configuration document:
// passed when nothing failed. A MAIL FROM accepted is not a send-as
// right, and the detail says so.
func (r *Report) Evidence(transport string, at time.Time) transports.Evidence {
	ev := transports.Evidence{Check: "smtp.test", Transport: transport, Passed: r.OK(), At: at.UTC().Truncate(time.Second),
		Server: r.Server, Origin: transports.OriginAdminDesk, TLS: r.TLS.Seen()}
	parts := []string{"connection tested"}
	switch {
	case r.Auth == nil:
		ev.Auth = AuthSeen("")
	case r.Auth.OK:
		ev.Auth = AuthSeen(r.Auth.Mechanism)
		parts = append(parts, "login accepted")
	default:
		ev.Auth = orWords(r.Auth.Mechanism, "login") + " refused"
		parts = append(parts, "login refused")
	}
	if r.MailFrom != nil && r.MailFrom.OK {
		ev.Sender = r.MailFrom.Address
		parts = append(parts, r.MailFrom.Address+" accepted at MAIL FROM (not proof of a send-as right)")
	}
	ev.Detail = strings.Join(parts, "; ")
	return ev
}

// AuthAllowListed is the evidence's auth when no login is sent.
const AuthAllowListed = "none: the service's IP ranges are allow-listed"

// AuthSeen words a successful login for the evidence: "PLAIN accepted",
// or, without a mechanism, AuthAllowListed.
func AuthSeen(mechanism string) string {
	if mechanism == "" {
		return AuthAllowListed
	}
	return mechanism + " accepted"
}

func orWords(s, alt string) string {
	if s == "" {
		return alt
	}
	return s
}

// Seen is the part of the TLS information the evidence keeps; nil when
// the connection was not encrypted.
func (i *TLSInfo) Seen() *transports.TLSSeen {
	if i == nil {
		return nil
	}
	return &transports.TLSSeen{Version: i.Version, Cipher: i.Cipher, Subject: i.Subject, Issuer: i.Issuer,
		NotAfter: i.NotAfter.UTC().Truncate(time.Second), Verified: i.Verified}
}

// MessageText is what the mail says, in the admin's language; the code
// line itself is always "Verification code: XXXX-XXXX".
type MessageText struct {
	Subject string
	Body    string // before the code line
}

// DKIMSigner signs the verification mail with the domain's key.
type DKIMSigner struct {
	Key      *dkimkey.Key
	Domain   string
	Selector string
}

// Message builds the verification mail: Date, Message-ID, MIME, UTF-8
// (quoted-printable), and, with a signer, a DKIM signature with
// relaxed/relaxed canonicalization (go-msgauth defaults to simple).
func (v *Verification) Message(text MessageText, signer *DKIMSigner, now time.Time) ([]byte, error) {
	fromDomain := v.From[strings.LastIndexByte(v.From, '@')+1:]
	id := make([]byte, 12)
	rand.Read(id)
	var body bytes.Buffer
	qp := quotedprintable.NewWriter(&body)
	fmt.Fprintf(qp, "%s\r\n\r\nVerification code: %s\r\n", strings.ReplaceAll(strings.TrimSpace(text.Body), "\n", "\r\n"), v.display())
	qp.Close()
	var msg bytes.Buffer
	hdr := func(k, v string) { fmt.Fprintf(&msg, "%s: %s\r\n", k, v) }
	hdr("Date", now.Format(time.RFC1123Z))
	hdr("From", v.From)
	hdr("To", v.To)
	hdr("Subject", mime.QEncoding.Encode("utf-8", text.Subject))
	hdr("Message-ID", fmt.Sprintf("<%s@%s>", hex.EncodeToString(id), fromDomain))
	hdr("MIME-Version", "1.0")
	hdr("Content-Type", "text/plain; charset=utf-8")
	hdr("Content-Transfer-Encoding", "quoted-printable")
	hdr("Auto-Submitted", "auto-generated") // RFC 3834: no auto-replies to this
	msg.WriteString("\r\n")
	msg.Write(body.Bytes())
	if signer == nil {
		return msg.Bytes(), nil
	}
	var signed bytes.Buffer
	err := dkim.Sign(&signed, &msg, &dkim.SignOptions{
		Domain: signer.Domain, Selector: signer.Selector, Signer: signer.Key.Signer,
		HeaderCanonicalization: dkim.CanonicalizationRelaxed, BodyCanonicalization: dkim.CanonicalizationRelaxed,
		HeaderKeys: []string{"From", "To", "Subject", "Date", "Message-ID", "MIME-Version", "Content-Type", "Content-Transfer-Encoding"},
	})
	if err != nil {
		return nil, fmt.Errorf("smtp: DKIM-signing the verification mail: %w", err)
	}
	return signed.Bytes(), nil
}

// SendVerification connects, logs in when the settings have a password,
// and sends the mail. The transcript leaves the body (and so the code) out.
func SendVerification(ctx context.Context, d Dialer, s Settings, to Timeouts, auth transports.AuthMode, v *Verification, msg []byte) (*Session, error) {
	sess, err := Connect(ctx, d, s, to)
	if err != nil {
		return sess, err
	}
	defer sess.Close()
	v.Server, v.TLS = sess.Addr, sess.TLS
	if auth == transports.AuthPassword {
		mech, err := sess.Authenticate(s.Username, s.Password)
		if err != nil {
			return sess, err
		}
		v.Login, v.Mechanism = s.Username, mech
	}
	if err := sess.Send(v.From, v.To, msg); err != nil {
		return sess, err
	}
	v.sent = time.Now()
	return sess, nil
}
