package gui

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"

	"mailwizard/checks"
	"mailwizard/transports"
	"mailwizard/transports/dkimkey"
	"mailwizard/wizard"
)

// The DKIM part of the hosted step, by the service's mode: a key made
// here (the algorithm and a dated selector to choose), an existing key
// imported from a PEM file (its password asked when it is encrypted), or
// the CNAME records that delegate to the service's keys. Where the service
// allows it, the admin may send without DKIM, and is told what that costs.

// keyTimeout bounds making or importing a key (RSA-4096 takes seconds).
const keyTimeout = time.Minute

func (s *hostedStep) newDKIMForm() {
	tr, st := s.u.tr, s.u.flow.State
	t := st.Current()
	algos := wizard.KeyAlgorithms(s.p)
	names := make([]string, len(algos))
	for i, a := range algos {
		names[i] = string(a)
	}
	s.algo = s.u.newSelect(names, nil)
	s.algo.SetSelected(names[0])
	if plan := st.KeyPlan(t.Hosted.DKIM.Selector); plan != nil && plan.Algorithm != "" {
		s.algo.SetSelected(plan.Algorithm) // answered by a preset, or chosen here before
	}
	s.algo.OnChanged = func(algo string) { s.keepAlgorithm(algo, names[0]) }
	s.fields["dkim.algorithm"] = newField(tr.X("hosted.algorithm", "Key type"),
		tr.X("hosted.algorithm.help", "RSA-2048 is what every receiver verifies. Only the types %s signs with are offered.", checks.Printable(s.p.Name)), s.algo)

	s.selector = s.u.newEntry()
	s.selector.SetText(t.Hosted.DKIM.Selector)
	s.selector.OnChanged = func(text string) {
		if cur := s.u.flow.State.Current(); cur != nil && cur.Hosted != nil {
			if plan := s.u.flow.State.KeyPlan(cur.Hosted.DKIM.Selector); plan != nil {
				plan.Selector = strings.ToLower(text) // the answer follows its key's name
			}
			cur.Hosted.DKIM.Selector = strings.ToLower(text)
			s.u.changed()
		}
	}
	s.u.submitOnEnter(s.selector)
	s.fields["dkim.selector"] = newField(tr.X("hosted.selector", "Selector"),
		tr.X("hosted.selector.help", "The name the key is published under: <selector>._domainkey.%s. "+
			"A dated one lets the next key get a new name, so that the old and the new key both work while DNS changes.", st.Domain),
		s.selector)

	s.makeBtn = s.u.newButton(tr.X("hosted.make_key", "Make the key"), s.makeKey)
	s.makeBtn.Importance = widget.HighImportance
	row := container.NewHBox(s.makeBtn)
	if s.p.DKIM.Import || s.p.ID == "custom" {
		s.importBtn = s.u.newButton(tr.X("hosted.import_key", "Import an existing key…"), s.chooseKeyFile)
		row.Add(s.importBtn)
		if plan := st.KeyPlan(t.Hosted.DKIM.Selector); plan != nil && plan.KeyFile != "" {
			// The preset names the key file, as setup imports it.
			file := plan.KeyFile
			s.presetBtn = s.u.newButton(tr.X("hosted.import_preset", "Import %s", filepath.Base(file)), func() { s.importKey(file, nil) })
			s.presetBtn.Importance = widget.HighImportance
			s.makeBtn.Importance = widget.MediumImportance
			row.Objects = append([]fyne.CanvasObject{s.presetBtn}, row.Objects...)
		}
	}
	s.fields["dkim.key"] = newField(tr.X("hosted.key", "The key"),
		tr.X("hosted.key.help", "The private half is kept in this computer's keychain, never in a plain file; the DNS step shows the public half to publish."),
		row)

	s.without = s.u.newCheck(tr.X("hosted.without", "Send without a DKIM signature"), s.setWithout)
	s.without.Checked = t.Hosted.DKIM.Mode == transports.DKIMNone
}

// showDKIM lays the DKIM section out for the transport's mode now.
func (s *hostedStep) showDKIM() {
	tr, st := s.u.tr, s.u.flow.State
	t := st.Current()
	mode := t.Hosted.DKIM.Mode
	var objs []fyne.CanvasObject
	if s.p.DKIM.Requires != "" {
		l := wrapped(tr.X("provider.dkim.requires", "DKIM signing is available only with %s.", checks.Printable(s.p.DKIM.Requires)))
		l.Importance = widget.WarningImportance
		objs = append(objs, l)
	}
	form := false
	switch {
	case mode == transports.DKIMCNAME:
		objs = append(objs, wrapped(tr.X("setup.cnames", "%s hosts the DKIM keys; you publish these CNAME records (the DNS step checks them):", checks.Printable(s.p.Name))))
		if s.plan != nil {
			for _, c := range s.plan.CNAMEs {
				objs = append(objs, value(fmt.Sprintf("CNAME  %s  →  %s", c.Relative, c.Value)))
			}
		}
	case s.p.DKIM.Mode == "none":
		objs = append(objs, wrapped(tr.X("hosted.dkim.not_offered", "%s does not sign with DKIM: receivers check its mail by SPF alone.", checks.Printable(s.p.Name))))
	case mode == transports.DKIMNone:
	case st.Key(t.Hosted.DKIM.Selector) != nil:
		objs = append(objs, s.keptKey(st.Key(t.Hosted.DKIM.Selector))...)
	default:
		form = true
		if mode == transports.DKIMGenerate {
			objs = append(objs, s.fields["dkim.algorithm"].box)
		}
		objs = append(objs, s.fields["dkim.selector"].box, s.fields["dkim.key"].box)
	}
	setVisible(s.makeBtn, form)
	if wizard.WithoutDKIMAllowed(s.p) && s.p.DKIM.Mode != "none" {
		objs = append(objs, s.without, wrapped(tr.X("hosted.without.cost",
			"Without DKIM, receivers check this mail by SPF alone: forwarded mail fails it, and where the domain's DMARC policy is quarantine or reject, "+
				"mail from %s's servers goes to the spam folder or back, unless its bounce address is under your domain. Choose it only if DKIM is not possible now.", checks.Printable(s.p.Name))))
	}
	s.setObjects(s.dkim, objs...)
}

// keptKey says the key is in the keychain (or was just made or imported),
// its type and fingerprint, and an import's warnings.
func (s *hostedStep) keptKey(k *transports.DKIMKey) []fyne.CanvasObject {
	tr := s.u.tr
	say := s.done
	if say == "" {
		say = tr.X("setup.key_kept", "DKIM key for selector %s: kept in the keychain.", k.Selector) + " " +
			tr.X("hosted.key_facts", "Type %s, fingerprint %s. The DNS step shows its record.", k.Algorithm, k.Fingerprint)
	}
	l := wrapped(say)
	l.Importance = widget.SuccessImportance
	objs := []fyne.CanvasObject{l}
	for _, w := range s.warnings {
		wl := wrapped(tr.X("hosted.key_warning", "Warning: %s", w))
		wl.Importance = widget.WarningImportance
		objs = append(objs, wl)
	}
	return objs
}

// makeKey generates the key on a copy of the answers, off the UI
// goroutine, and takes the result in when it is kept.
func (s *hostedStep) makeKey() {
	tr, env := s.u.tr, s.u.env
	algo := dkimkey.Algorithm(s.algo.Selected)
	snap, err := s.u.flow.State.Clone()
	if err != nil {
		s.keyFailed(err)
		return
	}
	s.markErrors(map[string]string{})
	s.u.run(tr.X("setup.generating", "Making the key..."), keyTimeout, func(ctx context.Context, post post) error {
		k, err := wizard.GenerateKey(ctx, env, snap, algo)
		if err == nil {
			post(func() {
				s.adopt(snap, tr.X("setup.key_made", "Made the key (%s, fingerprint %s) and kept it in the keychain. The DNS step shows its record.", k.Algorithm, k.Fingerprint), nil)
			})
		}
		return err
	}, s.keyDone)
}

// keepAlgorithm keeps a key type other than the first in the draft, as
// the key plan for the selector (what a preset answers), so a reopened
// window and setup make the key the admin chose. The first type is no
// answer: it is what is offered anyway.
func (s *hostedStep) keepAlgorithm(algo, first string) {
	st := s.u.flow.State
	sel := st.Current().Hosted.DKIM.Selector
	plan := st.KeyPlan(sel)
	switch {
	case plan != nil && plan.KeyFile != "":
		return // a preset's key file: importing it is the answer
	case plan != nil && algo == first:
		plans := st.KeyPlans[:0]
		for _, p := range st.KeyPlans {
			if p.Selector != sel {
				plans = append(plans, p)
			}
		}
		st.KeyPlans = plans
	case plan != nil:
		plan.Algorithm = algo
	case algo != first:
		st.KeyPlans = append(st.KeyPlans, wizard.KeyPlan{Selector: sel, Algorithm: algo})
	default:
		return
	}
	s.u.changed()
}

// chooseKeyFile asks for the PEM file of an existing key.
func (s *hostedStep) chooseKeyFile() {
	dialog.NewFileOpen(func(r fyne.URIReadCloser, err error) {
		if err != nil || r == nil {
			return
		}
		path := r.URI().Path()
		r.Close()
		s.importKey(path, nil)
	}, s.u.win).Show()
}

// importKey reads the key file and imports it under the selector; an
// encrypted key comes back asking for its password (password nil), or
// for it again when it was wrong.
func (s *hostedStep) importKey(path string, password []byte) {
	tr, env := s.u.tr, s.u.env
	snap, err := s.u.flow.State.Clone()
	if err != nil {
		s.keyFailed(err)
		return
	}
	sel := snap.Current().Hosted.DKIM.Selector
	var ask dkimkey.PasswordFunc
	if password != nil {
		ask = func() ([]byte, error) { return bytes.Clone(password), nil } // Import clears its copy
	}
	s.markErrors(map[string]string{})
	s.u.run(tr.X("hosted.importing", "Importing the key…"), keyTimeout, func(ctx context.Context, post post) error {
		data, err := transports.ReadSmallFile(path, wizard.MaxKeyFile)
		if err != nil {
			return transports.FieldErrors{{Field: "dkim.key", Err: err}}
		}
		defer clear(data)
		k, warns, err := wizard.ImportKey(env, snap, data, ask, sel)
		if err == nil {
			post(func() {
				s.adopt(snap, tr.X("setup.key_imported", "Imported the key (%s, fingerprint %s) into the keychain.", k.Algorithm, k.Fingerprint), warns)
			})
		}
		return err
	}, func(err error) {
		clear(password)
		switch {
		case errors.Is(err, dkimkey.ErrNeedPassword):
			s.askPassword(path, "")
			s.afterTask()
		case errors.Is(err, dkimkey.ErrWrongPassword):
			s.askPassword(path, tr.X("hosted.password.wrong", "That is not the key's password. Try again."))
			s.afterTask()
		default:
			s.keyDone(err)
		}
	})
}

// askPassword asks for the password of an encrypted key file.
func (s *hostedStep) askPassword(path, problem string) {
	tr := s.u.tr
	e := widget.NewPasswordEntry()
	item := widget.NewFormItem(tr.X("setup.key_password", "Password of the encrypted key"), e)
	item.HintText = problem
	d := dialog.NewForm(tr.X("hosted.password.title", "The key file is encrypted"), tr.X("hosted.password.import", "Import"), tr.X("button.cancel", "Cancel"),
		[]*widget.FormItem{item}, func(ok bool) {
			s.pwDialog, s.pwEntry = nil, nil
			if ok {
				s.importKey(path, []byte(e.Text))
			}
		}, s.u.win)
	e.OnSubmitted = func(string) { d.Submit() }
	s.pwDialog, s.pwEntry = d, e
	d.Show()
	s.u.win.Canvas().Focus(e)
}

// adopt takes a key a task kept on a copy of the answers into them.
func (s *hostedStep) adopt(snap *wizard.State, done string, warns []string) {
	st := s.u.flow.State
	st.Keys = snap.Keys
	if t, c := st.Current(), snap.Current(); t != nil && c != nil && t.Hosted != nil && c.Hosted != nil {
		t.Hosted.DKIM = c.Hosted.DKIM
	}
	s.done, s.warnings = done, warns
}

// keyDone shows the result of making or importing a key.
func (s *hostedStep) keyDone(err error) {
	if err != nil && !errors.Is(err, context.Canceled) {
		s.keyFailed(err)
	}
	s.u.changed()
	s.showDKIM()
	s.afterTask()
}

// keyFailed marks why a key was not made or imported: on its field, or
// on the key buttons when it names none.
func (s *hostedStep) keyFailed(err error) {
	errs := errorsByField(s.u.tr, err)
	if msg, ok := errs[""]; ok {
		errs["dkim.key"] = msg
		delete(errs, "")
	}
	s.markErrors(errs)
}

// setWithout turns DKIM off or on again for this transport.
func (s *hostedStep) setWithout(on bool) {
	st := s.u.flow.State
	var err error
	if on {
		err = wizard.SignWithoutDKIM(st)
	} else {
		err = wizard.SignWithDKIM(st, s.u.env.Time())
		s.selector.SetText(st.Current().Hosted.DKIM.Selector)
	}
	if err != nil {
		s.markErrors(errorsByField(s.u.tr, err))
	}
	s.u.changed()
	s.showDKIM()
	s.u.relayout()
}
