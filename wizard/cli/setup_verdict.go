package cli

import (
	"context"
	"errors"
	"fmt"

	"mailwizard/wizard"
)

// offerVerdict asks for a message as it was received (the code mail, or
// one the service sent) and shows how the receiving server judged it; the
// verdict joins the evidence. Only a person on a terminal is asked, and
// not with --yes: a script's answers must not shift. A paste that is not
// a message is said so, and the question comes again. The paste ends at a
// line with only a dot; Ctrl-D instead skips it, and setup goes on (the
// terminal reads on after it). Ctrl-C stops setup, recording nothing.
func (r *setupRun) offerVerdict(transport, question string) error {
	s := r.flow.State
	if !r.e.terminal || r.f.yes || transport == "" || s.HasEvidence(wizard.CheckVerdict, transport) {
		return nil
	}
	for {
		ok, err := r.ask.confirm("message", question, false)
		if err != nil || !ok {
			return err
		}
		fmt.Fprintln(r.e.Err, r.e.tr.X("setup.verdict.how.end", "Paste the message's source (Gmail: Show original; Outlook: View message source), then a line with only a dot (.). Ctrl-D (Ctrl-Z on Windows) skips it:"))
		text, ended, err := r.e.readPaste(r.e.ctx)
		switch {
		case err != nil:
			return err
		case ended:
			fmt.Fprintln(r.e.Err, r.e.tr.X("setup.verdict.skipped", "The paste was skipped; nothing was checked."))
			return nil
		}
		ctx, cancel := context.WithTimeout(r.e.ctx, wizard.VerdictTimeout)
		rep, err := wizard.JudgeMessage(ctx, r.env, s, text, transport)
		cancel()
		switch {
		case errors.Is(err, context.Canceled):
			return err
		case errors.Is(err, context.DeadlineExceeded):
			fmt.Fprintln(r.e.Err, r.e.tr.Error(err))
			return nil
		case err != nil:
			fmt.Fprintln(r.e.Err, r.e.tr.Error(err))
			continue
		}
		wizard.RecordVerdict(r.env, s, rep, transport)
		r.saver()
		fmt.Fprintln(r.e.Out, wizard.VerdictHeadline(r.e.tr, rep))
		for _, line := range wizard.VerdictLines(r.e.tr, rep) {
			fmt.Fprintln(r.e.Out, "  "+line)
		}
		r.printFindings(rep.Findings)
		return nil
	}
}
