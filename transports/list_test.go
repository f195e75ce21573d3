package transports

import (
	"errors"
	"reflect"
	"strings"
	"testing"
)

func rule(name, local, domain, subsystem string) Transport {
	return Transport{Name: name, Type: NoReply, NoReply: &NoReplySettings{}, Match: Match{LocalPart: local, Domain: domain, Subsystem: subsystem}}
}

func TestSelect(t *testing.T) {
	list := List{
		rule("billing of example", "", "example.nl", "billing"),
		rule("ceo", "Directie", "example.nl", ""),
		rule("example and subdomains", "", ".example.nl", ""),
		rule("books", "", "xn--bcher-kva.de", ""),
		rule("everything else", "", "", ""),
	}
	test := func(from, subsystem, want string) {
		t.Helper()
		i, err := list.Select(from, subsystem)
		if err != nil {
			t.Fatalf("Select(%q, %q): %v", from, subsystem, err)
		}
		if list[i].Name != want {
			t.Errorf("Select(%q, %q) = %q, want %q", from, subsystem, list[i].Name, want)
		}
	}
	test("facturen@example.nl", "billing", "billing of example")
	test("facturen@EXAMPLE.NL", "Billing", "billing of example")  // domains and subsystems ignore case
	test("directie@example.nl", "", "ceo")                        // local part ignores case
	test("directie@example.nl", "billing", "billing of example")  // first match wins
	test("info@example.nl", "password", "example and subdomains") // leading dot covers the domain itself
	test("info@eu.mail.example.nl", "", "example and subdomains") // and its subdomains
	test("info@notexample.nl", "", "everything else")             // but not a name that merely ends alike
	test("info@bücher.de", "", "books")                           // IDN typed in Unicode
	test("info@BÜCHER.DE", "", "books")                           // IDN with case folding
	test("info@xn--bcher-kva.de", "", "books")                    // IDN in ASCII
	test("someone@elsewhere.org", "", "everything else")          // empty fields match all

	if _, err := list[:4].Select("someone@elsewhere.org", ""); !errors.Is(err, ErrNoTransport) {
		t.Errorf("Select without a catch-all: error = %v, want ErrNoTransport", err)
	}
	var fe *FieldError
	if _, err := list.Select("not an address", ""); !errors.As(err, &fe) || fe.Field != "from" {
		t.Errorf("Select of a bad address: error = %v, want a FieldError naming from", err)
	}
}

func TestShadowedRules(t *testing.T) {
	test := func(list List, want []Shadowed) {
		t.Helper()
		got := list.ShadowedRules()
		if !reflect.DeepEqual(got, want) {
			t.Errorf("ShadowedRules() = %v, want %v", got, want)
		}
	}
	test(List{rule("a", "", "", ""), rule("b", "", "example.nl", "")}, []Shadowed{{Index: 1, By: 0}})
	test(List{rule("a", "", "example.nl", ""), rule("b", "", "", "")}, nil)
	test(List{rule("a", "", ".example.nl", ""), rule("b", "", "mail.example.nl", ""), rule("c", "", ".sub.example.nl", "")},
		[]Shadowed{{Index: 1, By: 0}, {Index: 2, By: 0}})
	test(List{rule("a", "", "example.nl", ""), rule("b", "", ".example.nl", "")}, nil) // b still catches subdomains
	test(List{rule("a", "", "example.nl", ""), rule("b", "info", "Example.NL", "billing")}, []Shadowed{{Index: 1, By: 0}})
	test(List{rule("a", "info", "example.nl", ""), rule("b", "", "example.nl", "")}, nil)
	test(List{rule("a", "", "", "billing"), rule("b", "", "", "billing"), rule("c", "", "", "")}, []Shadowed{{Index: 1, By: 0}})
	test(List{rule("a", "", "example.nl", ""), rule("b", "", "", "billing")}, nil) // b matches other domains
	test(List{rule("a", "", "", ""), rule("b", "", "", ""), rule("c", "x", "", "")}, []Shadowed{{Index: 1, By: 0}, {Index: 2, By: 0}})

	s := Shadowed{Index: 2, By: 0}.String()
	if !strings.Contains(s, "transports[2]") || !strings.Contains(s, "transports[0]") {
		t.Errorf("Shadowed.String() = %q, want it to name both rules", s)
	}
}

func TestMatchNormalized(t *testing.T) {
	m, err := Match{LocalPart: " info ", Domain: ".Bücher.DE", Subsystem: " Billing "}.Normalized()
	if err != nil {
		t.Fatal(err)
	}
	want := Match{LocalPart: "info", Domain: ".xn--bcher-kva.de", Subsystem: "billing"}
	if m != want {
		t.Errorf("Normalized() = %+v, want %+v", m, want)
	}
	if _, err := (Match{Domain: "exa mple.nl"}).Normalized(); FirstField(err) != "domain" {
		t.Errorf("Normalized() of a bad domain: error %v does not name the domain", err)
	}
	if got := want.String(); got != "info@xn--bcher-kva.de and its subdomains (subsystem billing)" {
		t.Errorf("String() = %q", got)
	}
}
