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
// landing page, from the stored monthly recaps (presensi_rekap_bulan): when
// every active employee's row fits (not stale, judged with today's schedule
// pattern, holidays and last day), one query adds them up per OPD and
// pattern; otherwise the regency's month is read as the recap page reads
// one OPD's (storedMonth: only the missing or stale rows are judged, and
// stored), and added up here. Days not yet passed are not judged.
//
// Whether a day is late does not depend on the band edges (any whole minute
// late, or no time in, is some TL band), so the count is the same under
// every rule set: rows judged with any edges are served, and a row judged
// here for the first time gets the demo edges, which a recap read with the
// rule set's edges judges again. The split into TL1..TL4 is not shown here.
//
// The result is a snapshot at most snapshot.DefaultTTL old (the regency is
// added up once per TTL, not on every view), shared by the requests that
// read it (do not change it).
func (s *Store) DisciplineByOPD(ctx context.Context, a Actor, year int, month time.Month) ([]OPDDiscipline, error) {
	if a.Role != auth.RoleVerifikator && a.Role != auth.RoleSuperadmin {
		return nil, apperr.ErrForbidden
	}
	return s.discipline.Get(ctx, time.Date(year, month, 1, 0, 0, 0, 0, time.UTC), func(ctx context.Context) ([]OPDDiscipline, error) {
		return s.disciplineByOPD(ctx, year, month)
	})
}

// disciplineByOPD adds up DisciplineByOPD from the stored recaps.
func (s *Store) disciplineByOPD(ctx context.Context, year int, month time.Month) ([]OPDDiscipline, error) {
	first, last, err := monthBounds(year, month)
	if err != nil {
		return nil, err
	}
	holidays, err := s.Holidays(ctx, first, last)
	if err != nil {
		return nil, err
	}
	var opds []struct {
		ID   int64  `gorm:"column:id"`
		Nama string `gorm:"column:nama"`
	}
	if err := s.db.WithContext(ctx).Raw(`SELECT id, nama FROM opd WHERE aktif ORDER BY kode`).Scan(&opds).Error; err != nil {
		return nil, fmt.Errorf("discipline opds: %w", err)
	}
	by := make(map[int64]*OPDDiscipline, len(opds))
	out := make([]OPDDiscipline, len(opds))
	for i, o := range opds {
		out[i].OPDNama = o.Nama
		by[o.ID] = &out[i]
	}
	// The stored rows, added up per OPD and what they were judged with.
	var groups []struct {
		OPDID   int64   `gorm:"column:opd_id"`
		Pola    *string `gorm:"column:pola"`
		Kunci   *string `gorm:"column:kunci"`
		Fresh   bool    `gorm:"column:fresh"`
		Pegawai int64   `gorm:"column:pegawai"`
		TK      int64   `gorm:"column:tk"`
		TL      int64   `gorm:"column:tl"`
	}
	// The schedule of each employee as storedMonth finds it (their own
	// latest assignment, else their OPD's, else the default), as two
	// DISTINCT ON sets joined by hash instead of two lookups per employee:
	// an assignment names either an employee or an OPD (a CHECK), so the
	// sets are the same rows the lookups read. The rows are added up per
	// schedule id and the pattern written out per group, not per employee
	// (array_to_json of 5,000 patterns was most of the query's time).
	if err := s.db.WithContext(ctx).Raw(`
WITH own AS (
    SELECT DISTINCT ON (a.pegawai_id) a.pegawai_id, a.jadwal_id FROM jadwal_kerja_penugasan a
    WHERE a.pegawai_id IS NOT NULL AND a.mulai <= @last ORDER BY a.pegawai_id, a.mulai DESC, a.id DESC
), agency AS (
    SELECT DISTINCT ON (a.opd_id) a.opd_id, a.jadwal_id FROM jadwal_kerja_penugasan a
    WHERE a.opd_id IS NOT NULL AND a.mulai <= @last ORDER BY a.opd_id, a.mulai DESC, a.id DESC
), g AS (
    SELECT p.opd_id, coalesce(own.jadwal_id, agency.jadwal_id, (SELECT d.id FROM jadwal_kerja d WHERE d.bawaan)) AS jadwal_id,
           r.kunci, coalesce(NOT r.basi, false) AS fresh, count(*) AS pegawai,
           coalesce(sum(r.tk), 0) AS tk, coalesce(sum(r.tl[1] + r.tl[2] + r.tl[3] + r.tl[4]), 0) AS tl
    FROM pegawai p
    JOIN opd o ON o.id = p.opd_id AND o.aktif
    LEFT JOIN own ON own.pegawai_id = p.id
    LEFT JOIN agency ON agency.opd_id = p.opd_id
    LEFT JOIN presensi_rekap_bulan r ON r.bulan = @first AND r.pegawai_id = p.id
    WHERE p.keadaan = 'aktif'
    GROUP BY 1, 2, 3, 4
)
SELECT g.opd_id, array_to_json(j.pola)::text AS pola, g.kunci, g.fresh, g.pegawai, g.tk, g.tl
FROM g LEFT JOIN jadwal_kerja j ON j.id = g.jadwal_id`, map[string]any{"last": sqlDate(last), "first": sqlDate(first)}).Scan(&groups).Error; err != nil {
		return nil, fmt.Errorf("discipline recaps: %w", err)
	}
	to := s.judgedTo(last)
	keys := map[string]string{} // pattern -> recapKey
	fits := true
	for _, g := range groups {
		if !g.Fresh || g.Pola == nil || g.Kunci == nil {
			fits = false
			break
		}
		k, ok := keys[*g.Pola]
		if !ok {
			k = recapKey(*g.Pola, holidays, to)
			keys[*g.Pola] = k
		}
		if *g.Kunci != k {
			fits = false
			break
		}
	}
	if fits {
		for _, g := range groups {
			if d := by[g.OPDID]; d != nil {
				d.Pegawai += g.Pegawai
				d.TK += g.TK
				d.TL += g.TL
			}
		}
		return out, nil
	}
	mrs, err := s.storedMonth(ctx, who{everyone: true}, year, month, DemoBands(), true)
	if err != nil {
		return nil, err
	}
	for _, mr := range mrs {
		d := by[mr.Pegawai.OPDID]
		if d == nil { // an inactive OPD's employee
			continue
		}
		d.Pegawai++
		d.TK += int64(mr.Recap.TK)
		for _, n := range mr.Recap.TL {
			d.TL += int64(n)
		}
	}
	return out, nil
}
