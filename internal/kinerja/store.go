package kinerja

import (
	"context"
	"database/sql/driver"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"gorm.io/gorm"

	"github.com/ekinerja/ekinerja/internal/apperr"
	"github.com/ekinerja/ekinerja/internal/audit"
	"github.com/ekinerja/ekinerja/internal/auth"
	"github.com/ekinerja/ekinerja/internal/org"
	"github.com/ekinerja/ekinerja/internal/snapshot"
)

// Store reads and writes the kinerja tables.
type Store struct {
	db   *gorm.DB
	loc  *time.Location
	now  func() time.Time
	orgs *org.Store
	// predikat is PredikatByOPD's snapshot per month (regency-wide).
	predikat *snapshot.Cache[time.Time, []OPDPredikat]
}

// NewStore returns a Store on db; dates are judged in the regency's zone
// loc. It reads the organisation through an org.Store of its own on db
// (tools and tests); the server's stores.New hands it the shared one with
// NewStoreWith.
func NewStore(db *gorm.DB, loc *time.Location) *Store {
	return NewStoreWith(db, loc, org.NewStore(db))
}

// NewStoreWith returns a Store on db that reads the organisation (who is
// whose subordinate, an employee's profile) through orgs.
func NewStoreWith(db *gorm.DB, loc *time.Location, orgs *org.Store) *Store {
	if loc == nil {
		loc = time.UTC
	}
	return &Store{db: db, loc: loc, now: time.Now, orgs: orgs, predikat: snapshot.New[time.Time, []OPDPredikat](snapshot.DefaultTTL)}
}

// WithClock returns a copy of the Store that reads the time from now (tests).
func (s *Store) WithClock(now func() time.Time) *Store {
	c := *s
	c.now = now
	return &c
}

// Today is the regency's current date.
func (s *Store) Today() time.Time { return Day(s.now().In(s.loc)) }

// org is the organisation store on db (the pool or the caller's transaction).
func (s *Store) org(db *gorm.DB) *org.Store { return s.orgs.In(db) }

// errScope is the refusal for data outside the actor's scope.
var errScope = apperr.New(apperr.ErrForbidden, "Data ini di luar wewenang Anda.")

// subordinates returns the actor's direct subordinates today.
func (s *Store) subordinates(ctx context.Context, db *gorm.DB, a Actor) ([]int64, error) {
	if a.Role != auth.RoleAtasan {
		return nil, nil
	}
	return s.org(db).SubordinateIDs(ctx, a.PegawaiID, s.Today())
}

// canSee checks that the actor may read pegawaiID's kinerja data: self;
// an atasan their direct subordinates; an admin_opd their agency; a
// verifikator or superadmin everyone.
func (s *Store) canSee(ctx context.Context, db *gorm.DB, a Actor, pegawaiID int64) error {
	if pegawaiID == a.PegawaiID {
		return nil
	}
	switch a.Role {
	case auth.RoleAtasan:
		return s.mustSupervise(ctx, db, a, pegawaiID)
	case auth.RoleAdminOPD:
		var n int64
		if err := db.WithContext(ctx).Raw(`SELECT count(*) FROM pegawai WHERE id = ? AND opd_id = ?`, pegawaiID, a.OPDID).Scan(&n).Error; err != nil {
			return err
		}
		if n == 1 {
			return nil
		}
	case auth.RoleVerifikator, auth.RoleSuperadmin:
		return nil
	}
	return errScope
}

// mustSupervise checks that the actor, acting as atasan, directly supervises pegawaiID today.
func (s *Store) mustSupervise(ctx context.Context, db *gorm.DB, a Actor, pegawaiID int64) error {
	if a.Role != auth.RoleAtasan {
		return errScope
	}
	subs, err := s.subordinates(ctx, db, a)
	if err != nil {
		return err
	}
	if !slices.Contains(subs, pegawaiID) {
		return apperr.New(apperr.ErrForbidden, "Hanya atasan langsung yang dapat meninjau data pegawai ini.")
	}
	return nil
}

// supervisorID returns the employee's direct supervisor on day, or 0.
func (s *Store) supervisorID(ctx context.Context, db *gorm.DB, pegawaiID int64, day time.Time) (int64, error) {
	p, err := s.org(db).Profile(ctx, pegawaiID, day)
	if err != nil || p.AtasanNIP == "" {
		return 0, err
	}
	var id int64
	err = db.WithContext(ctx).Raw(`SELECT id FROM pegawai WHERE nip = ?`, p.AtasanNIP).Scan(&id).Error
	return id, err
}

// lockPegawai serialises one employee's kinerja writes (the 24-hour rule
// sums rows, so two inserts at once must not both pass it). FOR NO KEY
// UPDATE does not block inserts that only reference the row.
func lockPegawai(ctx context.Context, tx *gorm.DB, pegawaiID int64) error {
	var id int64
	err := tx.WithContext(ctx).Raw(`SELECT id FROM pegawai WHERE id = ? FOR NO KEY UPDATE`, pegawaiID).Scan(&id).Error
	if err == nil && id == 0 {
		return apperr.ErrNotFound
	}
	return err
}

// SettingClosingDay is the pengaturan key of the closing day.
const SettingClosingDay = "kinerja.hari_penutupan"

// ClosingDay returns the day of the next month after which a month closes (1-28, default 5).
func (s *Store) ClosingDay(ctx context.Context) (int, error) {
	return closingDay(ctx, s.db)
}

func closingDay(ctx context.Context, db *gorm.DB) (int, error) {
	var v string
	if err := db.WithContext(ctx).Raw(`SELECT nilai FROM pengaturan WHERE kunci = ?`, SettingClosingDay).Scan(&v).Error; err != nil {
		return 0, err
	}
	d, err := strconv.Atoi(v)
	if err != nil || d < 1 || d > 28 {
		return 5, nil
	}
	return d, nil
}

// ParseClosingDay reads a closing day as typed in the settings form.
func ParseClosingDay(v string) (int, error) {
	d, err := strconv.Atoi(strings.TrimSpace(v))
	if err != nil || d < 1 || d > 28 {
		// 28 is the last day every month has, so the rule means the same in February.
		return 0, apperr.Invalid("hari", "Tanggal penutupan harus bilangan bulat 1 sampai 28 (tanggal yang ada di setiap bulan).")
	}
	return d, nil
}

// SetClosingDay changes the closing day (superadmin). Setting the value it
// already has is a conflict, so a repeated form post is not a silent no-op.
func (s *Store) SetClosingDay(ctx context.Context, a Actor, day int) error {
	if a.Role != auth.RoleSuperadmin {
		return errScope
	}
	if _, err := ParseClosingDay(strconv.Itoa(day)); err != nil {
		return err
	}
	return s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var old string
		if err := tx.Raw(`SELECT nilai FROM pengaturan WHERE kunci = ? FOR UPDATE`, SettingClosingDay).Scan(&old).Error; err != nil {
			return err
		}
		if old == strconv.Itoa(day) {
			return apperr.New(apperr.ErrConflict, fmt.Sprintf("Tanggal penutupan sudah %d; tidak ada yang diubah.", day))
		}
		if err := tx.Exec(`INSERT INTO pengaturan (kunci, nilai) VALUES (?, ?) ON CONFLICT (kunci) DO UPDATE SET nilai = EXCLUDED.nilai, updated_at = now()`,
			SettingClosingDay, strconv.Itoa(day)).Error; err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Entry{ActorID: a.UserID, ActorNIP: a.NIP, Action: "kinerja.ubah_penutupan", ObjectType: "pengaturan",
			ObjectID: SettingClosingDay, IP: a.IP, Detail: map[string]any{"hari": day, "sebelumnya": old}})
	})
}

// monthOpen refuses a date whose month is closed for the employee, unless a
// verifikator reopened it and the reopening still runs.
func (s *Store) monthOpen(ctx context.Context, db *gorm.DB, pegawaiID int64, tanggal time.Time) error {
	day, err := closingDay(ctx, db)
	if err != nil {
		return err
	}
	now := s.now()
	if now.Before(ClosesAt(tanggal.Year(), tanggal.Month(), day, s.loc)) {
		return nil
	}
	var n int64
	if err := db.WithContext(ctx).Raw(`SELECT count(*) FROM bulan_dibuka WHERE pegawai_id = ? AND tahun = ? AND bulan = ? AND berlaku_sampai > ?`,
		pegawaiID, tanggal.Year(), int(tanggal.Month()), now).Scan(&n).Error; err != nil {
		return err
	}
	if n > 0 {
		return nil
	}
	return apperr.Invalid("tanggal", fmt.Sprintf("Bulan %s sudah ditutup sejak tanggal %d bulan berikutnya; aktivitas tidak dapat dicatat atau diubah lagi. Hubungi verifikator bila perlu dibuka kembali.",
		monthName(tanggal), day))
}

var bulanNama = [...]string{"Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus", "September", "Oktober", "November", "Desember"}

func monthName(t time.Time) string { return bulanNama[t.Month()-1] + " " + strconv.Itoa(t.Year()) }

// record writes the audit row for an actor's action; call it last in the tx.
func record(ctx context.Context, tx *gorm.DB, a Actor, action, objType string, objID int64, detail map[string]any) error {
	return audit.Record(ctx, tx, audit.Entry{ActorID: a.UserID, ActorNIP: a.NIP, Action: action, ObjectType: objType,
		ObjectID: strconv.FormatInt(objID, 10), IP: a.IP, Detail: detail})
}

// pgInts is an integer list sent as one PostgreSQL array parameter
// ("{1,2,3}"); GORM would otherwise expand a slice into "(1,2,3)".
type pgInts []int64

// Value encodes the list as an array literal.
func (a pgInts) Value() (driver.Value, error) {
	b := make([]byte, 0, 2+len(a)*8)
	b = append(b, '{')
	for i, v := range a {
		if i > 0 {
			b = append(b, ',')
		}
		b = strconv.AppendInt(b, v, 10)
	}
	return string(append(b, '}')), nil
}
