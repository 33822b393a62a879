package kinerja

import (
	"context"
	"fmt"
	"strings"
	"time"

	"gorm.io/gorm"

	"github.com/ekinerja/ekinerja/internal/apperr"
	"github.com/ekinerja/ekinerja/internal/auth"
)

// penilaianCols reads a rating with the month's approved minutes.
const penilaianCols = `b.id, b.pegawai_id, b.tahun, b.bulan, b.status, b.ringkasan, coalesce(b.hasil_kerja, '') AS hasil_kerja,
       coalesce(b.perilaku_kerja, '') AS perilaku_kerja, coalesce(b.predikat, '') AS predikat, b.umpan_balik, b.submitted_at, b.rated_at,
       b.koreksi_alasan, b.dikoreksi_at, b.predikat_sebelum_koreksi,
       p.nama AS pegawai_nama, p.nip AS pegawai_nip,
       (SELECT coalesce(sum(a.menit), 0) FROM aktivitas a WHERE a.pegawai_id = b.pegawai_id AND a.status = 'approved'
          AND a.tanggal >= make_date(b.tahun, b.bulan, 1) AND a.tanggal < make_date(b.tahun, b.bulan, 1) + interval '1 month') AS menit_disetujui`

// SubmitMonth is the employee's monthly report: a realisation per RHK of
// the year's SKP (keyed by RHK id) and a summary.
type SubmitMonth struct {
	Month     time.Time
	Ringkasan string
	Realisasi map[int64]string
}

// submitOpen says whether an employee may submit the month starting first,
// whose rating is in status ("" when there is none yet): nil, or why not.
// The month page offers the form by it (CanSubmitMonth) and
// SubmitPenilaian refuses by it.
func (s *Store) submitOpen(first time.Time, status PenilaianStatus) error {
	if first.After(s.Today()) {
		return apperr.Invalid("bulan", "Bulan yang belum dimulai tidak dapat diajukan.")
	}
	if status == PenilaianRated {
		return apperr.New(apperr.ErrConflict, "Bulan ini sudah dinilai atasan dan tidak dapat diajukan ulang.")
	}
	return nil
}

// CanSubmitMonth reports whether the month page offers to submit p, the
// employee's own rating of month (the first of it).
func (s *Store) CanSubmitMonth(p Penilaian, month time.Time) bool {
	first := time.Date(month.Year(), month.Month(), 1, 0, 0, 0, 0, time.UTC)
	return s.submitOpen(first, p.Status) == nil
}

// SubmitPenilaian submits (or, until rated, resubmits) the actor's month.
func (s *Store) SubmitPenilaian(ctx context.Context, a Actor, in SubmitMonth) (int64, error) {
	first := time.Date(in.Month.Year(), in.Month.Month(), 1, 0, 0, 0, 0, time.UTC)
	if err := s.submitOpen(first, ""); err != nil {
		return 0, err
	}
	ve := &apperr.ValidationError{}
	ringkasan := strings.TrimSpace(in.Ringkasan)
	if msg := checkText(ringkasan, 2000); msg != "" {
		ve.Add("ringkasan", "Ringkasan "+msg)
	}
	rhk, err := s.RHKChoices(ctx, a, first.Year())
	if err != nil {
		return 0, err
	}
	if len(rhk) == 0 {
		ve.Add("ringkasan", fmt.Sprintf("Anda belum memiliki SKP dengan RHK untuk tahun %d.", first.Year()))
	}
	real := map[int64]string{}
	for _, r := range rhk {
		v := strings.TrimSpace(in.Realisasi[r.ID])
		if msg := checkText(v, 1000); msg != "" {
			ve.Add(fmt.Sprintf("realisasi_%d", r.ID), "Realisasi RHK ini "+msg)
		}
		real[r.ID] = v
	}
	if err := ve.OrNil(); err != nil {
		return 0, err
	}
	var id int64
	err = s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := tx.Raw(`INSERT INTO penilaian_bulanan (pegawai_id, tahun, bulan, status, ringkasan, submitted_at) VALUES (?, ?, ?, 'submitted', ?, now())
ON CONFLICT (pegawai_id, tahun, bulan) DO UPDATE SET status = 'submitted', ringkasan = EXCLUDED.ringkasan, submitted_at = now(), updated_at = now()
WHERE penilaian_bulanan.status <> 'rated' RETURNING id`, a.PegawaiID, first.Year(), int(first.Month()), ringkasan).Scan(&id).Error; err != nil {
			return err
		}
		if id == 0 { // the row is rated: the upsert's WHERE refused it
			return s.submitOpen(first, PenilaianRated)
		}
		if err := tx.Exec(`DELETE FROM penilaian_realisasi WHERE penilaian_id = ?`, id).Error; err != nil {
			return err
		}
		for rid, v := range real {
			if err := tx.Exec(`INSERT INTO penilaian_realisasi (penilaian_id, rhk_id, realisasi) VALUES (?, ?, ?)`, id, rid, v).Error; err != nil {
				return err
			}
		}
		return record(ctx, tx, a, "kinerja.bulan_ajukan", "penilaian", id, map[string]any{"tahun": first.Year(), "bulan": int(first.Month())})
	})
	return id, err
}

// MyPenilaian returns the actor's rating of a month (ID 0 when not submitted).
func (s *Store) MyPenilaian(ctx context.Context, a Actor, month time.Time) (Penilaian, error) {
	var p Penilaian
	if err := s.db.WithContext(ctx).Raw(`SELECT `+penilaianCols+` FROM penilaian_bulanan b JOIN pegawai p ON p.id = b.pegawai_id
WHERE b.pegawai_id = ? AND b.tahun = ? AND b.bulan = ?`, a.PegawaiID, month.Year(), int(month.Month())).Scan(&p).Error; err != nil {
		return p, err
	}
	if p.ID == 0 {
		p = Penilaian{PegawaiID: a.PegawaiID, Tahun: month.Year(), Bulan: int(month.Month()), Status: PenilaianOpen}
	}
	return p, s.loadRealisasi(ctx, &p)
}

// GetPenilaian reads one rating, for those who may see it.
func (s *Store) GetPenilaian(ctx context.Context, a Actor, id int64) (Penilaian, error) {
	var p Penilaian
	if err := s.db.WithContext(ctx).Raw(`SELECT `+penilaianCols+` FROM penilaian_bulanan b JOIN pegawai p ON p.id = b.pegawai_id WHERE b.id = ?`, id).Scan(&p).Error; err != nil {
		return p, err
	}
	if p.ID == 0 {
		return p, apperr.ErrNotFound
	}
	if err := s.canSee(ctx, s.db, a, p.PegawaiID); err != nil {
		return p, err
	}
	return p, s.loadRealisasi(ctx, &p)
}

func (s *Store) loadRealisasi(ctx context.Context, p *Penilaian) error {
	if p.ID == 0 {
		return nil
	}
	if err := s.db.WithContext(ctx).Raw(`SELECT x.rhk_id, r.uraian AS rhk_uraian, x.realisasi FROM penilaian_realisasi x JOIN rhk r ON r.id = x.rhk_id
WHERE x.penilaian_id = ? ORDER BY x.rhk_id`, p.ID).Scan(&p.Realisasi).Error; err != nil {
		return err
	}
	return s.loadPerilaku(ctx, p)
}

// ListPenilaian lists the ratings of pegawaiID in a year, for those who may see them.
func (s *Store) ListPenilaian(ctx context.Context, a Actor, pegawaiID int64, tahun int) ([]Penilaian, error) {
	if err := s.canSee(ctx, s.db, a, pegawaiID); err != nil {
		return nil, err
	}
	var out []Penilaian
	err := s.db.WithContext(ctx).Raw(`SELECT `+penilaianCols+` FROM penilaian_bulanan b JOIN pegawai p ON p.id = b.pegawai_id
WHERE b.pegawai_id = ? AND b.tahun = ? ORDER BY b.bulan`, pegawaiID, tahun).Scan(&out).Error
	return out, err
}

// Rating is the atasan's monthly rating of a subordinate.
type Rating struct {
	HasilKerja    Ekspektasi
	PerilakuKerja Ekspektasi
	UmpanBalik    string
	// Perilaku are the seven BerAKHLAK ratings with feedback (SPEC 3). When
	// given, all seven are required and PerilakuKerja follows from them by
	// PerilakuFrom (whatever was sent); when empty, PerilakuKerja is the one
	// overall rating, as ratings were before the core values.
	Perilaku map[NilaiInti]PerilakuNilai
}

// RatePenilaian rates a direct subordinate's submitted month; the perilaku
// rating follows from the seven core values and the predikat from the
// matrix. A rated month is final (corrections go through CorrectPenilaian).
func (s *Store) RatePenilaian(ctx context.Context, a Actor, id int64, r Rating) (Predikat, error) {
	ve := &apperr.ValidationError{}
	var vals []PerilakuNilai
	if len(r.Perilaku) > 0 {
		vals = checkPerilaku(r.Perilaku, ve)
		r.PerilakuKerja = PerilakuFrom(vals)
	}
	if r.HasilKerja.Label() == "" {
		ve.Add("hasil_kerja", "Pilih penilaian hasil kerja.")
	}
	if len(vals) == 0 && r.PerilakuKerja.Label() == "" {
		ve.Add("perilaku_kerja", "Pilih penilaian perilaku kerja.")
	}
	umpan := strings.TrimSpace(r.UmpanBalik)
	if umpan != "" {
		if msg := checkText(umpan, 2000); msg != "" {
			ve.Add("umpan_balik", "Umpan balik "+msg)
		}
	}
	if err := ve.OrNil(); err != nil {
		return "", err
	}
	pred, err := PredikatFor(r.HasilKerja, r.PerilakuKerja)
	if err != nil {
		return "", err
	}
	err = s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var cur struct {
			PegawaiID int64  `gorm:"column:pegawai_id"`
			Status    string `gorm:"column:status"`
		}
		if err := tx.Raw(`SELECT pegawai_id, status FROM penilaian_bulanan WHERE id = ? FOR UPDATE`, id).Scan(&cur).Error; err != nil {
			return err
		}
		if cur.PegawaiID == 0 {
			return apperr.ErrNotFound
		}
		if err := s.allowed(ctx, tx, a, ActRate, cur.PegawaiID, cur.Status); err != nil {
			return err
		}
		res := tx.Exec(`UPDATE penilaian_bulanan SET status = 'rated', hasil_kerja = ?, perilaku_kerja = ?, predikat = ?, umpan_balik = ?,
       penilai_id = ?, rated_at = now(), updated_at = now() WHERE id = ? AND status = 'submitted'`,
			string(r.HasilKerja), string(r.PerilakuKerja), string(pred), umpan, a.PegawaiID, id)
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected != 1 {
			return apperr.New(apperr.ErrConflict, actionRules[ActRate].refusal)
		}
		detail := map[string]any{"hasil_kerja": string(r.HasilKerja), "perilaku_kerja": string(r.PerilakuKerja), "predikat": string(pred)}
		if len(vals) > 0 {
			if err := savePerilaku(tx, id, vals); err != nil {
				return err
			}
			nilai := map[string]string{}
			for _, v := range vals {
				nilai[string(v.Nilai)] = string(v.Ekspektasi)
			}
			detail["berakhlak"] = nilai
		}
		return record(ctx, tx, a, "kinerja.bulan_nilai", "penilaian", id, detail)
	})
	return pred, err
}

// SubordinateMonth is one direct subordinate's month, for the atasan.
type SubordinateMonth struct {
	PegawaiID      int64           `gorm:"column:pegawai_id"`
	Nama           string          `gorm:"column:nama"`
	NIP            string          `gorm:"column:nip"`
	PenilaianID    int64           `gorm:"column:penilaian_id"`
	Status         PenilaianStatus `gorm:"column:status"`
	Predikat       Predikat        `gorm:"column:predikat"`
	MenitDisetujui int64           `gorm:"column:menit_disetujui"`
	MenitDiajukan  int64           `gorm:"column:menit_diajukan"`
	// Jabatan is the position held on the month's last day (today for the
	// current month), a definitive one before a Plt/Plh; HasilKerja and
	// PerilakuKerja are the month's two ratings ("" when not rated).
	Jabatan       string     `gorm:"column:jabatan"`
	HasilKerja    Ekspektasi `gorm:"column:hasil_kerja"`
	PerilakuKerja Ekspektasi `gorm:"column:perilaku_kerja"`
}

// SubordinateMonths lists the atasan's direct subordinates with their month. One query.
func (s *Store) SubordinateMonths(ctx context.Context, a Actor, month time.Time) ([]SubordinateMonth, error) {
	subs, err := s.subordinates(ctx, s.db, a)
	if err != nil || len(subs) == 0 {
		return nil, err
	}
	from := time.Date(month.Year(), month.Month(), 1, 0, 0, 0, 0, time.UTC)
	day := from.AddDate(0, 1, -1)
	if t := s.Today(); t.Before(day) {
		day = t
	}
	var out []SubordinateMonth
	err = s.db.WithContext(ctx).Raw(`SELECT p.id AS pegawai_id, p.nama, p.nip, coalesce(b.id, 0) AS penilaian_id, coalesce(b.status, 'open') AS status,
       coalesce(b.predikat, '') AS predikat, coalesce(m.disetujui, 0) AS menit_disetujui, coalesce(m.diajukan, 0) AS menit_diajukan,
       coalesce(jb.nama, '') AS jabatan, coalesce(b.hasil_kerja, '') AS hasil_kerja, coalesce(b.perilaku_kerja, '') AS perilaku_kerja
FROM pegawai p
LEFT JOIN penilaian_bulanan b ON b.pegawai_id = p.id AND b.tahun = ? AND b.bulan = ?
LEFT JOIN (SELECT pegawai_id, sum(menit) FILTER (WHERE status = 'approved') AS disetujui, sum(menit) FILTER (WHERE status = 'submitted') AS diajukan
           FROM aktivitas WHERE pegawai_id = ANY(?::bigint[]) AND tanggal >= ? AND tanggal < ? GROUP BY pegawai_id) m ON m.pegawai_id = p.id
LEFT JOIN LATERAL (SELECT j.nama FROM riwayat_jabatan rj JOIN jabatan j ON j.id = rj.jabatan_id
           WHERE rj.pegawai_id = p.id AND rj.mulai <= ?::date AND (rj.selesai IS NULL OR rj.selesai >= ?::date)
           ORDER BY (rj.jenis = 'definitif') DESC, j.kelas DESC LIMIT 1) jb ON true
WHERE p.id = ANY(?::bigint[]) ORDER BY p.nama`, from.Year(), int(from.Month()), pgInts(subs), from, from.AddDate(0, 1, 0),
		day.Format(time.DateOnly), day.Format(time.DateOnly), pgInts(subs)).Scan(&out).Error
	return out, err
}

// MonthlySummaries is the contract with the TPP computation: per employee
// of the agency, the month's predikat ("" when not rated) and approved
// minutes. One query, whatever the number of employees.
func (s *Store) MonthlySummaries(ctx context.Context, opdID int64, year int, month time.Month) (map[int64]MonthSummary, error) {
	return s.MonthlySummariesOf(ctx, opdID, 0, year, month)
}

// MonthlySummariesOf is MonthlySummaries of one employee of the agency
// (pegawaiID; 0 is every employee): the same query, filtered, so an
// employee's own estimate does not read the whole agency.
func (s *Store) MonthlySummariesOf(ctx context.Context, opdID, pegawaiID int64, year int, month time.Month) (map[int64]MonthSummary, error) {
	from := time.Date(year, month, 1, 0, 0, 0, 0, time.UTC)
	var rows []struct {
		PegawaiID int64  `gorm:"column:pegawai_id"`
		Predikat  string `gorm:"column:predikat"`
		BKN       string `gorm:"column:predikat_bkn"`
		Menit     int64  `gorm:"column:menit"`
	}
	// The one employee's filter is written into the statement (a generic
	// plan of "(@only = 0 OR ...)" reads the whole agency).
	only, onlyA := "", ""
	if pegawaiID != 0 {
		only, onlyA = "AND p.id = @only", "AND a.pegawai_id = @only"
	}
	err := s.db.WithContext(ctx).Raw(`SELECT p.id AS pegawai_id, coalesce(b.predikat, '') AS predikat, coalesce(k.predikat, '') AS predikat_bkn,
       coalesce(m.menit, 0) AS menit
FROM pegawai p
LEFT JOIN penilaian_bulanan b ON b.pegawai_id = p.id AND b.tahun = @y AND b.bulan = @m AND b.status = 'rated'
LEFT JOIN predikat_bkn k ON k.pegawai_id = p.id AND k.period = make_date(@y, @m, 1)
LEFT JOIN (SELECT a.pegawai_id, sum(a.menit) AS menit FROM aktivitas a JOIN pegawai q ON q.id = a.pegawai_id AND q.opd_id = @opd
           WHERE a.status = 'approved' `+onlyA+` AND a.tanggal >= @from AND a.tanggal < @to
           GROUP BY a.pegawai_id) m ON m.pegawai_id = p.id
WHERE p.opd_id = @opd `+only,
		map[string]any{"y": year, "m": int(month), "opd": opdID, "only": pegawaiID, "from": from, "to": from.AddDate(0, 1, 0)}).Scan(&rows).Error
	if err != nil {
		return nil, fmt.Errorf("monthly summaries: %w", err)
	}
	out := make(map[int64]MonthSummary, len(rows))
	for _, r := range rows {
		out[r.PegawaiID] = MonthSummary{Predikat: r.Predikat, PredikatBKN: r.BKN, ApprovedMinutes: r.Menit}
	}
	return out, nil
}

// Reopening is a verifikator's reopening of one employee's closed month.
type Reopening struct {
	ID            int64     `gorm:"column:id"`
	PegawaiNama   string    `gorm:"column:pegawai_nama"`
	PegawaiNIP    string    `gorm:"column:pegawai_nip"`
	Tahun         int       `gorm:"column:tahun"`
	Bulan         int       `gorm:"column:bulan"`
	Alasan        string    `gorm:"column:alasan"`
	BerlakuSampai time.Time `gorm:"column:berlaku_sampai"`
	CreatedAt     time.Time `gorm:"column:created_at"`
}

// ReopenMonth lets one employee log in a closed month again for ReopenFor
// (verifikator only, with a reason, audited).
func (s *Store) ReopenMonth(ctx context.Context, a Actor, nip string, month time.Time, alasan string) error {
	if a.Role != auth.RoleVerifikator {
		return errScope
	}
	ve := &apperr.ValidationError{}
	alasan = strings.TrimSpace(alasan)
	if msg := checkText(alasan, 1000); msg != "" {
		ve.Add("alasan", "Alasan "+msg)
	} else if len([]rune(alasan)) < 5 {
		ve.Add("alasan", "Tuliskan alasan pembukaan dengan jelas (paling sedikit 5 karakter).")
	}
	nip = strings.TrimSpace(nip)
	var pegawaiID int64
	if err := s.db.WithContext(ctx).Raw(`SELECT id FROM pegawai WHERE nip = ?`, nip).Scan(&pegawaiID).Error; err != nil {
		return err
	}
	if pegawaiID == 0 {
		ve.Add("nip", "Pegawai dengan NIP ini tidak ditemukan.")
	}
	day, err := s.ClosingDay(ctx)
	if err != nil {
		return err
	}
	if s.now().Before(ClosesAt(month.Year(), month.Month(), day, s.loc)) {
		ve.Add("bulan", "Bulan ini belum ditutup; pegawai masih dapat mencatat aktivitas.")
	}
	if err := ve.OrNil(); err != nil {
		return err
	}
	return s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		_, err := s.reopen(ctx, tx, a, pegawaiID, nip, month, alasan)
		return err
	})
}

// reopen is the one way a closed month is reopened for an employee (for
// ReopenFor, audited): the verifikator's form and an approved request.
func (s *Store) reopen(ctx context.Context, tx *gorm.DB, a Actor, pegawaiID int64, nip string, month time.Time, alasan string) (int64, error) {
	var id int64
	if err := tx.Raw(`INSERT INTO bulan_dibuka (pegawai_id, tahun, bulan, alasan, dibuka_oleh, berlaku_sampai) VALUES (?, ?, ?, ?, ?, ?) RETURNING id`,
		pegawaiID, month.Year(), int(month.Month()), alasan, a.UserID, s.now().Add(ReopenFor)).Scan(&id).Error; err != nil {
		return 0, err
	}
	return id, record(ctx, tx, a, "kinerja.bulan_buka", "pegawai", pegawaiID, map[string]any{"nip": nip, "tahun": month.Year(),
		"bulan": int(month.Month()), "alasan": alasan, "bukaan_id": id})
}

// Reopenings lists the latest reopenings.
func (s *Store) Reopenings(ctx context.Context, limit int) ([]Reopening, error) {
	var out []Reopening
	err := s.db.WithContext(ctx).Raw(`SELECT d.id, p.nama AS pegawai_nama, p.nip AS pegawai_nip, d.tahun, d.bulan, d.alasan, d.berlaku_sampai, d.created_at
FROM bulan_dibuka d JOIN pegawai p ON p.id = d.pegawai_id ORDER BY d.id DESC LIMIT ?`, limit).Scan(&out).Error
	return out, err
}
