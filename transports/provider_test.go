package transports

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestBuiltinProviders(t *testing.T) {
	ps, err := BuiltinProviders()
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{ // id -> SPF include, from the services' manuals
		"clockwise":   "_spf.clockwise.info",
		"spacewell":   "_spf.axxerion.com",
		"perfectview": "",
		"spinoffice":  "spf.spinoffice-crm.com",
		"custom":      "",
	}
	if len(ps) != len(want) {
		t.Errorf("got %d built-in profiles, want %d", len(ps), len(want))
	}
	for _, p := range ps {
		inc, ok := want[p.ID]
		if !ok {
			t.Errorf("unexpected profile %q", p.ID)
		} else if p.SPFInclude != inc {
			t.Errorf("%s: SPF include %q, want %q", p.ID, p.SPFInclude, inc)
		}
		if p.SealingRecipient != "" {
			t.Errorf("%s: a built-in profile carries a sealing key, but no service published one", p.ID)
		}
	}
	if ps[len(ps)-1].ID != "custom" {
		t.Errorf("custom is not last: %s", ps[len(ps)-1].ID)
	}

	cw, err := LoadProvider("ClockWise")
	if err != nil {
		t.Fatal(err)
	}
	if cw.NoReplyAddress != "noreply@clockwise.info" || cw.DKIM.DefaultSelector != "clockwise" || !cw.Supports(NoReply) {
		t.Errorf("clockwise profile: %+v", cw)
	}
	so, _ := LoadProvider("spinoffice")
	if so.DKIM.Mode != "cname" || len(so.DKIM.CNAMEs) != 3 || so.DKIM.CNAMEs[2].Target != "mrsel3._domainkey.spinoffice-crm.com" {
		t.Errorf("spinoffice DKIM: %+v", so.DKIM)
	}
	pv, _ := LoadProvider("perfectview")
	if len(pv.RelayAllowlist) != 1 || pv.Supports(Hosted) {
		t.Errorf("perfectview: %+v", pv)
	}
}

// What each built-in profile says must be what the service's own manual
// says (../shared/seeds): an admin compares the two.
func TestBuiltinProfilesStateTheManuals(t *testing.T) {
	load := func(id string) *Provider {
		t.Helper()
		p, err := LoadProvider(id)
		if err != nil {
			t.Fatal(err)
		}
		return p
	}
	cw := load("clockwise")
	// The sample DKIM record in ClockWise's manual is RSA; nothing says it
	// verifies Ed25519.
	if !cw.DKIM.AllowsAlgorithm("rsa2048") || cw.DKIM.AllowsAlgorithm("ed25519") {
		t.Errorf("clockwise DKIM algorithms %v, want RSA only", cw.DKIM.Algorithms)
	}
	if !strings.Contains(cw.SubsystemsNote, "not be available yet") {
		t.Errorf("clockwise subsystems note %q", cw.SubsystemsNote)
	}
	if len(cw.SPFFallback) != 1 || cw.SPFFallback[0] != "ip4:217.115.198.76" {
		t.Errorf("clockwise single sending address: %v", cw.SPFFallback)
	}
	sw := load("spacewell")
	if !sw.DKIM.AllowsAlgorithm("rsa2048") || sw.DKIM.AllowsAlgorithm("rsa3072") || sw.DKIM.AllowsAlgorithm("rsa1024") || sw.DKIM.AllowsAlgorithm("ed25519") || !sw.DKIM.Import {
		t.Errorf("spacewell DKIM %+v, want RSA-2048 only, import allowed", sw.DKIM)
	}
	if !sw.Supports(NoReply) || sw.Transports[0] != NoReply {
		t.Errorf("spacewell sends from its own servers by default: transports %v", sw.Transports)
	}
	so := load("spinoffice")
	if !strings.Contains(so.DKIM.Requires, "Pro") {
		t.Errorf("spinoffice DKIM requires %q, want the Pro edition", so.DKIM.Requires)
	}
	pv := load("perfectview")
	r := pv.AllowlistRanges()
	if len(r) != 1 || r[0].String() != "212.61.168.0/27" || r[0].AsWritten != "212.61.168.1/27" ||
		!strings.Contains(r[0].Display(), "212.61.168.1/27") || !strings.Contains(r[0].Display(), "212.61.168.31") {
		t.Errorf("perfectview allow-list %+v (%s)", r, r[0].Display())
	}
	if pv.Support.Phone == "" {
		t.Errorf("perfectview's manual names a support phone number")
	}
}

func TestLoadProviderFile(t *testing.T) {
	dir := t.TempDir()
	write := func(body string) string {
		t.Helper()
		p := filepath.Join(dir, "profile.json")
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	good := `{"id": "acme", "name": "Acme Mailer", "transports": ["hosted"], "spf_include": "spf.acme.example",
	  "sending_ranges": ["192.0.2.0/24", "2001:db8::/32"], "dkim": {"mode": "generate", "default_selector": "acme"},
	  "sealing_recipient": "age1wftjz8hfn9wcd84pq5lcypscy6f8rcttcpk99qhca9apyh3yk5tse25htf"}`
	p, err := LoadProvider(write(good))
	if err != nil {
		t.Fatalf("good profile: %v", err)
	}
	if p.ID != "acme" || len(p.SendingRanges) != 2 {
		t.Errorf("loaded %+v", p)
	}

	test := func(body, field, says string) {
		t.Helper()
		_, err := LoadProvider(write(body))
		if err == nil {
			t.Errorf("profile accepted: %s", body)
			return
		}
		if FirstField(err) != field || !strings.Contains(err.Error(), says) {
			t.Errorf("error %q, want field %q saying %q", err, field, says)
		}
	}
	base := func(repl ...string) string { return strings.NewReplacer(repl...).Replace(good) }
	test(base(`"spf.acme.example"`, `"spf acme.example"`), "spf_include", "contains ' '")
	test(base(`"192.0.2.0/24"`, `"192.0.2.1/24"`), "sending_ranges[0]", "write 192.0.2.0/24")
	test(base(`"192.0.2.0/24"`, `"192.0.2.0/33"`), "sending_ranges[0]", "not an IP range")
	test(base(`"generate"`, `"cname"`), "dkim.cnames", "cname")
	test(base(`"hosted"`, `"fax"`), "transports[0]", `"fax"`)
	test(base(`"acme"`, `"ACME Inc"`), "id", "lower-case")
	test(base(`"age1wftjz8hfn9wcd84pq5lcypscy6f8rcttcpk99qhca9apyh3yk5tse25htf"`, `"age1wftjz8hfn9wcd84pq5lcypscy6f8rcttcpk99qhca9apyh3yk5tse25htq"`), "sealing_recipient", "age X25519")
	test(base(`"id"`, `"colour": "blue", "id"`), "colour", "not a field of this format")
	test(`{"id": "x"`, "", "cut off")
	test(`{"id": "x",}`, "", "line 1, column 12")

	if _, err := os.Stat("/dev/zero"); err == nil {
		// A device would otherwise be read forever.
		if _, err := LoadProvider("/dev/zero"); err == nil || !strings.Contains(err.Error(), "not a regular file") {
			t.Errorf("LoadProvider(/dev/zero) = %v", err)
		}
		if _, err := ReadFile("/dev/zero"); !errors.Is(err, ErrNotConfig) {
			t.Errorf("ReadFile(/dev/zero) = %v", err)
		}
	}
	if _, err := LoadProvider("no-such-service"); !errors.Is(err, ErrUnknownProvider) || !strings.Contains(err.Error(), "clockwise") {
		t.Errorf("unknown provider: error = %v, want ErrUnknownProvider listing the built-in ones", err)
	}
}
