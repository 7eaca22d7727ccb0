package caseload

import (
	"fmt"

	"github.com/asysta/asysta/rules"
)

// Error is a problem caseload reports to people: a message in Polish and
// English, and the underlying error when there is one. It holds IDs only.
type Error struct {
	Msg rules.Text
	Err error
}

// Error returns the message in English.
func (e *Error) Error() string { return e.Localize(rules.English) }

// Localize returns the message in lang.
func (e *Error) Localize(lang rules.Lang) string {
	s := "caseload: " + e.Msg.In(lang)
	if e.Err != nil {
		s += ": " + localize(e.Err, lang)
	}
	return s
}

// Unwrap returns the underlying error.
func (e *Error) Unwrap() error { return e.Err }

// errorf builds an Error from a Polish and an English format sharing the
// same arguments, wrapping cause (which may be nil).
func errorf(cause error, pl, en string, a ...any) error {
	return &Error{Msg: rules.Text{PL: fmt.Sprintf(pl, a...), EN: fmt.Sprintf(en, a...)}, Err: cause}
}

// localize renders err in lang when it can speak both languages.
func localize(err error, lang rules.Lang) string {
	if l, ok := err.(interface{ Localize(rules.Lang) string }); ok {
		return l.Localize(lang)
	}
	return err.Error()
}
