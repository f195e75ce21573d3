package secrets

import (
	"errors"
	"net/url"
	"strings"

	"mailwizard/transports"
)

// The per-domain index lists the refs of a domain, one a line, because
// keychains offer no listing and "forget this domain" must find every
// entry. A ref's parts are not listed: their names follow from the ref.

func indexName(domain string) string { return url.PathEscape(domain) + "/_index" }

func (k *Keychain) index(domain string) ([]transports.SecretRef, error) {
	v, err := k.get(indexName(domain))
	if errors.Is(err, ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var refs []transports.SecretRef
	for _, line := range strings.Split(v, "\n") {
		if line != "" {
			refs = append(refs, transports.SecretRef(line))
		}
	}
	return refs, nil
}

func (k *Keychain) writeIndex(domain string, refs []transports.SecretRef) error {
	if len(refs) == 0 {
		if err := k.del(indexName(domain)); err != nil && !errors.Is(err, ErrNotFound) {
			return err
		}
		return nil
	}
	lines := make([]string, len(refs))
	for i, r := range refs {
		lines[i] = string(r)
	}
	return k.set(indexName(domain), strings.Join(lines, "\n"))
}

func (k *Keychain) indexAdd(ref transports.SecretRef) error {
	domain, _, _, _ := ParseRef(ref)
	refs, err := k.index(domain)
	if err != nil {
		return err
	}
	for _, r := range refs {
		if r == ref {
			return nil
		}
	}
	return k.writeIndex(domain, append(refs, ref))
}

func (k *Keychain) indexRemove(ref transports.SecretRef) error {
	domain, _, _, err := ParseRef(ref)
	if err != nil {
		return err
	}
	refs, err := k.index(domain)
	if err != nil {
		return err
	}
	kept := refs[:0]
	for _, r := range refs {
		if r != ref {
			kept = append(kept, r)
		}
	}
	if len(kept) == len(refs) {
		return nil
	}
	return k.writeIndex(domain, kept)
}
