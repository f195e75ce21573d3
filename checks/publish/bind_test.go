package publish_test

import (
	"context"
	"errors"
	"fmt"
	"os/exec"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/miekg/dns"

	"mailwizard/checks/dnsq"
	"mailwizard/checks/dnsq/dnstest"
	"mailwizard/checks/publish"
	"mailwizard/checks/publish/bindtest"
)

// Publishing into a zone that already has an SPF record replaces it (one
// SPF record after, the other TXT record at the apex untouched), adds a
// DKIM key of more than 255 bytes that reads back byte for byte in
// 255-byte strings, and the CNAMEs; the secondary gets it all through
// NOTIFY and IXFR; publishing again sends nothing.
func TestPublishIntoBIND(t *testing.T) {
	w := newWorld(t)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	dkim := dkimValue(t)
	// No server given: the update goes to the SOA's MNAME, ns1.
	plan, err := publish.Prepare(ctx, w.client, "example.nl", "", changes(dkim))
	if err != nil {
		t.Fatal(err)
	}
	if plan.Primary.Addr != w.primary.Addr || plan.Primary.Host != "ns1.example.nl" || plan.Primary.Given {
		t.Errorf("primary %+v, want ns1 at %s", plan.Primary, w.primary.Addr)
	}
	var actions []publish.Action
	for _, s := range plan.Steps {
		actions = append(actions, s.Action)
	}
	if !slices.Equal(actions, []publish.Action{publish.Replace, publish.Add, publish.Add, publish.Add}) {
		t.Errorf("actions %v", actions)
	}
	dry := publish.Nsupdate(plan, w.key)
	for _, want := range []string{
		"server 127.0.0.1 " + w.primary.Port + "\n",
		"zone example.nl.\n",
		"key hmac-sha256:mailwizard " + publish.SecretPlaceholder + "\n",
		"prereq yxrrset example.nl. IN TXT \"" + oldSPF + "\"\n",
		"prereq yxrrset example.nl. IN TXT \"google-site-verification=4ea1b2c3\"\n",
		"prereq nxrrset clockwise._domainkey.example.nl. TXT\n",
		"prereq nxrrset clockwise._domainkey.example.nl. CNAME\n",
		"prereq nxdomain mrsel1._domainkey.example.nl.\n",
		"update delete example.nl. IN TXT \"" + oldSPF + "\"\n",
		"update add example.nl. 300 IN TXT \"" + newSPF + "\"\n",
		"update add clockwise._domainkey.example.nl. 3600 IN TXT \"" + dkim[:255] + "\" \"" + dkim[255:] + "\"\n",
		"update add mrsel2._domainkey.example.nl. 3600 IN CNAME mrsel2._domainkey.spinoffice-crm.com.\n",
		"send\n",
	} {
		if !strings.Contains(dry, want) {
			t.Errorf("the dry run lacks %q:\n%s", want, dry)
		}
	}
	if strings.Contains(dry, w.key.Secret) {
		t.Fatal("the dry run shows the secret")
	}
	if got := joined(w.primary.TXT(t, "clockwise._domainkey.example.nl")); len(got) != 0 {
		t.Fatalf("the dry run changed the zone: %v", got)
	}

	before := w.primary.Serial(t, "example.nl")
	res, err := publish.Send(ctx, plan, w.key, nil)
	if err != nil {
		t.Fatalf("%v\n%+v", err, publish.Explain(err))
	}
	if res.Sent != 4 || res.Serial <= before {
		t.Errorf("result %+v, serial before %d", res, before)
	}
	for _, srv := range []string{"primary", "secondary"} {
		s := w.primary
		if srv == "secondary" {
			s = w.secondary
			waitSerial(t, s, res.Serial)
		}
		apex := joined(s.TXT(t, "example.nl"))
		slices.Sort(apex)
		if !slices.Equal(apex, []string{"google-site-verification=4ea1b2c3", newSPF}) {
			t.Errorf("%s: apex TXT %q, want the new SPF record in place of the old", srv, apex)
		}
		key := s.TXT(t, "clockwise._domainkey.example.nl")
		if len(key) != 1 || len(key[0]) != 2 || len(key[0][0]) != 255 || strings.Join(key[0], "") != dkim {
			t.Errorf("%s: DKIM record %q, want %q in 255-byte strings", srv, key, dkim)
		}
		if got := cname(t, s, "mrsel1._domainkey.example.nl"); got != "mrsel1._domainkey.spinoffice-crm.com." {
			t.Errorf("%s: CNAME mrsel1 -> %q", srv, got)
		}
	}

	again, err := publish.Prepare(ctx, w.client, "example.nl", "", changes(dkim))
	if err != nil {
		t.Fatal(err)
	}
	if again.Pending() {
		t.Errorf("publishing again sends:\n%s", publish.Nsupdate(again, w.key))
	}
	serial := w.primary.Serial(t, "example.nl")
	res, err = publish.Send(ctx, again, w.key, nil)
	if err != nil || res.Sent != 0 || w.primary.Serial(t, "example.nl") != serial {
		t.Errorf("sending a plan with nothing in it: %+v, %v; serial %d -> %d", res, err, serial, w.primary.Serial(t, "example.nl"))
	}
}

// waitSerial waits until s serves the zone at serial or later.
func waitSerial(t testing.TB, s interface {
	Serial(testing.TB, string) uint32
}, serial uint32) {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for s.Serial(t, "example.nl") < serial {
		if time.Now().After(deadline) {
			t.Fatalf("the secondary did not reach serial %d", serial)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// Each refusal is told apart and explained: a wrong secret (BADSIG), a
// key the server does not know (BADKEY), a key not allowed the names
// (REFUSED, with the policy that allows them), a clock an hour off
// (BADTIME, with the server's time); the zone stays as it was.
func TestPublishRefusals(t *testing.T) {
	w := newWorld(t)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	dkim := dkimValue(t)
	plan, err := publish.Prepare(ctx, w.client, "example.nl", "", changes(dkim))
	if err != nil {
		t.Fatal(err)
	}
	otherSecret := w.key
	otherSecret.Secret = w.narrow.Secret
	unknown := w.key
	unknown.Name = "nobody."
	wrongAlgorithm := w.key
	wrongAlgorithm.Algorithm = "hmac-sha512."
	hourAhead := func() time.Time { return time.Now().Add(time.Hour) }
	test := func(key publish.Key, now func() time.Time, code string, words ...string) {
		t.Helper()
		_, err := publish.Send(ctx, plan, key, now)
		if !errors.Is(err, publish.ErrNotPublished) {
			t.Fatalf("%s: err %v", code, err)
		}
		f := publish.Explain(err)
		if f.Code != code || f.Temporary {
			t.Errorf("finding %+v, want code %s", f, code)
		}
		for _, want := range words {
			if !strings.Contains(f.Message+" "+f.Fix, want) {
				t.Errorf("%s: %q\n%q\nlacks %q", code, f.Message, f.Fix, want)
			}
		}
	}
	test(otherSecret, nil, "publish.badsig", "BADSIG", `key "mailwizard" { algorithm hmac-sha256;`)
	test(unknown, nil, "publish.badkey", "does not know a key nobody", "key statement")
	test(wrongAlgorithm, nil, "publish.badkey", "with algorithm hmac-sha512")
	test(w.narrow, nil, "publish.refused", "REFUSED", "narrow may not change example.nl TXT, clockwise._domainkey.example.nl TXT",
		"update-policy { grant narrow name example.nl. TXT; grant narrow name clockwise._domainkey.example.nl. TXT; grant narrow name mrsel1._domainkey.example.nl. CNAME;")
	test(w.key, hourAhead, "publish.badtime", "BADTIME", "1h0m0s (the server is behind)", "server's clock says "+time.Now().UTC().Format("2006-01-02 15:"))

	apex := joined(w.primary.TXT(t, "example.nl"))
	if !slices.Contains(apex, oldSPF) || slices.Contains(apex, newSPF) || len(w.primary.TXT(t, "clockwise._domainkey.example.nl")) != 0 {
		t.Errorf("a refused update changed the zone: %q", apex)
	}
}

// The SPF record changes on the server between the dry run and the
// send (an admin edits it meanwhile): the prerequisite fails, and
// nothing of the update is applied, not even the records that did not
// conflict. Publishing again then refuses to undo that edit.
func TestPublishPrerequisiteFails(t *testing.T) {
	w := newWorld(t)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	dkim := dkimValue(t)
	plan, err := publish.Prepare(ctx, w.client, "example.nl", "", changes(dkim))
	if err != nil {
		t.Fatal(err)
	}
	edited := "v=spf1 include:spf.protection.outlook.com include:mailgun.org -all"
	edit, err := publish.Prepare(ctx, w.client, "example.nl", "", []publish.Change{
		{Label: "SPF", Name: "example.nl", Type: dns.TypeTXT, Value: edited, SPF: true, Replaces: []string{oldSPF}}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := publish.Send(ctx, edit, w.key, nil); err != nil {
		t.Fatal(err)
	}
	serial := w.primary.Serial(t, "example.nl")

	_, err = publish.Send(ctx, plan, w.key, nil)
	f := publish.Explain(err)
	if f.Code != "publish.nxrrset" || !strings.Contains(f.Message, "changed between reading them and sending") || !strings.HasPrefix(f.Fix, "Look again") {
		t.Errorf("finding %+v", f)
	}
	apex := joined(w.primary.TXT(t, "example.nl"))
	if !slices.Contains(apex, edited) || len(apex) != 2 || len(w.primary.TXT(t, "clockwise._domainkey.example.nl")) != 0 ||
		cname(t, w.primary, "mrsel1._domainkey.example.nl") != "" || w.primary.Serial(t, "example.nl") != serial {
		t.Errorf("the failed update changed the zone: apex %q", apex)
	}

	_, err = publish.Prepare(ctx, w.client, "example.nl", "", changes(dkim))
	if f := publish.Explain(err); f.Code != "publish.changed" || !strings.Contains(f.Message, edited) {
		t.Errorf("preparing again over the edited record: %+v", f)
	}

	// A key appears under the selector between the dry run and the send:
	// YXRRSET, and the key there stays.
	key := []publish.Change{{Name: "s9._domainkey.example.nl", Type: dns.TypeTXT, Value: dkim}}
	plan, err = publish.Prepare(ctx, w.client, "example.nl", "", key)
	if err != nil {
		t.Fatal(err)
	}
	theirs := dkimValue(t)
	other, err := publish.Prepare(ctx, w.client, "example.nl", "", []publish.Change{{Name: "s9._domainkey.example.nl", Type: dns.TypeTXT, Value: theirs}})
	if err == nil {
		_, err = publish.Send(ctx, other, w.key, nil)
	}
	if err != nil {
		t.Fatal(err)
	}
	_, err = publish.Send(ctx, plan, w.key, nil)
	if f := publish.Explain(err); f.Code != "publish.yxrrset" || !strings.HasPrefix(f.Fix, "Look again") {
		t.Errorf("a key added meanwhile: %+v", f)
	}
	if got := joined(w.primary.TXT(t, "s9._domainkey.example.nl")); len(got) != 1 || got[0] != theirs {
		t.Errorf("the selector holds %q", got)
	}
}

// A DKIM selector that holds another key, or a CNAME where a key is to
// go, is not overwritten: the plan stops before sending.
func TestPublishConflicts(t *testing.T) {
	w := newWorld(t)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	other := dkimValue(t)
	for _, ch := range []publish.Change{
		{Name: "clockwise._domainkey.example.nl", Type: dns.TypeTXT, Value: other},
		{Name: "s2._domainkey.example.nl", Type: dns.TypeCNAME, Value: "s2.example.com"},
	} {
		plan, err := publish.Prepare(ctx, w.client, "example.nl", "", []publish.Change{ch})
		if err == nil {
			_, err = publish.Send(ctx, plan, w.key, nil)
		}
		if err != nil {
			t.Fatal(err)
		}
	}
	for _, ch := range []publish.Change{
		{Name: "clockwise._domainkey.example.nl", Type: dns.TypeTXT, Value: dkimValue(t)},
		{Name: "s2._domainkey.example.nl", Type: dns.TypeTXT, Value: dkimValue(t)},
		{Name: "s2._domainkey.example.nl", Type: dns.TypeCNAME, Value: "s2.example.org"},
	} {
		_, err := publish.Prepare(ctx, w.client, "example.nl", "", []publish.Change{ch})
		f := publish.Explain(err)
		if f.Code != "publish.conflict" || !strings.Contains(f.Message, strings.TrimSuffix(ch.Name, ".")+" already holds") {
			t.Errorf("%s %s: %+v", ch.Name, dns.TypeToString[ch.Type], f)
		}
	}
	if got := joined(w.primary.TXT(t, "clockwise._domainkey.example.nl")); len(got) != 1 || got[0] != other {
		t.Errorf("the key under the selector is now %q", got)
	}

	// A CNAME where other records are, which reading the CNAME does not
	// show: the server refuses it on the prerequisite (YXDOMAIN).
	mx, err := publish.Prepare(ctx, w.client, "example.nl", "", []publish.Change{{Name: "bounce.example.nl", Type: dns.TypeMX, Value: "mx.example.com"}})
	if err == nil {
		_, err = publish.Send(ctx, mx, w.key, nil)
	}
	if err != nil {
		t.Fatal(err)
	}
	plan, err := publish.Prepare(ctx, w.client, "example.nl", "", []publish.Change{{Name: "bounce.example.nl", Type: dns.TypeCNAME, Value: "bounce.example.com"}})
	if err != nil {
		t.Fatal(err)
	}
	_, err = publish.Send(ctx, plan, w.key, nil)
	if f := publish.Explain(err); f.Code != "publish.yxdomain" || !strings.Contains(f.Fix, "A CNAME must stand alone") {
		t.Errorf("a CNAME beside an MX: %+v", f)
	}
	if cname(t, w.primary, "bounce.example.nl") != "" {
		t.Error("the CNAME was added beside the MX")
	}
}

// Without a NOTIFY the secondary keeps the old serial: it is named, with
// both serials, until it transfers the zone.
func TestPublishSecondaryLags(t *testing.T) {
	key := bindtest.NewKey("mailwizard", "hmac-sha256")
	primary := bindtest.Start(t, bindtest.Config{Keys: []bindtest.Key{key}, Zones: []bindtest.Zone{{
		Name: "example.nl", Text: zoneText, Policy: []string{"grant mailwizard zonesub ANY;"}}}})
	secondary := bindtest.Start(t, bindtest.Config{Zones: []bindtest.Zone{{Name: "example.nl", Primary: "127.0.0.1 port " + primary.Port}}})
	resolver := dnstest.Start(t, "127.0.0.1:0")
	resolver.MustAddZone(t, zoneText)
	c := &dnsq.Client{Servers: []string{resolver.Addr}, Timeout: time.Second,
		AuthAddrs: map[string]string{"ns1.example.nl.": primary.Addr, "ns2.example.nl.": secondary.Addr}}
	k, _ := publish.NewKey(key.Name, key.Algorithm, key.Secret)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	plan, err := publish.Prepare(ctx, c, "example.nl", "", changes(dkimValue(t)))
	if err != nil {
		t.Fatal(err)
	}
	res, err := publish.Send(ctx, plan, k, nil)
	if err != nil {
		t.Fatal(err)
	}
	lag := publish.Lagging(ctx, c, plan.Zone, res.Serial)
	if len(lag) != 1 || lag[0].Nameserver != "ns2.example.nl" || lag[0].Serial != 2026120101 || lag[0].Want != res.Serial {
		t.Fatalf("lagging %+v", lag)
	}
	want := fmt.Sprintf("ns2.example.nl still serves serial 2026120101, the primary %d: the primary's NOTIFY and the zone transfer (IXFR) have not reached it yet; without a NOTIFY it asks again within the SOA refresh time of 2h0m0s", res.Serial)
	if got := lag[0].Text().String(); got != want {
		t.Errorf("lag in words:\n%s\nwant\n%s", got, want)
	}
	secondary.Stop()
	if lag := publish.Lagging(ctx, c, plan.Zone, res.Serial); len(lag) != 1 || lag[0].Err == nil || !strings.Contains(lag[0].Text().String(), "ns2.example.nl did not answer") {
		t.Errorf("a stopped secondary: %+v", lag)
	}
}

// The dry run is the update: fed to BIND's own nsupdate with the secret
// filled in, it publishes exactly what Send would, so that preparing
// again finds every record there.
func TestNsupdateTakesTheDryRun(t *testing.T) {
	nsupdate, err := exec.LookPath("nsupdate")
	if err != nil {
		t.Skip("nsupdate is not installed: apt-get install bind9-dnsutils (scripts/deps.sh test)")
	}
	w := newWorld(t)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	dkim := dkimValue(t)
	plan, err := publish.Prepare(ctx, w.client, "example.nl", "", changes(dkim))
	if err != nil {
		t.Fatal(err)
	}
	input := strings.Replace(publish.Nsupdate(plan, w.key), publish.SecretPlaceholder, w.key.Secret, 1)
	cmd := exec.CommandContext(ctx, nsupdate, "-v") // -v: TCP, as Send uses
	cmd.Stdin = strings.NewReader(input)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("nsupdate: %v\n%s\ninput:\n%s", err, out, input)
	}
	again, err := publish.Prepare(ctx, w.client, "example.nl", "", changes(dkim))
	if err != nil {
		t.Fatal(err)
	}
	if again.Pending() {
		t.Errorf("after nsupdate the plan still sends:\n%s", publish.Nsupdate(again, w.key))
	}
}

// An update given to the wrong server is told apart from a key problem:
// the secondary (which knows no key and forwards no update) is named
// with the primary the SOA gives; a server that does not serve the zone
// at all is found before anything is sent.
func TestPublishToTheWrongServer(t *testing.T) {
	w := newWorld(t)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	plan, err := publish.Prepare(ctx, w.client, "example.nl", w.secondary.Addr, changes(dkimValue(t)))
	if err != nil {
		t.Fatal(err)
	}
	_, err = publish.Send(ctx, plan, w.key, nil)
	if f := publish.Explain(err); f.Code != "publish.badkey" || !strings.Contains(f.Fix, "The SOA names ns1.example.nl as the primary of example.nl: "+w.secondary.Addr+" may be a secondary") {
		t.Errorf("sent to the secondary: %+v", f)
	}
	other := bindtest.Start(t, bindtest.Config{Zones: []bindtest.Zone{{Name: "other.nl", Text: strings.ReplaceAll(zoneText, "example.nl.", "other.nl.")}}})
	_, err = publish.Prepare(ctx, w.client, "example.nl", other.Addr, changes(dkimValue(t)))
	if f := publish.Explain(err); f.Code != "publish.notauth" || !strings.Contains(f.Message, other.Addr+" is not the primary of example.nl") ||
		!strings.HasPrefix(f.Fix, "Give the primary of example.nl as the server") {
		t.Errorf("a server without the zone: %+v", f)
	}
}
