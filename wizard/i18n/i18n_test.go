package i18n

import (
	"encoding/json"
	"flag"
	"fmt"
	"go/ast"
	"go/constant"
	"go/parser"
	"go/token"
	"go/types"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite resources/translations/en.json from the source")

// usedTexts finds every t.X("key", "fallback") call and every
// checks.T or texts.T("key", "english", ...) in the source and returns
// catalog key -> English text; a Text's key is filed by catalogKey.
func usedTexts(t *testing.T) map[string]string {
	t.Helper()
	out := map[string]string{}
	fset := token.NewFileSet()
	root := filepath.Join("..", "..")
	// The main package's own files (console_windows.go) and the trees.
	top, _ := filepath.Glob(filepath.Join(root, "*.go"))
	for _, dir := range append([]string{"wizard", "checks", "transports", "texts"}, top...) {
		err := filepath.WalkDir(filepath.Join(root, strings.TrimPrefix(dir, root)), func(path string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
				return err
			}
			f, err := parser.ParseFile(fset, path, nil, 0)
			if err != nil {
				return err
			}
			ast.Inspect(f, func(n ast.Node) bool {
				call, ok := n.(*ast.CallExpr)
				if !ok || len(call.Args) < 2 {
					return true
				}
				isText, ok := textCall(call)
				if !ok {
					return true
				}
				key, ok1 := constString(fset, call.Args[0])
				english, ok2 := constString(fset, call.Args[1])
				if !ok1 && call.Ellipsis.IsValid() {
					return true // a wrapper passing its caller's key on (checks.T)
				}
				if !ok1 || !ok2 {
					t.Errorf("%s: a text needs constant strings for the key and the English", fset.Position(call.Pos()))
					return true
				}
				if isText {
					key = catalogKey(key)
				}
				if prev, dup := out[key]; dup && prev != english {
					t.Errorf("%s: key %q is used with two English texts:\n%q\n%q", fset.Position(call.Pos()), key, prev, english)
				}
				out[key] = english
				return true
			})
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	return out
}

// textCall says whether call is words to translate (ok): tr.X(...), or
// a Text (isText), checks.T(...) or texts.T(...).
func textCall(call *ast.CallExpr) (isText, ok bool) {
	sel, found := call.Fun.(*ast.SelectorExpr)
	if !found {
		return false, false
	}
	if pkg, found := sel.X.(*ast.Ident); found && (pkg.Name == "checks" || pkg.Name == "texts") && sel.Sel.Name == "T" {
		return true, true
	}
	return false, sel.Sel.Name == "X"
}

// constString evaluates a string literal or a concatenation of literals.
func constString(fset *token.FileSet, e ast.Expr) (string, bool) {
	tv, err := types.Eval(fset, types.NewPackage("x", "x"), token.NoPos, types.ExprString(e))
	if err != nil || tv.Value == nil || tv.Value.Kind() != constant.String {
		return "", false
	}
	return constant.StringVal(tv.Value), true
}

// TestCatalogsCoverTheSource keeps en.json equal to the English texts in
// the code (run with -update after changing them) and requires a Dutch
// text for every key, with the same format verbs.
func TestCatalogsCoverTheSource(t *testing.T) {
	used := usedTexts(t)
	if len(used) < 10 {
		t.Fatalf("found only %d texts in the source: the scan is broken", len(used))
	}
	enPath := filepath.Join("..", "..", "resources", "translations", "en.json")
	if *update {
		raw, _ := json.MarshalIndent(used, "", "  ")
		if err := os.WriteFile(enPath, append(raw, '\n'), 0o644); err != nil {
			t.Fatal(err)
		}
		t.Skip("rewrote en.json; rebuild and run again")
	}
	en, err := Catalog(English)
	if err != nil {
		t.Fatal(err)
	}
	nl, err := Catalog(Dutch)
	if err != nil {
		t.Fatal(err)
	}
	var keys []string
	for k := range used {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		if en[k] != used[k] {
			t.Errorf("en.json %q = %q, source says %q (go test ./wizard/i18n -update)", k, en[k], used[k])
		}
		d, ok := nl[k]
		if !ok {
			t.Errorf("nl.json lacks %q (English: %q)", k, used[k])
			continue
		}
		if verbs(d) != verbs(used[k]) {
			t.Errorf("nl.json %q has format verbs %q, English has %q", k, verbs(d), verbs(used[k]))
		}
	}
	for k := range nl {
		if _, ok := used[k]; !ok {
			t.Errorf("nl.json has %q, which the source no longer uses", k)
		}
	}
}

// verbs lists the format verbs of s by the argument each formats
// ("1:s 2:d"), so that a translation may take the arguments in another
// order with explicit indexes (%[2]s) and still match the English.
func verbs(s string) string {
	var out []string
	arg := 0
	for i := 0; i < len(s); i++ {
		if s[i] != '%' {
			continue
		}
		i++
		for i < len(s) && strings.IndexByte("+-# 0123456789.", s[i]) >= 0 {
			i++
		}
		if i < len(s) && s[i] == '[' {
			if end := strings.IndexByte(s[i:], ']'); end > 0 {
				if n, err := strconv.Atoi(s[i+1 : i+end]); err == nil {
					arg = n - 1
				}
				i += end + 1
			}
		}
		if i >= len(s) || s[i] == '%' {
			continue
		}
		arg++
		out = append(out, fmt.Sprintf("%d:%c", arg, s[i]))
	}
	sort.Strings(out)
	return strings.Join(out, " ")
}

func TestTranslator(t *testing.T) {
	nl := New(Dutch)
	if got := nl.X("button.next", "Next"); got != "Volgende" {
		t.Errorf("Dutch Next = %q", got)
	}
	if got := nl.X("header.position", "Step %d of %d", 2, 3); got != "Stap 2 van 3" {
		t.Errorf("Dutch position = %q", got)
	}
	if got := nl.X("no.such.key", "Fallback %s", "text"); got != "Fallback text" {
		t.Errorf("missing key = %q, want the English fallback", got)
	}
	if New("fr").Lang() != English {
		t.Error("an unsupported language does not fall back to English")
	}
}

func TestParse(t *testing.T) {
	for in, want := range map[string]Lang{"nl": Dutch, "NL": Dutch, "nl_BE.UTF-8": Dutch, "en-GB": English, " en ": English} {
		if got, err := Parse(in); err != nil || got != want {
			t.Errorf("Parse(%q) = %q, %v", in, got, err)
		}
	}
	for _, in := range []string{"", "fr", "C", "dutch"} {
		if _, err := Parse(in); err == nil {
			t.Errorf("Parse(%q) accepted", in)
		}
	}
}
