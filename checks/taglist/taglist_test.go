package taglist

import (
	"strings"
	"testing"
)

func TestParse(t *testing.T) {
	l, err := Parse(" v=DKIM1 ; k=rsa;p=MIIB IjAN ;")
	if err != nil {
		t.Fatal(err)
	}
	if v, _ := l.Get("p"); v != "MIIB IjAN" || len(l) != 3 || l[0].Name != "v" {
		t.Errorf("parsed %+v", l)
	}
	if _, ok := l.Get("h"); ok {
		t.Error("an absent tag was found")
	}
	for in, says := range map[string]string{"v=DKIM1; p": "not tag=value", "v=1; v=2": "twice", "1x=y": "not a tag name", "a b=c": "not a tag name"} {
		if _, err := Parse(in); err == nil || !strings.Contains(err.Error(), says) {
			t.Errorf("Parse(%q) = %v, want an error saying %q", in, err, says)
		}
	}
}

// A received header field is read leniently: what can be read is kept.
func TestParseLenient(t *testing.T) {
	test := func(in, want string) {
		t.Helper()
		var got []string
		for _, tag := range ParseLenient(in) {
			got = append(got, tag.Name+"="+tag.Value)
		}
		if strings.Join(got, "|") != want {
			t.Errorf("ParseLenient(%q) = %q, want %q", in, strings.Join(got, "|"), want)
		}
	}
	test("v=1; d=example.nl; s=mw; b=AbC\r\n\t dEf", "v=1|d=example.nl|s=mw|b=AbC\r\n\t dEf")
	test("d=first; d=second; s=x", "d=first|s=x")
	test("garbage; 1x=y; ; d=example.nl", "d=example.nl")
	test("", "")
}

func FuzzParse(f *testing.F) {
	f.Add("v=DKIM1; k=ed25519; p=11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo=")
	f.Add("v=DMARC1; p=reject; rua=mailto:d@example.nl,mailto:x@y.z!10m")
	f.Fuzz(func(t *testing.T, s string) {
		l, err := Parse(s)
		if err != nil {
			return
		}
		seen := map[string]bool{}
		for _, tag := range l {
			if seen[tag.Name] || !validName(tag.Name) {
				t.Fatalf("bad tag %q from %q", tag.Name, s)
			}
			seen[tag.Name] = true
		}
	})
}
