package cli

import (
	"context"
	"errors"
	"fmt"
	"os"

	"mailwizard/checks"
	"mailwizard/checks/publish"
	"mailwizard/transports"
	"mailwizard/transports/secrets"
	"mailwizard/wizard"
)

// "Publish for me" in setup's DNS step: offered when the admin gives a
// TSIG key (--tsig-name, or the key that published before, in the
// draft). The update is shown and sent only on a yes; whatever happens,
// the wait for the name servers follows, so a refused update leaves the
// admin where publishing by hand does.

// publishForMe offers to publish the records and publishes them; what
// it says is printed, and setup goes on to the wait in every case.
func (r *setupRun) publishForMe(records []wizard.Record) error {
	s := r.flow.State
	f := r.f.publish
	if f.name == "" && s.TSIG != nil {
		f.name, f.server = s.TSIG.Name, s.TSIG.Server
		if f.algorithm == "" {
			f.algorithm = s.TSIG.Algorithm
		}
	}
	if f.name == "" {
		return nil
	}
	ok, err := r.ask.confirm("publish", r.e.tr.X("setup.publish_offer", "Publish them for you on your DNS server, with the TSIG key %s (RFC 2136)?", f.name), true)
	if err != nil || !ok {
		return err
	}
	key, err := r.tsigKey(&f)
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(r.e.ctx, publishTimeout)
	defer cancel()
	plan, err := wizard.PreparePublish(ctx, r.env, s.Domain, records, f.server)
	if err != nil {
		return r.notPublished(err)
	}
	r.e.printPlan(plan, key)
	if plan.Windows != nil {
		r.e.printFindings(r.e.Out, []checks.Finding{publish.Explain(plan.Windows)})
	}
	if !plan.Pending() {
		return nil
	}
	ok, err = r.ask.confirm("send", r.e.tr.X("cmd.publish.confirm", "Send this update to %s?", plan.Primary), r.f.yes)
	if err != nil || !ok {
		return err
	}
	// A deadline of its own: the admin may read the update for longer
	// than reading the server was allowed to take.
	sctx, scancel := context.WithTimeout(r.e.ctx, publishTimeout)
	defer scancel()
	res, err := wizard.Publish(sctx, r.env, s, s.Domain, plan, key, f.server)
	r.saver()
	if err != nil {
		if publish.MayHaveArrived(err) {
			r.published = newArrivals(plan, &publish.Result{Primary: plan.Primary})
		}
		return r.notPublished(err)
	}
	r.e.printPublished(&res.Result)
	if w := res.Warning(); !w.IsZero() {
		fmt.Fprintln(r.e.Out, r.e.tr.Text(w))
	}
	r.published = newArrivals(plan, &res.Result)
	return nil
}

// tsigKey is the key with its secret: from --tsig-secret-env, the
// keychain, or asked without echo until it reads as a key.
func (r *setupRun) tsigKey(f *publishFlags) (publish.Key, error) {
	domain := r.flow.State.Domain
	if f.secretEnv != "" {
		k, err := publish.NewKey(f.name, f.algorithm, os.Getenv(f.secretEnv))
		return k, f.named(err, "tsig-server")
	}
	if kept, err := wizard.TSIGSecret(r.env.Secrets, domain, f.name); err == nil {
		if k, err := publish.NewKey(f.name, f.algorithm, kept); err == nil {
			return k, nil
		}
	} else if !errors.Is(err, secrets.ErrNotFound) {
		return publish.Key{}, err
	}
	for {
		secret, err := r.ask.secret("tsig-secret", r.e.tr.X("cmd.publish.ask_secret", "Secret of the TSIG key %s (not shown)", f.name))
		if err != nil {
			return publish.Key{}, err
		}
		k, err := publish.NewKey(f.name, f.algorithm, secret)
		if err == nil {
			return k, nil
		}
		var fe *transports.FieldError
		if errors.As(err, &fe) && fe.Field != publish.FieldSecret {
			return publish.Key{}, f.named(err, "tsig-server") // a flag's or the draft's name or algorithm
		}
		fmt.Fprintln(r.e.Err, r.e.tr.X("setup.publish_bad_secret", "That is not the key's secret: %s", r.e.tr.Error(errors.Unwrap(err))))
		if r.f.yes {
			return publish.Key{}, &answerError{"tsig-secret", f.name, r.e.tr.Error(err)}
		}
	}
}

// notPublished says why the update was not sent or not taken, and that
// the records can be published by hand while setup waits for them. That
// nothing changed is said only when it is so: before sending, or on the
// primary's own error code; an update sent without a trusted answer may
// have arrived, which the wait shows. Stopped by the admin (Ctrl+C), it
// says so and returns context.Canceled, which ends setup as a stop does.
func (r *setupRun) notPublished(err error) error {
	r.e.printFindings(r.e.Out, []checks.Finding{publish.Explain(err)})
	switch {
	case errors.Is(err, context.Canceled):
		return context.Canceled
	case publish.MayHaveArrived(err):
		fmt.Fprintln(r.e.Out, r.e.tr.X("setup.publish_may_have_arrived", "Whether the update arrived shows on the name servers, which setup asks now; if it did not, publish the records by hand, and setup sees them arrive."))
	default:
		fmt.Fprintln(r.e.Out, r.e.tr.X("setup.publish_by_hand", "Nothing was changed on your DNS server: publish the records by hand, and setup sees them arrive."))
	}
	return nil
}
