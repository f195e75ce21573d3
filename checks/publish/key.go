package publish

import (
	"encoding/base64"
	"strings"

	"github.com/miekg/dns"

	"mailwizard/checks"
	"mailwizard/texts"
	"mailwizard/transports"
)

// Fields of a key, named as the draft's paths are; the faces map them to
// their flags and inputs.
const (
	FieldKeyName   = "tsig.name"
	FieldAlgorithm = "tsig.algorithm"
	FieldSecret    = "tsig.secret"
)

// DefaultAlgorithm is what tsig-keygen makes and RFC 8945 section 6
// recommends.
const DefaultAlgorithm = "hmac-sha256"

// Algorithms are the HMACs a key may use, as named.conf names them: the
// SHA-2 family of RFC 8945 section 6 (RFC 4635).
var Algorithms = []string{"hmac-sha256", "hmac-sha512", "hmac-sha384", "hmac-sha224"}

// maxSecret bounds a secret: RFC 8945 keys are a hash length (32 or 64
// bytes); a kilobyte is something pasted by mistake.
const maxSecret = 1024

// Key is a TSIG key (RFC 8945): the name and algorithm both sides know
// it by, and the shared secret. The secret lives in the keychain only.
type Key struct {
	Name      string // fully qualified, lower case: "mailwizard."
	Algorithm string // miekg/dns's form: dns.HmacSHA256 ("hmac-sha256.")
	Secret    string // base64 with padding
}

// AlgorithmName is the algorithm as named.conf and nsupdate write it.
func (k Key) AlgorithmName() string { return strings.TrimSuffix(k.Algorithm, ".") }

// NewKey checks a key as the admin gave it: the name is a DNS name, the
// algorithm one of Algorithms (DefaultAlgorithm when empty), the secret
// base64. secret may also be a whole key clause as tsig-keygen or Knot's
// keymgr print it (ParseKeyText): it then fills in an empty name or
// algorithm, and must agree with the ones given. Errors are
// *transports.FieldError naming FieldKeyName, FieldAlgorithm or FieldSecret.
func NewKey(name, algorithm, secret string) (Key, error) {
	secret = strings.TrimSpace(secret)
	if clause, ok, err := ParseKeyText(secret); err != nil {
		return Key{}, &transports.FieldError{Field: FieldSecret, Err: err}
	} else if ok {
		if name == "" {
			name = clause.Name
		} else if n, err := transports.NormalizeDNSName(name); err == nil && !strings.EqualFold(dns.Fqdn(n), dns.Fqdn(clause.Name)) {
			return Key{}, &transports.FieldError{Field: FieldSecret, Err: texts.Err(transports.ErrConflict,
				checks.T("publish.key.other-name", "holds the key %q, not %q: give the key the server knows by that name", clause.Name, name))}
		}
		if algorithm == "" {
			algorithm = clause.Algorithm
		} else if clause.Algorithm != "" && !strings.EqualFold(strings.TrimSuffix(algorithm, "."), clause.Algorithm) {
			return Key{}, &transports.FieldError{Field: FieldSecret, Err: texts.Err(transports.ErrConflict,
				checks.T("publish.key.other-algorithm", "is a key of algorithm %s, not %s", clause.Algorithm, algorithm))}
		}
		secret = clause.Secret
	}
	var k Key
	var err error
	if k.Name, err = KeyName(name); err != nil {
		return Key{}, err
	}
	if k.Algorithm, err = Algorithm(algorithm); err != nil {
		return Key{}, err
	}
	if k.Secret, err = checkSecret(secret); err != nil {
		return Key{}, &transports.FieldError{Field: FieldSecret, Err: err}
	}
	return k, nil
}

// KeyName checks a key's name, a DNS name (RFC 8945 section 4.2), and
// returns it fully qualified in lower case.
func KeyName(name string) (string, error) {
	n, err := transports.NormalizeDNSName(name)
	if err != nil {
		return "", &transports.FieldError{Field: FieldKeyName, Err: err}
	}
	return dns.Fqdn(n), nil
}

// Algorithm checks an algorithm's name (DefaultAlgorithm when empty) and
// returns miekg/dns's form of it.
func Algorithm(a string) (string, error) {
	alg, err := checkAlgorithm(a)
	if err != nil {
		return "", &transports.FieldError{Field: FieldAlgorithm, Err: err}
	}
	return alg, nil
}

// checkAlgorithm returns miekg's name of an algorithm of RFC 8945
// section 6 that is fit for use, and says why the others are refused.
func checkAlgorithm(a string) (string, error) {
	a = strings.ToLower(strings.TrimSuffix(strings.TrimSpace(a), "."))
	if a == "" {
		a = DefaultAlgorithm
	}
	for _, ok := range Algorithms {
		if a == ok {
			return dns.Fqdn(a), nil
		}
	}
	switch a {
	case "hmac-md5", "hmac-md5.sig-alg.reg.int":
		return "", texts.Err(transports.ErrUnknownValue, checks.T("publish.key.md5",
			"hmac-md5 is broken and not recommended for use (RFC 8945 section 6): make a new key with hmac-sha256 on the server (tsig-keygen -a hmac-sha256 NAME)"))
	case "hmac-sha1":
		return "", texts.Err(transports.ErrUnknownValue, checks.T("publish.key.sha1",
			"hmac-sha1 is not recommended for use (RFC 8945 section 6): make a new key with hmac-sha256 on the server (tsig-keygen -a hmac-sha256 NAME)"))
	case "gss-tsig":
		return "", texts.Err(transports.ErrUnknownValue, checks.T("publish.key.gss",
			"gss-tsig signs with Kerberos (Active Directory), which mailwizard cannot do: publish the records by hand, or give a key with a shared secret"))
	}
	return "", texts.Err(transports.ErrUnknownValue, checks.T("publish.key.algorithm", "%q is not one of %s", a, strings.Join(Algorithms, ", ")))
}

// checkSecret decodes base64 (padding optional, spaces and line breaks
// ignored as in named.conf) and returns it in standard padded form,
// which miekg/dns decodes.
func checkSecret(s string) (string, error) {
	s = strings.Join(strings.Fields(s), "")
	if s == "" {
		return "", transports.ErrEmpty
	}
	raw, err := base64.StdEncoding.DecodeString(s)
	if err != nil {
		raw, err = base64.RawStdEncoding.DecodeString(strings.TrimRight(s, "="))
	}
	switch {
	case err != nil:
		return "", texts.Err(transports.ErrSyntax, checks.T("publish.key.base64",
			"is not base64: copy the secret between the quotes of the key's secret line"))
	case len(raw) == 0:
		return "", transports.ErrEmpty
	case len(raw) > maxSecret:
		return "", texts.Err(transports.ErrTooLong, checks.T("publish.key.long", "is %d bytes; a TSIG secret is a few dozen", len(raw)))
	}
	return base64.StdEncoding.EncodeToString(raw), nil
}
