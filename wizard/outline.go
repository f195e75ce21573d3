package wizard

import "mailwizard/wizard/i18n"

// Short is the step's name in an outline of the steps: a word or two, so
// the outline stays narrow in every language while the page's title says
// it in full.
func (st Step) Short(t *i18n.Translator) string {
	switch st.ID {
	case StepWelcome:
		return t.X("step.welcome.short", "Service")
	case StepDomain:
		return t.X("step.domain.short", "Domain")
	case StepTransportType:
		return t.X("step.type.short", "How it sends")
	case StepHosted:
		return t.X("step.hosted.short", "SPF and DKIM")
	case StepNoReply:
		return t.X("step.noreply.short", "No-reply")
	case StepSMTP:
		return t.X("step.smtp.short", "Mail server")
	case StepVerify:
		return t.X("step.verify.short", "Code")
	case StepDNS:
		return t.X("step.dns.short", "DNS records")
	case StepTransports:
		return t.X("step.transports.short", "Transports")
	case StepReview:
		return t.X("step.review.short", "Export")
	}
	return st.Title(t)
}
