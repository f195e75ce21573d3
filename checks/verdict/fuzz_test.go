package verdict

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// seedCorpus adds the corpus files, as they are in git (markers and all),
// to a fuzz target's seeds; more seeds are kept under testdata/fuzz.
func seedCorpus(f *testing.F) {
	names, _ := filepath.Glob(filepath.Join("testdata", "corpus", "*.e*"))
	txt, _ := filepath.Glob(filepath.Join("testdata", "corpus", "*.txt"))
	for _, n := range append(names, txt...) {
		if raw, err := os.ReadFile(n); err == nil {
			f.Add(raw)
		}
	}
}

// FuzzReadMessage: any paste gives a message or one of the input errors,
// never a panic; a message read again from its wire form has the same
// fields and body, and no field's raw form holds a bare line end.
func FuzzReadMessage(f *testing.F) {
	seedCorpus(f)
	for _, s := range []string{"", "\r\r\n\n", "From: a@b.example\r", "Received: x\n \n\tcont\nFrom: a@b.example\n\n",
		"  Received: x\n  From: a@b.example\n\n  body", "A:\rB:\r\rC", "x\n:y\nReceived:\n"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, text []byte) {
		m, err := ReadMessage(text)
		if err != nil {
			return
		}
		if len(m.Fields) == 0 {
			t.Fatal("a message without fields")
		}
		for _, fl := range m.Fields {
			if strings.ContainsAny(fl.Value, "\r\n") || strings.Contains(strings.ReplaceAll(fl.Raw, "\r\n ", ""), "\n\n") {
				t.Fatalf("field %q holds a line end: %q", fl.Name, fl.Raw)
			}
		}
		again, err := ReadMessage(m.Wire())
		if err != nil {
			t.Fatalf("the wire form does not read back: %v", err)
		}
		if len(again.Fields) != len(m.Fields) || string(again.Body) != string(m.Body) {
			t.Fatalf("read back: %d fields and body %q, was %d and %q", len(again.Fields), again.Body, len(m.Fields), m.Body)
		}
		for i := range m.Fields {
			if again.Fields[i].Name != m.Fields[i].Name || again.Fields[i].Value != m.Fields[i].Value {
				t.Fatalf("field %d read back as %q: %q, was %q: %q", i, again.Fields[i].Name, again.Fields[i].Value, m.Fields[i].Name, m.Fields[i].Value)
			}
		}
	})
}

// FuzzTrace: whatever header is pasted, reading the trust boundary, the
// From address and the signatures never panics; results are trusted only
// of the receiver's operator, and only with a Received field where the
// message entered; without any Received field no Received-SPF is used.
func FuzzTrace(f *testing.F) {
	seedCorpus(f)
	f.Fuzz(func(t *testing.T, text []byte) {
		m, err := ReadMessage(text)
		if err != nil {
			return
		}
		tr := readTrace(m)
		if tr.receiver != nil {
			id := tr.receiver.AuthservID
			if tr.boundary == nil || tr.guessed {
				t.Fatalf("receiver %q believed without the hop where the message entered", id)
			}
			for _, r := range tr.receiver.Results {
				if id == "" && r.AuthservID != "" || id != "" && !sameOperator(r.AuthservID, id) {
					t.Fatalf("trusted results of %q for receiver %q", r.AuthservID, id)
				}
			}
		} else if len(m.index("Received")) == 0 && tr.spf != nil {
			t.Fatal("a Received-SPF used without any Received field to say where the message entered")
		}
		if _, d, err := FromAddress(m); err == nil && d == "" {
			t.Fatal("a From address without a domain")
		}
		readSignatures(m, "example.nl")
	})
}

// FuzzAuthResults: any field body gives results or an error; methods and
// results are lower case words without separators.
func FuzzAuthResults(f *testing.F) {
	for _, s := range []string{
		"mx.google.com; dkim=pass header.i=@example.nl header.s=mw header.b=AbCd; spf=pass (google.com: x) smtp.mailfrom=a@example.nl",
		"spf=pass (sender IP is 192.0.2.10) smtp.mailfrom=example.nl; dkim=pass (signature was verified) header.d=example.nl;dmarc=pass action=none header.from=example.nl;compauth=pass reason=100",
		`mx.example.org; dkim=pass (2048-bit key; unprotected) header.d=example.nl header.b="AbCd"`,
		`x; a=b reason="q\"uo;te" c.d="e f"`, "i=1; mx.microsoft.com 1; spf=pass", "(((", `"`, "x; =", "x; a= ;b",
	} {
		f.Add(s, false)
		f.Add(s, true)
	}
	f.Fuzz(func(t *testing.T, value string, arc bool) {
		r, err := ParseAuthResults(value, arc)
		if err != nil {
			return
		}
		for _, m := range r.Methods {
			if m.Method == "" || strings.ContainsAny(m.Method, "; \t\r\n=\"") || m.Method != strings.ToLower(m.Method) || m.Result != strings.ToLower(m.Result) {
				t.Fatalf("method %q=%q from %q", m.Method, m.Result, value)
			}
		}
	})
}

// FuzzReceived: the trace fields' readers never panic and give an address
// without a zone.
func FuzzReceived(f *testing.F) {
	for _, s := range []string{
		"from mail.example.nl (mail.example.nl [192.0.2.10]) by mx.example.org (Postfix) with ESMTPS id 4Q1; Tue, 3 Mar 2026 11:12:14 +0100",
		"from mail.example.nl (192.0.2.10) by DB1.mail.protection.outlook.com (10.167.242.55) with Microsoft SMTP Server; Tue, 3 Mar 2026",
		"from [192.0.2.10] (helo=mail.example.nl) by mx.example.org with esmtps (Exim 4.96) id 1r; Tue",
		"from x ([IPv6:fe80::1%eth0]) by y", "from by from by", "Pass (mailfrom) identity=mailfrom; client-ip=192.0.2.10; helo=a; envelope-from=b@c",
		"<>", "<a@b> (c)",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, value string) {
		r := ParseReceived(value)
		s := ParseReceivedSPF(value)
		ReturnPath(value)
		if r.IP.Zone() != "" || s.ClientIP.Zone() != "" {
			t.Fatalf("an address with a zone from %q", value)
		}
	})
}
