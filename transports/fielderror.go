package transports

import (
	"errors"
	"strings"
)

// Sentinel causes, so callers can tell kinds of bad input apart with
// errors.Is while the message stays specific.
var (
	ErrEmpty        = errors.New("is empty")
	ErrControlChar  = errors.New("contains a control character")
	ErrTooLong      = errors.New("is too long")
	ErrSyntax       = errors.New("is not valid")
	ErrOutOfRange   = errors.New("is out of range")
	ErrNotCanonical = errors.New("is not in canonical form")
	ErrUnknownValue = errors.New("is not one of the allowed values")
	ErrConflict     = errors.New("conflicts with another setting")
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

// reasonError carries a specific message while errors.Is still finds kind.
type reasonError struct {
	kind error
	msg  string
}

func (e *reasonError) Error() string { return e.msg }
func (e *reasonError) Unwrap() error { return e.kind }

// FieldErrors is every problem found in one validation pass, in field order.
type FieldErrors []*FieldError

func (errs FieldErrors) Error() string {
	msgs := make([]string, len(errs))
	for i, e := range errs {
		msgs[i] = e.Error()
	}
	return strings.Join(msgs, "; ")
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
