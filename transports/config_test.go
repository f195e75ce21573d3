package transports

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"strings"
	"testing"
	"time"
)

var update = flag.Bool("update", false, "rewrite golden files in testdata/")

func sampleDocument() *Document {
	at := time.Date(2026, 11, 24, 9, 30, 0, 0, time.UTC)
	ip := smtpTransport()
	ip.Name, ip.Match = "Relay for billing", Match{Domain: "example.nl", Subsystem: "billing"}
	ip.SMTP.Auth, ip.SMTP.Username, ip.SMTP.PasswordRef, ip.SMTP.Encryption, ip.SMTP.Port = AuthIPAllowlist, "", "", EncryptSTARTTLSOptional, 25
	hosted := hostedTransport()
	hosted.Match = Match{Domain: ".example.nl"}
	return &Document{
		Version:   ConfigVersion,
		Generator: "mailwizard test",
		Created:   at,
		Provider:  "clockwise",
		Domain:    "example.nl",
		Transports: List{
			ip,
			smtpTransport(),
			hosted,
			{Name: "Fallback no-reply", Type: NoReply, NoReply: &NoReplySettings{ReplyToFrom: false}},
		},
		DKIM: []DKIMKey{{
			Selector: "clockwise", Algorithm: "rsa2048", RecordName: "clockwise._domainkey.example.nl",
			RecordValue: "v=DKIM1; k=rsa; p=MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA",
			Fingerprint: "SHA256:47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=", PrivateKeyRef: "mailwizard/example.nl/ClockWise servers/dkim-key",
		}},
		DNS: []DNSFact{{
			Name: "example.nl", Type: "TXT", Expected: "v=spf1 include:_spf.clockwise.info ~all",
			Seen: []string{"v=spf1 include:_spf.clockwise.info ~all"}, Status: "ok", CheckedAt: at, Servers: []string{"ns1.example.nl", "ns2.example.nl"},
		}},
		Evidence: []Evidence{{
			Check: "smtp.test", Transport: "Relay via our server", Settings: "smtp.example.nl:587 starttls strict password relay@example.nl relay",
			Passed: true, At: at, Server: "smtp.example.nl:587", Origin: OriginAdminDesk,
			TLS:  &TLSSeen{Version: "TLS 1.3", Cipher: "TLS_AES_128_GCM_SHA256", Subject: "smtp.example.nl", Issuer: "R11", NotAfter: at.Add(60 * 24 * time.Hour), Verified: true},
			Auth: "PLAIN accepted", Sender: "facturen@example.nl",
			Detail: "connection, TLS and login tested; facturen@example.nl accepted at MAIL FROM",
		}, {
			Check: "smtp.verify", Transport: "Relay via our server", Settings: "smtp.example.nl:587 starttls strict password relay@example.nl relay",
			Passed: true, At: at.Add(2 * time.Minute), Server: "smtp.example.nl:587", Origin: OriginAdminDesk,
			TLS:  &TLSSeen{Version: "TLS 1.3", Cipher: "TLS_AES_128_GCM_SHA256", Subject: "smtp.example.nl", Issuer: "R11", NotAfter: at.Add(60 * 24 * time.Hour), Verified: true},
			Auth: "PLAIN accepted", Sender: "facturen@example.nl",
			Detail: "verification code sent from facturen@example.nl to it@example.org and typed back",
		}, {
			Check: "dns.spf", Passed: true, At: at, Origin: OriginAdminDesk, Record: "example.nl", Nameservers: []string{"ns1.example.nl", "ns2.example.nl"},
			Detail: "example.nl seen on ns1.example.nl, ns2.example.nl",
		}},
	}
}

// goldenV2 is what this mailwizard writes; goldenV1 was written by the
// first one and must stay readable.
var (
	goldenV2 = filepath.Join("testdata", "config-v2.golden.json")
	goldenV1 = filepath.Join("testdata", "config.golden.json")
)

func TestDocumentRoundTripAndGolden(t *testing.T) {
	doc := sampleDocument()
	raw, err := doc.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	golden := goldenV2
	if *update {
		if err := os.WriteFile(golden, raw, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run go test -update once to create it)", err)
	}
	if !bytes.Equal(raw, want) {
		t.Errorf("Marshal differs from %s (run with -update if the change is intended):\n%s", golden, raw)
	}
	back, err := Parse(raw)
	if err != nil {
		t.Fatalf("Parse of our own output: %v", err)
	}
	if !reflect.DeepEqual(back, doc) {
		t.Errorf("round trip changed the document:\n got %+v\nwant %+v", back, doc)
	}

	path := filepath.Join(t.TempDir(), "mailwizard-example.nl.json")
	if err := doc.WriteFile(path); err != nil {
		t.Fatal(err)
	}
	st, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if runtime.GOOS != "windows" && st.Mode().Perm() != 0o600 { // Windows has no mode bits; the ACL of the profile folder guards it
		t.Errorf("document written with mode %v, want 0600", st.Mode().Perm())
	}
	read, err := ReadFile(path)
	if err != nil || !reflect.DeepEqual(read, doc) {
		t.Errorf("ReadFile = %+v, %v", read, err)
	}
}

func TestWriteFileRefusesInvalidDocument(t *testing.T) {
	doc := sampleDocument()
	doc.Transports[1].SMTP.Port = 0
	path := filepath.Join(t.TempDir(), "out.json")
	if err := doc.WriteFile(path); FirstField(err) != "transports[1].smtp.port" {
		t.Errorf("WriteFile error = %v, want it to name transports[1].smtp.port", err)
	}
	if _, err := os.Stat(path); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("an invalid document was written anyway")
	}
}

// mutateJSON applies edit to the sample document as generic JSON, so tests
// can produce documents our own types could never marshal.
func mutateJSON(t *testing.T, edit func(m map[string]any)) []byte {
	t.Helper()
	raw, err := sampleDocument().Marshal()
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(raw, &m); err != nil {
		t.Fatal(err)
	}
	edit(m)
	out, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func at(m map[string]any, path ...any) map[string]any {
	var cur any = m
	for _, p := range path {
		switch p := p.(type) {
		case string:
			cur = cur.(map[string]any)[p]
		case int:
			cur = cur.([]any)[p]
		}
	}
	return cur.(map[string]any)
}

// Each broken document must be refused by Parse naming the field, and by
// both the schema (what the service enforces) and our Go rules, so that the
// two cannot drift apart unnoticed. goOnly marks rules a JSON schema cannot
// express (cross-references between parts of the document).
func TestParseRejectsBrokenDocuments(t *testing.T) {
	test := func(name string, edit func(m map[string]any), field, says string, goOnly bool) {
		t.Helper()
		raw := mutateJSON(t, edit)
		_, err := Parse(raw)
		if err == nil {
			t.Errorf("%s: Parse accepted it", name)
			return
		}
		if FirstField(err) != field || !strings.Contains(err.Error(), says) {
			t.Errorf("%s: error %q, want field %q saying %q", name, err, field, says)
		}
		inst, _ := decodeJSON(raw)
		if serr := schemaCheck("config", inst); (serr == nil) != goOnly {
			t.Errorf("%s: schema verdict %v, goOnly=%v: the schema and the Go rules disagree", name, serr, goOnly)
		}
		var d Document
		if derr := decodeStrict(raw, &d); derr == nil {
			if verr := d.Validate(); verr == nil {
				t.Errorf("%s: the schema refuses it but Document.Validate accepts it", name)
			}
		}
	}
	test("port out of range", func(m map[string]any) { at(m, "transports", 1, "smtp")["port"] = 70000 }, "transports[1].smtp.port", "70000", false)
	test("port zero", func(m map[string]any) { at(m, "transports", 1, "smtp")["port"] = 0 }, "transports[1].smtp.port", "1-65535", false)
	test("unknown encryption", func(m map[string]any) { at(m, "transports", 1, "smtp")["encryption"] = "ssl" }, "transports[1].smtp.encryption", `"ssl"`, false)
	test("password over plaintext", func(m map[string]any) { at(m, "transports", 1, "smtp")["encryption"] = "none" }, "transports[1].smtp.encryption", "unencrypted", false)
	test("CRLF in host", func(m map[string]any) { at(m, "transports", 1, "smtp")["host"] = "smtp.example.nl\r\nQUIT" }, "transports[1].smtp.host", "carriage return", false)
	test("host in Unicode", func(m map[string]any) { at(m, "transports", 1, "smtp")["host"] = "smtp.bücher.de" }, "transports[1].smtp.host", "xn--bcher-kva.de", false)
	test("domain in Unicode", func(m map[string]any) { m["domain"] = "bücher.de" }, "domain", "xn--bcher-kva.de", false)
	test("domain malformed", func(m map[string]any) { m["domain"] = "example..nl" }, "domain", "empty label", false)
	test("LF in transport name", func(m map[string]any) { at(m, "transports", 0)["name"] = "a\nb" }, "transports[0].name", "line feed", false)
	test("match local part", func(m map[string]any) { at(m, "transports", 0, "match")["local_part"] = "a b" }, "transports[0].match.local_part", "contains ' '", false)
	test("unknown type", func(m map[string]any) { at(m, "transports", 3)["type"] = "fax" }, "transports[3].type", `"fax"`, false)
	test("smtp settings on hosted", func(m map[string]any) { at(m, "transports", 2)["smtp"] = at(m, "transports", 1, "smtp") }, "transports[2].smtp", "type hosted", false)
	test("missing smtp", func(m map[string]any) { delete(at(m, "transports", 1), "smtp") }, "transports[1].smtp", "needs a server", false)
	test("allow-list with username", func(m map[string]any) { at(m, "transports", 0, "smtp")["username"] = "x" }, "transports[0].smtp.username", "sends no credentials", false)
	test("bad selector", func(m map[string]any) { at(m, "transports", 2, "hosted", "dkim")["selector"] = "Click Wise" }, "transports[2].hosted.dkim.selector", "contains ' '", false)
	test("no transports", func(m map[string]any) { m["transports"] = []any{} }, "transports", "at least one", false)
	test("bad time", func(m map[string]any) { m["created"] = "yesterday" }, "created", "yesterday", false)
	test("unknown field", func(m map[string]any) { at(m, "transports", 1, "smtp")["colour"] = "blue" }, "transports[1].smtp.colour", "not a field of this format", false)
	test("password in the document", func(m map[string]any) { at(m, "transports", 1, "smtp")["password"] = "hunter2" }, "transports[1].smtp.password", "not a field", false)
	test("DKIM record name for another domain", func(m map[string]any) { at(m, "dkim", 0)["record_name"] = "clockwise._domainkey.other.nl" }, "dkim[0].record_name", "must be", true)
	test("hosted for another domain", func(m map[string]any) { at(m, "transports", 2, "match")["domain"] = "other.nl" }, "transports[2].match.domain", "outside example.nl", true)
	test("evidence for a missing transport", func(m map[string]any) { at(m, "evidence", 0)["transport"] = "gone" }, "evidence[0].transport", "not the name", true)
	test("selector without a key", func(m map[string]any) { m["dkim"] = []any{} }, "transports[2].hosted.dkim.selector", "no key", true)
	test("TLS without its version", func(m map[string]any) { delete(at(m, "evidence", 0, "tls"), "version") }, "evidence[0].tls.version", "is empty", false)
	test("CRLF in auth", func(m map[string]any) { at(m, "evidence", 0)["auth"] = "PLAIN\r\naccepted" }, "evidence[0].auth", "carriage return", false)
	test("record not canonical", func(m map[string]any) { at(m, "evidence", 2)["record"] = "Example.NL" }, "evidence[2].record", `must be written "example.nl"`, false)
	test("empty name server", func(m map[string]any) { at(m, "evidence", 2)["nameservers"] = []any{""} }, "evidence[2].nameservers[0]", "is empty", false)
	test("settings of no transport", func(m map[string]any) { at(m, "evidence", 2)["settings"] = "smtp.example.nl:25" }, "evidence[2].settings", "no transport", false)
	test("a field of no version", func(m map[string]any) { at(m, "evidence", 0, "tls")["grade"] = "A+" }, "evidence[0].tls.grade", "not a field", false)
}

func TestParseVersionsAndGarbage(t *testing.T) {
	test := func(name string, raw []byte, kind error, field, says string) {
		t.Helper()
		_, err := Parse(raw)
		if !errors.Is(err, kind) || FirstField(err) != field || !strings.Contains(err.Error(), says) {
			t.Errorf("%s: error = %v, want %v on %q saying %q", name, err, kind, field, says)
		}
	}
	v := func(version any) []byte {
		return mutateJSON(t, func(m map[string]any) { m["version"] = version; m["a_field_from_the_future"] = true })
	}
	test("future version", v(99), ErrFutureVersion, "version", "newer mailwizard")
	test("next version", v(ConfigVersion+1), ErrFutureVersion, "version", "reads versions up to 2")
	test("version zero", v(0), ErrUnknownValue, "version", "start at 1")
	test("version text", v("1"), ErrSyntax, "version", "whole number")
	test("version fraction", v(1.5), ErrSyntax, "version", "whole number")
	test("no version", mutateJSON(t, func(m map[string]any) { delete(m, "version") }), ErrNotConfig, "version", "not a mailwizard")
	test("empty file", nil, ErrNotJSON, "", "empty or cut off")
	test("cut off", []byte(`{"version": 1, "domain": "exa`), ErrNotJSON, "", "cut off")
	test("syntax", []byte("{\n  \"version\": 1,\n  \"domain\" \"x\"\n}"), ErrNotJSON, "", "line 3, column 12")
	test("array", []byte(`[1, 2]`), ErrNotConfig, "", "not a JSON object")
	test("trailing data", append(mutateJSON(t, func(map[string]any) {}), []byte(`{}`)...), ErrNotJSON, "", "more data")

	big := filepath.Join(t.TempDir(), "big.json")
	if err := os.WriteFile(big, bytes.Repeat([]byte(" "), maxDocumentSize+10), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := ReadFile(big); !errors.Is(err, ErrNotConfig) {
		t.Errorf("ReadFile of a huge file: %v, want ErrNotConfig", err)
	}
}
