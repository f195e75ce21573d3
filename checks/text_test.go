package checks

import "testing"

func TestSay(t *testing.T) {
	f := Finding{Code: "spf.missing"}.Say(T("spf.missing", "%s has no SPF record", "a.nl"), Text{})
	if f.Message != "a.nl has no SPF record" || f.MessageText.Key != "spf.missing" || f.Fix != "" || !f.FixText.IsZero() {
		t.Errorf("Say: %+v", f)
	}
}
