package transports

import (
	"errors"
	"strings"

	"mailwizard/texts"
)

// Sentinel causes, so callers can tell kinds of bad input apart with
// errors.Is while the message stays specific. The messages are Texts
// (texts.Err) so that the faces show them in the admin's language; a
// sentinel is itself the message where nothing more specific is said.
var (
	ErrEmpty        = texts.Err(nil, texts.T("field.kind.empty", "is empty"))
	ErrControlChar  = texts.Err(nil, texts.T("field.kind.control-char", "contains a control character"))
	ErrTooLong      = texts.Err(nil, texts.T("field.kind.too-long", "is too long"))
	ErrSyntax       = texts.Err(nil, texts.T("field.kind.syntax", "is not valid"))
	ErrOutOfRange   = texts.Err(nil, texts.T("field.kind.out-of-range", "is out of range"))
	ErrNotCanonical = texts.Err(nil, texts.T("field.kind.not-canonical", "is not in canonical form"))
	ErrUnknownValue = texts.Err(nil, texts.T("field.kind.unknown-value", "is not one of the allowed values"))
	ErrConflict     = texts.Err(nil, texts.T("field.kind.conflict", "conflicts with another setting"))
)

// FieldError is bad input in one named field. Field is a path into the
// document, as a person would point at it: "transports[1].smtp.port".
type FieldError struct {
	Field string
	Err   error
}

func (e *FieldError) Error() string {
	if e.Field == "" {
		return e.Err.Error()
	}
	return e.Field + ": " + e.Err.Error()
}

func (e *FieldError) Unwrap() error { return e.Err }

// Text is Error's words for the faces: the field as it is (a path, like
// a code), its message in the reader's language.
func (e *FieldError) Text() texts.Text {
	if e.Field == "" {
		return texts.Of(e.Err)
	}
	return texts.Join(": ", texts.Verbatim(e.Field), texts.Of(e.Err))
}

// FieldErrors is every problem found in one validation pass, in field order.
type FieldErrors []*FieldError

func (errs FieldErrors) Error() string {
	msgs := make([]string, len(errs))
	for i, e := range errs {
		msgs[i] = e.Error()
	}
	return strings.Join(msgs, "; ")
}

// Text is Error's words for the faces.
func (errs FieldErrors) Text() texts.Text {
	parts := make([]texts.Text, len(errs))
	for i, e := range errs {
		parts[i] = e.Text()
	}
	return texts.Join("; ", parts...)
}

func (errs FieldErrors) Unwrap() []error {
	out := make([]error, len(errs))
	for i, e := range errs {
		out[i] = e
	}
	return out
}

// err returns nil for an empty list, so callers can `return errs.err()`.
func (errs FieldErrors) err() error {
	if len(errs) == 0 {
		return nil
	}
	return errs
}

// add appends err under the path prefix; err may be nil, a *FieldError (its
// field is appended to prefix), FieldErrors, or a plain error (it names
// prefix itself).
func (errs *FieldErrors) add(prefix string, err error) {
	if err == nil {
		return
	}
	var list FieldErrors
	var one *FieldError
	switch {
	case errors.As(err, &list):
		for _, e := range list {
			*errs = append(*errs, &FieldError{Field: joinPath(prefix, e.Field), Err: e.Err})
		}
	case errors.As(err, &one):
		*errs = append(*errs, &FieldError{Field: joinPath(prefix, one.Field), Err: one.Err})
	default:
		*errs = append(*errs, &FieldError{Field: prefix, Err: err})
	}
}

func joinPath(prefix, field string) string {
	switch {
	case prefix == "":
		return field
	case field == "":
		return prefix
	case strings.HasPrefix(field, "["):
		return prefix + field
	default:
		return prefix + "." + field
	}
}

// FirstField returns the field named by err's first FieldError, or "".
// Front ends use it to mark the field in a form.
func FirstField(err error) string {
	var list FieldErrors
	if errors.As(err, &list) && len(list) > 0 {
		return list[0].Field
	}
	var one *FieldError
	if errors.As(err, &one) {
		return one.Field
	}
	return ""
}

// orList is "a or b or c" in the reader's language.
func orList(items []string) texts.Text {
	if len(items) == 0 {
		return texts.Text{}
	}
	list := texts.Verbatim(items[0])
	for _, item := range items[1:] {
		list = texts.T("field.or", "%s or %s", list, item)
	}
	return list
}
