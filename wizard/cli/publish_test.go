package cli

import (
	"bytes"
	"context"
	"errors"
	"os"
	"strings"
	"testing"
	"time"

	"mailwizard/checks/dnsq/dnstest"
	"mailwizard/checks/publish/bindtest"
	"mailwizard/transports/secrets"
)

// The customer's zone on their own BIND: ns1 the primary that takes
// updates signed with the key "mailwizard", ns2 its secondary.
const ownZone = `$ORIGIN example.nl.
$TTL 300
@   IN SOA ns1 hostmaster 2026120101 7200 3600 1209600 300
@   IN NS  ns1
@   IN NS  ns2
ns1 IN A   127.0.0.1
ns2 IN A   127.0.0.1
@   IN MX  0 example-nl.mail.protection.outlook.com.
@   IN TXT "v=spf1 include:spf.protection.outlook.com -all"
`

// ownDNS is that zone, a resolver that knows it and the services'
// includes, and the options that reach the two BIND servers by their NS
// names.
type ownDNS struct {
	primary, secondary *bindtest.Server
	resolver           *dnstest.Server
	key                bindtest.Key
	opts               []Option
}

func newOwnDNS(t testing.TB) *ownDNS {
	t.Helper()
	return newOwnDNSWith(t, ownZone)
}

// newOwnDNSWith is that world with another zone text.
func newOwnDNSWith(t testing.TB, ownZone string) *ownDNS {
	t.Helper()
	key := bindtest.NewKey("mailwizard", "hmac-sha256")
	own := bindtest.StartOwn(t, []bindtest.Key{key}, bindtest.Zone{Name: "example.nl", Text: ownZone, Policy: []string{"grant mailwizard zonesub ANY;"}},
		bindtest.Include("clockwise.info", "_spf.clockwise.info", "ip4:217.115.198.64/27"),
		bindtest.Include("spinoffice-crm.com", "spf.spinoffice-crm.com", "ip4:192.0.2.0/24"),
		bindtest.Include("protection.outlook.com", "spf.protection.outlook.com", "ip4:40.92.0.0/15"))
	old := publishPollInterval
	publishPollInterval = 50 * time.Millisecond
	t.Cleanup(func() { publishPollInterval = old })
	return &ownDNS{primary: own.Primary, secondary: own.Secondary, resolver: own.Resolver, key: key, opts: []Option{WithAuthAddrs(own.AuthAddrs)}}
}

func (o *ownDNS) run(t *testing.T, stdin string, args ...string) (int, string, string) {
	t.Helper()
	var out, errOut bytes.Buffer
	args = append(args, "--resolver", o.resolver.Addr)
	code := run(context.Background(), args, Stdio{In: strings.NewReader(stdin), Out: &out, Err: &errOut}, nil, o.opts...)
	return code, out.String(), errOut.String()
}

// The admin shows the update, sends it with --yes, and sees each name
// server get the records; again, nothing is sent; the secret is kept in
// the keychain until secrets forget.
func TestDNSPublish(t *testing.T) {
	o := newOwnDNS(t)
	store := secrets.NewMemory()
	withStore(t, store, nil)
	if code, _, errOut := o.run(t, "", "dkim", "gen", "--domain", "example.nl", "--selector", "clockwise", "--algo", "ed25519"); code != ExitOK {
		t.Fatalf("dkim gen: %s", errOut)
	}
	t.Setenv("TSIG_SECRET", o.key.Secret)
	publish := []string{"dns", "publish", "example.nl", "--provider", "clockwise", "--tsig-name", "mailwizard", "--tsig-secret-env", "TSIG_SECRET"}

	code, out, errOut := o.run(t, "", append(publish, "--dry-run")...)
	if code != ExitOK || strings.Contains(out+errOut, o.key.Secret) {
		t.Fatalf("dry run: exit %d\n%s%s", code, out, errOut)
	}
	for _, want := range []string{
		"The records for example.nl, on the primary ns1.example.nl (" + o.primary.Addr + "):",
		"replace: TXT example.nl (SPF)",
		"in place of: v=spf1 include:spf.protection.outlook.com -all",
		"add: TXT clockwise._domainkey.example.nl (DKIM clockwise)",
		"  update add example.nl. 300 IN TXT \"v=spf1 include:spf.protection.outlook.com include:_spf.clockwise.info -all\"",
		"  key hmac-sha256:mailwizard <secret, not shown>",
		"Dry run: nothing was sent.",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("the dry run lacks %q:\n%s", want, out)
		}
	}
	if len(o.primary.TXT(t, "clockwise._domainkey.example.nl")) != 0 {
		t.Fatal("the dry run published")
	}
	// Not without a yes: an empty answer is no, and no answer at all is
	// bad usage naming --yes.
	if code, out, _ := o.run(t, "\n", publish...); code != ExitOK || !strings.Contains(out, "Nothing was sent.") {
		t.Errorf("answered no: exit %d\n%s", code, out)
	}
	if code, _, errOut := o.run(t, "", publish...); code != ExitUsage || !strings.Contains(errOut, "--yes") {
		t.Errorf("no answer: exit %d\n%s", code, errOut)
	}

	code, out, errOut = o.run(t, "", append(publish, "--yes")...)
	if code != ExitOK {
		t.Fatalf("publish: exit %d\n%s%s", code, out, errOut)
	}
	if os.Getenv("MW_SHOW") != "" {
		t.Logf("stdout:\n%s\nstderr:\n%s", out, errOut)
	}
	for _, want := range []string{"ns1.example.nl (" + o.primary.Addr + ") took the update: 2 record(s)", "ns1.example.nl has every record", "ns2.example.nl has every record",
		"Every authoritative server has every record"} {
		if !strings.Contains(out, want) {
			t.Errorf("publishing says no %q:\n%s", want, out)
		}
	}
	if spf := o.secondary.TXT(t, "example.nl"); len(spf) != 1 || spf[0][0] != "v=spf1 include:spf.protection.outlook.com include:_spf.clockwise.info -all" {
		t.Errorf("the secondary's SPF: %q", spf)
	}
	if kept, err := store.Get(secrets.TSIGKeyRef("example.nl", "mailwizard")); err != nil || kept != o.key.Secret {
		t.Errorf("the secret in the keychain: %q, %v", kept, err)
	}

	// Again, with the secret from the keychain: nothing to send.
	code, out, _ = o.run(t, "", "dns", "publish", "example.nl", "--provider", "clockwise", "--tsig-name", "mailwizard")
	if code != ExitOK || !strings.Contains(out, "there already: TXT example.nl (SPF)") || !strings.Contains(out, "there is nothing to send") {
		t.Errorf("again: exit %d\n%s", code, out)
	}
	if code, _, _ := o.run(t, "", "secrets", "forget", "example.nl"); code != ExitOK {
		t.Fatal("secrets forget failed")
	}
	if _, err := store.Get(secrets.TSIGKeyRef("example.nl", "mailwizard")); !errors.Is(err, secrets.ErrNotFound) {
		t.Errorf("secrets forget left the TSIG secret: %v", err)
	}
}

// A refused update exits 1 with what to change on the server; bad input
// exits 2 naming the flag.
func TestDNSPublishRefusedAndBadInput(t *testing.T) {
	o := newOwnDNS(t)
	withStore(t, secrets.NewMemory(), nil)
	t.Setenv("WRONG", bindtest.NewKey("x", "hmac-sha256").Secret)
	base := []string{"dns", "publish", "example.nl", "--provider", "spinoffice", "--tsig-name", "mailwizard"}
	code, _, errOut := o.run(t, "", append(base, "--tsig-secret-env", "WRONG", "--yes")...)
	if code != ExitFindings || !strings.Contains(errOut, "publish.badsig") || !strings.Contains(errOut, `key "mailwizard" { algorithm hmac-sha256;`) {
		t.Errorf("a wrong secret: exit %d\n%s", code, errOut)
	}
	t.Setenv("CLAUSE", `key "other" { algorithm hmac-sha256; secret "`+o.key.Secret+`"; };`)
	for _, c := range []struct {
		args []string
		flag string
	}{
		{[]string{"--tsig-algo", "hmac-md5"}, "--tsig-algo: hmac-md5 is broken"},
		{[]string{"--tsig-name", "a b"}, "--tsig-name"},
		{[]string{"--tsig-secret-env", "NOT_SET_ANYWHERE"}, "--tsig-secret-env: the environment variable NOT_SET_ANYWHERE is empty"},
		{[]string{"--tsig-secret-env", "CLAUSE"}, `--tsig-secret-env: holds the key "other", not "mailwizard"`},
		{[]string{"--server", "127.0.0.1:99999"}, "--server: 99999 is not a TCP port"},
		{[]string{"--selector", "a_b"}, "--selector"},
		{[]string{"--tsig-secret-env", "WRONG", "--yes"}, "--selector: the keychain holds no DKIM key for selector \"clockwise\""},
	} {
		args := append(append([]string(nil), base...), c.args...)
		if c.flag[:10] == "--selector" && len(c.args) > 2 {
			args[4] = "clockwise"
		}
		code, _, errOut := o.run(t, "", args...)
		if code != ExitUsage || !strings.Contains(errOut, c.flag) {
			t.Errorf("%v: exit %d, want 2 naming %q:\n%s", c.args, code, c.flag, errOut)
		}
	}
	if code, _, errOut := o.run(t, "", "dns", "publish", "example.nl", "--provider", "perfectview", "--tsig-name", "mailwizard", "--dry-run"); code != ExitUsage ||
		!strings.Contains(errOut, "--provider: PerfectView asks for no DNS records") {
		t.Errorf("a service without records: exit %d\n%s", code, errOut)
	}
	if code, _, errOut := o.run(t, "", "dns", "publish", "example.nl", "--provider", "spinoffice"); code != ExitUsage || !strings.Contains(errOut, "--tsig-name is required") {
		t.Errorf("no key name: exit %d\n%s", code, errOut)
	}
}

// A domain with two SPF records (so that neither counts) and a Microsoft
// 365 verification record: dns publish merges the two into one that
// takes the place of both, and leaves the verification record.
func TestDNSPublishMendsTwoSPFRecords(t *testing.T) {
	o := newOwnDNSWith(t, ownZone+"@ IN TXT \"v=spf1 include:spf.spinoffice-crm.com ~all\"\n@ IN TXT \"MS=ms12345678\"\n")
	withStore(t, secrets.NewMemory(), nil)
	t.Setenv("TSIG_SECRET", o.key.Secret)
	code, out, errOut := o.run(t, "", "dns", "publish", "example.nl", "--provider", "spinoffice", "--tsig-name", "mailwizard", "--tsig-secret-env", "TSIG_SECRET", "--yes")
	if code != ExitOK {
		t.Fatalf("exit %d\n%s%s", code, out, errOut)
	}
	for _, want := range []string{"in place of: v=spf1 include:spf.protection.outlook.com -all", "in place of: v=spf1 include:spf.spinoffice-crm.com ~all"} {
		if !strings.Contains(out, want) {
			t.Errorf("the plan does not say %q:\n%s", want, out)
		}
	}
	var spfs []string
	verification := false
	for _, r := range o.primary.TXT(t, "example.nl") {
		v := strings.Join(r, "")
		switch {
		case strings.HasPrefix(v, "v=spf1"):
			spfs = append(spfs, v)
		case v == "MS=ms12345678":
			verification = true
		}
	}
	if len(spfs) != 1 || !strings.Contains(spfs[0], "include:spf.protection.outlook.com") || !strings.Contains(spfs[0], "include:spf.spinoffice-crm.com") || !verification {
		t.Errorf("the apex: SPF %q, the verification record kept %v", spfs, verification)
	}
}
