package cli

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
)

// englishFragments are the constant parts (20 characters or more) of
// every English text whose Dutch differs: if one shows up in a run with
// --lang nl, a line was printed in English.
func englishFragments(t *testing.T) []string {
	t.Helper()
	read := func(lang string) map[string]string {
		raw, err := os.ReadFile(filepath.Join("..", "..", "resources", "translations", lang+".json"))
		if err != nil {
			t.Fatal(err)
		}
		var m map[string]string
		if err := json.Unmarshal(raw, &m); err != nil {
			t.Fatal(err)
		}
		return m
	}
	en, nl := read("en"), read("nl")
	verb := regexp.MustCompile(`%(\[\d+\])?[-+# 0]*\d*(\.\d+)?[a-zA-Z%]`)
	var out []string
	for key, english := range en {
		if nl[key] == english {
			continue
		}
		for _, part := range verb.Split(english, -1) {
			if part = strings.TrimSpace(part); len(part) >= 20 {
				out = append(out, part)
			}
		}
	}
	if len(out) < 100 {
		t.Fatalf("only %d English fragments: the catalogs were not read right", len(out))
	}
	return out
}

// assertDutch fails on any English fragment in a run's output.
func assertDutch(t *testing.T, fragments []string, output string) {
	t.Helper()
	for _, f := range fragments {
		if strings.Contains(output, f) {
			t.Errorf("English in a --lang nl run: %q", f)
		}
	}
	for _, word := range []string{"Warning", "fix:", "Step "} {
		if strings.Contains(output, word) {
			t.Errorf("English word %q in a --lang nl run", word)
		}
	}
}

// The whole hosted flow and the own-server flow with --lang nl: every
// prompt, finding, record explanation and closing line is Dutch.
func TestSetupSpeaksDutch(t *testing.T) {
	fragments := englishFragments(t)

	addr, srv, _, dir := setupWorld(t)
	out, zone := filepath.Join(dir, "example.json"), filepath.Join(dir, "zone.txt")
	publishZoneFile(t, srv, zone, make(chan time.Time, 1))
	in := newScript("1", "example.nl", "facturen", "", "", "", "", "", "")
	code, stdout, stderr := runSetup(t, context.Background(), in.r, "--lang", "nl", "--dns-server", addr, "--out", out, "--zone-out", zone, "--poll-interval", "100ms")
	if code != ExitOK {
		t.Fatalf("hosted: exit %d\n%s\n%s", code, stdout, stderr)
	}
	assertDutch(t, fragments, stdout+stderr)
	if os.Getenv("MW_SHOW") != "" {
		t.Logf("%s\n%s", stdout, stderr)
	}

	addr, _, _, dir = setupWorld(t)
	relay, _ := smtpServer(t)
	out = filepath.Join(dir, "relay.json")
	in = newScript("2", "example.nl", "facturen", "", "n", "127.0.0.1", "", strconv.Itoa(relay.Port), "", "relay@example.nl", "",
		"it@example.org", "FOUT", codeFrom(relay, 1), "", "")
	code, stdout, stderr = runSetup(t, context.Background(), in.r, "--lang", "nl", "--dns-server", addr, "--out", out, "--password-env", "MW_SMTP_PASSWORD")
	if code != ExitOK {
		t.Fatalf("own server: exit %d\n%s\n%s", code, stdout, stderr)
	}
	assertDutch(t, fragments, stdout+stderr)
	if os.Getenv("MW_SHOW") != "" {
		t.Logf("%s\n%s", stdout, stderr)
	}
}
