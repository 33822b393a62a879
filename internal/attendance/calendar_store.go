package attendance

import (
	"context"
	"fmt"
	"strings"
	"time"

	"gorm.io/gorm"

	"github.com/ekinerja/ekinerja/internal/apperr"
	"github.com/ekinerja/ekinerja/internal/audit"
	"github.com/ekinerja/ekinerja/internal/auth"
	"github.com/ekinerja/ekinerja/internal/snapshot"
)

// holidaysKey is the request memo's key of the holidays from..to.
type holidaysKey struct{ from, to Date }

type holidayRow struct {
	Tanggal time.Time `gorm:"column:tanggal"`
	Nama    string    `gorm:"column:nama"`
	Jenis   string    `gorm:"column:jenis"`
}

// Holidays returns the holidays from..to inclusive, in date order.
func (s *Store) Holidays(ctx context.Context, from, to Date) ([]Holiday, error) {
	// Read once per read request (the judged calendar and the stored recap
	// of one page both need the month's holidays).
	rows, err := snapshot.Once(ctx, holidaysKey{from, to}, func() ([]holidayRow, error) {
		var rows []holidayRow
		err := s.db.WithContext(ctx).Raw(`SELECT tanggal, nama, jenis FROM hari_libur
WHERE tanggal BETWEEN ?::date AND ?::date ORDER BY tanggal`, sqlDate(from), sqlDate(to)).Scan(&rows).Error
		return rows, err
	})
	if err != nil {
		return nil, fmt.Errorf("holidays: %w", err)
	}
	out := make([]Holiday, len(rows))
	for i, r := range rows {
		out[i] = Holiday{Date: dateOf(r.Tanggal), Name: r.Nama, Kind: HolidayKind(r.Jenis)}
	}
	return out, nil
}

// HolidayKindLabel is the Bahasa Indonesia label of a holiday kind.
func HolidayKindLabel(k HolidayKind) string {
	switch k {
	case LiburNasional:
		return "Libur nasional"
	case CutiBersama:
		return "Cuti bersama"
	case LiburDaerah:
		return "Libur daerah"
	}
	return string(k)
}

// HolidayInput is the superadmin's holiday form.
type HolidayInput struct {
	Tanggal string
	Nama    string
	Jenis   string
}

// SaveHoliday adds a holiday or renames the one on that date (superadmin),
// audited. A day already judged changes with it: the calendar is an input of
// every recap not yet frozen by an approved TPP claim.
func (s *Store) SaveHoliday(ctx context.Context, a Actor, in HolidayInput) error {
	var ve apperr.ValidationError
	d, err := ParseDate(strings.TrimSpace(in.Tanggal))
	if err != nil || d.Year < 2000 || d.Year > 2099 {
		ve.Add("tanggal", "Tanggal wajib diisi dengan benar.")
	}
	nama := strings.TrimSpace(in.Nama)
	if nama == "" || len(nama) > 200 {
		ve.Add("nama", "Nama hari libur wajib diisi (paling banyak 200 huruf).")
	}
	k := HolidayKind(in.Jenis)
	if k != LiburNasional && k != CutiBersama && k != LiburDaerah {
		ve.Add("jenis", "Pilih jenis hari libur.")
	}
	if err := ve.OrNil(); err != nil {
		return err
	}
	return s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := tx.Exec(`INSERT INTO hari_libur (tanggal, nama, jenis) VALUES (?::date, ?, ?)
ON CONFLICT (tanggal) DO UPDATE SET nama = EXCLUDED.nama, jenis = EXCLUDED.jenis`, sqlDate(d), nama, string(k)).Error; err != nil {
			return fmt.Errorf("save holiday: %w", err)
		}
		return audit.Record(ctx, tx, audit.Entry{ActorID: a.UserID, ActorNIP: a.NIP, IP: a.IP, Action: "presensi.libur_simpan",
			ObjectType: "hari_libur", ObjectID: sqlDate(d), Detail: map[string]any{"nama": nama, "jenis": string(k)}})
	})
}

// DeleteHoliday removes the holiday on a date (superadmin), audited.
func (s *Store) DeleteHoliday(ctx context.Context, a Actor, tanggal string) error {
	d, err := ParseDate(strings.TrimSpace(tanggal))
	if err != nil {
		return apperr.Invalid("tanggal", "Tanggal tidak valid.")
	}
	return s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		res := tx.Exec(`DELETE FROM hari_libur WHERE tanggal = ?::date`, sqlDate(d))
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected == 0 {
			return fmt.Errorf("holiday %s: %w", d, apperr.ErrNotFound)
		}
		return audit.Record(ctx, tx, audit.Entry{ActorID: a.UserID, ActorNIP: a.NIP, IP: a.IP, Action: "presensi.libur_hapus",
			ObjectType: "hari_libur", ObjectID: sqlDate(d)})
	})
}

// JadwalKerja is a stored weekly schedule.
type JadwalKerja struct {
	ID     int64
	Kode   string
	Nama   string
	Bawaan bool
	Week   Week
}

// Schedules lists the stored schedules.
func (s *Store) Schedules(ctx context.Context) ([]JadwalKerja, error) {
	var rows []struct {
		ID     int64  `gorm:"column:id"`
		Kode   string `gorm:"column:kode"`
		Nama   string `gorm:"column:nama"`
		Bawaan bool   `gorm:"column:bawaan"`
		Pola   string `gorm:"column:pola"`
	}
	if err := s.db.WithContext(ctx).Raw(`SELECT id, kode, nama, bawaan, array_to_string(pola, ',', '') AS pola FROM jadwal_kerja ORDER BY bawaan DESC, kode`).Scan(&rows).Error; err != nil {
		return nil, err
	}
	out := make([]JadwalKerja, 0, len(rows))
	for _, r := range rows {
		w, err := WeekFromPola(strings.Split(r.Pola, ","))
		if err != nil {
			return nil, fmt.Errorf("schedule %s: %w", r.Kode, err)
		}
		out = append(out, JadwalKerja{ID: r.ID, Kode: r.Kode, Nama: r.Nama, Bawaan: r.Bawaan, Week: w})
	}
	return out, nil
}

// AssignSchedule assigns a schedule from a date to a whole OPD (opdID) or to
// one employee (pegawaiID); exactly one of the two is set. Audited.
func (s *Store) AssignSchedule(ctx context.Context, a Actor, jadwalID, opdID, pegawaiID int64, mulai Date) error {
	if (opdID == 0) == (pegawaiID == 0) || !mulai.Valid() {
		return fmt.Errorf("%w: assign schedule to exactly one of opd or employee", ErrInvalid)
	}
	return s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var opd, peg *int64
		if opdID != 0 {
			opd = &opdID
		} else {
			peg = &pegawaiID
		}
		var id int64
		if err := tx.Raw(`INSERT INTO jadwal_kerja_penugasan (jadwal_id, opd_id, pegawai_id, mulai) VALUES (?, ?, ?, ?::date) RETURNING id`,
			jadwalID, opd, peg, sqlDate(mulai)).Scan(&id).Error; err != nil {
			return fmt.Errorf("assign schedule: %w", err)
		}
		return audit.Record(ctx, tx, audit.Entry{ActorID: a.UserID, ActorNIP: a.NIP, IP: a.IP, Action: "presensi.jadwal_tetapkan",
			ObjectType: "jadwal_kerja_penugasan", ObjectID: fmt.Sprint(id),
			Detail: map[string]any{"jadwal_id": jadwalID, "opd_id": opdID, "pegawai_id": pegawaiID, "mulai": sqlDate(mulai)}})
	})
}

// ScheduleInput is the schedule assignment form: a schedule, and either an
// OPD (Target "opd") or an employee's NIP (Target "pegawai"), from a date.
type ScheduleInput struct {
	JadwalID string
	Target   string
	OPDID    string
	NIP      string
	Mulai    string
}

// AssignScheduleFor validates the form and assigns: superadmin anywhere, an
// admin_opd only to its own OPD or its own employees.
func (s *Store) AssignScheduleFor(ctx context.Context, p *auth.Principal, ip string, in ScheduleInput) error {
	if p.Active.Role != auth.RoleSuperadmin && p.Active.Role != auth.RoleAdminOPD {
		return apperr.ErrForbidden
	}
	var ve apperr.ValidationError
	var jadwalID, opdID, pegawaiID int64
	if _, err := fmt.Sscan(in.JadwalID, &jadwalID); err != nil || jadwalID <= 0 {
		ve.Add("jadwal_id", "Pilih jadwal kerja.")
	} else {
		var n int64
		if err := s.db.WithContext(ctx).Raw(`SELECT count(*) FROM jadwal_kerja WHERE id = ?`, jadwalID).Scan(&n).Error; err != nil {
			return err
		} else if n == 0 {
			ve.Add("jadwal_id", "Jadwal kerja tidak ditemukan.")
		}
	}
	switch in.Target {
	case "opd":
		if p.Active.Role == auth.RoleAdminOPD {
			opdID = p.Active.OPDID
		} else if _, err := fmt.Sscan(in.OPDID, &opdID); err != nil || opdID <= 0 {
			ve.Add("opd_id", "Pilih OPD.")
		}
	case "pegawai":
		nip := strings.ReplaceAll(strings.TrimSpace(in.NIP), " ", "")
		if err := ValidNIP(nip); err != nil {
			ve.Add("nip", err.Error())
			break
		}
		if err := s.db.WithContext(ctx).Raw(`SELECT id FROM pegawai WHERE nip = ?`, nip).Scan(&pegawaiID).Error; err != nil {
			return err
		}
		if pegawaiID != 0 {
			if _, err := s.Pegawai(ctx, p, pegawaiID); err != nil {
				pegawaiID = 0
			}
		}
		if pegawaiID == 0 {
			ve.Add("nip", "Pegawai dengan NIP ini tidak ditemukan di wilayah kewenangan Anda.")
		}
	default:
		ve.Add("target", "Pilih OPD atau pegawai.")
	}
	mulai, err := ParseDate(strings.TrimSpace(in.Mulai))
	if err != nil || mulai.Year < 2000 || mulai.Year > 2099 {
		ve.Add("mulai", "Tanggal mulai wajib diisi (format YYYY-MM-DD).")
	}
	if err := ve.OrNil(); err != nil {
		return err
	}
	if opdID != 0 {
		if _, err := s.OPDOf(ctx, p, opdID); err != nil {
			return apperr.Invalid("opd_id", "OPD tidak ditemukan.")
		}
	}
	return s.AssignSchedule(ctx, Actor{UserID: p.UserID, NIP: p.NIP, IP: ip}, jadwalID, opdID, pegawaiID, mulai)
}

// ScheduleAssignment is one stored assignment for the schedule page.
type ScheduleAssignment struct {
	ID      int64     `gorm:"column:id"`
	Jadwal  string    `gorm:"column:jadwal"`
	OPD     string    `gorm:"column:opd"`
	Pegawai string    `gorm:"column:pegawai"`
	NIP     string    `gorm:"column:nip"`
	Mulai   time.Time `gorm:"column:mulai"`
}

// Assignments lists the assignments a person may see: all for a
// superadmin, its own OPD's (and its employees') for an admin_opd.
func (s *Store) Assignments(ctx context.Context, p *auth.Principal) ([]ScheduleAssignment, error) {
	q := `SELECT a.id, j.nama AS jadwal, coalesce(o.nama, po.nama, '') AS opd, coalesce(pg.nama, '') AS pegawai, coalesce(pg.nip, '') AS nip, a.mulai
FROM jadwal_kerja_penugasan a JOIN jadwal_kerja j ON j.id = a.jadwal_id
LEFT JOIN opd o ON o.id = a.opd_id LEFT JOIN pegawai pg ON pg.id = a.pegawai_id LEFT JOIN opd po ON po.id = pg.opd_id `
	var out []ScheduleAssignment
	var err error
	if p.Active.Role == auth.RoleAdminOPD {
		err = s.db.WithContext(ctx).Raw(q+`WHERE a.opd_id = ? OR pg.opd_id = ? ORDER BY a.mulai DESC, a.id DESC LIMIT 200`, p.Active.OPDID, p.Active.OPDID).Scan(&out).Error
	} else {
		err = s.db.WithContext(ctx).Raw(q + `ORDER BY a.mulai DESC, a.id DESC LIMIT 200`).Scan(&out).Error
	}
	return out, err
}
