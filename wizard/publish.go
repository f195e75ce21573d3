package wizard

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/miekg/dns"

	"mailwizard/checks/dkim"
	"mailwizard/checks/domaincheck"
	"mailwizard/checks/publish"
	"mailwizard/texts"
	"mailwizard/transports"
	"mailwizard/transports/dkimkey"
	"mailwizard/transports/secrets"
)

// "Publish for me": the DNS step's records sent to the customer's own
// DNS server as one dynamic update signed with a TSIG key (checks/publish).
// The records are the step's own list, so the window, setup, `dns
// publish` and the zone fragment publish the same thing. The key's name,
// algorithm and server may stay in the draft; its secret stays in the
// keychain.

// TSIGKey is how the admin's DNS server is reached for an update: the
// key's name and algorithm and, when not the SOA's primary, the server.
type TSIGKey struct {
	Name      string `json:"name"`
	Algorithm string `json:"algorithm,omitempty"`
	Server    string `json:"server,omitempty"`
}

// ErrNoValue means a record has no value yet (the SPF record could not be
// worked out), so there is nothing to publish for it.
var ErrNoValue = errors.New("wizard: a record has no value yet")

// Changes turns the records into the updates that publish them: the SPF
// record in place of the one it was made from, DKIM keys judged the way
// checks/dkim judges them (the same key spaced otherwise is there
// already), CNAMEs and the bounce record.
func Changes(records []Record) ([]publish.Change, error) {
	var out []publish.Change
	for _, r := range records {
		if r.Value == "" {
			return nil, texts.Err(ErrNoValue, texts.T("wizard.publish.no-value", "%s cannot be published yet: %s", r.Label, orText(r.Note, "its value is not known")))
		}
		ch := publish.Change{Label: r.Label, Name: r.Name, Value: r.Value}
		switch r.Type {
		case "TXT":
			ch.Type = dns.TypeTXT
		case "CNAME":
			ch.Type = dns.TypeCNAME
		case "MX":
			ch.Type = dns.TypeMX
		default:
			return nil, fmt.Errorf("wizard: cannot publish a %s record", r.Type)
		}
		switch {
		case r.Label == "SPF":
			ch.SPF, ch.Replaces = true, r.Replaces
		case r.dkim != nil:
			exp := *r.dkim
			ch.Same = func(found string) bool {
				ok, _ := dkim.Matches([]string{found}, exp)
				return ok
			}
		}
		out = append(out, ch)
	}
	return out, nil
}

// PreparePublish reads the domain's primary and builds the update of the
// records: the plan a dry run shows. server overrides the primary.
func PreparePublish(ctx context.Context, env *Env, domain string, records []Record, server string) (*publish.Plan, error) {
	changes, err := Changes(records)
	if err != nil {
		return nil, err
	}
	return publish.Prepare(ctx, env.DNS, domain, server, changes)
}

// Published is an update the primary took.
type Published struct {
	publish.Result
	// NotKept says why the key's secret could not be kept in the
	// keychain: the records are published all the same, and the secret
	// is asked for again next time.
	NotKept error
}

// Warning words NotKept for people; zero when the secret was kept.
func (p *Published) Warning() texts.Text {
	if p == nil || p.NotKept == nil {
		return texts.Text{}
	}
	return texts.T("wizard.publish.not-kept", "The records are published, but the key's secret could not be kept in your keychain (%s): it will be asked for again next time.", p.NotKept)
}

// Publish sends the plan signed with key. Once the primary has taken
// it, the key's secret is kept in the keychain for the next time (a key
// the server refused is not kept; a keychain that fails then is a
// warning with the result, since the records are published), and the
// key's name, algorithm and the server given go into the draft.
func Publish(ctx context.Context, env *Env, s *State, domain string, plan *publish.Plan, key publish.Key, server string) (*Published, error) {
	// Signed at the system's time, not env.Now: the server checks the
	// signature's time against its own clock (RFC 8945 section 5.2.3),
	// while env.Now is the time the wizard shows and records.
	res, err := publish.Send(ctx, plan, key, nil)
	if err != nil {
		return nil, err
	}
	out := &Published{Result: *res}
	if res.Sent > 0 {
		out.NotKept = KeepTSIG(env.Secrets, domain, key)
	}
	if s != nil {
		s.TSIG = &TSIGKey{Name: strings.TrimSuffix(key.Name, "."), Algorithm: key.AlgorithmName(), Server: server}
	}
	return out, nil
}

// KeepTSIG puts a key's secret in the keychain under the domain.
func KeepTSIG(store secrets.Store, domain string, key publish.Key) error {
	if store == nil {
		return nil
	}
	return store.Set(secrets.TSIGKeyRef(domain, key.Name), key.Secret)
}

// TSIGSecret is the secret kept for a key of the domain, or
// secrets.ErrNotFound.
func TSIGSecret(store secrets.Store, domain, keyName string) (string, error) {
	if store == nil {
		return "", secrets.ErrNotFound
	}
	return store.Get(secrets.TSIGKeyRef(domain, keyName))
}

// ErrNoKeyForSelector means the keychain holds no DKIM key for the
// selector to publish.
var ErrNoKeyForSelector = errors.New("wizard: no DKIM key in the keychain for the selector")

// PublishNeedsKeychain reports whether PublishRecords reads the
// keychain for p: a profile whose DKIM key this wizard makes keeps its
// private key there, the record's source. Without it a keychain only
// keeps the TSIG secret for the next time, and may be missing.
func PublishNeedsKeychain(p *transports.Provider) bool { return p.DKIM.Mode == "generate" }

// PublishRecords are the records a provider needs under domain, for
// publishing without a draft (`mailwizard dns publish`): the SPF record
// worked out now from the one published, the DKIM key of selector (the
// profile's default when empty) from the keychain, or the profile's
// CNAMEs, and the bounce record.
func PublishRecords(ctx context.Context, env *Env, domain string, p *transports.Provider, selector string) ([]Record, error) {
	var sr SPFRecord
	if p.SPFInclude != "" || len(p.SPFFallback) > 0 || len(p.SendingRanges) > 0 {
		sr = spfRecord(&HostedPlan{SPF: domaincheck.PlanSPF(ctx, env.DNS, domain, p)})
	}
	var keys []KeyRecord
	if PublishNeedsKeychain(p) {
		if selector == "" {
			selector = p.DKIM.DefaultSelector
		}
		value, err := keyRecordValue(env.Secrets, domain, selector)
		if err != nil {
			return nil, err
		}
		keys = append(keys, KeyRecord{Selector: selector, Value: value})
	}
	return Records(p, domain, zoneOf(domain), sr, keys), nil
}

// keyRecordValue is the DKIM record of the private key kept for selector.
func keyRecordValue(store secrets.Store, domain, selector string) (string, error) {
	var pemData string
	err := secrets.ErrNotFound
	if store != nil && selector != "" {
		pemData, err = store.Get(secrets.DKIMKeyRef(domain, selector))
	}
	if err != nil {
		return "", texts.Err(ErrNoKeyForSelector, texts.T("wizard.publish.no-key",
			"the keychain holds no DKIM key for selector %q of %s: make one with mailwizard dkim gen --domain %s --selector %s, or import yours with mailwizard dkim import",
			selector, domain, domain, orText(selector, "S")))
	}
	key, _, err := dkimkey.Import([]byte(pemData), nil)
	if err != nil {
		return "", err
	}
	rec, err := dkimkey.NewRecord(key, domain, selector)
	if err != nil {
		return "", err
	}
	return rec.Value, nil
}
