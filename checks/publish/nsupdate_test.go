package publish

import (
	"strings"
	"testing"

	"github.com/miekg/dns"

	"mailwizard/checks/dnsq"
)

// planFor is the plan that adds a TXT value at name, as Prepare makes it
// for a name that holds nothing.
func planFor(name, value string) *Plan {
	p := &Plan{Zone: &dnsq.Zone{Name: "example.nl."}, Primary: Primary{Addr: "192.0.2.53:53"},
		Steps: []Step{{Change: Change{Name: name, Type: dns.TypeTXT, Value: value}, Action: Add}}}
	p.Update = p.build()
	return p
}

// updateAdds parses the dry run's "update add" lines back into records,
// as nsupdate reads them (zone-file syntax).
func updateAdds(t *testing.T, text string) []dns.RR {
	t.Helper()
	var out []dns.RR
	for _, line := range strings.Split(text, "\n") {
		rest, ok := strings.CutPrefix(line, "update add ")
		if !ok {
			continue
		}
		rr, err := dns.NewRR(rest)
		if err != nil {
			t.Fatalf("the dry run's line %q does not parse: %v", line, err)
		}
		out = append(out, rr)
	}
	return out
}

func TestNsupdateQuotesWhatTXTHolds(t *testing.T) {
	key := Key{Name: "mailwizard.", Algorithm: dns.HmacSHA256, Secret: "c2VjcmV0"}
	for _, value := range []string{
		"v=spf1 -all",
		`v=DKIM1; n=a "quoted" note; p=abc\def`,
		"v=spf1 exp=%{d} ip4:192.0.2.1 ~all",
		strings.Repeat("x", 255) + "; " + strings.Repeat("y", 300),
		"bytes \x00\x7f\xff and a tab\t",
	} {
		text := Nsupdate(planFor("s1._domainkey.example.nl.", value), key)
		if strings.Contains(text, "c2VjcmV0") || !strings.Contains(text, "key hmac-sha256:mailwizard "+SecretPlaceholder+"\n") {
			t.Fatalf("the key line:\n%s", text)
		}
		adds := updateAdds(t, text)
		if len(adds) != 1 {
			t.Fatalf("%d update add lines:\n%s", len(adds), text)
		}
		if got := (&dnsq.Result{Records: adds}).TXT(); len(got) != 1 || got[0] != value {
			t.Errorf("%q reads back from the dry run as %q", value, got)
		}
	}
}

// Whatever a TXT value holds, the dry run's line and the message on the
// wire both carry exactly its bytes, in strings of at most 255.
func FuzzNsupdateTXT(f *testing.F) {
	for _, s := range []string{"v=spf1 -all", `"\`, "\\065", strings.Repeat("a", 256), "\x00\xff", "( ) ; $ORIGIN"} {
		f.Add(s)
	}
	key := Key{Name: "mailwizard.", Algorithm: dns.HmacSHA256, Secret: "c2VjcmV0"}
	f.Fuzz(func(t *testing.T, value string) {
		if value == "" || len(value) > 4000 {
			return
		}
		plan := planFor("s1._domainkey.example.nl.", value)
		adds := updateAdds(t, Nsupdate(plan, key))
		if len(adds) != 1 {
			t.Fatalf("%d update add lines", len(adds))
		}
		if got := (&dnsq.Result{Records: adds}).TXT(); len(got) != 1 || got[0] != value {
			t.Fatalf("dry run: %q reads back as %q", value, got)
		}
		wire, err := plan.Update.Pack()
		if err != nil {
			t.Fatal(err)
		}
		var m dns.Msg
		if err := m.Unpack(wire); err != nil {
			t.Fatal(err)
		}
		txt := m.Ns[0].(*dns.TXT)
		if got := (&dnsq.Result{Records: []dns.RR{txt}}).TXT(); got[0] != value {
			t.Fatalf("wire: %q arrives as %q", value, got[0])
		}
		for _, s := range txt.Txt {
			if len((&dnsq.Result{Records: []dns.RR{&dns.TXT{Txt: []string{s}}}}).TXT()[0]) > 255 {
				t.Fatalf("a string longer than 255 bytes: %q", s)
			}
		}
	})
}
