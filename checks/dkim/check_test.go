package dkim

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"mailwizard/checks"
	"mailwizard/checks/dnsq"
	"mailwizard/checks/dnsq/dnstest"
)

// The key the admin was told to publish (an RSA-2048 public key, 392
// base64 characters: longer than one 255-byte TXT string).
var key = strings.Repeat("MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA", 8) + "wIDAQAB"

var want = "v=DKIM1; k=rsa; p=" + key

func txt(name, value string) string {
	var quoted []string
	for len(value) > 255 {
		quoted = append(quoted, `"`+value[:255]+`"`)
		value = value[255:]
	}
	quoted = append(quoted, `"`+value+`"`)
	return fmt.Sprintf("%s. 300 IN TXT %s", name, strings.Join(quoted, " "))
}

func TestCheck(t *testing.T) {
	srv := dnstest.Start(t, "127.0.0.1:0")
	srv.MustAddZone(t, dnstest.SOA("example.nl", 300))
	srv.MustAddZone(t, dnstest.SOA("provider.test", 300))
	for sel, value := range map[string]string{
		"good":       want,
		"cut":        want[:255], // a panel that kept the first string only
		"spaced":     "v=DKIM1; k=rsa; p=" + key[:100] + " " + key[100:],
		"quoted":     `v=DKIM1; k=rsa; p=\"` + key + `\"`,
		"wrongk":     "v=DKIM1; k=ed25519; p=" + key,
		"testing":    want + "; t=y",
		"revoked":    "v=DKIM1; k=rsa; p=",
		"other":      "v=DKIM1; k=rsa; p=" + strings.Repeat("QUFB", 98),
		"broken":     "v=DKIM1; k=rsa; p",
		"badhash":    "v=DKIM1; h=sha1; k=rsa; p=" + key,
		"twice":      want,
		"cnameistxt": want,
	} {
		if err := srv.Add(txt(sel+"._domainkey.example.nl", value)); err != nil {
			t.Fatal(sel, err)
		}
	}
	srv.Add(txt("twice._domainkey.example.nl", "v=DKIM1; k=rsa; p=OLD"))
	srv.Add(txt("doubled._domainkey.example.nl.example.nl", want))
	srv.Add("mrsel1._domainkey.example.nl. 300 IN CNAME mrsel1._domainkey.provider.test.")
	srv.Add("mrsel2._domainkey.example.nl. 300 IN CNAME mrsel1._domainkey.provider.test.")
	srv.Add(txt("mrsel1._domainkey.provider.test", "v=DKIM1; k=rsa; p=PROVIDERKEY"))
	srv.Add("chained._domainkey.example.nl. 300 IN CNAME good._domainkey.example.nl.")
	srv.Drop("slow._domainkey.example.nl")
	c := &dnsq.Client{Servers: []string{srv.Addr}, Timeout: 300 * time.Millisecond}

	test := func(exp Expect, status checks.Severity, code, says string) {
		t.Helper()
		r := Check(context.Background(), c, "example.nl", "example.nl", exp)
		if r.Status != status {
			t.Errorf("%s: status %s, want %s (%+v)", exp.Selector, r.Status, status, r.Findings)
		}
		if code == "" {
			if len(r.Findings) != 0 {
				t.Errorf("%s: unexpected findings %+v", exp.Selector, r.Findings)
			}
			return
		}
		for _, f := range r.Findings {
			if f.Code == code && strings.Contains(f.Message+" "+f.Fix, says) {
				return
			}
		}
		t.Errorf("%s: no %s finding saying %q in %+v", exp.Selector, code, says, r.Findings)
	}
	w := func(sel string) Expect { return Expect{Selector: sel, Value: want} }
	test(w("good"), "ok", "", "")
	test(w("chained"), "ok", "", "") // a CNAME to a TXT is followed
	test(Expect{Selector: "good"}, "ok", "", "")
	test(w("missing"), checks.Error, CodeMissing, "Create a TXT record named missing._domainkey with the value v=DKIM1")
	test(w("doubled"), checks.Error, dnsq.CodeZoneNameDoubled, "with the name doubled._domainkey")
	test(w("twice"), checks.Error, CodeMultiple, "2 TXT records")
	test(w("cut"), checks.Error, CodeKeyMismatch, "255 characters")
	test(w("spaced"), checks.Warning, CodeKeyMismatch, "spaces")
	test(w("quoted"), checks.Error, CodeKeyMismatch, "quotation marks")
	test(w("wrongk"), checks.Error, CodeKeyMismatch, "k=ed25519 is published, but the key is rsa")
	test(w("testing"), checks.Warning, CodeTesting, "t=y")
	test(w("revoked"), checks.Error, CodeRevoked, "revoked")
	test(w("other"), checks.Error, CodeKeyMismatch, "different key")
	test(w("broken"), checks.Error, CodeSyntax, "not tag=value")
	test(w("badhash"), checks.Error, CodeSyntax, "sha256")
	test(w("slow"), checks.Error, dnsq.CodeTimeout, "whether they exist is unknown")
	cname := func(sel, target string) Expect { return Expect{Selector: sel, CNAME: target} }
	test(cname("mrsel1", "mrsel1._domainkey.provider.test"), "ok", "", "")
	test(cname("mrsel2", "mrsel2._domainkey.provider.test"), checks.Error, CodeCNAMETarget, "points to mrsel1._domainkey.provider.test, not to mrsel2")
	test(cname("cnameistxt", "cnameistxt._domainkey.provider.test"), checks.Error, CodeCNAMETarget, "is a TXT record")
	test(cname("mrsel3", "mrsel3._domainkey.provider.test"), checks.Error, CodeMissing, "Create a CNAME record named mrsel3._domainkey pointing to mrsel3._domainkey.provider.test")
}
