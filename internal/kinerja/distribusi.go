package kinerja

import (
	"context"
	"fmt"
	"strings"

	"gorm.io/gorm"

	"github.com/ekinerja/ekinerja/internal/apperr"
	"github.com/ekinerja/ekinerja/internal/auth"
)

// PredikatOrganisasi is the predikat of an organisation unit (OPD) for a
// period; it decides the expected distribution of its employees' predikat.
type PredikatOrganisasi string

// The organisation predikat values.
const (
	OrgIstimewa       PredikatOrganisasi = "istimewa"
	OrgBaik           PredikatOrganisasi = "baik"
	OrgButuhPerbaikan PredikatOrganisasi = "butuh_perbaikan"
	OrgKurang         PredikatOrganisasi = "kurang"
	OrgSangatKurang   PredikatOrganisasi = "sangat_kurang"
)

// OrgPredikats are the organisation predikat values, best first.
var OrgPredikats = []PredikatOrganisasi{OrgIstimewa, OrgBaik, OrgButuhPerbaikan, OrgKurang, OrgSangatKurang}

// Label is the organisation predikat as people read it.
func (p PredikatOrganisasi) Label() string {
	switch p {
	case OrgIstimewa:
		return "Istimewa"
	case OrgBaik:
		return "Baik"
	case OrgButuhPerbaikan:
		return "Butuh Perbaikan"
	case OrgKurang:
		return "Kurang"
	case OrgSangatKurang:
		return "Sangat Kurang"
	}
	return ""
}

// PolaRule is one line of an expected pattern: the share of employees whose
// predikat is one of Predikats is at most MaxPct percent, or (MinCount > 0)
// at least MinCount employees have one of them.
type PolaRule struct {
	Predikats []Predikat
	MaxPct    int
	MinCount  int
}

// Text is the rule as people read it.
func (r PolaRule) Text() string {
	var names []string
	for _, p := range r.Predikats {
		names = append(names, p.Label())
	}
	who := strings.Join(names, " atau ")
	if r.MinCount > 0 {
		return fmt.Sprintf("ada pegawai berpredikat %s", who)
	}
	if r.MaxPct == 0 {
		return fmt.Sprintf("tidak ada pegawai berpredikat %s", who)
	}
	return fmt.Sprintf("paling banyak %d%% pegawai berpredikat %s", r.MaxPct, who)
}

// Pola is the expected distribution (kurva distribusi) per organisation
// predikat. SPEC 3 states Istimewa (at most 70% Sangat Baik) and Baik (at
// most 70% Baik, and some Butuh Perbaikan or Kurang/Misconduct); the lower
// organisation predikat follow the same reading of PermenPANRB 6/2022's
// appendix: the worse the organisation, the fewer good predikat.
var Pola = map[PredikatOrganisasi][]PolaRule{
	OrgIstimewa: {{Predikats: []Predikat{SangatBaik}, MaxPct: 70}},
	OrgBaik: {{Predikats: []Predikat{Baik}, MaxPct: 70},
		{Predikats: []Predikat{ButuhPerbaikan, Kurang}, MinCount: 1}},
	OrgButuhPerbaikan: {{Predikats: []Predikat{SangatBaik}, MaxPct: 10}, {Predikats: []Predikat{SangatBaik, Baik}, MaxPct: 50},
		{Predikats: []Predikat{ButuhPerbaikan, Kurang, SangatKurang}, MinCount: 1}},
	OrgKurang:       {{Predikats: []Predikat{SangatBaik}, MaxPct: 0}, {Predikats: []Predikat{SangatBaik, Baik}, MaxPct: 30}},
	OrgSangatKurang: {{Predikats: []Predikat{SangatBaik}, MaxPct: 0}, {Predikats: []Predikat{SangatBaik, Baik}, MaxPct: 10}},
}

// DistribusiRow is one predikat's count in a unit.
type DistribusiRow struct {
	Predikat Predikat
	Count    int
	// PctBP is the share of the rated employees, basis points.
	PctBP int
	// MaxPct is the expected pattern's limit for this predikat alone (-1: none).
	MaxPct int
}

// Distribusi is a unit's distribution of predikat for a period against the
// pattern of its organisation predikat.
type Distribusi struct {
	OPDID    int64
	OPDNama  string
	Period   EvalPeriod
	Org      PredikatOrganisasi // "" when not recorded
	Rows     []DistribusiRow
	Rated    int // employees with a predikat (confirmed, or proposed from the months)
	Unrated  int // employees with no rated month in the period
	Rules    []PolaRule
	Warnings []string
}

// Judge fills the percentages and the warnings of a distribution.
func (d *Distribusi) Judge() {
	d.Warnings, d.Rules = nil, Pola[d.Org]
	by := map[Predikat]int{}
	for i := range d.Rows {
		r := &d.Rows[i]
		by[r.Predikat] = r.Count
		r.MaxPct = -1
		if d.Rated > 0 {
			r.PctBP = r.Count * 10000 / d.Rated
		}
		for _, rule := range d.Rules {
			if len(rule.Predikats) == 1 && rule.Predikats[0] == r.Predikat && rule.MinCount == 0 {
				r.MaxPct = rule.MaxPct
			}
		}
	}
	if d.Org == "" {
		d.Warnings = append(d.Warnings, "Predikat organisasi untuk periode ini belum dicatat; pola distribusi belum dapat diperiksa.")
		return
	}
	if d.Rated == 0 {
		return
	}
	for _, rule := range d.Rules {
		n := 0
		for _, p := range rule.Predikats {
			n += by[p]
		}
		switch {
		case rule.MinCount > 0 && n < rule.MinCount:
			d.Warnings = append(d.Warnings, fmt.Sprintf("Pola distribusi organisasi %s tidak terpenuhi: seharusnya %s, kenyataannya tidak ada.", d.Org.Label(), rule.Text()))
		case rule.MinCount == 0 && n*100 > rule.MaxPct*d.Rated:
			d.Warnings = append(d.Warnings, fmt.Sprintf("Pola distribusi organisasi %s tidak terpenuhi: seharusnya %s, kenyataannya %d dari %d pegawai (%d%%).",
				d.Org.Label(), rule.Text(), n, d.Rated, n*100/d.Rated))
		}
	}
}

// distribusi counts the unit's employees by predikat for the period: the
// confirmed evaluation when there is one, otherwise the proposal from the
// rated months; employees with no rated month are counted apart.
func (s *Store) distribusi(ctx context.Context, db *gorm.DB, opdID int64, ep EvalPeriod) (Distribusi, error) {
	d := Distribusi{OPDID: opdID, Period: ep}
	var head struct {
		Nama string `gorm:"column:nama"`
		Org  string `gorm:"column:org"`
	}
	if err := db.WithContext(ctx).Raw(`SELECT o.nama, coalesce(po.predikat, '') AS org FROM opd o
LEFT JOIN predikat_organisasi po ON po.opd_id = o.id AND po.tahun = ? AND po.periode = ? WHERE o.id = ?`, ep.Tahun, string(ep.Periode), opdID).Scan(&head).Error; err != nil {
		return d, err
	}
	d.OPDNama, d.Org = head.Nama, PredikatOrganisasi(head.Org)
	from, to := ep.Periode.Months()
	var rows []struct {
		PegawaiID     int64      `gorm:"column:pegawai_id"`
		Confirmed     string     `gorm:"column:confirmed"`
		Status        string     `gorm:"column:status"`
		HasilKerja    Ekspektasi `gorm:"column:hasil_kerja"`
		PerilakuKerja Ekspektasi `gorm:"column:perilaku_kerja"`
	}
	if err := db.WithContext(ctx).Raw(`SELECT p.id AS pegawai_id, coalesce(e.predikat, '') AS confirmed, coalesce(b.status, '') AS status,
       coalesce(b.hasil_kerja, '') AS hasil_kerja, coalesce(b.perilaku_kerja, '') AS perilaku_kerja
FROM pegawai p
LEFT JOIN evaluasi_kinerja e ON e.pegawai_id = p.id AND e.tahun = ? AND e.periode = ?
LEFT JOIN penilaian_bulanan b ON b.pegawai_id = p.id AND b.tahun = ? AND b.bulan BETWEEN ? AND ? AND b.status = 'rated' AND e.id IS NULL
WHERE p.opd_id = ? ORDER BY p.id, b.bulan`, ep.Tahun, string(ep.Periode), ep.Tahun, from, to, opdID).Scan(&rows).Error; err != nil {
		return d, err
	}
	by := map[Predikat]int{}
	for i := 0; i < len(rows); {
		j, months := i, []Penilaian{}
		for ; j < len(rows) && rows[j].PegawaiID == rows[i].PegawaiID; j++ {
			if rows[j].Status == string(PenilaianRated) {
				months = append(months, Penilaian{Status: PenilaianRated, HasilKerja: rows[j].HasilKerja, PerilakuKerja: rows[j].PerilakuKerja})
			}
		}
		p := Predikat(rows[i].Confirmed)
		if p == "" {
			p = ProposalFrom(months).Predikat
		}
		if p == "" {
			d.Unrated++
		} else {
			by[p]++
			d.Rated++
		}
		i = j
	}
	for _, p := range Predikats {
		d.Rows = append(d.Rows, DistribusiRow{Predikat: p, Count: by[p]})
	}
	d.Judge()
	return d, nil
}

// isKepalaOPD says whether the actor, acting as atasan, heads OPD opdID
// today: their position is in that OPD and reports to no position in it.
func (s *Store) isKepalaOPD(ctx context.Context, db *gorm.DB, a Actor, opdID int64) (bool, error) {
	if a.Role != auth.RoleAtasan {
		return false, nil
	}
	var n int64
	err := db.WithContext(ctx).Raw(`SELECT count(*) FROM riwayat_jabatan rj JOIN jabatan j ON j.id = rj.jabatan_id LEFT JOIN jabatan aj ON aj.id = j.atasan_jabatan_id
WHERE rj.pegawai_id = ? AND rj.mulai <= ? AND (rj.selesai IS NULL OR rj.selesai >= ?) AND j.opd_id = ? AND (aj.id IS NULL OR aj.opd_id <> j.opd_id)`,
		a.PegawaiID, s.Today(), s.Today(), opdID).Scan(&n).Error
	return n > 0, err
}

// DistribusiPage is what the distribution page needs: every OPD the actor
// may see (a verifikator or superadmin all, a Kepala OPD their own) and
// whether they may record the organisation predikat.
type DistribusiPage struct {
	Period    EvalPeriod
	Units     []Distribusi
	CanRecord bool
}

// DistribusiFor builds the distribution page for a period.
func (s *Store) DistribusiFor(ctx context.Context, a Actor, ep EvalPeriod) (DistribusiPage, error) {
	v := DistribusiPage{Period: ep}
	var opds []int64
	switch a.Role {
	case auth.RoleVerifikator, auth.RoleSuperadmin:
		if err := s.db.WithContext(ctx).Raw(`SELECT id FROM opd WHERE aktif ORDER BY nama`).Scan(&opds).Error; err != nil {
			return v, err
		}
		v.CanRecord = a.Role == auth.RoleSuperadmin
	case auth.RoleAtasan:
		var own int64
		if err := s.db.WithContext(ctx).Raw(`SELECT opd_id FROM pegawai WHERE id = ?`, a.PegawaiID).Scan(&own).Error; err != nil {
			return v, err
		}
		ok, err := s.isKepalaOPD(ctx, s.db, a, own)
		if err != nil {
			return v, err
		}
		if !ok {
			return v, apperr.ErrOutOfScope // only the head of the OPD, the verifikator and the superadmin
		}
		opds, v.CanRecord = []int64{own}, true
	default:
		return v, errScope
	}
	for _, id := range opds {
		d, err := s.distribusi(ctx, s.db, id, ep)
		if err != nil {
			return v, err
		}
		v.Units = append(v.Units, d)
	}
	return v, nil
}

// SetPredikatOrganisasi records an OPD's predikat for a period: a superadmin
// for any OPD, a Kepala OPD for their own. Audited with the old value.
func (s *Store) SetPredikatOrganisasi(ctx context.Context, a Actor, opdID int64, ep EvalPeriod, p PredikatOrganisasi) error {
	if p.Label() == "" {
		return apperr.Invalid("predikat", "Pilih predikat organisasi.")
	}
	return s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var n int64
		if err := tx.Raw(`SELECT count(*) FROM opd WHERE id = ?`, opdID).Scan(&n).Error; err != nil {
			return err
		}
		if n == 0 {
			return apperr.Invalid("opd_id", "Pilih OPD.")
		}
		switch a.Role {
		case auth.RoleSuperadmin:
		case auth.RoleAtasan:
			ok, err := s.isKepalaOPD(ctx, tx, a, opdID)
			if err != nil {
				return err
			}
			if !ok {
				return apperr.ErrOutOfScope // only the head of this OPD or a superadmin
			}
		default:
			return errScope
		}
		var old string
		if err := tx.Raw(`SELECT predikat FROM predikat_organisasi WHERE opd_id = ? AND tahun = ? AND periode = ? FOR UPDATE`, opdID, ep.Tahun, string(ep.Periode)).Scan(&old).Error; err != nil {
			return err
		}
		if old == string(p) {
			return apperr.New(apperr.ErrConflict, "Predikat organisasi sudah "+p.Label()+"; tidak ada yang diubah.")
		}
		if err := tx.Exec(`INSERT INTO predikat_organisasi (opd_id, tahun, periode, predikat, dicatat_oleh) VALUES (?, ?, ?, ?, ?)
ON CONFLICT (opd_id, tahun, periode) DO UPDATE SET predikat = EXCLUDED.predikat, dicatat_oleh = EXCLUDED.dicatat_oleh, updated_at = now()`,
			opdID, ep.Tahun, string(ep.Periode), string(p), a.UserID).Error; err != nil {
			return err
		}
		return record(ctx, tx, a, "kinerja.predikat_organisasi", "opd", opdID, map[string]any{"tahun": ep.Tahun, "periode": string(ep.Periode),
			"predikat": string(p), "sebelumnya": old})
	})
}
