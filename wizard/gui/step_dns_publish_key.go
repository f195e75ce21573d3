package gui

import (
	"errors"
	"strings"

	"fyne.io/fyne/v2/widget"

	"mailwizard/checks/publish"
	"mailwizard/transports"
)

// The key fields of "Publish for me": checked without the network, and
// filled from a key pasted whole where the admin left them as they were.

// readKey checks the fields without the network and marks the wrong
// ones; name and algorithm are the key's. A key pasted whole into the
// secret field (tsig-keygen's key statement) gives the name and the
// algorithm the admin has not set in this form: the preset hmac-sha256
// would refuse a hmac-sha512 key. An empty secret is looked up in the
// keychain by the task (a keychain may take seconds to answer: never on
// the UI goroutine). The fields then show the pasted key's name and
// algorithm.
func (p *publishForm) readKey() (name, algorithm, secret string, ok bool) {
	tr := p.s.u.tr
	name, algorithm, secret = strings.TrimSpace(p.name.Text), p.algorithm.Selected, p.secret.Text
	pasted, whole, _ := publish.ParseKeyText(secret)
	if whole {
		if !p.nameSet {
			name = ""
		}
		if !p.algorithmSet && pasted.Algorithm != "" {
			algorithm = ""
		}
	}
	errs := map[string]string{}
	mark := func(err error) {
		var fe *transports.FieldError
		if errors.As(err, &fe) {
			errs[fe.Field] = sentence(tr.Error(fe.Err))
		}
	}
	if strings.TrimSpace(secret) != "" {
		k, err := publish.NewKey(name, algorithm, secret)
		mark(err)
		if err == nil && whole {
			name, algorithm = strings.TrimSuffix(k.Name, "."), k.AlgorithmName()
			p.fill(name, algorithm)
		}
	} else {
		_, err := publish.KeyName(name)
		mark(err)
		_, err = publish.Algorithm(algorithm)
		mark(err)
	}
	if p.server.Text != "" {
		_, _, err := publish.ParseServer(p.server.Text)
		mark(err)
	}
	for path, f := range p.fields {
		f.mark(errs[path])
	}
	return name, algorithm, secret, len(errs) == 0
}

// fill shows the key's name and algorithm in their fields, as a pasted
// key gave them, without taking them for the admin's own choice.
func (p *publishForm) fill(name, algorithm string) {
	p.filling = true
	defer func() { p.filling = false }()
	if name != strings.TrimSpace(p.name.Text) {
		p.name.SetText(name)
	}
	if algorithm != p.algorithm.Selected {
		p.algorithm.SetSelected(algorithm)
	}
}

// keyFields are the form's fields as an update was made from them.
type keyFields struct{ name, algorithm, secret, server string }

func (p *publishForm) current() keyFields {
	return keyFields{p.name.Text, p.algorithm.Selected, p.secret.Text, p.server.Text}
}

// changedMeanwhile says that the fields changed while the server was
// read: what came back belongs to the fields as they were.
func (p *publishForm) changedMeanwhile() {
	setNote(p.result, p.s.u.tr.X("dns.publish.changed_meanwhile", "The fields changed while your DNS server was read: show the update again."))
	p.result.Importance = widget.MediumImportance
	p.s.u.relayout()
}
