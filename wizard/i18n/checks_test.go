package i18n

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"

	"mailwizard/checks"
)

// designCodes are the finding codes DESIGN.md promises scripts.
var designCodes = []string{
	"dns.nxdomain", "dns.timeout", "dns.servfail", "dns.zone-name-doubled",
	"spf.missing", "spf.multiple-records", "spf.syntax", "spf.include-missing",
	"spf.too-many-lookups", "spf.too-many-void-lookups", "spf.allow-all",
	"dkim.missing", "dkim.multiple-records", "dkim.key-mismatch", "dkim.syntax",
	"dkim.testing", "dkim.revoked", "dkim.cname-target", "dmarc.missing",
	"dmarc.multiple-records", "dmarc.syntax", "dmarc.requires-dkim",
}

var codeShape = regexp.MustCompile(`^[a-z]+\.[a-z0-9]+(-[a-z0-9]+)*$`)

// sourceCodes finds the finding codes the checks make: constants named
// Code*, Code: and code: fields, and the code argument of the add
// helpers (add(severity, code, message, fix)).
func sourceCodes(t *testing.T) []string {
	t.Helper()
	found := map[string]bool{}
	lit := func(e ast.Expr) {
		if b, ok := e.(*ast.BasicLit); ok && b.Kind == token.STRING {
			if s, err := strconv.Unquote(b.Value); err == nil && codeShape.MatchString(s) {
				found[s] = true
			}
		}
	}
	fset := token.NewFileSet()
	err := filepath.WalkDir(filepath.Join("..", "..", "checks"), func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return err
		}
		f, err := parser.ParseFile(fset, path, nil, 0)
		if err != nil {
			return err
		}
		ast.Inspect(f, func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.ValueSpec:
				for i, name := range n.Names {
					if strings.HasPrefix(name.Name, "Code") && i < len(n.Values) {
						lit(n.Values[i])
					}
				}
			case *ast.KeyValueExpr:
				if k, ok := n.Key.(*ast.Ident); ok && (k.Name == "Code" || k.Name == "code") {
					lit(n.Value)
				}
			case *ast.CallExpr:
				if sel, ok := n.Fun.(*ast.SelectorExpr); ok && sel.Sel.Name == "add" && len(n.Args) == 4 {
					lit(n.Args[1])
				}
			}
			return true
		})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	out := make([]string, 0, len(found))
	for c := range found {
		out = append(out, c)
	}
	sort.Strings(out)
	return out
}

// TestEveryCodeReadsInDutch requires a Dutch message for every finding
// code: the code itself as key, or a variant of it ("smtp.auth-failed.m365").
func TestEveryCodeReadsInDutch(t *testing.T) {
	nl, err := Catalog(Dutch)
	if err != nil {
		t.Fatal(err)
	}
	codes := sourceCodes(t)
	if len(codes) < 60 {
		t.Fatalf("found only %d codes in checks/: the scan is broken", len(codes))
	}
	hasMessage := func(code string) bool {
		if _, ok := nl[checksPrefix+code]; ok {
			return true
		}
		for k := range nl {
			if v, ok := strings.CutPrefix(k, checksPrefix+code+"."); ok && v != "fix" && !strings.HasPrefix(v, "fix.") {
				return true
			}
		}
		return false
	}
	inSource := map[string]bool{}
	for _, c := range codes {
		inSource[c] = true
		if !hasMessage(c) {
			t.Errorf("code %s has no Dutch message (nl.json %q)", c, checksPrefix+c)
		}
	}
	for _, c := range designCodes {
		if !inSource[c] {
			t.Errorf("DESIGN.md promises code %s, which no check makes", c)
		} else if !hasMessage(c) {
			t.Errorf("DESIGN.md code %s has no Dutch message", c)
		}
	}
	t.Logf("%d codes, each with a Dutch message", len(codes))
}

func TestFindingInDutch(t *testing.T) {
	nl, en := New(Dutch), New(English)
	domain := "voorbeeld.nl"
	f := checks.Finding{Check: "spf", Severity: checks.Error, Code: "spf.missing"}.Say(
		checks.T("spf.missing", "%s has no SPF record: receivers cannot tell which servers may send its mail, and many treat such mail as suspect", domain),
		checks.T("spf.missing.fix", "Create one TXT record at %s (the name @ in most DNS panels) that starts with v=spf1 and lists every server that sends mail for the domain.", domain))
	msg, fix := nl.Finding(f)
	if !strings.HasPrefix(msg, "voorbeeld.nl heeft geen SPF-record") || !strings.HasPrefix(fix, "Maak één TXT-record op voorbeeld.nl") {
		t.Errorf("Dutch finding = %q / %q", msg, fix)
	}
	if msg, fix := en.Finding(f); msg != f.Message || fix != f.Fix {
		t.Errorf("English finding = %q / %q, want the finding's own words", msg, fix)
	}

	// Clauses are rendered in the same language; verbatim words stay.
	why := checks.T("dmarc.outcome.reject", "rejected")
	quote := checks.T("smtp.server-said", " (the server said: %s)", "535 5.7.8 nope")
	f = checks.Finding{Code: "smtp.auth-failed"}.Say(checks.T("smtp.auth-failed", "the server rejected the username or password%s", quote), checks.Text{})
	if msg, fix := nl.Finding(f); msg != "de server weigerde de gebruikersnaam of het wachtwoord (de server zei: 535 5.7.8 nope)" || fix != "" {
		t.Errorf("nested clause = %q / %q", msg, fix)
	}
	if got := nl.Text(checks.Join("; ", why, checks.Verbatim("100% raw"))); got != "wordt die mail geweigerd; 100% raw" {
		t.Errorf("joined = %q", got)
	}

	// A finding made without Texts, or with a key no catalog has, keeps
	// its English.
	old := checks.Finding{Message: "plain words", Fix: "do this"}
	if msg, fix := nl.Finding(old); msg != "plain words" || fix != "do this" {
		t.Errorf("finding without texts = %q / %q", msg, fix)
	}
	if got := nl.Text(checks.T("no.such.key", "left %d in English", 3)); got != "left 3 in English" {
		t.Errorf("unknown key = %q", got)
	}
}

func TestVerbsFollowArguments(t *testing.T) {
	for _, c := range [][2]string{
		{"mail from %s's address %s gets %d", "mail van adres %[2]s van %[1]s krijgt %[3]d"},
		{"%q and 100%% sure", "%q en 100%% zeker"},
		{"%5.2f%s", "%5.2f%s"},
	} {
		if verbs(c[0]) != verbs(c[1]) {
			t.Errorf("verbs(%q) = %q, verbs(%q) = %q", c[0], verbs(c[0]), c[1], verbs(c[1]))
		}
	}
	if verbs("%s %d") == verbs("%d %s") {
		t.Error("swapped verbs compare equal")
	}
}
