package publish_test

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/miekg/dns"

	"mailwizard/checks/publish"
	"mailwizard/checks/spf"
)

// A domain with the error of two SPF records (RFC 7208 section 4.5: then
// neither counts) and a Microsoft 365 verification record beside them:
// the new record, made from both, takes the place of both in one update,
// and the verification record stays. A record made from one of the two
// only is refused, and the refusal counts what the server holds.
func TestPublishReplacesTwoSPFRecords(t *testing.T) {
	const second = "v=spf1 include:mailgun.org ~all"
	w := newWorldWith(t, zoneText+`@ IN TXT "`+second+`"`+"\n"+`@ IN TXT "MS=ms12345678"`+"\n")
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	merged := "v=spf1 include:spf.protection.outlook.com include:mailgun.org include:_spf.clockwise.info -all"
	change := func(replaces ...string) []publish.Change {
		return []publish.Change{{Label: "SPF", Name: "example.nl", Type: dns.TypeTXT, Value: merged, SPF: true, Replaces: replaces}}
	}

	_, err := publish.Prepare(ctx, w.client, "example.nl", "", change(oldSPF))
	if f := publish.Explain(err); f.Code != "publish.changed" || !strings.Contains(f.Message, "example.nl has 2 SPF records on the server") {
		t.Errorf("made from one of the two: %+v", f)
	}

	plan, err := publish.Prepare(ctx, w.client, "example.nl", "", change(second, oldSPF))
	if err != nil {
		t.Fatal(err)
	}
	dry := publish.Nsupdate(plan, w.key)
	for _, want := range []string{
		"update delete example.nl. IN TXT \"" + oldSPF + "\"\n",
		"update delete example.nl. IN TXT \"" + second + "\"\n",
		"prereq yxrrset example.nl. IN TXT \"MS=ms12345678\"\n",
		"update add example.nl. 300 IN TXT \"" + merged + "\"\n",
	} {
		if !strings.Contains(dry, want) {
			t.Errorf("the update lacks %q:\n%s", want, dry)
		}
	}
	if _, err := publish.Send(ctx, plan, w.key, nil); err != nil {
		t.Fatalf("%v\n%+v", err, publish.Explain(err))
	}
	apex := joined(w.primary.TXT(t, "example.nl"))
	var spfs []string
	for _, v := range apex {
		if spf.IsSPF(v) {
			spfs = append(spfs, v)
		}
	}
	if !slices.Equal(spfs, []string{merged}) || !slices.Contains(apex, "MS=ms12345678") || !slices.Contains(apex, "google-site-verification=4ea1b2c3") {
		t.Errorf("the apex holds %q: want one SPF record, the new one, and both verification records", apex)
	}
	again, err := publish.Prepare(ctx, w.client, "example.nl", "", change(second, oldSPF))
	if err != nil || again.Pending() {
		t.Errorf("publishing again: %v, pending %v", err, again != nil && again.Pending())
	}
}
