package texts

import (
	"errors"
	"strings"
)

// Worded is an error whose words a face can render in its language:
// Error is the English, Text the same words as a Text.
type Worded interface {
	error
	Text() Text
}

// Err returns an error worded t that errors.Is and errors.As match
// against kind: a sentinel such as transports.ErrEmpty, or the error t
// explains (nil: none).
func Err(kind error, t Text) error { return &wordedError{kind: kind, text: t} }

type wordedError struct {
	kind error
	text Text
}

func (e *wordedError) Error() string { return e.text.String() }
func (e *wordedError) Text() Text    { return e.text }
func (e *wordedError) Unwrap() error { return e.kind }

// Of returns err's words as a Text: its own if it is Worded. A wrapper
// that adds words around what it wraps (fmt.Errorf("--port: %w", err))
// keeps them verbatim and has the wrapped error rendered; any other
// error, such as the standard library's, is verbatim.
func Of(err error) Text {
	if err == nil {
		return Text{}
	}
	if w, ok := err.(Worded); ok {
		return w.Text()
	}
	msg := err.Error()
	if inner := errors.Unwrap(err); inner != nil {
		if in := inner.Error(); in != "" && strings.Count(msg, in) == 1 {
			before, after, _ := strings.Cut(msg, in)
			return Join("", Verbatim(before), Of(inner), Verbatim(after))
		}
	}
	return Verbatim(msg)
}
