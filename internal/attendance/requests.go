package attendance

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"gorm.io/gorm"

	"github.com/ekinerja/ekinerja/internal/apperr"
	"github.com/ekinerja/ekinerja/internal/audit"
	"github.com/ekinerja/ekinerja/internal/auth"
	"github.com/ekinerja/ekinerja/internal/tpp"
)

// ---- manual corrections ----

// CorrectionInput is admin_opd's correction form for one employee and date.
type CorrectionInput struct {
	Tanggal   string
	JamMasuk  string
	JamPulang string
	Hadir     bool
	Alasan    string
}

// CorrectionEntry is one stored correction, newest first in lists.
type CorrectionEntry struct {
	ID        int64     `gorm:"column:id"`
	Tanggal   time.Time `gorm:"column:tanggal"`
	JamMasuk  *int32    `gorm:"column:jam_masuk"`
	JamPulang *int32    `gorm:"column:jam_pulang"`
	Hadir     bool      `gorm:"column:hadir"`
	Alasan    string    `gorm:"column:alasan"`
	OlehNIP   string    `gorm:"column:oleh_nip"`
	CreatedAt time.Time `gorm:"column:created_at"`
}

// Masuk formats the corrected time in, or "-".
func (c CorrectionEntry) Masuk() string { return clockText(c.JamMasuk) }

// Pulang formats the corrected time out, or "-".
func (c CorrectionEntry) Pulang() string { return clockText(c.JamPulang) }

func clockText(c *int32) string {
	if c == nil {
		return "-"
	}
	return Clock(*c).String()
}

// Correct records a manual correction of one day. Only an admin_opd of the
// employee's OPD may correct; the reason is required; the imported record
// stays as it was and the correction is audited with both.
func (s *Store) Correct(ctx context.Context, p *auth.Principal, ip string, pegawaiID int64, in CorrectionInput) error {
	if err := MayCorrect(p); err != nil {
		return err
	}
	ref, err := s.Pegawai(ctx, p, pegawaiID)
	if err != nil {
		return err
	}
	var ve apperr.ValidationError
	d, derr := ParseDate(strings.TrimSpace(in.Tanggal))
	if derr != nil {
		ve.Add("tanggal", "Tanggal wajib diisi (format YYYY-MM-DD).")
	} else if d.After(s.today()) {
		ve.Add("tanggal", "Tanggal koreksi tidak boleh di masa depan.")
	}
	var masuk, pulang *int32
	for _, f := range []struct {
		field, val string
		dst        **int32
	}{{"jam_masuk", in.JamMasuk, &masuk}, {"jam_pulang", in.JamPulang, &pulang}} {
		v := strings.TrimSpace(f.val)
		if v == "" {
			continue
		}
		c, err := ParseClock(v)
		if err != nil {
			ve.Add(f.field, "Jam tidak valid (format 07:30).")
			continue
		}
		c32 := int32(c)
		*f.dst = &c32
	}
	// The judged day combines the correction with the imported record, so
	// check the pair that will be judged, not only the fields filled in.
	effIn, effOut := masuk, pulang
	if derr == nil && (effIn == nil || effOut == nil) {
		var orig []monthRow
		if err := s.db.WithContext(ctx).Raw(`SELECT pegawai_id, tanggal, jam_masuk, jam_pulang FROM kehadiran WHERE pegawai_id = ? AND tanggal = ?::date`,
			ref.ID, sqlDate(d)).Scan(&orig).Error; err != nil {
			return err
		}
		if len(orig) == 1 {
			if effIn == nil {
				effIn = orig[0].JamMasuk
			}
			if effOut == nil {
				effOut = orig[0].JamPulang
			}
		}
	}
	if effIn != nil && effOut != nil && *effOut < *effIn {
		ve.Add("jam_pulang", "Jam pulang lebih awal dari jam masuk.")
	}
	if masuk == nil && pulang == nil && !in.Hadir {
		ve.Add("jam_masuk", "Isi jam masuk, jam pulang, atau tandai hadir tanpa rekam.")
	}
	alasan := strings.TrimSpace(in.Alasan)
	if len([]rune(alasan)) < 5 || len(alasan) > 500 {
		ve.Add("alasan", "Alasan koreksi wajib diisi (5 sampai 500 huruf).")
	}
	if err := ve.OrNil(); err != nil {
		return err
	}
	return s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var orig []monthRow
		if err := tx.Raw(`SELECT pegawai_id, tanggal, jam_masuk, jam_pulang FROM kehadiran WHERE pegawai_id = ? AND tanggal = ?::date`,
			ref.ID, sqlDate(d)).Scan(&orig).Error; err != nil {
			return err
		}
		var id int64
		if err := tx.Raw(`INSERT INTO koreksi_kehadiran (pegawai_id, tanggal, jam_masuk, jam_pulang, hadir, alasan, dibuat_oleh)
VALUES (?, ?::date, ?, ?, ?, ?, ?) RETURNING id`, ref.ID, sqlDate(d), masuk, pulang, in.Hadir, alasan, p.UserID).Scan(&id).Error; err != nil {
			return fmt.Errorf("save correction: %w", err)
		}
		if err := s.refreshTouched(ctx, tx, monthsOf(ref.ID, d, d)); err != nil {
			return err
		}
		detail := map[string]any{"pegawai_nip": ref.NIP, "tanggal": sqlDate(d), "alasan": alasan, "hadir": in.Hadir,
			"jam_masuk": clockText(masuk), "jam_pulang": clockText(pulang), "asli_masuk": "-", "asli_pulang": "-"}
		if len(orig) == 1 {
			detail["asli_masuk"], detail["asli_pulang"] = clockText(orig[0].JamMasuk), clockText(orig[0].JamPulang)
		}
		return audit.Record(ctx, tx, audit.Entry{ActorID: p.UserID, ActorNIP: p.NIP, IP: ip, Action: "presensi.koreksi",
			ObjectType: "koreksi_kehadiran", ObjectID: fmt.Sprint(id), Detail: detail})
	})
}

// Corrections lists an employee's corrections dated from..to, newest first.
func (s *Store) Corrections(ctx context.Context, pegawaiID int64, from, to Date) ([]CorrectionEntry, error) {
	var out []CorrectionEntry
	err := s.db.WithContext(ctx).Raw(`
SELECT c.id, c.tanggal, c.jam_masuk, c.jam_pulang, c.hadir, c.alasan, u.nip AS oleh_nip, c.created_at
FROM koreksi_kehadiran c JOIN users u ON u.id = c.dibuat_oleh
WHERE c.pegawai_id = ? AND c.tanggal BETWEEN ?::date AND ?::date ORDER BY c.tanggal DESC, c.id DESC`,
		pegawaiID, sqlDate(from), sqlDate(to)).Scan(&out).Error
	return out, err
}

// ---- leave and DL ----

// LeaveStatus is where a leave request stands.
type LeaveStatus string

// Leave request states.
const (
	LeaveDiajukan  LeaveStatus = "diajukan"
	LeaveDisetujui LeaveStatus = "disetujui"
	LeaveDitolak   LeaveStatus = "ditolak"
	// LeaveDibatalkan is a request its employee withdrew before the decision.
	LeaveDibatalkan LeaveStatus = "dibatalkan"
)

// ExcuseKinds lists the leave and DL kinds in form order.
var ExcuseKinds = []Excuse{CutiTahunan, CutiSakit, CutiAlasanPenting, CutiBesar, CutiMelahirkan, CutiMelahirkanAnakKetiga, CutiLuarTanggungan, DinasLuar}

// ExcuseLabel is the Bahasa Indonesia label of a leave or DL kind.
func ExcuseLabel(e Excuse) string {
	switch e {
	case CutiTahunan:
		return "Cuti tahunan"
	case CutiBesar:
		return "Cuti besar"
	case CutiSakit:
		return "Cuti sakit"
	case CutiMelahirkan:
		return "Cuti melahirkan"
	case CutiMelahirkanAnakKetiga:
		return "Cuti melahirkan (anak ketiga dst.)"
	case CutiAlasanPenting:
		return "Cuti karena alasan penting"
	case CutiLuarTanggungan:
		return "Cuti di luar tanggungan negara"
	case DinasLuar:
		return "Dinas luar (DL)"
	}
	return string(e)
}

// Leave is one leave or DL request.
type Leave struct {
	ID          int64     `gorm:"column:id"`
	PegawaiID   int64     `gorm:"column:pegawai_id"`
	NIP         string    `gorm:"column:nip"`
	Nama        string    `gorm:"column:nama"`
	Jenis       string    `gorm:"column:jenis"`
	Mulai       time.Time `gorm:"column:mulai"`
	Selesai     time.Time `gorm:"column:selesai"`
	Keterangan  string    `gorm:"column:keterangan"`
	Status      string    `gorm:"column:status"`
	AlasanTolak string    `gorm:"column:alasan_tolak"`
}

// cancelRefusal says why the request can no longer be cancelled (nil: it
// can, while it waits for the atasan). CancelLeave refuses by it and the
// list offers the button by it (CanCancel).
func (l Leave) cancelRefusal() error {
	switch LeaveStatus(l.Status) {
	case LeaveDiajukan:
		return nil
	case LeaveDibatalkan:
		return apperr.New(apperr.ErrConflict, "Pengajuan ini sudah dibatalkan.")
	}
	return apperr.New(apperr.ErrConflict, "Pengajuan ini sudah diputus atasan dan tidak dapat dibatalkan.")
}

// CanCancel reports whether the employee may still cancel the request.
func (l Leave) CanCancel() bool { return l.cancelRefusal() == nil }

// JenisLabel is the kind's label.
func (l Leave) JenisLabel() string { return ExcuseLabel(Excuse(l.Jenis)) }

// LeaveInput is the leave request form.
type LeaveInput struct {
	PegawaiID  int64 // 0: the person themself
	Jenis      string
	Mulai      string
	Selesai    string
	Keterangan string
}

// RequestLeave files a leave or DL request: a pegawai or atasan for
// themself, an admin_opd for an employee of its OPD. The request waits for
// the employee's atasan. Overlapping a pending or approved request is refused.
func (s *Store) RequestLeave(ctx context.Context, p *auth.Principal, ip string, in LeaveInput) (int64, error) {
	target := in.PegawaiID
	switch p.Active.Role {
	case auth.RolePegawai, auth.RoleAtasan:
		if target != 0 && target != p.PegawaiID {
			return 0, fmt.Errorf("leave for another employee: %w", apperr.ErrOutOfScope)
		}
		target = p.PegawaiID
	case auth.RoleAdminOPD:
		if target == 0 {
			return 0, apperr.Invalid("pegawai_id", "Pilih pegawai.")
		}
	default:
		return 0, apperr.ErrForbidden
	}
	ref, err := s.Pegawai(ctx, p, target)
	if err != nil {
		if (errors.Is(err, apperr.ErrNotFound) || errors.Is(err, apperr.ErrOutOfScope)) && p.Active.Role == auth.RoleAdminOPD {
			return 0, apperr.Invalid("pegawai_id", "Pegawai tidak ditemukan di OPD ini.")
		}
		return 0, err
	}
	var ve apperr.ValidationError
	kind := Excuse(in.Jenis)
	if kind == NoExcuse || !kind.Valid() {
		ve.Add("jenis", "Pilih jenis cuti atau dinas luar.")
	}
	mulai, err1 := ParseDate(strings.TrimSpace(in.Mulai))
	if err1 != nil {
		ve.Add("mulai", "Tanggal mulai wajib diisi (format YYYY-MM-DD).")
	}
	selesai, err2 := ParseDate(strings.TrimSpace(in.Selesai))
	if err2 != nil {
		ve.Add("selesai", "Tanggal selesai wajib diisi (format YYYY-MM-DD).")
	}
	if err1 == nil && err2 == nil {
		switch {
		case selesai.Before(mulai):
			ve.Add("selesai", "Tanggal selesai tidak boleh sebelum tanggal mulai.")
		case daysBetween(mulai, selesai) >= 366:
			ve.Add("selesai", "Satu pengajuan paling lama satu tahun.")
		case mulai.Year < 2000 || selesai.Year > 2099:
			ve.Add("mulai", "Tanggal di luar rentang yang diterima.")
		}
	}
	ket := strings.TrimSpace(in.Keterangan)
	if len(ket) > 500 {
		ve.Add("keterangan", "Keterangan paling banyak 500 huruf.")
	}
	if err := ve.OrNil(); err != nil {
		return 0, err
	}
	var id int64
	err = s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		// Lock the employee row so two requests cannot both pass the overlap check.
		if err := tx.Exec(`SELECT 1 FROM pegawai WHERE id = ? FOR UPDATE`, ref.ID).Error; err != nil {
			return err
		}
		var n int64
		if err := tx.Raw(`SELECT count(*) FROM cuti WHERE pegawai_id = ? AND status IN ('diajukan', 'disetujui') AND mulai <= ?::date AND selesai >= ?::date`,
			ref.ID, sqlDate(selesai), sqlDate(mulai)).Scan(&n).Error; err != nil {
			return err
		}
		if n > 0 {
			return apperr.Invalid("mulai", "Tanggal ini bertumpang tindih dengan cuti/DL lain yang diajukan atau disetujui.")
		}
		if err := tx.Raw(`INSERT INTO cuti (pegawai_id, jenis, mulai, selesai, keterangan, diajukan_oleh)
VALUES (?, ?, ?::date, ?::date, ?, ?) RETURNING id`, ref.ID, string(kind), sqlDate(mulai), sqlDate(selesai), ket, p.UserID).Scan(&id).Error; err != nil {
			return fmt.Errorf("save leave: %w", err)
		}
		return audit.Record(ctx, tx, audit.Entry{ActorID: p.UserID, ActorNIP: p.NIP, IP: ip, Action: "presensi.cuti_ajukan",
			ObjectType: "cuti", ObjectID: fmt.Sprint(id),
			Detail: map[string]any{"pegawai_nip": ref.NIP, "jenis": string(kind), "mulai": sqlDate(mulai), "selesai": sqlDate(selesai)}})
	})
	return id, err
}

// DecideLeave approves or rejects a pending request. Only the employee's
// atasan (a supervisor of their position) decides; anyone else gets
// ErrNotFound, as if the request did not exist.
func (s *Store) DecideLeave(ctx context.Context, p *auth.Principal, ip string, leaveID int64, approve bool, alasan string) error {
	if p.Active.Role != auth.RoleAtasan {
		return apperr.ErrForbidden
	}
	alasan = strings.TrimSpace(alasan)
	if !approve && (len([]rune(alasan)) < 5 || len(alasan) > 500) {
		return apperr.Invalid("alasan", "Alasan penolakan wajib diisi (5 sampai 500 huruf).")
	}
	subs, err := s.orgs.SubordinateIDs(ctx, p.PegawaiID, s.now().In(s.loc))
	if err != nil {
		return err
	}
	return s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var l Leave
		if err := tx.Raw(`SELECT id, pegawai_id, jenis, mulai, selesai, status FROM cuti WHERE id = ? FOR UPDATE`, leaveID).Scan(&l).Error; err != nil {
			return err
		}
		if l.ID == 0 || !slices.Contains(subs, l.PegawaiID) {
			return fmt.Errorf("leave %d: %w", leaveID, apperr.ErrNotFound)
		}
		if l.Status != string(LeaveDiajukan) {
			return apperr.New(apperr.ErrConflict, "Pengajuan ini sudah diputus.")
		}
		status := LeaveDitolak
		if approve {
			status = LeaveDisetujui
			var n int64
			if err := tx.Raw(`SELECT count(*) FROM cuti WHERE pegawai_id = ? AND id <> ? AND status = 'disetujui' AND mulai <= ?::date AND selesai >= ?::date`,
				l.PegawaiID, l.ID, l.Selesai.Format(time.DateOnly), l.Mulai.Format(time.DateOnly)).Scan(&n).Error; err != nil {
				return err
			}
			if n > 0 {
				return apperr.New(apperr.ErrConflict, "Tanggal pengajuan ini bertumpang tindih dengan cuti/DL yang sudah disetujui.")
			}
		}
		if err := tx.Exec(`UPDATE cuti SET status = ?, diputus_oleh = ?, diputus_at = now(), alasan_tolak = ? WHERE id = ?`,
			string(status), p.UserID, alasan, l.ID).Error; err != nil {
			return err
		}
		if approve {
			if err := s.refreshTouched(ctx, tx, monthsOf(l.PegawaiID, dateOf(l.Mulai), dateOf(l.Selesai))); err != nil {
				return err
			}
		}
		return audit.Record(ctx, tx, audit.Entry{ActorID: p.UserID, ActorNIP: p.NIP, IP: ip, Action: "presensi.cuti_" + string(status),
			ObjectType: "cuti", ObjectID: fmt.Sprint(l.ID), Detail: map[string]any{"pegawai_id": l.PegawaiID, "alasan": alasan}})
	})
}

// CancelLeave withdraws the person's own request while it still waits for
// the atasan (pegawai or atasan acting for themself). Someone else's request
// is ErrNotFound, as if it did not exist; a decided or already cancelled one
// is ErrConflict. Audited.
func (s *Store) CancelLeave(ctx context.Context, p *auth.Principal, ip string, leaveID int64) error {
	if p.Active.Role != auth.RolePegawai && p.Active.Role != auth.RoleAtasan {
		return apperr.ErrForbidden
	}
	return s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var l Leave
		if err := tx.Raw(`SELECT id, pegawai_id, jenis, mulai, selesai, status FROM cuti WHERE id = ? FOR UPDATE`, leaveID).Scan(&l).Error; err != nil {
			return err
		}
		if l.ID == 0 || l.PegawaiID != p.PegawaiID {
			return fmt.Errorf("leave %d: %w", leaveID, apperr.ErrNotFound)
		}
		if err := l.cancelRefusal(); err != nil {
			return err
		}
		if err := tx.Exec(`UPDATE cuti SET status = 'dibatalkan', dibatalkan_at = now() WHERE id = ?`, l.ID).Error; err != nil {
			return fmt.Errorf("cancel leave: %w", err)
		}
		return audit.Record(ctx, tx, audit.Entry{ActorID: p.UserID, ActorNIP: p.NIP, IP: ip, Action: "presensi.cuti_batal",
			ObjectType: "cuti", ObjectID: fmt.Sprint(l.ID),
			Detail: map[string]any{"jenis": l.Jenis, "mulai": l.Mulai.Format(time.DateOnly), "selesai": l.Selesai.Format(time.DateOnly)}})
	})
}

const leaveSelect = `SELECT c.id, c.pegawai_id, p.nip, p.nama, c.jenis, c.mulai, c.selesai, c.keterangan, c.status, c.alasan_tolak
FROM cuti c JOIN pegawai p ON p.id = c.pegawai_id `

// LeaveOf lists an employee's requests touching from..to.
func (s *Store) LeaveOf(ctx context.Context, pegawaiID int64, from, to Date) ([]Leave, error) {
	var out []Leave
	err := s.db.WithContext(ctx).Raw(leaveSelect+`WHERE c.pegawai_id = ? AND c.mulai <= ?::date AND c.selesai >= ?::date ORDER BY c.mulai, c.id`,
		pegawaiID, sqlDate(to), sqlDate(from)).Scan(&out).Error
	return out, err
}

// LeaveList is what the leave page shows a person.
type LeaveList struct {
	Mine []Leave
	// ToDecide are subordinates' pending requests (atasan).
	ToDecide []Leave
	// OPD are the OPD's recent requests (admin_opd).
	OPD []Leave
}

// LeaveFor lists the requests the active role works with.
func (s *Store) LeaveFor(ctx context.Context, p *auth.Principal) (LeaveList, error) {
	var l LeaveList
	db := s.db.WithContext(ctx)
	switch p.Active.Role {
	case auth.RolePegawai, auth.RoleAtasan:
		if err := db.Raw(leaveSelect+`WHERE c.pegawai_id = ? ORDER BY c.mulai DESC, c.id DESC LIMIT 100`, p.PegawaiID).Scan(&l.Mine).Error; err != nil {
			return l, err
		}
		if p.Active.Role == auth.RoleAtasan {
			subs, err := s.orgs.SubordinateIDs(ctx, p.PegawaiID, s.now().In(s.loc))
			if err != nil {
				return l, err
			}
			if len(subs) > 0 {
				if err := db.Raw(leaveSelect+`WHERE c.pegawai_id IN ? AND c.status = 'diajukan' ORDER BY c.mulai, c.id`, subs).Scan(&l.ToDecide).Error; err != nil {
					return l, err
				}
			}
		}
	case auth.RoleAdminOPD:
		if err := db.Raw(leaveSelect+`WHERE p.opd_id = ? ORDER BY c.created_at DESC, c.id DESC LIMIT 200`, p.Active.OPDID).Scan(&l.OPD).Error; err != nil {
			return l, err
		}
	}
	return l, nil
}

// PendingLeaveCount is the number of subordinates' requests waiting for an atasan.
func (s *Store) PendingLeaveCount(ctx context.Context, p *auth.Principal) (int64, error) {
	subs, err := s.orgs.SubordinateIDs(ctx, p.PegawaiID, s.now().In(s.loc))
	if err != nil {
		return 0, err
	}
	return s.PendingLeaveCountOf(ctx, subs)
}

// PendingLeaveCountOf is PendingLeaveCount for an atasan's direct
// subordinates already known (subs, the actor's own: from
// org.HomePage.Subordinates).
func (s *Store) PendingLeaveCountOf(ctx context.Context, subs []int64) (int64, error) {
	if len(subs) == 0 {
		return 0, nil
	}
	// One array parameter: the statement is the same for any team size.
	ids := make([]string, len(subs))
	for i, id := range subs {
		ids[i] = strconv.FormatInt(id, 10)
	}
	var n int64
	err := s.db.WithContext(ctx).Raw(`SELECT count(*) FROM cuti WHERE pegawai_id = ANY(?::bigint[]) AND status = 'diajukan'`, pgArray(ids)).Scan(&n).Error
	return n, err
}

// ---- hukuman disiplin ----

// Sanction kinds (PP 94/2021), lightest first.
var SanctionKinds = []string{"ringan", "sedang", "berat"}

// SanctionDurations are the durations in months a sanction of each kind may
// have, checked when it is recorded (spec 4: a duration the law does not
// allow is refused then, never later at computation). PP 94/2021 pasal 8:
// sedang is pemotongan tunjangan kinerja for 6, 9 or 12 months; berat
// (penurunan jabatan, pembebasan dari jabatan) lasts 12 months. The law gives
// ringan (teguran lisan, teguran tertulis, pernyataan tidak puas) no
// duration; its effect on TPP is the Perbup's, here at most 3 months.
// Migration 0091 holds the database to the same table for new rows.
var SanctionDurations = map[string][]int{"ringan": {1, 2, 3}, "sedang": {6, 9, 12}, "berat": {12}}

// durationText is "6, 9 atau 12".
func durationText(ds []int) string {
	parts := make([]string, len(ds))
	for i, d := range ds {
		parts[i] = strconv.Itoa(d)
	}
	if len(parts) == 1 {
		return parts[0]
	}
	return strings.Join(parts[:len(parts)-1], ", ") + " atau " + parts[len(parts)-1]
}

func sanctionRank(kind string) int { return slices.Index(SanctionKinds, kind) }

// Sanction is one recorded disciplinary decree.
type Sanction struct {
	ID         int64     `gorm:"column:id"`
	PegawaiID  int64     `gorm:"column:pegawai_id"`
	NIP        string    `gorm:"column:nip"`
	Nama       string    `gorm:"column:nama"`
	NomorSK    string    `gorm:"column:nomor_sk"`
	Jenis      string    `gorm:"column:jenis"`
	MulaiBulan time.Time `gorm:"column:mulai_bulan"`
	LamaBulan  int       `gorm:"column:lama_bulan"`
	Keterangan string    `gorm:"column:keterangan"`
	DicatatNIP string    `gorm:"column:dicatat_nip"`
	CreatedAt  time.Time `gorm:"column:created_at"`
}

// LastMonth is the last month the sanction applies to.
func (s Sanction) LastMonth() time.Time { return s.MulaiBulan.AddDate(0, s.LamaBulan-1, 0) }

// monthIndex is which month of the sanction year-month is (1 = first), or 0 outside it.
func (s Sanction) monthIndex(year int, month time.Month) int {
	i := (year-s.MulaiBulan.Year())*12 + int(month-s.MulaiBulan.Month()) + 1
	if i < 1 || i > s.LamaBulan {
		return 0
	}
	return i
}

// SanctionInForce is the sanction that applies to an employee in a month.
type SanctionInForce struct {
	Kind         string /* "ringan","sedang","berat" */
	MonthIndex   int    /* 1 = first month of the sanction */
	DecreeNumber string
	// Months is the sanction's duration (lama_bulan), as its SK decides.
	Months int
}

// heaviest picks the heaviest sanction in force in year-month; between two
// of one kind, the one that started later.
func heaviest(ss []Sanction, year int, month time.Month) (SanctionInForce, bool) {
	var best SanctionInForce
	found := false
	for _, s := range ss {
		mi := s.monthIndex(year, month)
		if mi == 0 {
			continue
		}
		if !found || sanctionRank(s.Jenis) > sanctionRank(best.Kind) ||
			(sanctionRank(s.Jenis) == sanctionRank(best.Kind) && mi < best.MonthIndex) {
			best, found = SanctionInForce{Kind: s.Jenis, MonthIndex: mi, DecreeNumber: s.NomorSK, Months: s.LamaBulan}, true
		}
	}
	return best, found
}

const sanctionSelect = `SELECT h.id, h.pegawai_id, p.nip, p.nama, h.nomor_sk, h.jenis, h.mulai_bulan, h.lama_bulan, h.keterangan,
       u.nip AS dicatat_nip, h.created_at
FROM hukuman_disiplin h JOIN pegawai p ON p.id = h.pegawai_id JOIN users u ON u.id = h.dicatat_oleh `

// SanctionsInForce returns, per employee of the OPD, the heaviest sanction
// in force in the month, in one query.
func (s *Store) SanctionsInForce(ctx context.Context, opdID int64, year int, month time.Month) (map[int64]SanctionInForce, error) {
	return s.SanctionsInForceOf(ctx, opdID, 0, year, month)
}

// SanctionsInForceOf is SanctionsInForce of one employee of the OPD
// (pegawaiID; 0 is every employee), from the same query, filtered.
func (s *Store) SanctionsInForceOf(ctx context.Context, opdID, pegawaiID int64, year int, month time.Month) (map[int64]SanctionInForce, error) {
	first, _, err := monthBounds(year, month)
	if err != nil {
		return nil, err
	}
	var rows []Sanction
	// The one employee's filter is written into the statement (a generic
	// plan of "(? = 0 OR ...)" reads the whole agency).
	q, args := sanctionSelect+`
WHERE p.opd_id = ? AND h.mulai_bulan <= ?::date AND h.mulai_bulan + make_interval(months => h.lama_bulan) > ?::date`, []any{opdID, sqlDate(first), sqlDate(first)}
	if pegawaiID != 0 {
		q, args = q+` AND h.pegawai_id = ?`, append(args, pegawaiID)
	}
	if err := s.db.WithContext(ctx).Raw(q, args...).Scan(&rows).Error; err != nil {
		return nil, fmt.Errorf("sanctions in force: %w", err)
	}
	by := map[int64][]Sanction{}
	for _, r := range rows {
		by[r.PegawaiID] = append(by[r.PegawaiID], r)
	}
	out := make(map[int64]SanctionInForce, len(by))
	for id, ss := range by {
		if sf, ok := heaviest(ss, year, month); ok {
			out[id] = sf
		}
	}
	return out, nil
}

// SanctionsOf lists an employee's sanctions, newest first.
func (s *Store) SanctionsOf(ctx context.Context, pegawaiID int64) ([]Sanction, error) {
	var out []Sanction
	err := s.db.WithContext(ctx).Raw(sanctionSelect+`WHERE h.pegawai_id = ? ORDER BY h.mulai_bulan DESC, h.id DESC`, pegawaiID).Scan(&out).Error
	return out, err
}

// RecentSanctions lists the latest recorded sanctions of the regency.
func (s *Store) RecentSanctions(ctx context.Context, limit int) ([]Sanction, error) {
	var out []Sanction
	err := s.db.WithContext(ctx).Raw(sanctionSelect+`ORDER BY h.created_at DESC, h.id DESC LIMIT ?`, limit).Scan(&out).Error
	return out, err
}

// SanctionInput is the sanction form.
type SanctionInput struct {
	NIP        string
	NomorSK    string
	Jenis      string
	MulaiBulan string // YYYY-MM
	LamaBulan  string
	Keterangan string
}

// RecordSanction records a disciplinary decree (verifikator or superadmin), audited.
func (s *Store) RecordSanction(ctx context.Context, p *auth.Principal, ip string, in SanctionInput) (int64, error) {
	if p.Active.Role != auth.RoleVerifikator && p.Active.Role != auth.RoleSuperadmin {
		return 0, apperr.ErrForbidden
	}
	var ve apperr.ValidationError
	nip := strings.ReplaceAll(strings.TrimSpace(in.NIP), " ", "")
	var pegID int64
	if err := ValidNIP(nip); err != nil {
		ve.Add("nip", err.Error())
	} else if err := s.db.WithContext(ctx).Raw(`SELECT id FROM pegawai WHERE nip = ?`, nip).Scan(&pegID).Error; err != nil {
		return 0, err
	} else if pegID == 0 {
		ve.Add("nip", "Pegawai dengan NIP ini tidak ditemukan.")
	}
	sk := strings.TrimSpace(in.NomorSK)
	if sk == "" || len(sk) > 100 {
		ve.Add("nomor_sk", "Nomor SK wajib diisi (paling banyak 100 huruf).")
	}
	if sanctionRank(in.Jenis) < 0 {
		ve.Add("jenis", "Pilih jenis hukuman: ringan, sedang, atau berat.")
	}
	start, err := tpp.ParsePeriod(in.MulaiBulan)
	if err != nil {
		ve.Add("mulai_bulan", tpp.PeriodMessage)
	}
	y, m := start.Year, time.Month(start.Month)
	var lama int
	if _, err := fmt.Sscan(strings.TrimSpace(in.LamaBulan), &lama); err != nil || lama < 1 || lama > 36 {
		ve.Add("lama_bulan", "Lama hukuman 1 sampai 36 bulan.")
	} else if ds, ok := SanctionDurations[in.Jenis]; ok && !slices.Contains(ds, lama) {
		ve.Add("lama_bulan", fmt.Sprintf("Hukuman disiplin %s berlaku %s bulan (PP 94/2021), bukan %d bulan.", in.Jenis, durationText(ds), lama))
	}
	ket := strings.TrimSpace(in.Keterangan)
	if len(ket) > 500 {
		ve.Add("keterangan", "Keterangan paling banyak 500 huruf.")
	}
	if err := ve.OrNil(); err != nil {
		return 0, err
	}
	var id int64
	err = s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		err := tx.Raw(`INSERT INTO hukuman_disiplin (pegawai_id, nomor_sk, jenis, mulai_bulan, lama_bulan, keterangan, dicatat_oleh)
VALUES (?, ?, ?, ?::date, ?, ?, ?) ON CONFLICT (pegawai_id, nomor_sk) DO NOTHING RETURNING id`,
			pegID, sk, in.Jenis, sqlDate(Date{y, m, 1}), lama, ket, p.UserID).Scan(&id).Error
		if err != nil {
			return fmt.Errorf("save sanction: %w", err)
		}
		if id == 0 {
			return apperr.Invalid("nomor_sk", "SK dengan nomor ini sudah dicatat untuk pegawai tersebut.")
		}
		return audit.Record(ctx, tx, audit.Entry{ActorID: p.UserID, ActorNIP: p.NIP, IP: ip, Action: "presensi.hukdis_catat",
			ObjectType: "hukuman_disiplin", ObjectID: fmt.Sprint(id),
			Detail: map[string]any{"pegawai_nip": nip, "nomor_sk": sk, "jenis": in.Jenis, "mulai_bulan": fmt.Sprintf("%04d-%02d", y, int(m)), "lama_bulan": lama}})
	})
	return id, err
}
