package secrets

import (
	"errors"
	"sort"

	"mailwizard/texts"
	"mailwizard/transports"
)

// ExportOptions says how secrets travel in the exported document.
type ExportOptions struct {
	// Recipient is the service's age X25519 key from its profile; empty
	// when the service published none.
	Recipient string
	// Plaintext puts the secrets in the document unsealed. Only on the
	// admin's explicit request (--include-secrets-plaintext), with a warning.
	Plaintext bool
}

// AttachSecrets reads every secret doc refers to from store and adds it to
// doc.Secrets, sealed to opts.Recipient; with no recipient it adds nothing
// unless opts.Plaintext. The returned warnings are for the admin.
func AttachSecrets(doc *transports.Document, store Store, opts ExportOptions) ([]texts.Text, error) {
	refs := doc.SecretRefs()
	doc.Secrets = nil
	if len(refs) == 0 {
		return nil, nil
	}
	var warnings []texts.Text
	switch {
	case opts.Recipient != "":
		// Sealing: no warning needed.
	case opts.Plaintext:
		warnings = append(warnings, texts.T("field.secrets.plaintext", "the export holds the secrets in plain text: anyone who gets the file can send mail as your domain; "+
			"upload it at once, then delete it"))
	default:
		warnings = append(warnings, texts.T("field.secrets.not_sealed", "the export carries no secrets, because the service published no key to seal them to: "+
			"give %s to the service another way it accepts, "+
			"or export them in plain text (--include-secrets-plaintext) and treat the file as a secret", secretNames(refs)))
		return warnings, nil
	}
	sorted := make([]transports.SecretRef, 0, len(refs))
	for ref := range refs {
		sorted = append(sorted, ref)
	}
	sort.Slice(sorted, func(i, j int) bool { return sorted[i] < sorted[j] })
	for _, ref := range sorted {
		secret, err := store.Get(ref)
		if errors.Is(err, ErrNotFound) {
			_, owner, kind, _ := ParseRef(ref)
			return nil, texts.Err(err, texts.T("field.secrets.missing", "the %s of %q is not in the keychain (deleted, or entered on another computer): enter it again", kindName(kind), owner))
		}
		if err != nil {
			return nil, err
		}
		out := transports.ExportedSecret{Ref: ref, Kind: refs[ref]}
		if opts.Recipient != "" {
			if out.Sealed, err = Seal(opts.Recipient, []byte(secret)); err != nil {
				return nil, err
			}
			out.Recipient = opts.Recipient
		} else {
			out.Plaintext = secret
		}
		doc.Secrets = append(doc.Secrets, out)
	}
	return warnings, nil
}

// secretNames words which secrets the document refers to.
func secretNames(refs map[transports.SecretRef]string) texts.Text {
	kinds := map[string]bool{}
	for _, k := range refs {
		kinds[k] = true
	}
	switch {
	case kinds[KindSMTPPassword] && kinds[KindDKIMKey]:
		return texts.T("field.secrets.names.both", "the SMTP password and the DKIM private key")
	case kinds[KindSMTPPassword]:
		return texts.T("field.secrets.names.password", "the SMTP password")
	}
	return texts.T("field.secrets.names.key", "the DKIM private key")
}

// kindName words a secret's kind for the admin.
func kindName(kind string) texts.Text {
	switch kind {
	case KindSMTPPassword:
		return texts.T("field.secrets.kind.password", "SMTP password")
	case KindDKIMKey:
		return texts.T("field.secrets.kind.key", "DKIM private key")
	}
	return texts.Verbatim(kind)
}
