package wizard

import (
	"strings"

	"github.com/miekg/dns"

	"mailwizard/checks/publish"
	"mailwizard/texts"
)

// PlanLine is one line of what an update does, as both faces show it
// before it is sent: a step ("add: TXT name (label)"), or, under a
// replace, a record it takes the place of.
type PlanLine struct {
	Text   texts.Text
	Detail bool // a record replaced, shown under the step before it
}

// PlanLines say what the plan does with each record: added, put in the
// place of the records named under it, or there already.
func PlanLines(plan *publish.Plan) []PlanLine {
	var out []PlanLine
	for _, s := range plan.Steps {
		name, typ := strings.TrimSuffix(s.Change.Name, "."), dns.TypeToString[s.Change.Type]
		switch s.Action {
		case publish.Keep:
			out = append(out, PlanLine{Text: texts.T("wizard.publish.step.keep", "there already: %s %s (%s)", typ, name, s.Change.Label)})
		case publish.Replace:
			out = append(out, PlanLine{Text: texts.T("wizard.publish.step.replace", "replace: %s %s (%s)", typ, name, s.Change.Label)})
			for _, old := range s.Old {
				out = append(out, PlanLine{Text: texts.T("wizard.publish.step.old", "in place of: %s", old), Detail: true})
			}
		default:
			out = append(out, PlanLine{Text: texts.T("wizard.publish.step.add", "add: %s %s (%s)", typ, name, s.Change.Label)})
		}
	}
	return out
}
