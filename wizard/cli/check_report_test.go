package cli

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/miekg/dns"

	"mailwizard/checks/dnsq"
	"mailwizard/checks/dnsq/dnstest"
	"mailwizard/checks/domaincheck"
	"mailwizard/transports"
	"mailwizard/wizard/i18n"
)

// The desk's tests check customers of one service on Microsoft 365 against
// a real DNS server on loopback, in the states a desk sees during a change
// at the service: done, half done (SPF without the service's include),
// untouched, and one whose DNS server never answers.

var deskProvider = &transports.Provider{ID: "clockwise", Name: "ClockWise", Transports: []transports.Type{transports.Hosted},
	SPFInclude: "_spf.clockwise.test", SendingRanges: []string{"217.115.198.64/27"},
	DKIM: transports.ProviderDKIM{Mode: "generate", DefaultSelector: "clockwise"}}

const deskKey = "v=DKIM1; k=ed25519; p=11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo="

// deskZone is a customer's zone in state done, half, fresh (untouched) or
// slow (served, but deskServer makes its names go unanswered).
func deskZone(domain, state string) string {
	z := dnstest.SOA(domain, 300) + fmt.Sprintf("\n$ORIGIN %s.\n@ 300 IN MX 0 %s.mail.protection.outlook.com.\n", domain, strings.ReplaceAll(domain, ".", "-"))
	switch state {
	case "done":
		z += `@ 300 IN TXT "v=spf1 include:spf.protection.outlook.com include:_spf.clockwise.test -all"
clockwise._domainkey 300 IN TXT "` + deskKey + `"
_dmarc 300 IN TXT "v=DMARC1; p=reject; rua=mailto:dmarc@` + domain + `"
`
	case "half":
		z += `@ 300 IN TXT "v=spf1 include:spf.protection.outlook.com -all"
clockwise._domainkey 300 IN TXT "` + deskKey + `"
_dmarc 300 IN TXT "v=DMARC1; p=quarantine"
`
	}
	return z
}

// deskServer serves the service's and Microsoft's includes and a zone per
// domain; the client gives up on a question after 200 ms.
func deskServer(t *testing.T, states map[string]string) (*dnstest.Server, *dnsq.Client) {
	t.Helper()
	srv := dnstest.Start(t, "127.0.0.1:0")
	srv.MustAddZone(t, dnstest.SOA("clockwise.test", 300)+"\n_spf.clockwise.test. 300 IN TXT \"v=spf1 ip4:217.115.198.64/27 -all\"")
	srv.MustAddZone(t, dnstest.SOA("protection.outlook.com", 300)+"\nspf.protection.outlook.com. 300 IN TXT \"v=spf1 ip4:40.92.0.0/15 -all\"")
	for d, state := range states {
		srv.MustAddZone(t, deskZone(d, state))
		if state == "slow" {
			for _, name := range []string{d, "_dmarc." + d, "clockwise._domainkey." + d} {
				srv.Drop(name)
			}
		}
	}
	return srv, &dnsq.Client{Servers: []string{srv.Addr}, Timeout: 200 * time.Millisecond}
}

// deskDomains are the batch in its input order; half2 shares half's state
// so that the summary has a group of two.
var deskDomains = []string{"done.test", "half.test", "half2.test", "fresh.test", "slow.test"}

func deskWorld(t *testing.T) (*dnstest.Server, *dnsq.Client) {
	return deskServer(t, map[string]string{"done.test": "done", "half.test": "half", "half2.test": "half", "fresh.test": "fresh", "slow.test": "slow"})
}

// deskRun checks domains as one `check --domains` run does: one cache for
// the run, several at a time.
func deskRun(t *testing.T, c *dnsq.Client, domains []string) []*domaincheck.Report {
	t.Helper()
	c.Cache = dnsq.NewCache(0)
	return domaincheck.CheckMany(context.Background(), c, domains, domaincheck.Options{Provider: deskProvider}, 4)
}

func TestCSVOneLinePerDomain(t *testing.T) {
	_, c := deskWorld(t)
	reports := deskRun(t, c, deskDomains)
	var buf bytes.Buffer
	if err := writeCSV(&buf, reports); err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(&buf).ReadAll()
	if err != nil {
		t.Fatalf("the CSV does not parse back: %v\n%s", err, buf.String())
	}
	if want := "domain,spf_ok,include_present,dkim_ok,dmarc_policy,first_error_code,fix"; strings.Join(rows[0], ",") != want {
		t.Errorf("header %q, want %q", rows[0], want)
	}
	if len(rows) != 1+len(deskDomains) {
		t.Fatalf("%d lines, want the header and %d domains:\n%s", len(rows), len(deskDomains), buf.String())
	}
	test := func(line int, domain, spfOK, include, dkimOK, policy, code, fixSays string) {
		t.Helper()
		got := rows[line]
		want := []string{domain, spfOK, include, dkimOK, policy, code}
		if !reflect.DeepEqual(got[:6], want) {
			t.Errorf("line %d: %q, want %q", line, got[:6], want)
		}
		if fixSays == "" && got[6] != "" || !strings.Contains(got[6], fixSays) {
			t.Errorf("%s: fix %q, want one saying %q", domain, got[6], fixSays)
		}
	}
	test(1, "done.test", "true", "true", "true", "reject", "", "")
	test(2, "half.test", "false", "false", "true", "quarantine", "spf.include-missing", "Add include:_spf.clockwise.test")
	test(3, "half2.test", "false", "false", "true", "quarantine", "spf.include-missing", "Publish at half2.test")
	test(4, "fresh.test", "false", "false", "false", "missing", "spf.missing", "v=spf1 include:spf.protection.outlook.com include:_spf.clockwise.test ~all")
	// A timeout says nothing: unknown, not false, and the fix is to ask again.
	test(5, "slow.test", "unknown", "unknown", "unknown", "unknown", "dns.timeout", "try again")

	// A cell a spreadsheet would run as a formula is made text, here a
	// fix naming a record a hostile DNS answer could have put there.
	reports[1].Findings[0].Fix = "=HYPERLINK(\"http://evil.test\",\"fix\")"
	reports[1].Findings[0].Code = "@SUM(A1)"
	buf.Reset()
	if err := writeCSV(&buf, reports); err != nil {
		t.Fatal(err)
	}
	rows, _ = csv.NewReader(&buf).ReadAll()
	if rows[2][5] != "'@SUM(A1)" || rows[2][6] != "'=HYPERLINK(\"http://evil.test\",\"fix\")" {
		t.Errorf("formula cells not guarded: %q", rows[2])
	}
}

func TestCSVSpreadsheetGuard(t *testing.T) {
	for in, want := range map[string]string{
		"=1+1": "'=1+1", "+31 20": "'+31 20", "-2": "'-2", "@SUM(A1)": "'@SUM(A1)", "\tx": "'\tx", "\rx": "'\rx",
		"": "", "ok": "ok", "a=b": "a=b", "'quoted": "'quoted", "v=spf1 -all": "v=spf1 -all",
	} {
		if got := spreadsheetSafe(in); got != want {
			t.Errorf("spreadsheetSafe(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestSummaryCountsDomainsByWhatTheyNeed(t *testing.T) {
	_, c := deskWorld(t)
	reports := deskRun(t, c, deskDomains)
	var queries int64
	for _, r := range reports {
		queries += r.Queries
	}
	var buf bytes.Buffer
	printSummary(&buf, i18n.New(i18n.English), reports)
	out := buf.String()
	t.Logf("\n%s", out)
	lines := strings.Split(out, "\n")
	want := []string{
		"Domains checked: 5; ready: 1, need a record: 3, could not be checked: 1",
		"  DOMAINS  STATE OR FIRST ERROR  WHAT TO DO",
		"  1        ready                 nothing: no errors",
		"  2        spf.include-missing   for half.test: Add include:_spf.clockwise.test",
		"  1        spf.missing           Create a TXT record at fresh.test",
		"  1        could not be checked  run the check again for slow.test: a timeout",
		fmt.Sprintf("DNS queries: %d in all, %.1f per domain", queries, float64(queries)/5),
	}
	if len(lines) != len(want)+1 {
		t.Fatalf("%d lines, want %d:\n%s", len(lines), len(want)+1, out)
	}
	for i, w := range want {
		if !strings.HasPrefix(lines[i], w) {
			t.Errorf("line %d:\n%q\nwant it to start with\n%q", i+1, lines[i], w)
		}
	}
	// The fix of a group names its first domain, and the rest are in --csv.
	if strings.Contains(out, "half2.test") || !strings.Contains(out, "(each domain's own fix is in --csv)") {
		t.Errorf("the group's fix:\n%s", out)
	}
}

func TestSummaryInDutch(t *testing.T) {
	_, c := deskWorld(t)
	reports := deskRun(t, c, deskDomains)
	var en, nl bytes.Buffer
	printSummary(&en, i18n.New(i18n.English), reports)
	printSummary(&nl, i18n.New(i18n.Dutch), reports)
	out := nl.String()
	t.Logf("\n%s", out)
	for _, want := range []string{
		"Domeinen gecontroleerd: 5; klaar: 1, record nodig: 3, niet te controleren: 1",
		"DOMEINEN  STAAT OF EERSTE FOUT  WAT TE DOEN",
		"klaar                 niets: geen fouten",
		"spf.include-missing   voor half.test: Voeg include:_spf.clockwise.test toe",
		"(de oplossing per domein staat in --csv)",
		"spf.missing           Maak een TXT-record op fresh.test",
		"controleer slow.test opnieuw: een time-out",
		"DNS-vragen: ",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("the Dutch summary lacks %q", want)
		}
	}
	for _, english := range []string{"ready", "WHAT TO DO", "Add include", "Create a TXT record", "run the check again", "per domain"} {
		if strings.Contains(out, english) {
			t.Errorf("the Dutch summary has English %q", english)
		}
		if !strings.Contains(en.String(), english) {
			t.Errorf("the English summary lacks %q", english)
		}
	}
}

// Between two runs the service's include is published at half.test: only
// half.test is listed, with what changed and why; then the same through
// an earlier run's --json read back from a file.
func TestChangedSinceListsOnlyWhatChanged(t *testing.T) {
	srv, c := deskWorld(t)
	before := deskRun(t, c, deskDomains)
	srv.Remove("half.test", dns.TypeTXT)
	if err := srv.Add(`half.test. 300 IN TXT "v=spf1 include:spf.protection.outlook.com include:_spf.clockwise.test -all"`); err != nil {
		t.Fatal(err)
	}
	after := deskRun(t, c, deskDomains)

	want := []reportChange{{Domain: "half.test", Kind: changeChanged, Changes: []fieldChange{
		{Field: "spf_status", Before: "error", After: "ok"},
		{Field: "include_present", Before: "false", After: "true"},
		{Field: "first_error_code", Before: "spf.include-missing", After: ""},
	}}}
	got := changedSince(before, after)
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("changes %+v, want %+v", got, want)
	}
	var buf bytes.Buffer
	printChanges(&buf, nil, got)
	if wantOut := "half.test: SPF error → ok (the include is now published); first error spf.include-missing → none\n" +
		"Changed: 1, new: 0, gone: 0; the other domains are as before.\n"; buf.String() != wantOut {
		t.Errorf("printed\n%s\nwant\n%s", buf.String(), wantOut)
	}

	// --changed-since reads what --json printed (an array; one domain's
	// object too), and the timed-out domain stays unknown, so unchanged.
	dir := t.TempDir()
	path := filepath.Join(dir, "before.json")
	raw, _ := json.MarshalIndent(before, "", "  ")
	os.WriteFile(path, raw, 0o644)
	old, err := readReports(path)
	if err != nil {
		t.Fatal(err)
	}
	if got := changedSince(old, after); !reflect.DeepEqual(got, want) {
		t.Errorf("from the file: changes %+v, want %+v", got, want)
	}
	one := filepath.Join(dir, "half.json")
	raw, _ = json.Marshal(before[1])
	os.WriteFile(one, raw, 0o644)
	if old, err := readReports(one); err != nil || len(old) != 1 || old[0].Domain != "half.test" {
		t.Errorf("one report: %v, %v", old, err)
	}

	// The changes as --json prints them.
	raw, err = json.Marshal(got)
	if err != nil {
		t.Fatal(err)
	}
	if wantJSON := `[{"domain":"half.test","kind":"changed","changes":[{"field":"spf_status","before":"error","after":"ok"},` +
		`{"field":"include_present","before":"false","after":"true"},{"field":"first_error_code","before":"spf.include-missing","after":""}]}]`; string(raw) != wantJSON {
		t.Errorf("JSON %s", raw)
	}
	if raw, _ := json.Marshal(changedSince(before, before)); string(raw) != "[]" {
		t.Errorf("no change: JSON %s, want []", raw)
	}
}

// A domain added to the list and one taken off are listed as such, with
// their verdicts; a domain listed twice counts once.
func TestChangedSinceNewAndGoneDomains(t *testing.T) {
	_, c := deskWorld(t)
	before := deskRun(t, c, []string{"done.test", "half.test"})
	after := deskRun(t, c, []string{"half.test", "fresh.test", "half.test"})
	got := changedSince(before, after)
	if len(got) != 2 || got[0].Domain != "fresh.test" || got[0].Kind != changeNew || got[1].Domain != "done.test" || got[1].Kind != changeGone {
		t.Fatalf("changes %+v", got)
	}
	var buf bytes.Buffer
	printChanges(&buf, nil, got)
	want := "fresh.test: new in this run (SPF error, DKIM error, DMARC warning, first error spf.missing)\n" +
		"done.test: no longer in the list (was SPF ok, DKIM ok, DMARC ok, first error none)\n" +
		"Changed: 0, new: 1, gone: 1; the other domains are as before.\n"
	if buf.String() != want {
		t.Errorf("printed\n%s\nwant\n%s", buf.String(), want)
	}
	buf.Reset()
	printChanges(&buf, i18n.New(i18n.Dutch), nil)
	if buf.String() != "Niets gewijzigd sinds het eerdere rapport.\n" {
		t.Errorf("no change in Dutch: %q", buf.String())
	}
}

// A file that is not an earlier --json output is refused, naming the file
// and what is wrong, in the run's language.
func TestChangedSinceRefusesOtherFiles(t *testing.T) {
	dir := t.TempDir()
	test := func(name, content string, says ...string) {
		t.Helper()
		path := filepath.Join(dir, name)
		os.WriteFile(path, []byte(content), 0o644)
		_, err := readReports(path)
		if err == nil {
			t.Fatalf("%s accepted", name)
		}
		if !errors.Is(err, errNotReports) {
			t.Errorf("%s: %v is not errNotReports", name, err)
		}
		for _, s := range append([]string{"--changed-since: " + path + " is not the output of mailwizard check --json: "}, says...) {
			if !strings.Contains(err.Error(), s) {
				t.Errorf("%s: %q lacks %q", name, err, s)
			}
		}
	}
	test("cut.json", "[\n  {\"domain\": \"a.test\",\n  \"checks\": {", "not valid JSON (line 3: unexpected end of JSON input)")
	test("garbage.json", "[\n{\"domain\": \"a.test\"},\n}", "not valid JSON (line 3: invalid character '}'")
	test("empty.json", " \n", "the file is empty")
	test("list.json", `[]`, "it lists no domain")
	test("domains.json", `["a.test", "b.test"]`, "entry 1 is not a report")
	test("other.json", `{"name": "a.test"}`, `entry 1 has no "domain"`)
	test("changes.json", `[{"domain":"half.test","kind":"changed","changes":[]}]`, `entry 1 has no "checks"`)
	test("types.json", `[{"domain":"a.test","checks":{"spf":"ok"},"findings":[]}]`, "entry 1 (a.test): json: cannot unmarshal string")

	if _, err := readReports(filepath.Join(dir, "nosuch.json")); err == nil || !strings.Contains(err.Error(), "--changed-since: open "+filepath.Join(dir, "nosuch.json")) {
		t.Errorf("a missing file: %v", err)
	}
	_, err := readReports(filepath.Join(dir, "domains.json"))
	if got := i18n.New(i18n.Dutch).Error(err); !strings.Contains(got, "is niet de uitvoer van mailwizard check --json: item 1 is geen rapport") {
		t.Errorf("in Dutch: %q", got)
	}
}
