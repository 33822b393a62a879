// Package apperr holds the error kinds that domain packages return and the web
// layer maps to an HTTP status and a message a person may see. Internal
// detail stays in the wrapped error; only Message is ever shown.
package apperr

import (
	"errors"
	"sort"
	"strings"
)

// Sentinel kinds; wrap them with fmt.Errorf("...: %w", apperr.ErrNotFound).
var (
	ErrNotFound     = errors.New("data tidak ditemukan")
	ErrForbidden    = errors.New("anda tidak berwenang")
	ErrConflict     = errors.New("data telah berubah atau sudah ada")
	ErrUnauthorized = errors.New("silakan masuk terlebih dahulu")
	// ErrUnavailable: the database (or another backing service) cannot be
	// reached now; try again later.
	ErrUnavailable = errors.New("layanan sedang tidak tersedia")
	// ErrBusy means a bounded queue is full: try again in a moment (429).
	ErrBusy = errors.New("terlalu banyak permintaan bersamaan")
)

// ErrOutOfScope means the role may use this page or action, but not on this
// record: another OPD's employee for an admin_opd, someone else's data for a
// pegawai. It is a kind of ErrForbidden (403), with its own message, so a
// person can tell "wrong role" from "not yours".
var ErrOutOfScope error = scopeError{}

type scopeError struct{}

func (scopeError) Error() string { return "di luar lingkup wewenang" }

// Is makes errors.Is(err, ErrForbidden) hold for ErrOutOfScope too.
func (scopeError) Is(target error) bool { return target == ErrForbidden }

// ValidationError carries one Bahasa Indonesia message per form field.
type ValidationError struct {
	Fields map[string]string
}

// Error lists the field messages in a stable order.
func (e *ValidationError) Error() string {
	keys := make([]string, 0, len(e.Fields))
	for k := range e.Fields {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	parts := make([]string, 0, len(keys))
	for _, k := range keys {
		parts = append(parts, k+": "+e.Fields[k])
	}
	return "data tidak valid: " + strings.Join(parts, "; ")
}

// Add records a message for field, keeping the first one given.
func (e *ValidationError) Add(field, msg string) {
	if e.Fields == nil {
		e.Fields = map[string]string{}
	}
	if _, ok := e.Fields[field]; !ok {
		e.Fields[field] = msg
	}
}

// OrNil returns e when it holds any message, else nil.
func (e *ValidationError) OrNil() error {
	if e == nil || len(e.Fields) == 0 {
		return nil
	}
	return e
}

// Invalid is a one-field ValidationError.
func Invalid(field, msg string) error {
	return &ValidationError{Fields: map[string]string{field: msg}}
}

// Message is an error whose text is safe to show, wrapping a kind.
type Message struct {
	Kind error
	Text string
}

// Error returns the text meant for people.
func (m *Message) Error() string { return m.Text }

// Unwrap exposes the kind for errors.Is.
func (m *Message) Unwrap() error { return m.Kind }

// New returns an error of kind with a specific message for people.
func New(kind error, text string) error { return &Message{Kind: kind, Text: text} }
