package attendance

import (
	"context"
	"fmt"
	"time"

	"github.com/ekinerja/ekinerja/internal/apperr"
	"github.com/ekinerja/ekinerja/internal/auth"
)

// OPDDiscipline is one OPD's month of attendance breaches: the work days
// its active employees were absent without a reason (TK) and the days they
// came late or without a time in (TL, any band).
type OPDDiscipline struct {
	OPDNama string
	// Pegawai counts the OPD's active employees judged.
	Pegawai int64
	TK, TL  int64
}

// Total is the OPD's breach days: a TK day is never a TL day, so they add up.
func (d OPDDiscipline) Total() int64 { return d.TK + d.TL }

// DisciplineByOPD is the month's TK days and TL days of every active OPD,
// in the order of the OPD code, for the verifikator's and superadmin's
// landing page. Every active employee of the regency is judged at once (a
// fixed number of queries, as MonthlyRecaps does for one OPD); days not yet
// passed are not judged.
//
// Whether a day is late does not depend on the band edges (any whole minute
// late, or no time in, is some TL band), so the count is the same under
// every rule set and the demo bands judge it; the split into TL1..TL4 is not
// shown here.
func (s *Store) DisciplineByOPD(ctx context.Context, a Actor, year int, month time.Month) ([]OPDDiscipline, error) {
	if a.Role != auth.RoleVerifikator && a.Role != auth.RoleSuperadmin {
		return nil, apperr.ErrForbidden
	}
	var opds []struct {
		ID   int64  `gorm:"column:id"`
		Nama string `gorm:"column:nama"`
	}
	if err := s.db.WithContext(ctx).Raw(`SELECT id, nama FROM opd WHERE aktif ORDER BY kode`).Scan(&opds).Error; err != nil {
		return nil, fmt.Errorf("discipline opds: %w", err)
	}
	jms, err := s.judgeMonth(ctx, who{everyone: true}, year, month, DemoBands())
	if err != nil {
		return nil, err
	}
	by := make(map[int64]*OPDDiscipline, len(opds))
	out := make([]OPDDiscipline, len(opds))
	for i, o := range opds {
		out[i].OPDNama = o.Nama
		by[o.ID] = &out[i]
	}
	for _, jm := range jms {
		d := by[jm.Pegawai.OPDID]
		if d == nil { // an inactive OPD's employee
			continue
		}
		d.Pegawai++
		d.TK += int64(jm.Recap.TK)
		for _, n := range jm.Recap.TL {
			d.TL += int64(n)
		}
	}
	return out, nil
}
