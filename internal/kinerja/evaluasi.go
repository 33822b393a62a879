package kinerja

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"gorm.io/gorm"

	"github.com/ekinerja/ekinerja/internal/apperr"
	"github.com/ekinerja/ekinerja/internal/auth"
)

// Periode is the span of a periodic evaluation: a quarter or the year.
type Periode string

// The evaluation periods (PermenPANRB 6/2022: triwulanan and tahunan).
const (
	TW1     Periode = "tw1"
	TW2     Periode = "tw2"
	TW3     Periode = "tw3"
	TW4     Periode = "tw4"
	Tahunan Periode = "tahunan"
)

// Periodes are the periods in order.
var Periodes = []Periode{TW1, TW2, TW3, TW4, Tahunan}

// Label is the period as people read it.
func (p Periode) Label() string {
	switch p {
	case TW1:
		return "Triwulan I"
	case TW2:
		return "Triwulan II"
	case TW3:
		return "Triwulan III"
	case TW4:
		return "Triwulan IV"
	case Tahunan:
		return "Tahunan"
	}
	return ""
}

// Months are the first and last month of the period.
func (p Periode) Months() (from, to int) {
	switch p {
	case TW1:
		return 1, 3
	case TW2:
		return 4, 6
	case TW3:
		return 7, 9
	case TW4:
		return 10, 12
	}
	return 1, 12
}

// EvalPeriod is a year and a period of it, written "2026-tw4" or "2026-tahunan".
type EvalPeriod struct {
	Tahun   int
	Periode Periode
}

// Param is the period as written in a URL.
func (e EvalPeriod) Param() string { return strconv.Itoa(e.Tahun) + "-" + string(e.Periode) }

// Label is the period as people read it.
func (e EvalPeriod) Label() string { return e.Periode.Label() + " " + strconv.Itoa(e.Tahun) }

// PeriodeMessage is the one message for a period that cannot be read.
const PeriodeMessage = "Periode evaluasi harus berbentuk TTTT-tw1 sampai TTTT-tw4 atau TTTT-tahunan, misalnya 2026-tw4."

// ParseEvalPeriod reads "2026-tw4"; "" is the current quarter of today.
func ParseEvalPeriod(s string, today time.Time) (EvalPeriod, error) {
	s = strings.TrimSpace(strings.ToLower(s))
	if s == "" {
		return EvalPeriod{Tahun: today.Year(), Periode: Periodes[(int(today.Month())-1)/3]}, nil
	}
	y, p, ok := strings.Cut(s, "-")
	n, err := strconv.Atoi(y)
	if !ok || err != nil || n < 2000 || n > 2100 || Periode(p).Label() == "" {
		return EvalPeriod{}, apperr.Invalid("periode", PeriodeMessage)
	}
	return EvalPeriod{Tahun: n, Periode: Periode(p)}, nil
}

// mostOften is the rating most months had; a tie goes to the latest month's
// (the rule by which a period's proposal follows from its months).
func mostOften(vals []Ekspektasi) Ekspektasi {
	count := map[Ekspektasi]int{}
	top := 0
	for _, v := range vals {
		count[v]++
		top = max(top, count[v])
	}
	for i := len(vals) - 1; i >= 0; i-- { // the latest month among the tied
		if count[vals[i]] == top {
			return vals[i]
		}
	}
	return ""
}

// EvalRule states how a period's proposal follows from its months.
const EvalRule = "Usulan periode: untuk hasil kerja dan perilaku kerja dipakai penilaian yang paling sering diberikan pada bulan-bulan yang sudah dinilai; bila sama banyak, penilaian bulan terakhir. Predikat mengikuti matriks."

// Proposal is the period's rating as it follows from the rated months.
type Proposal struct {
	HasilKerja    Ekspektasi
	PerilakuKerja Ekspektasi
	Predikat      Predikat
	Months        int
}

// ProposalFrom applies EvalRule to the rated months (in month order).
func ProposalFrom(months []Penilaian) Proposal {
	var h, p []Ekspektasi
	for _, m := range months {
		if m.Status == PenilaianRated {
			h, p = append(h, m.HasilKerja), append(p, m.PerilakuKerja)
		}
	}
	if len(h) == 0 {
		return Proposal{}
	}
	out := Proposal{HasilKerja: mostOften(h), PerilakuKerja: mostOften(p), Months: len(h)}
	out.Predikat, _ = PredikatFor(out.HasilKerja, out.PerilakuKerja)
	return out
}

// Evaluasi is a confirmed periodic evaluation.
type Evaluasi struct {
	ID             int64      `gorm:"column:id"`
	PegawaiID      int64      `gorm:"column:pegawai_id"`
	OPDID          int64      `gorm:"column:opd_id"`
	Tahun          int        `gorm:"column:tahun"`
	Periode        Periode    `gorm:"column:periode"`
	HasilUsulan    Ekspektasi `gorm:"column:hasil_usulan"`
	PerilakuUsulan Ekspektasi `gorm:"column:perilaku_usulan"`
	HasilKerja     Ekspektasi `gorm:"column:hasil_kerja"`
	PerilakuKerja  Ekspektasi `gorm:"column:perilaku_kerja"`
	Predikat       Predikat   `gorm:"column:predikat"`
	Alasan         string     `gorm:"column:alasan"`
	BulanDinilai   int        `gorm:"column:bulan_dinilai"`
	PenilaiID      int64      `gorm:"column:penilai_id"`
	PenilaiNama    string     `gorm:"column:penilai_nama"`
	PolaDilanggar  bool       `gorm:"column:pola_dilanggar"`
	ConfirmedAt    time.Time  `gorm:"column:confirmed_at"`
	PegawaiNama    string     `gorm:"column:pegawai_nama"`
	PegawaiNIP     string     `gorm:"column:pegawai_nip"`
}

// Period is the evaluation's year and period.
func (e Evaluasi) Period() EvalPeriod { return EvalPeriod{Tahun: e.Tahun, Periode: e.Periode} }

// EvaluasiPage is what the evaluation page needs.
type EvaluasiPage struct {
	Period      EvalPeriod
	PegawaiID   int64
	PegawaiNama string
	PegawaiNIP  string
	OPDID       int64
	Months      []Penilaian
	Proposal    Proposal
	Existing    *Evaluasi
	Distribusi  Distribusi
	// CanConfirm: the actor is the direct atasan and a month is rated.
	CanConfirm bool
}

const evalCols = `e.id, e.pegawai_id, e.opd_id, e.tahun, e.periode, e.hasil_usulan, e.perilaku_usulan, e.hasil_kerja, e.perilaku_kerja, e.predikat,
       e.alasan, e.bulan_dinilai, e.penilai_id, q.nama AS penilai_nama, e.pola_dilanggar, e.confirmed_at, p.nama AS pegawai_nama, p.nip AS pegawai_nip`

const evalFrom = `FROM evaluasi_kinerja e JOIN pegawai p ON p.id = e.pegawai_id JOIN pegawai q ON q.id = e.penilai_id`

func (s *Store) periodMonths(ctx context.Context, db *gorm.DB, pegawaiID int64, ep EvalPeriod) ([]Penilaian, error) {
	from, to := ep.Periode.Months()
	var out []Penilaian
	err := db.WithContext(ctx).Raw(`SELECT `+penilaianCols+` FROM penilaian_bulanan b JOIN pegawai p ON p.id = b.pegawai_id
WHERE b.pegawai_id = ? AND b.tahun = ? AND b.bulan BETWEEN ? AND ? ORDER BY b.bulan`, pegawaiID, ep.Tahun, from, to).Scan(&out).Error
	return out, err
}

// EvaluasiFor builds the evaluation page of pegawaiID (0: the actor) for a period.
func (s *Store) EvaluasiFor(ctx context.Context, a Actor, pegawaiID int64, ep EvalPeriod) (EvaluasiPage, error) {
	if pegawaiID == 0 {
		pegawaiID = a.PegawaiID
	}
	v := EvaluasiPage{Period: ep, PegawaiID: pegawaiID}
	if err := s.canSee(ctx, s.db, a, pegawaiID); err != nil {
		return v, err
	}
	var who struct {
		Nama  string `gorm:"column:nama"`
		NIP   string `gorm:"column:nip"`
		OPDID int64  `gorm:"column:opd_id"`
	}
	if err := s.db.WithContext(ctx).Raw(`SELECT nama, nip, opd_id FROM pegawai WHERE id = ?`, pegawaiID).Scan(&who).Error; err != nil {
		return v, err
	}
	if who.NIP == "" {
		return v, apperr.ErrNotFound
	}
	v.PegawaiNama, v.PegawaiNIP, v.OPDID = who.Nama, who.NIP, who.OPDID
	var err error
	if v.Months, err = s.periodMonths(ctx, s.db, pegawaiID, ep); err != nil {
		return v, err
	}
	v.Proposal = ProposalFrom(v.Months)
	var ex []Evaluasi
	if err := s.db.WithContext(ctx).Raw(`SELECT `+evalCols+` `+evalFrom+` WHERE e.pegawai_id = ? AND e.tahun = ? AND e.periode = ?`,
		pegawaiID, ep.Tahun, string(ep.Periode)).Scan(&ex).Error; err != nil {
		return v, err
	}
	if len(ex) == 1 {
		v.Existing = &ex[0]
	}
	v.CanConfirm = v.Proposal.Months > 0 && s.mustSupervise(ctx, s.db, a, pegawaiID) == nil
	if v.CanConfirm || a.Role != auth.RolePegawai {
		if v.Distribusi, err = s.distribusi(ctx, s.db, who.OPDID, ep); err != nil {
			return v, err
		}
	}
	return v, nil
}

// EvaluasiInput is the rater's confirmation or change of a period's rating.
type EvaluasiInput struct {
	PegawaiID     int64
	Period        EvalPeriod
	HasilKerja    Ekspektasi
	PerilakuKerja Ekspektasi
	Alasan        string
}

// ConfirmEvaluasi stores the direct atasan's rating of a period: the
// proposal from the months confirmed, or changed with a reason. The
// distribution of the unit is judged after it and a broken pattern is kept
// on the row and in the audit log, never refused. Confirming again replaces
// the rating (audited with the old one).
func (s *Store) ConfirmEvaluasi(ctx context.Context, a Actor, in EvaluasiInput) (Evaluasi, Distribusi, error) {
	var out Evaluasi
	var dist Distribusi
	ve := &apperr.ValidationError{}
	pred, err := PredikatFor(in.HasilKerja, in.PerilakuKerja)
	if err != nil {
		return out, dist, err
	}
	alasan := strings.TrimSpace(in.Alasan)
	if alasan != "" {
		if msg := checkText(alasan, 1000); msg != "" {
			ve.Add("alasan", "Alasan "+msg)
		}
	}
	err = s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := lockPegawai(ctx, tx, in.PegawaiID); err != nil {
			return err
		}
		if err := s.mustSupervise(ctx, tx, a, in.PegawaiID); err != nil {
			return err
		}
		months, err := s.periodMonths(ctx, tx, in.PegawaiID, in.Period)
		if err != nil {
			return err
		}
		prop := ProposalFrom(months)
		if prop.Months == 0 {
			return apperr.New(apperr.ErrConflict, "Belum ada bulan yang dinilai pada "+in.Period.Label()+"; nilai bulan-bulannya lebih dahulu.")
		}
		changed := in.HasilKerja != prop.HasilKerja || in.PerilakuKerja != prop.PerilakuKerja
		if changed && utf8.RuneCountInString(alasan) < 10 {
			ve.Add("alasan", "Penilaian berbeda dari usulan bulan-bulannya: tuliskan alasannya (paling sedikit 10 huruf).")
		}
		if err := ve.OrNil(); err != nil {
			return err
		}
		var opd int64
		if err := tx.Raw(`SELECT opd_id FROM pegawai WHERE id = ?`, in.PegawaiID).Scan(&opd).Error; err != nil {
			return err
		}
		var old []Evaluasi
		if err := tx.Raw(`SELECT id, predikat, hasil_kerja, perilaku_kerja FROM evaluasi_kinerja WHERE pegawai_id = ? AND tahun = ? AND periode = ?`,
			in.PegawaiID, in.Period.Tahun, string(in.Period.Periode)).Scan(&old).Error; err != nil {
			return err
		}
		var id int64
		if err := tx.Raw(`INSERT INTO evaluasi_kinerja (pegawai_id, opd_id, tahun, periode, hasil_usulan, perilaku_usulan, hasil_kerja, perilaku_kerja, predikat,
    alasan, bulan_dinilai, penilai_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
ON CONFLICT (pegawai_id, tahun, periode) DO UPDATE SET opd_id = EXCLUDED.opd_id, hasil_usulan = EXCLUDED.hasil_usulan, perilaku_usulan = EXCLUDED.perilaku_usulan,
    hasil_kerja = EXCLUDED.hasil_kerja, perilaku_kerja = EXCLUDED.perilaku_kerja, predikat = EXCLUDED.predikat, alasan = EXCLUDED.alasan,
    bulan_dinilai = EXCLUDED.bulan_dinilai, penilai_id = EXCLUDED.penilai_id, confirmed_at = now() RETURNING id`,
			in.PegawaiID, opd, in.Period.Tahun, string(in.Period.Periode), string(prop.HasilKerja), string(prop.PerilakuKerja),
			string(in.HasilKerja), string(in.PerilakuKerja), string(pred), alasan, prop.Months, a.PegawaiID).Scan(&id).Error; err != nil {
			return err
		}
		if dist, err = s.distribusi(ctx, tx, opd, in.Period); err != nil {
			return err
		}
		if err := tx.Exec(`UPDATE evaluasi_kinerja SET pola_dilanggar = ? WHERE id = ?`, len(dist.Warnings) > 0, id).Error; err != nil {
			return err
		}
		detail := map[string]any{"pegawai_id": in.PegawaiID, "tahun": in.Period.Tahun, "periode": string(in.Period.Periode),
			"usulan": string(prop.Predikat), "predikat": string(pred), "hasil_kerja": string(in.HasilKerja), "perilaku_kerja": string(in.PerilakuKerja),
			"alasan": alasan, "bulan_dinilai": prop.Months, "pola_dilanggar": len(dist.Warnings) > 0, "peringatan": dist.Warnings}
		if len(old) == 1 {
			detail["predikat_lama"] = string(old[0].Predikat)
		}
		if err := record(ctx, tx, a, "kinerja.evaluasi_konfirmasi", "evaluasi", id, detail); err != nil {
			return err
		}
		return tx.Raw(`SELECT `+evalCols+` `+evalFrom+` WHERE e.id = ?`, id).Scan(&out).Error
	})
	return out, dist, err
}

// GetEvaluasi reads one evaluation, for those who may see it.
func (s *Store) GetEvaluasi(ctx context.Context, a Actor, id int64) (Evaluasi, error) {
	var e Evaluasi
	if err := s.db.WithContext(ctx).Raw(`SELECT `+evalCols+` `+evalFrom+` WHERE e.id = ?`, id).Scan(&e).Error; err != nil {
		return e, err
	}
	if e.ID == 0 {
		return e, apperr.ErrNotFound
	}
	return e, s.canSee(ctx, s.db, a, e.PegawaiID)
}

// ListEvaluasi lists pegawaiID's evaluations of a year, for those who may see them.
func (s *Store) ListEvaluasi(ctx context.Context, a Actor, pegawaiID int64, tahun int) ([]Evaluasi, error) {
	if pegawaiID == 0 {
		pegawaiID = a.PegawaiID
	}
	if err := s.canSee(ctx, s.db, a, pegawaiID); err != nil {
		return nil, err
	}
	var out []Evaluasi
	err := s.db.WithContext(ctx).Raw(`SELECT `+evalCols+` `+evalFrom+` WHERE e.pegawai_id = ? AND e.tahun = ? ORDER BY e.periode`, pegawaiID, tahun).Scan(&out).Error
	return out, err
}

// YearlyPredikat is the predikat of the confirmed yearly evaluation ("" when
// none): what a promotion or a contract extension reads.
func (s *Store) YearlyPredikat(ctx context.Context, a Actor, pegawaiID int64, tahun int) (Predikat, error) {
	if err := s.canSee(ctx, s.db, a, pegawaiID); err != nil {
		return "", err
	}
	var p string
	err := s.db.WithContext(ctx).Raw(`SELECT predikat FROM evaluasi_kinerja WHERE pegawai_id = ? AND tahun = ? AND periode = 'tahunan'`, pegawaiID, tahun).Scan(&p).Error
	if err != nil {
		return "", fmt.Errorf("yearly predikat: %w", err)
	}
	return Predikat(p), nil
}

// PredikatYear is an employee's predikat of a year: every rated month, the
// confirmed periodic evaluations and the yearly one ("" when not confirmed).
type PredikatYear struct {
	PegawaiID int64
	NIP       string
	Tahun     int
	Tahunan   Predikat
	Bulanan   []Penilaian
	Periodik  []Evaluasi
}

// PredikatOfYear reads PredikatYear for those who may see the employee.
func (s *Store) PredikatOfYear(ctx context.Context, a Actor, pegawaiID int64, tahun int) (PredikatYear, error) {
	if pegawaiID == 0 {
		pegawaiID = a.PegawaiID
	}
	out := PredikatYear{PegawaiID: pegawaiID, Tahun: tahun}
	var err error
	if out.Tahunan, err = s.YearlyPredikat(ctx, a, pegawaiID, tahun); err != nil {
		return out, err
	}
	if out.Bulanan, err = s.ListPenilaian(ctx, a, pegawaiID, tahun); err != nil {
		return out, err
	}
	if out.Periodik, err = s.ListEvaluasi(ctx, a, pegawaiID, tahun); err != nil {
		return out, err
	}
	err = s.db.WithContext(ctx).Raw(`SELECT nip FROM pegawai WHERE id = ?`, pegawaiID).Scan(&out.NIP).Error
	return out, err
}
