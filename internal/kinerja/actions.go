package kinerja

import (
	"context"
	"errors"
	"fmt"

	"gorm.io/gorm"

	"github.com/ekinerja/ekinerja/internal/apperr"
)

// Action is a decision an atasan takes on a subordinate's plan or month.
// The page offers it when Can says so, and the POST that takes it asks the
// same rule (allowed) inside its transaction, so the two never disagree.
type Action string

// The atasan's decisions.
const (
	// ActRate rates a submitted month.
	ActRate Action = "nilai"
	// ActCorrect corrects the rating of a rated month.
	ActCorrect Action = "koreksi"
	// ActDecideSKP agrees to or returns a submitted plan.
	ActDecideSKP Action = "putuskan-skp"
)

type actionRule struct {
	// from is the one status the record must be in.
	from string
	// refusal is what a person is told when the status does not allow it.
	refusal string
}

// actionRules is the one table of the atasan's decisions.
var actionRules = map[Action]actionRule{
	ActRate:      {from: string(PenilaianSubmitted), refusal: "Bulan ini tidak sedang menunggu penilaian (belum diajukan atau sudah dinilai)."},
	ActCorrect:   {from: string(PenilaianRated), refusal: "Bulan ini belum dinilai; berikan penilaian biasa, bukan koreksi."},
	ActDecideSKP: {from: string(SKPSubmitted), refusal: "SKP ini tidak sedang menunggu persetujuan."},
}

// allowed says whether actor a may take x now on a record of employee
// pegawaiID in status: nil; ErrForbidden when a is not acting as the
// employee's direct atasan today; ErrConflict (with the reason) when the
// status does not allow it.
func (s *Store) allowed(ctx context.Context, db *gorm.DB, a Actor, x Action, pegawaiID int64, status string) error {
	r, ok := actionRules[x]
	if !ok {
		return fmt.Errorf("tindakan %q: %w", x, apperr.ErrNotFound)
	}
	if err := s.mustSupervise(ctx, db, a, pegawaiID); err != nil {
		return err
	}
	if status != r.from {
		return apperr.New(apperr.ErrConflict, r.refusal)
	}
	return nil
}

// Can reports whether the page offers action x to actor a on a record of
// employee pegawaiID in status, by the rule the POST applies. Only a
// failure to decide (the database) is an error.
func (s *Store) Can(ctx context.Context, a Actor, x Action, pegawaiID int64, status string) (bool, error) {
	err := s.allowed(ctx, s.db, a, x, pegawaiID, status)
	if errors.Is(err, apperr.ErrForbidden) || errors.Is(err, apperr.ErrConflict) {
		return false, nil
	}
	return err == nil, err
}
