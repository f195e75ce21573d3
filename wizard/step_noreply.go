package wizard

import (
	"mailwizard/texts"
	"mailwizard/transports"
	"mailwizard/wizard/i18n"
)

// The no-reply step: the service sends from its own address, so nothing
// in the customer's DNS changes. The one choice is whether to copy the
// sender into Reply-To, off by default: receivers that check DMARC
// strictly may score a Reply-To that differs from From as spam.

// ReplyToAdvice says what copying From into Reply-To means for this
// domain, naming its DMARC policy when discovery found one.
func ReplyToAdvice(tr *i18n.Translator, s *State, p *transports.Provider, d *Discovery) string {
	from := orText(p.NoReplyAddress, tr.X("type.noreply.theirs", "the service's address"))
	advice := tr.X("noreply.replyto", "Mail comes from %s. With 'copy the sender into Reply-To', recipients can answer the person who sent it; "+
		"but some receivers that check DKIM and DMARC strictly count a Reply-To that differs from the sender as a sign of spam. Leave it off unless replies matter.", from)
	if pol := d.dmarcPolicy(); pol == "quarantine" || pol == "reject" {
		advice += " " + tr.X("noreply.replyto.strict", "%s itself has DMARC p=%s: mail that names it in Reply-To is more likely to be filtered.", s.Domain, pol)
	}
	return advice
}

// SetReplyToFrom sets the choice for the transport being edited.
func SetReplyToFrom(s *State, on bool) error {
	t := s.Current()
	if t == nil || t.NoReply == nil {
		return transports.FieldErrors{{Field: "type", Err: texts.Err(transports.ErrConflict, texts.T("wizard.noreply.not-editing", "no no-reply transport is being edited"))}}
	}
	t.NoReply.ReplyToFrom = on
	return nil
}
