package wizard

import (
	"strings"
	"testing"

	"github.com/miekg/dns"

	"mailwizard/checks/dnsq"
	"mailwizard/transports"
)

// The zone fragment names every record the SPF record takes the place
// of: with two published, both, so that whoever pastes it deletes both.
func TestZoneFragmentNamesEveryRecordReplaced(t *testing.T) {
	cw, _ := transports.LoadProvider("clockwise")
	records := Records(cw, "example.nl", "example.nl", SPFRecord{Value: "v=spf1 mx include:_spf.clockwise.info -all",
		Replaces: []string{"v=spf1 mx -all", "v=spf1 include:mailgun.org ~all"}}, nil)
	zone := ZoneFragment(records, "example.nl", cw.Name)
	for _, want := range []string{"; SPF replaces: v=spf1 mx -all\n", "; SPF replaces: v=spf1 include:mailgun.org ~all\n",
		"example.nl. 3600 IN TXT \"v=spf1 mx include:_spf.clockwise.info -all\"\n"} {
		if !strings.Contains(zone, want) {
			t.Errorf("the fragment lacks %q:\n%s", want, zone)
		}
	}
}

// A TXT value with bytes outside printable ASCII (a tab, a non-ASCII
// letter) goes into the zone fragment as \DDD, as zone files write them:
// the fragment is plain ASCII to paste anywhere, and a zone parser reads
// back exactly the value's bytes.
func TestZoneFragmentEscapesTXT(t *testing.T) {
	cw, _ := transports.LoadProvider("clockwise")
	value := "v=spf1 include:_spf.clockwise.info\t-all \"é\" \\"
	zone := ZoneFragment(Records(cw, "example.nl", "example.nl", SPFRecord{Value: value}, nil), "example.nl", cw.Name)
	want := `example.nl. 3600 IN TXT "v=spf1 include:_spf.clockwise.info\009-all \"\195\169\" \\"` + "\n"
	if !strings.Contains(zone, want) {
		t.Errorf("the fragment:\n%s\nlacks\n%s", zone, want)
	}
	for _, c := range []byte(zone) {
		if c != '\n' && (c < 0x20 || c > 0x7e) {
			t.Fatalf("the fragment holds the byte %#x", c)
		}
	}
	zp := dns.NewZoneParser(strings.NewReader(zone), "", "")
	for rr, ok := zp.Next(); ok; rr, ok = zp.Next() {
		if got := (&dnsq.Result{Records: []dns.RR{rr}}).TXT(); len(got) != 1 || got[0] != value {
			t.Errorf("read back as %q, want %q", got, value)
		}
	}
	if err := zp.Err(); err != nil {
		t.Error(err)
	}
}
