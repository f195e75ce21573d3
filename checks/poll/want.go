// Package poll watches DNS until the records the admin was asked to
// publish are there: on every authoritative server of the zone, asked
// directly, which know a record the moment it is published, and on the
// recursive resolvers, which may still hold an earlier "no such record"
// for the zone's negative TTL (RFC 2308) and so tell when they will see it.
package poll

import (
	"fmt"
	"strings"

	"github.com/miekg/dns"

	"mailwizard/checks/dnsq"
)

// Want is a record that must be published, and how to tell it is right.
type Want struct {
	Label string // for people: "SPF", "DKIM clockwise"
	Name  string // the full name
	Type  uint16
	// Judge looks at the values found (TXT strings joined, CNAME or MX
	// targets) and says whether the record is right, and if not, which
	// published value is wrong ("" when there is none at all).
	Judge func(values []string) (ok bool, wrong string)
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

// TXTEquals wants a TXT record with exactly value (a DKIM key).
func TXTEquals(value string) func([]string) (bool, string) {
	return func(vs []string) (bool, string) {
		for _, v := range vs {
			if v == value {
				return true, ""
			}
		}
		return false, strings.Join(vs, " | ")
	}
}

// SPFIncludes wants the one SPF record to contain include:target.
func SPFIncludes(target string) func([]string) (bool, string) {
	want := "include:" + strings.ToLower(strings.TrimSuffix(target, "."))
	return func(vs []string) (bool, string) {
		var spf []string
		for _, v := range vs {
			if strings.HasPrefix(strings.ToLower(v), "v=spf1") {
				spf = append(spf, v)
			}
		}
		if len(spf) == 1 {
			for _, term := range strings.Fields(strings.ToLower(spf[0])) {
				if strings.TrimLeft(term, "+") == want {
					return true, ""
				}
			}
		}
		return false, strings.Join(spf, " | ")
	}
}

// TargetIs wants a CNAME or MX pointing to target.
func TargetIs(target string) func([]string) (bool, string) {
	want := strings.ToLower(strings.TrimSuffix(target, "."))
	return func(vs []string) (bool, string) {
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
