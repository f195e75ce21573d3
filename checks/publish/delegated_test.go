package publish_test

import (
	"context"
	"testing"
	"time"

	"github.com/miekg/dns"

	"mailwizard/checks/publish"
)

// _domainkey.example.nl delegated to other name servers (a DKIM host
// that runs the keys' zone): BIND answers a selector's name with a
// referral, not with authority. That is no wrong server: the name is in
// the child zone, which is named with its name servers, and its records
// belong on that zone's primary.
func TestPublishIntoADelegatedZone(t *testing.T) {
	w := newWorldWith(t, zoneText+"_domainkey IN NS ns1.dkimhost.example.\n_domainkey IN NS ns2.dkimhost.example.\n")
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	_, err := publish.Prepare(ctx, w.client, "example.nl", "", changes(dkimValue(t)))
	f := publish.Explain(err)
	want := "clockwise._domainkey.example.nl is in the zone _domainkey.example.nl, which example.nl delegates to other name servers (ns1.dkimhost.example, ns2.dkimhost.example): " +
		"an update for it must go to the primary of _domainkey.example.nl, not of example.nl"
	if f.Code != "publish.delegated" || f.Message != want || f.Fix != "mailwizard sends one update to one zone's primary: publish the records by hand, those under _domainkey.example.nl on the primary of _domainkey.example.nl." {
		t.Errorf("finding %+v", f)
	}
	// The records outside the child zone are still published.
	plan, err := publish.Prepare(ctx, w.client, "example.nl", "", changes(dkimValue(t))[:1])
	if err != nil || !plan.Pending() || plan.Steps[0].Change.Type != dns.TypeTXT {
		t.Errorf("the SPF record alone: %v", err)
	}
}
