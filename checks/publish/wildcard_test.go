package publish_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/miekg/dns"

	"mailwizard/checks/publish"
)

// A zone whose wildcard says that no name below it sends mail (*.example.nl
// TXT "v=spf1 -all", as guides advise): BIND answers a DKIM selector's
// name with that record, as if the name held it. It is the wildcard's,
// not the name's: the key is added (the prerequisites compare literal
// names, RFC 2136 section 1.1.3), and the wildcard stays for the names it
// guards. A name that holds a record of its own is still a conflict; one
// that holds the wildcard's very record is refused by the server.
func TestPublishBesideAWildcard(t *testing.T) {
	w := newWorldWith(t, zoneText+"* IN TXT \"v=spf1 -all\"\nheld IN TXT \"v=spf1 mx -all\"\nsame IN TXT \"v=spf1 -all\"\n")
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	dkim := dkimValue(t)
	key := []publish.Change{{Label: "DKIM clockwise", Name: "clockwise._domainkey.example.nl", Type: dns.TypeTXT, Value: dkim}}
	if got := joined(w.primary.TXT(t, "clockwise._domainkey.example.nl")); !slices.Equal(got, []string{"v=spf1 -all"}) {
		t.Fatalf("BIND answers the selector with %q, not the wildcard's record", got)
	}
	plan, err := publish.Prepare(ctx, w.client, "example.nl", "", key)
	if err != nil {
		t.Fatalf("%v\n%+v", err, publish.Explain(err))
	}
	if plan.Steps[0].Action != publish.Add {
		t.Errorf("action %s, want add", plan.Steps[0].Action)
	}
	if _, err := publish.Send(ctx, plan, w.key, nil); err != nil {
		t.Fatalf("%v\n%+v", err, publish.Explain(err))
	}
	if got := joined(w.primary.TXT(t, "clockwise._domainkey.example.nl")); !slices.Equal(got, []string{dkim}) {
		t.Errorf("the selector holds %q", got)
	}
	if got := joined(w.primary.TXT(t, "www.example.nl")); !slices.Equal(got, []string{"v=spf1 -all"}) {
		t.Errorf("the wildcard no longer answers for www: %q", got)
	}

	_, err = publish.Prepare(ctx, w.client, "example.nl", "", []publish.Change{{Name: "held.example.nl", Type: dns.TypeTXT, Value: dkim}})
	if f := publish.Explain(err); f.Code != "publish.conflict" {
		t.Errorf("a name that holds a record of its own: %+v", f)
	}
	plan, err = publish.Prepare(ctx, w.client, "example.nl", "", []publish.Change{{Name: "same.example.nl", Type: dns.TypeTXT, Value: dkim}})
	if err == nil {
		_, err = publish.Send(ctx, plan, w.key, nil)
	}
	if f := publish.Explain(err); f.Code != "publish.yxrrset" || !slices.Equal(joined(w.primary.TXT(t, "same.example.nl")), []string{"v=spf1 -all"}) {
		t.Errorf("a name that holds the wildcard's very record: %+v", f)
	}
}
