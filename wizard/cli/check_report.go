package cli

// Output a support desk can act on after `check --domains` (issue 12): a
// CSV line per domain for scripts and spreadsheets, a summary table of
// how many domains are ready and which need which record, and the
// domains whose verdict changed since an earlier --json report.
//
// All three read a report through deskState, so a column of the CSV, a
// line of the summary and a change mean the same thing. A timeout or a
// server failure says nothing about a record (checks.Finding.Temporary):
// it is "unknown" there, never "false" or "missing".

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"
	"text/tabwriter"

	"mailwizard/checks"
	"mailwizard/checks/domaincheck"
	"mailwizard/texts"
	"mailwizard/wizard/i18n"
)

// unknown is a check's state when its only errors are temporary.
const unknown = "unknown"

// deskState is what a desk wants to know of one domain.
type deskState struct {
	SPF, DKIM, DMARC string // status: ok, warning, error, not-checked, or unknown
	// Include is "true" or "false" (the provider's SPF include is in the
	// record), unknown, or "" without a provider.
	Include string
	// Policy is the DMARC policy that applies (none, quarantine, reject),
	// "missing" without a record, "invalid" for a record without one,
	// unknown, or "" when DMARC was not checked.
	Policy string
	// First is the first definite error, else the first temporary one;
	// nil when there is no error.
	First *checks.Finding
}

func stateOf(r *domaincheck.Report) deskState {
	s := deskState{SPF: string(domaincheck.NotChecked), DKIM: string(domaincheck.NotChecked), DMARC: string(domaincheck.NotChecked)}
	if c := r.Checks.SPF; c != nil {
		s.SPF = verdict(c.Status, "spf", r.Findings)
		switch {
		case r.Provider == "":
		case s.SPF == unknown:
			s.Include = unknown
		default:
			s.Include = fmt.Sprint(c.IncludesProvider)
		}
	}
	if c := r.Checks.DKIM; c != nil {
		s.DKIM = verdict(c.Status, "dkim", r.Findings)
	}
	if c := r.Checks.DMARC; c != nil {
		s.DMARC = verdict(c.Status, "dmarc", r.Findings)
		switch {
		case c.Status == domaincheck.NotChecked:
		case c.Record == "" && lookupFailed("dmarc", r.Findings):
			s.Policy = unknown
		case c.Record == "":
			s.Policy = "missing"
		case c.Policy == "":
			s.Policy = "invalid"
		default:
			s.Policy = c.Policy
		}
	}
	s.First = firstErrorOf(r.Findings)
	return s
}

// verdict is a check's status, or unknown when every error it found is
// temporary: the status says "error" then, but nothing definite is known.
func verdict(status checks.Severity, check string, fs []checks.Finding) string {
	if status != checks.Error {
		return string(status)
	}
	var own []checks.Finding
	for _, f := range fs {
		if f.Check == check {
			own = append(own, f)
		}
	}
	if checks.OutcomeOf(own) == checks.Unknown {
		return unknown
	}
	return string(status)
}

// lookupFailed says whether a check's own record went unanswered.
func lookupFailed(check string, fs []checks.Finding) bool {
	for _, f := range fs {
		if f.Check == check && f.Temporary && strings.HasPrefix(f.Code, "dns.") {
			return true
		}
	}
	return false
}

// firstErrorOf is the error a desk acts on first: a definite one
// outweighs a temporary one, as in checks.OutcomeOf.
func firstErrorOf(fs []checks.Finding) *checks.Finding {
	var temporary *checks.Finding
	for i, f := range fs {
		switch {
		case f.Severity != checks.Error:
		case !f.Temporary:
			return &fs[i]
		case temporary == nil:
			temporary = &fs[i]
		}
	}
	return temporary
}

// csvHeader names the columns of writeCSV.
var csvHeader = []string{"domain", "spf_ok", "include_present", "dkim_ok", "dmarc_policy", "first_error_code", "fix"}

// writeCSV writes one RFC 4180 line per report, in their order, after a
// header. spf_ok and dkim_ok are "true" without an error (a warning still
// lets mail pass), "false" on a definite error, "unknown" when the
// errors were temporary and "" when the check did not run. Like --json,
// the words (the fix) stay English: CSV is for scripts and spreadsheets.
func writeCSV(w io.Writer, reports []*domaincheck.Report) error {
	cw := csv.NewWriter(w)
	if err := cw.Write(csvHeader); err != nil {
		return err
	}
	for _, r := range reports {
		s := stateOf(r)
		var code, fix string
		if s.First != nil {
			code, fix = s.First.Code, s.First.Fix
		}
		row := []string{r.Domain, okCell(s.SPF), s.Include, okCell(s.DKIM), s.Policy, code, fix}
		for i := range row {
			row[i] = spreadsheetSafe(row[i])
		}
		if err := cw.Write(row); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

func okCell(status string) string {
	switch status {
	case "ok", "warning":
		return "true"
	case "error":
		return "false"
	case unknown:
		return unknown
	}
	return ""
}

// spreadsheetSafe guards against CSV (formula) injection: a spreadsheet
// runs a cell that starts with = + - @ (or a tab or carriage return) as a
// formula, and a DNS record or a server's words reach the fix column.
// OWASP's advice (owasp.org/www-community/attacks/CSV_Injection) is a
// leading apostrophe, which spreadsheets show as text; quoting the cell
// is left to encoding/csv.
func spreadsheetSafe(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}

// printSummary prints, for a batch, how many domains are ready, how many
// need which record (by their first error, with its fix), how many could
// not be checked, and the DNS questions asked, as an aligned table in
// tr's language.
func printSummary(w io.Writer, tr *i18n.Translator, reports []*domaincheck.Report) {
	if tr == nil {
		tr = i18n.New(i18n.English)
	}
	type group struct {
		code, fix, domain string
		n                 int
		sameFix           bool
	}
	var ready, queries int64
	var groups []*group
	byCode := map[string]*group{}
	var notChecked []string
	for _, r := range reports {
		queries += r.Queries
		switch checks.OutcomeOf(r.Findings) {
		case checks.Passed:
			ready++
			continue
		case checks.Unknown:
			notChecked = append(notChecked, r.Domain)
			continue
		}
		f := firstErrorOf(r.Findings)
		_, fix := tr.Finding(*f)
		g := byCode[f.Code]
		if g == nil {
			g = &group{code: f.Code, fix: fix, domain: r.Domain, sameFix: true}
			byCode[f.Code] = g
			groups = append(groups, g)
		}
		g.n++
		g.sameFix = g.sameFix && fix == g.fix
	}
	sort.SliceStable(groups, func(i, j int) bool { return groups[i].n > groups[j].n })

	fmt.Fprintln(w, tr.X("cmd.check.summary.title", "Domains checked: %d; ready: %d, need a record: %d, could not be checked: %d",
		len(reports), ready, len(reports)-int(ready)-len(notChecked), len(notChecked)))
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintf(tw, "  %s\t%s\t%s\n", tr.X("cmd.check.summary.col.count", "DOMAINS"), tr.X("cmd.check.summary.col.state", "STATE OR FIRST ERROR"), tr.X("cmd.check.summary.col.todo", "WHAT TO DO"))
	if ready > 0 {
		fmt.Fprintf(tw, "  %d\t%s\t%s\n", ready, tr.X("cmd.check.summary.ready", "ready"), tr.X("cmd.check.summary.ready.todo", "nothing: no errors"))
	}
	for _, g := range groups {
		fix := orDash(g.fix)
		if !g.sameFix {
			fix = tr.X("cmd.check.summary.fix_for", "for %s: %s (each domain's own fix is in --csv)", g.domain, fix)
		}
		fmt.Fprintf(tw, "  %d\t%s\t%s\n", g.n, g.code, fix)
	}
	if len(notChecked) > 0 {
		fmt.Fprintf(tw, "  %d\t%s\t%s\n", len(notChecked), tr.X("cmd.check.summary.unknown", "could not be checked"),
			tr.X("cmd.check.summary.unknown.todo", "run the check again for %s: a timeout or a DNS server failure says nothing about their records", someOf(notChecked, 5)))
	}
	tw.Flush()
	perDomain := 0.0
	if len(reports) > 0 {
		perDomain = float64(queries) / float64(len(reports))
	}
	fmt.Fprintln(w, tr.X("cmd.check.summary.queries", "DNS queries: %d in all, %.1f per domain", queries, perDomain))
}

// someOf names the first n domains and how many more there are.
func someOf(domains []string, n int) string {
	if len(domains) <= n {
		return strings.Join(domains, ", ")
	}
	return fmt.Sprintf("%s, … (+%d)", strings.Join(domains[:n], ", "), len(domains)-n)
}

// reportChange is one domain that differs from the earlier report: its
// verdict changed, it is new in this run, or it is gone from the list.
// It is what `--json --changed-since` prints, one per such domain.
type reportChange struct {
	Domain string `json:"domain"`
	Kind   string `json:"kind"` // changeChanged, changeNew or changeGone
	// Changes lists what differs, by the names of the CSV's columns; for
	// a new domain every field with before "", for a gone one after "".
	Changes []fieldChange `json:"changes"`
}

// fieldChange is one field of a domain before and after; "" is no value
// (not checked, no error, no provider).
type fieldChange struct {
	Field  string `json:"field"`
	Before string `json:"before"`
	After  string `json:"after"`
}

const (
	changeChanged = "changed"
	changeNew     = "new"
	changeGone    = "gone"
)

// fields are a deskState's values as changedSince compares them.
func (s deskState) fields() []fieldChange {
	first := ""
	if s.First != nil {
		first = s.First.Code
	}
	return []fieldChange{{Field: "spf_status", After: s.SPF}, {Field: "include_present", After: s.Include},
		{Field: "dkim_status", After: s.DKIM}, {Field: "dmarc_status", After: s.DMARC},
		{Field: "dmarc_policy", After: s.Policy}, {Field: "first_error_code", After: first}}
}

// changedSince lists the domains of now whose verdict differs from old,
// those new in now (in now's order), then those only old has (in its
// order). A domain listed twice counts by its first report.
func changedSince(old []*domaincheck.Report, now []*domaincheck.Report) []reportChange {
	before := map[string]*domaincheck.Report{}
	for _, r := range old {
		if _, dup := before[r.Domain]; !dup {
			before[r.Domain] = r
		}
	}
	seen := map[string]bool{}
	out := []reportChange{}
	for _, r := range now {
		if seen[r.Domain] {
			continue
		}
		seen[r.Domain] = true
		after := stateOf(r).fields()
		o, ok := before[r.Domain]
		if !ok {
			out = append(out, reportChange{Domain: r.Domain, Kind: changeNew, Changes: after})
			continue
		}
		var diff []fieldChange
		for i, f := range stateOf(o).fields() {
			if f.After != after[i].After {
				diff = append(diff, fieldChange{Field: f.Field, Before: f.After, After: after[i].After})
			}
		}
		if len(diff) > 0 {
			out = append(out, reportChange{Domain: r.Domain, Kind: changeChanged, Changes: diff})
		}
	}
	for _, r := range old {
		if !seen[r.Domain] {
			seen[r.Domain] = true
			gone := stateOf(r).fields()
			for i := range gone {
				gone[i].Before, gone[i].After = gone[i].After, ""
			}
			out = append(out, reportChange{Domain: r.Domain, Kind: changeGone, Changes: gone})
		}
	}
	return out
}

// printChanges prints a line per changed domain ("example.nl: SPF error
// → ok (the include is now published)") and a closing count.
func printChanges(w io.Writer, tr *i18n.Translator, changes []reportChange) {
	if tr == nil {
		tr = i18n.New(i18n.English)
	}
	count := map[string]int{}
	for _, c := range changes {
		count[c.Kind]++
		switch c.Kind {
		case changeNew:
			fmt.Fprintf(w, "%s: %s\n", c.Domain, tr.X("cmd.check.changes.new", "new in this run (%s)", describeState(tr, c.Changes, false)))
		case changeGone:
			fmt.Fprintf(w, "%s: %s\n", c.Domain, tr.X("cmd.check.changes.gone", "no longer in the list (was %s)", describeState(tr, c.Changes, true)))
		default:
			fmt.Fprintf(w, "%s: %s\n", c.Domain, describeChange(tr, c.Changes))
		}
	}
	if len(changes) == 0 {
		fmt.Fprintln(w, tr.X("cmd.check.changes.none", "Nothing changed since the earlier report."))
		return
	}
	fmt.Fprintln(w, tr.X("cmd.check.changes.count", "Changed: %d, new: %d, gone: %d; the other domains are as before.", count[changeChanged], count[changeNew], count[changeGone]))
}

// describeChange words a changed domain's fields; a change of the
// include explains the SPF change it caused.
func describeChange(tr *i18n.Translator, fs []fieldChange) string {
	var include string
	spfChanged := false
	for _, f := range fs {
		spfChanged = spfChanged || f.Field == "spf_status"
		if f.Field == "include_present" {
			switch {
			case f.Before == "false" && f.After == "true":
				include = tr.X("cmd.check.changes.include_published", "the include is now published")
			case f.Before == "true" && f.After == "false":
				include = tr.X("cmd.check.changes.include_removed", "the include is no longer there")
			}
		}
	}
	var parts []string
	for _, f := range fs {
		from, to := orDash(f.Before), orDash(f.After)
		switch f.Field {
		case "spf_status":
			p := tr.X("cmd.check.changes.spf", "SPF %s → %s", from, to)
			if include != "" {
				p += " (" + include + ")"
			}
			parts = append(parts, p)
		case "include_present":
			if include == "" {
				parts = append(parts, tr.X("cmd.check.changes.include", "include present %s → %s", from, to))
			} else if !spfChanged {
				parts = append(parts, include)
			}
		case "dkim_status":
			parts = append(parts, tr.X("cmd.check.changes.dkim", "DKIM %s → %s", from, to))
		case "dmarc_status":
			parts = append(parts, tr.X("cmd.check.changes.dmarc", "DMARC %s → %s", from, to))
		case "dmarc_policy":
			parts = append(parts, tr.X("cmd.check.changes.policy", "DMARC policy %s → %s", from, to))
		case "first_error_code":
			none := tr.X("cmd.check.changes.no_error", "none")
			parts = append(parts, tr.X("cmd.check.changes.first_error", "first error %s → %s", orWord(f.Before, none), orWord(f.After, none)))
		}
	}
	return strings.Join(parts, "; ")
}

// describeState words a new or gone domain's verdicts (before or after).
func describeState(tr *i18n.Translator, fs []fieldChange, before bool) string {
	v := map[string]string{}
	for _, f := range fs {
		v[f.Field] = f.After
		if before {
			v[f.Field] = f.Before
		}
	}
	return tr.X("cmd.check.changes.state", "SPF %s, DKIM %s, DMARC %s, first error %s",
		orDash(v["spf_status"]), orDash(v["dkim_status"]), orDash(v["dmarc_status"]), orWord(v["first_error_code"], tr.X("cmd.check.changes.no_error", "none")))
}

func orWord(s, word string) string {
	if s == "" {
		return word
	}
	return s
}

// errNotReports is a --changed-since file that is not check --json output.
var errNotReports = errors.New("cli: not check reports")

// readReports reads an earlier `check --domains --json` output (an array
// of reports) or `check DOMAIN --json` (one report). A file that is not
// such JSON is refused naming the file and what is wrong with it; the
// command reports that as a usage error (exit 2).
func readReports(path string) ([]*domaincheck.Report, error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("--changed-since: %w", err)
	}
	bad := func(why texts.Text) error {
		return named("--changed-since", texts.Err(errNotReports,
			texts.T("cmd.check.changed_since.bad", "%s is not the output of mailwizard check --json: %s", path, why)))
	}
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 {
		return nil, bad(texts.T("cmd.check.changed_since.empty", "the file is empty"))
	}
	var syntax *json.SyntaxError
	if err := json.Unmarshal(raw, new(json.RawMessage)); errors.As(err, &syntax) {
		line := 1 + bytes.Count(raw[:min(int(syntax.Offset), len(raw))], []byte("\n"))
		return nil, bad(texts.T("cmd.check.changed_since.syntax", "it is not valid JSON (line %d: %s)", line, err.Error()))
	} else if err != nil {
		return nil, bad(texts.T("cmd.check.changed_since.syntax_other", "it is not valid JSON (%s)", err.Error()))
	}
	items := []json.RawMessage{raw}
	if raw[0] == '[' {
		if err := json.Unmarshal(raw, &items); err != nil {
			return nil, bad(texts.Verbatim(err.Error()))
		}
		if len(items) == 0 {
			return nil, bad(texts.T("cmd.check.changed_since.no_report", "it lists no domain"))
		}
	}
	out := make([]*domaincheck.Report, 0, len(items))
	for i, item := range items {
		var keys map[string]json.RawMessage
		if json.Unmarshal(item, &keys) != nil {
			return nil, bad(texts.T("cmd.check.changed_since.not_object", "entry %d is not a report (an object with domain and checks)", i+1))
		}
		var domain string
		json.Unmarshal(keys["domain"], &domain)
		for _, k := range []string{"domain", "checks", "findings"} {
			if v, ok := keys[k]; !ok || string(v) == "null" || domain == "" {
				return nil, bad(texts.T("cmd.check.changed_since.missing_key", "entry %d has no %q", i+1, k))
			}
		}
		r := new(domaincheck.Report)
		if err := json.Unmarshal(item, r); err != nil {
			return nil, bad(texts.T("cmd.check.changed_since.entry", "entry %d (%s): %s", i+1, domain, err.Error()))
		}
		out = append(out, r)
	}
	return out, nil
}
