package database

import (
	"errors"

	"gorm.io/gorm"

	"github.com/ekinerja/ekinerja/internal/apperr"
)

// kindError is a database error that also answers errors.Is for its apperr
// kind: the stores built on this connection return apperr kinds, while the
// wrapped GORM or pgx error stays available to errors.Is / errors.As for the
// store's own checks and the log.
type kindError struct{ err, kind error }

func (e *kindError) Error() string   { return e.err.Error() }
func (e *kindError) Unwrap() []error { return []error{e.err, e.kind} }

// Kind returns err marked with its apperr kind: a missing record is
// apperr.ErrNotFound, a unique or foreign key violation apperr.ErrConflict,
// an unusable handle apperr.ErrUnavailable. Any other error (and nil) is
// returned as it is.
func Kind(err error) error {
	var ke *kindError
	if err == nil || errors.As(err, &ke) {
		return err
	}
	switch {
	case errors.Is(err, gorm.ErrRecordNotFound):
		return &kindError{err, apperr.ErrNotFound}
	case errors.Is(err, gorm.ErrDuplicatedKey), errors.Is(err, gorm.ErrForeignKeyViolated):
		return &kindError{err, apperr.ErrConflict}
	case errors.Is(err, gorm.ErrInvalidDB):
		return &kindError{err, apperr.ErrUnavailable}
	}
	return err
}

// registerKinds makes every statement on db end with its error marked by
// Kind, so no GORM sentinel leaves the stores unmarked: the web layer maps
// apperr kinds only and never imports GORM.
func registerKinds(db *gorm.DB) error {
	mark := func(tx *gorm.DB) {
		if tx.Error != nil {
			tx.Error = Kind(tx.Error)
		}
	}
	cb := db.Callback()
	for _, reg := range []func() error{
		func() error { return cb.Create().After("*").Register("ekinerja:kinds", mark) },
		func() error { return cb.Query().After("*").Register("ekinerja:kinds", mark) },
		func() error { return cb.Update().After("*").Register("ekinerja:kinds", mark) },
		func() error { return cb.Delete().After("*").Register("ekinerja:kinds", mark) },
		func() error { return cb.Row().After("*").Register("ekinerja:kinds", mark) },
		func() error { return cb.Raw().After("*").Register("ekinerja:kinds", mark) },
	} {
		if err := reg(); err != nil {
			return err
		}
	}
	return nil
}
