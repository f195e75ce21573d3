package wizard

import (
	"strings"
	"testing"

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
