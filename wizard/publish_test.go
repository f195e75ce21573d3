package wizard

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/miekg/dns"

	"mailwizard/checks/dnsq"
	"mailwizard/checks/dnsq/dnstest"
	"mailwizard/transports"
	"mailwizard/transports/dkimkey"
	"mailwizard/transports/secrets"
)

// The DNS step's records become the updates that publish them: the SPF
// record in place of the one it was made from, a DKIM key judged as
// checks/dkim judges it (spaced otherwise, it is the same key), CNAMEs;
// a record without a value cannot be published.
func TestChangesFromRecords(t *testing.T) {
	cw, _ := transports.LoadProvider("clockwise")
	value := "v=DKIM1; k=ed25519; p=11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo="
	records := Records(cw, "example.nl", "example.nl", SPFRecord{Value: "v=spf1 include:_spf.clockwise.info -all", Replaces: []string{"v=spf1 -all"}},
		[]KeyRecord{{Selector: "clockwise", Value: value}})
	changes, err := Changes(records)
	if err != nil || len(changes) != 2 {
		t.Fatalf("%+v, %v", changes, err)
	}
	if c := changes[0]; !c.SPF || !slices.Equal(c.Replaces, []string{"v=spf1 -all"}) || c.Type != dns.TypeTXT || c.Name != "example.nl" {
		t.Errorf("SPF change %+v", c)
	}
	dkim := changes[1]
	if dkim.Same == nil || !dkim.Same("v=DKIM1;k=ed25519;  p=11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo=") || dkim.Same("v=DKIM1; k=ed25519; p=AAAA") {
		t.Error("the DKIM change does not judge keys as checks/dkim does")
	}

	so, _ := transports.LoadProvider("spinoffice")
	changes, err = Changes(Records(so, "example.nl", "example.nl", SPFRecord{Value: "v=spf1 include:spf.spinoffice-crm.com -all"}, nil))
	if err != nil || len(changes) != 4 || changes[1].Type != dns.TypeCNAME || changes[1].Value != "mrsel1._domainkey.spinoffice-crm.com" {
		t.Errorf("CNAME changes %+v, %v", changes, err)
	}

	_, err = Changes(Records(cw, "example.nl", "example.nl", SPFRecord{Unknown: "no DNS answer"}, nil))
	if !errors.Is(err, ErrNoValue) || !strings.Contains(err.Error(), "SPF cannot be published yet: no DNS answer") {
		t.Errorf("a record without a value: %v", err)
	}
}

// dns publish works the records out without a draft: the SPF record from
// the one published, the key of the selector from the keychain.
func TestPublishRecords(t *testing.T) {
	srv := dnstest.Start(t, "127.0.0.1:0")
	srv.MustAddZone(t, dnstest.SOA("example.nl", 300)+"\nexample.nl. 300 IN TXT \"v=spf1 mx -all\"")
	srv.MustAddZone(t, dnstest.SOA("clockwise.info", 300)+"\n_spf.clockwise.info. 300 IN TXT \"v=spf1 ip4:217.115.198.64/27 -all\"")
	store := secrets.NewMemory()
	env := &Env{DNS: &dnsq.Client{Pinned: srv.Addr, Timeout: time.Second}, Secrets: store}
	cw, _ := transports.LoadProvider("clockwise")
	if _, err := PublishRecords(context.Background(), env, "example.nl", cw, ""); !errors.Is(err, ErrNoKeyForSelector) ||
		!strings.Contains(err.Error(), "mailwizard dkim gen --domain example.nl --selector clockwise") {
		t.Errorf("no key kept: %v", err)
	}
	key, err := dkimkey.Generate(context.Background(), dkimkey.Ed25519)
	if err != nil {
		t.Fatal(err)
	}
	kept, err := KeepKey(store, "example.nl", "clockwise", key, false, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	records, err := PublishRecords(context.Background(), env, "example.nl", cw, "")
	if err != nil || len(records) != 2 {
		t.Fatalf("%+v, %v", records, err)
	}
	if records[0].Value != "v=spf1 mx include:_spf.clockwise.info -all" || !slices.Equal(records[0].Replaces, []string{"v=spf1 mx -all"}) || records[1].Value != kept.RecordValue {
		t.Errorf("records %+v", records)
	}
}
