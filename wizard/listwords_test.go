package wizard

import (
	"strings"
	"testing"
	"time"

	"mailwizard/checks/poll"
	"mailwizard/transports"
	"mailwizard/wizard/i18n"
)

// A rule reads in the admin's language; in English exactly as the
// document's own wording (Match.String), which setup has always shown.
func TestRuleWords(t *testing.T) {
	en, nl := i18n.New(i18n.English), i18n.New(i18n.Dutch)
	test := func(m transports.Match, dutch string) {
		t.Helper()
		if got := RuleWords(en, m); got != m.String() {
			t.Errorf("%+v in English: %q, want %q", m, got, m.String())
		}
		if got := RuleWords(nl, m); got != dutch {
			t.Errorf("%+v in Dutch: %q, want %q", m, got, dutch)
		}
	}
	test(transports.Match{}, "elke afzender")
	test(transports.Match{LocalPart: "facturen"}, "facturen@ elk domein")
	test(transports.Match{Domain: ".example.nl"}, "*@example.nl en zijn subdomeinen")
	test(transports.Match{LocalPart: "facturen", Domain: "example.nl", Subsystem: "billing"}, "facturen@example.nl (subsystem billing)")
}

func TestRetiredRecordNames(t *testing.T) {
	got := RetiredRecordNames([]string{"clockwise-202601", "old"}, "example.nl")
	if strings.Join(got, " ") != "clockwise-202601._domainkey.example.nl old._domainkey.example.nl" {
		t.Errorf("names %q", got)
	}
}

// Only resolvers that still hold "no such record" delay what receivers
// see; the latest of them counts.
func TestCachesSeeBy(t *testing.T) {
	at := time.Date(2026, 11, 29, 10, 0, 0, 0, time.UTC)
	ev := poll.Event{Records: []poll.RecordStatus{
		{Resolvers: []poll.ServerStatus{{State: poll.NotYet, VisibleBy: at.Add(time.Minute)}, {State: poll.Seen, VisibleBy: at.Add(time.Hour)}}},
		{Resolvers: []poll.ServerStatus{{State: poll.NotYet, VisibleBy: at.Add(5 * time.Minute)}, {State: poll.NotYet}}},
	}}
	if got := CachesSeeBy(ev); !got.Equal(at.Add(5 * time.Minute)) {
		t.Errorf("caches see it by %v, want 10:05", got)
	}
	if got := CachesSeeBy(poll.Event{Records: []poll.RecordStatus{{Resolvers: []poll.ServerStatus{{State: poll.Seen}}}}}); !got.IsZero() {
		t.Errorf("every resolver sees it, yet caches by %v", got)
	}
}

func TestGeneratorNamesTheVersion(t *testing.T) {
	if g := Generator(); !strings.HasPrefix(g, "mailwizard ") || len(g) <= len("mailwizard ") {
		t.Errorf("generator %q", g)
	}
}
