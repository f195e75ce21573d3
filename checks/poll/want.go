// Package poll watches DNS until the records the admin was asked to
// publish are there: on every authoritative server of the zone, asked
// directly, which know a record the moment it is published, and on the
// recursive resolvers, which may still hold an earlier "no such record"
// for the zone's negative TTL (RFC 2308) and so tell when they will see it.
package poll

import (
	"context"
	"fmt"
	"strings"

	"github.com/miekg/dns"

	"mailwizard/checks/dkim"
	"mailwizard/checks/dnsq"
	"mailwizard/checks/spf"
	"mailwizard/transports"
)

// Want is a record that must be published, and how to tell it is right.
type Want struct {
	Label string // for people: "SPF", "DKIM clockwise"
	Name  string // the full name
	Type  uint16
	// Judge looks at the values found (TXT strings joined, CNAME or MX
	// targets) and says whether the record is right, and if not, which
	// published value is wrong ("" when there is none at all). It is the
	// same rule the checks use, never a second copy of it.
	Judge func(ctx context.Context, values []string) (ok bool, wrong string)
}

// values renders a result's records the way Judge sees them.
func values(r *dnsq.Result) []string {
	var out []string
	for _, rr := range r.Records {
		switch v := rr.(type) {
		case *dns.TXT:
			out = append(out, r.TXT()...)
			return out
		case *dns.CNAME:
			out = append(out, strings.TrimSuffix(strings.ToLower(v.Target), "."))
		case *dns.MX:
			out = append(out, strings.TrimSuffix(strings.ToLower(v.Mx), "."))
		default:
			out = append(out, rr.String())
		}
	}
	return out
}

// DKIMKey wants the key record checks/dkim accepts for exp: the same key
// however the panel spaced it, or any valid key when exp.Value is empty.
func DKIMKey(exp dkim.Expect) func(context.Context, []string) (bool, string) {
	return func(_ context.Context, vs []string) (bool, string) { return dkim.Matches(vs, exp) }
}

// SPFAuthorizes wants the domain's one SPF record to let p send: its
// include, directly or through another include, or the addresses it gives
// instead, as checks/spf decides it. r looks up the includes, which live
// in other zones.
func SPFAuthorizes(r dnsq.Resolver, p *transports.Provider) func(context.Context, []string) (bool, string) {
	return func(ctx context.Context, vs []string) (bool, string) {
		var records []string
		for _, v := range vs {
			if spf.IsSPF(v) {
				records = append(records, v)
			}
		}
		if len(records) == 1 && spf.AuthorizesProvider(ctx, r, records[0], p) {
			return true, ""
		}
		return false, strings.Join(records, " | ")
	}
}

// TargetIs wants a CNAME or MX pointing to target.
func TargetIs(target string) func(context.Context, []string) (bool, string) {
	want := strings.ToLower(strings.TrimSuffix(target, "."))
	return func(_ context.Context, vs []string) (bool, string) {
		for _, v := range vs {
			if v == want {
				return true, ""
			}
		}
		return false, strings.Join(vs, ", ")
	}
}

// String describes the want for logs and errors.
func (w Want) String() string {
	return fmt.Sprintf("%s (%s %s)", w.Label, w.Name, dns.TypeToString[w.Type])
}
