package claim

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/ekinerja/ekinerja/internal/apperr"
	"github.com/ekinerja/ekinerja/internal/tpp"
)

// Estimate is one employee's TPP of a month as it stands now: the same
// gathering and engine as a claim's computation (gather, computeOne) run on
// today's inputs, stored nowhere. It is not a claim: the month's inputs
// (minutes, predikat, attendance) still change until the claim is computed.
type Estimate struct {
	Period  tpp.Period
	OPDNama string
	// RuleSetVersion is the rule set in force for the month.
	RuleSetName    string
	RuleSetVersion int
	// Computed is the employee's inputs and result (Err says why there is none).
	Computed Computed
	// Notes are the gathering's claim-wide notes (a source missing).
	Notes []string
	// Missing says why there is no estimate at all (no rule set in force,
	// no definitive position this month, already paid); empty otherwise.
	Missing string
}

// Estimate computes pegawaiID's TPP of month p from today's inputs, exactly
// as Compute would for the employee's OPD (the OPD of their last definitive
// position in the month). The caller passes the signed-in employee's own id.
func (s *Service) Estimate(ctx context.Context, pegawaiID int64, p tpp.Period) (Estimate, error) {
	e := Estimate{Period: p}
	if pegawaiID == 0 {
		e.Missing = "Akun ini tidak terhubung dengan data pegawai."
		return e, nil
	}
	first := time.Date(p.Year, time.Month(p.Month), 1, 0, 0, 0, 0, time.UTC)
	last := first.AddDate(0, 1, -1)
	var opd []struct {
		ID   int64  `gorm:"column:id"`
		Nama string `gorm:"column:nama"`
	}
	if err := s.db.WithContext(ctx).Raw(`SELECT o.id, o.nama FROM riwayat_jabatan rj JOIN jabatan j ON j.id = rj.jabatan_id JOIN opd o ON o.id = j.opd_id
WHERE rj.pegawai_id = ? AND rj.jenis = 'definitif' AND rj.mulai <= ? AND (rj.selesai IS NULL OR rj.selesai >= ?)
ORDER BY rj.mulai DESC, rj.id DESC LIMIT 1`, pegawaiID, last.Format(time.DateOnly), first.Format(time.DateOnly)).Scan(&opd).Error; err != nil {
		return e, fmt.Errorf("estimate opd: %w", err)
	}
	if len(opd) == 0 {
		e.Missing = "Anda tidak memegang jabatan definitif bulan ini, jadi TPP bulan ini tidak dapat diperkirakan."
		return e, nil
	}
	e.OPDNama = opd[0].Nama
	rs, err := ruleSetFor(ctx, s.db, p)
	if errors.Is(err, apperr.ErrNotFound) {
		e.Missing = "Belum ada aturan TPP yang berlaku untuk " + p.String() + "."
		return e, nil
	}
	if err != nil {
		return e, err
	}
	e.RuleSetName, e.RuleSetVersion = rs.Name, rs.Version
	g, err := s.gather(ctx, s.db, Scope{OPDID: opd[0].ID, PegawaiID: pegawaiID}, p, rs.Rules)
	if err != nil {
		return e, err
	}
	run := Run{OPDID: opd[0].ID, Period: p}
	if err := s.dropSettled(ctx, &g, run); err != nil {
		return e, err
	}
	if err := s.attachAdjustments(ctx, &g, run); err != nil {
		return e, err
	}
	e.Notes = g.Notes
	for _, emp := range g.Employees {
		if emp.PegawaiID == pegawaiID {
			k, kerr := tpp.NewCalculator(rs.Rules)
			e.Computed = computeOne(k, kerr, emp)
			return e, nil
		}
	}
	e.Missing = "TPP Anda bulan ini sudah disetujui atau dibayar melalui klaim OPD; lihat TPP Saya."
	return e, nil
}
