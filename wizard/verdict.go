package wizard

import (
	"context"
	"errors"
	"strings"
	"time"

	"mailwizard/checks/verdict"
	"mailwizard/texts"
	"mailwizard/transports"
	"mailwizard/wizard/i18n"
)

// The receiver's verdict: the admin pastes a message as it arrived (the
// code mail of the own-server path, or a message the service sent on the
// hosted path) and sees how the receiving server judged SPF, DKIM and
// DMARC, and why. The result joins the document's evidence.

// CheckVerdict is the evidence check a judged message leaves.
const CheckVerdict = verdict.CheckName

// VerdictTimeout bounds judging one message: a handful of DNS lookups
// and one SPF evaluation.
const VerdictTimeout = 30 * time.Second

// JudgeMessage judges a pasted message for the state's domain, with the
// DKIM keys the wizard generated to compare with DNS. transport names the
// transport the message went through ("" when unknown): it says which
// explanations fit (the service's servers, or the admin's own). Bad input
// is a FieldError on "message", in words for the admin: also a message
// from another domain than the state's (a subdomain of it is its own). A
// check stopped (cancelled, or out of time) gives ctx's error and no
// verdict, so that nothing is recorded from it.
func JudgeMessage(ctx context.Context, env *Env, s *State, pasted []byte, transport string) (*verdict.Report, error) {
	opts := verdict.Options{Domain: s.Domain, ExpectDKIM: map[string]string{}}
	for _, k := range s.Keys {
		opts.ExpectDKIM[k.Selector] = k.RecordValue
	}
	if t := transports.List(s.Transports).Find(transport); t != nil {
		switch t.Type {
		case transports.Hosted:
			opts.Path = verdict.PathHosted
		case transports.SMTP:
			opts.Path = verdict.PathSMTP
		}
	}
	if p, err := s.Profile(); err == nil {
		opts.Service = p.In(string(s.Lang)).Name
	}
	rep, err := verdict.Check(ctx, env.DNS, pasted, opts)
	switch {
	case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		return nil, VerdictStopped(err)
	case err != nil:
		return nil, transports.FieldErrors{{Field: "message", Err: VerdictInputError(err)}}
	}
	return rep, nil
}

// VerdictStopped words a check that ended before its lookups did, for
// both faces; it still is ctx's error (errors.Is).
func VerdictStopped(err error) error {
	if errors.Is(err, context.DeadlineExceeded) {
		return texts.Err(err, texts.T("wizard.verdict.timeout", "the check did not finish in %s: DNS did not answer in time; try again", VerdictTimeout.String()))
	}
	return texts.Err(err, texts.T("wizard.verdict.stopped", "the check was stopped before it finished; nothing was judged"))
}

// RecordVerdict keeps a judged message as evidence for the transport,
// in place of an earlier verdict for it: the document carries the latest.
func RecordVerdict(env *Env, s *State, rep *verdict.Report, transport string) {
	ev := rep.Evidence(transport, env.now())
	for i, old := range s.Evidence {
		if old.Check == CheckVerdict && strings.EqualFold(old.Transport, transport) {
			s.Evidence[i] = ev
			return
		}
	}
	s.Evidence = append(s.Evidence, ev)
}

// HostedTransport is the name of the first hosted transport, or "": the
// one a message the service sent is judged for.
func HostedTransport(s *State) string {
	for _, t := range s.Transports {
		if t.Type == transports.Hosted {
			return t.Name
		}
	}
	return ""
}

// VerdictInputError words why a paste cannot be judged, for both faces:
// the terminal names the file, the window marks the paste.
func VerdictInputError(err error) error {
	switch {
	case errors.Is(err, verdict.ErrEmpty):
		return texts.Err(err, texts.T("wizard.verdict.empty", "nothing was pasted: paste the whole message as you received it, or at least its header"))
	case errors.Is(err, verdict.ErrNotHeader):
		return texts.Err(err, texts.T("wizard.verdict.not-header", "this is not a mail header: paste the message's source (Gmail: Show original; Outlook: View message source), not the text as you read it"))
	case errors.Is(err, verdict.ErrNoFrom):
		return texts.Err(err, texts.T("wizard.verdict.no-from", "the header has no From address to judge DMARC for: paste the whole header"))
	case errors.Is(err, verdict.ErrHeaderTooLarge):
		return texts.Err(err, texts.T("wizard.verdict.header-too-large", "the header is larger than %d MB, which no mail header is: paste the message's source, from its first header line", verdict.MaxHeader>>20))
	case errors.Is(err, verdict.ErrTooLarge):
		return texts.Err(err, texts.T("wizard.verdict.too-large", "the message is too large (at most %d MB): paste only its header", verdict.MaxMessage>>20))
	}
	if other := (*verdict.OtherDomainError)(nil); errors.As(err, &other) {
		return texts.Err(err, texts.T("wizard.verdict.other-domain", "this message is from %s, not from %s: paste a message sent from %s", other.From, other.Expected, other.Expected))
	}
	return err
}

// VerdictLines sums a verdict up for people, one line each: who received
// the message, then SPF, each DKIM signature and DMARC, as the receiver
// saw them and as they come out now.
func VerdictLines(tr *i18n.Translator, rep *verdict.Report) []string {
	var out []string
	if r := rep.Receiver; r != nil {
		who := r.Name
		if r.AuthservID != "" && r.AuthservID != r.Name {
			who += " (" + r.AuthservID + ")"
		}
		out = append(out, tr.X("verdict.received_by", "Received by %s, from %s.", who, rep.From))
	} else {
		out = append(out, tr.X("verdict.no_receiver", "No results of the receiving server found; from %s.", rep.From))
	}
	spfFor := rep.SPF.Domain
	if rep.SPF.IP != "" {
		spfFor = tr.X("verdict.spf_for", "%s from %s", orDash(rep.SPF.Domain), rep.SPF.IP)
	}
	out = append(out, tr.X("verdict.spf", "SPF for %s: %s", orDash(spfFor), saidNow(tr, rep.SPF.Receiver, rep.SPF.Result)))
	for _, s := range rep.DKIM {
		out = append(out, tr.X("verdict.dkim", "DKIM signature d=%s s=%s: %s", s.Domain, s.Selector, saidNow(tr, s.Receiver, s.Result)))
	}
	if len(rep.DKIM) == 0 {
		out = append(out, tr.X("verdict.dkim_none", "DKIM: no signature"))
	}
	policy := tr.X("verdict.no_policy", "no policy")
	switch {
	case rep.DMARC.Several:
		policy = tr.X("verdict.several_policies", "several records: none applies")
	case rep.DMARC.Policy != "":
		policy = "p=" + rep.DMARC.Policy
	}
	out = append(out, tr.X("verdict.dmarc", "DMARC for %s (%s): %s", rep.FromDomain, policy, saidNow(tr, rep.DMARC.Receiver, rep.DMARC.Result)))
	return out
}

// saidNow is "the receiver said X; Y now" in words.
func saidNow(tr *i18n.Translator, receiver, now string) string {
	switch {
	case now == "unchecked" && receiver != "":
		return tr.X("verdict.said_unchecked", "the receiver said %s; not checked here: only the header was pasted", receiver)
	case now == "unchecked":
		return tr.X("verdict.unchecked", "not checked: only the header was pasted")
	case now == "" && receiver != "":
		return tr.X("verdict.said_not_evaluated", "the receiver said %s; not evaluated again", receiver)
	case now == "":
		return tr.X("verdict.not_evaluated", "not evaluated")
	case receiver == "":
		return tr.X("verdict.now_only", "%s now", now)
	}
	return tr.X("verdict.said_now", "the receiver said %s; %s now", receiver, now)
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// VerdictHeadline is the verdict in one sentence.
func VerdictHeadline(tr *i18n.Translator, rep *verdict.Report) string {
	switch rep.Verdict() {
	case "pass":
		return tr.X("verdict.passes", "The message passes DMARC for %s.", rep.FromDomain)
	case "pass-no-policy":
		return tr.X("verdict.passes_no_policy", "The message would pass DMARC for %s, but no DMARC policy applies to the domain yet.", rep.FromDomain)
	case "unaligned-no-policy":
		return tr.X("verdict.unaligned_no_policy", "Nothing in the message is aligned with %s, and no DMARC policy applies to the domain yet.", rep.FromDomain)
	case "unknown":
		return tr.X("verdict.unknown", "Whether the message passes DMARC for %s is unknown.", rep.FromDomain)
	}
	return tr.X("verdict.fails", "The message does not pass DMARC for %s.", rep.FromDomain)
}
