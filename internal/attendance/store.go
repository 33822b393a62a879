package attendance

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"gorm.io/gorm"

	"github.com/ekinerja/ekinerja/internal/apperr"
	"github.com/ekinerja/ekinerja/internal/auth"
	"github.com/ekinerja/ekinerja/internal/org"
	"github.com/ekinerja/ekinerja/internal/snapshot"
)

// Store reads and writes attendance, leave, sanctions, schedules and the
// holiday calendar. It is the only part of this package that touches the
// database; the judging it does is the pure core (RecapMonth).
type Store struct {
	db   *gorm.DB
	loc  *time.Location
	now  func() time.Time
	orgs *org.Store
	// discipline is DisciplineByOPD's snapshot per month (regency-wide).
	discipline *snapshot.Cache[time.Time, []OPDDiscipline]
}

// NewStore returns a Store on db (the pool or a transaction); loc is the
// government's time zone, which decides what "today" is. It reads the
// organisation through an org.Store of its own on db (tools and tests); the
// server's stores.New hands it the shared one with NewStoreWith.
func NewStore(db *gorm.DB, loc *time.Location) *Store {
	return NewStoreWith(db, loc, org.NewStore(db))
}

// NewStoreWith returns a Store on db that reads the organisation (an
// agency, who is whose subordinate) through orgs.
func NewStoreWith(db *gorm.DB, loc *time.Location, orgs *org.Store) *Store {
	if loc == nil {
		loc = DefaultLocation()
	}
	return &Store{db: db, loc: loc, now: time.Now, orgs: orgs, discipline: snapshot.New[time.Time, []OPDDiscipline](snapshot.DefaultTTL)}
}

// WithClock returns a copy of s whose "now" is now (for tests).
func (s *Store) WithClock(now func() time.Time) *Store {
	c := *s
	c.now = now
	return &c
}

// today is the current wall-clock date in the government's zone.
func (s *Store) today() Date { return DateOf(s.now(), s.loc) }

// Actor is who makes a change (the one auth.Actor; the name stays for callers).
type Actor = auth.Actor

// MayCorrect says whether p may correct an employee's attendance days: an
// admin_opd (Pegawai then keeps them to their agency). The employee page
// offers the form by it and Correct refuses by it.
func MayCorrect(p *auth.Principal) error {
	if p.Active.Role != auth.RoleAdminOPD {
		return apperr.ErrForbidden
	}
	return nil
}

// MayEditSchedules says whether p may create and edit work schedules: a
// superadmin. The schedule page offers the forms by it and SaveSchedule
// refuses by it.
func MayEditSchedules(p *auth.Principal) error {
	if p.Active.Role != auth.RoleSuperadmin {
		return apperr.ErrForbidden
	}
	return nil
}

// OwnOPDOnly reports whether p's attendance pages are about one agency, its
// own (an admin_opd): they offer no choice of agency and OPDOf,
// ImportHistory and the recaps keep p to it. The regency-wide roles choose.
func OwnOPDOnly(p *auth.Principal) bool { return p.Active.Role == auth.RoleAdminOPD }

// FilesLeaveForOthers reports whether p files leave requests for the
// employees of its agency (an admin_opd, as RequestLeave allows) rather
// than for themself, so the form asks which employee.
func FilesLeaveForOthers(p *auth.Principal) bool { return p.Active.Role == auth.RoleAdminOPD }

// ActorOf returns the Actor of a principal acting from ip (p.Actor(ip)).
func ActorOf(p *auth.Principal, ip string) Actor { return p.Actor(ip) }

// PegawaiRef is the little of an employee the attendance pages show.
type PegawaiRef struct {
	ID      int64  `gorm:"column:id"`
	NIP     string `gorm:"column:nip"`
	Nama    string `gorm:"column:nama"`
	OPDID   int64  `gorm:"column:opd_id"`
	OPDNama string `gorm:"column:opd_nama"`
}

// Pegawai returns an employee if p may see their attendance. An unknown id
// is ErrNotFound; an employee outside p's scope is ErrOutOfScope (403, as
// issue 5 asks: another OPD's admin is refused, never shown data). Scope: pegawai self, atasan
// self and direct subordinates, admin_opd its OPD, verifikator and superadmin all.
func (s *Store) Pegawai(ctx context.Context, p *auth.Principal, pegawaiID int64) (PegawaiRef, error) {
	var ref PegawaiRef
	err := s.db.WithContext(ctx).Raw(`
SELECT p.id, p.nip, p.nama, p.opd_id, o.nama AS opd_nama
FROM pegawai p JOIN opd o ON o.id = p.opd_id WHERE p.id = ?`, pegawaiID).Scan(&ref).Error
	if err != nil {
		return ref, fmt.Errorf("pegawai %d: %w", pegawaiID, err)
	}
	if ref.ID == 0 {
		return ref, fmt.Errorf("pegawai %d: %w", pegawaiID, apperr.ErrNotFound)
	}
	ok, err := s.inScope(ctx, p, ref)
	if err != nil {
		return ref, err
	}
	if !ok {
		return PegawaiRef{}, fmt.Errorf("pegawai %d out of scope of %s: %w", pegawaiID, p.Active.Role, apperr.ErrOutOfScope)
	}
	return ref, nil
}

func (s *Store) inScope(ctx context.Context, p *auth.Principal, ref PegawaiRef) (bool, error) {
	switch p.Active.Role {
	case auth.RoleVerifikator, auth.RoleSuperadmin:
		return true, nil
	case auth.RoleAdminOPD:
		return p.Active.OPDID != 0 && ref.OPDID == p.Active.OPDID, nil
	case auth.RoleAtasan:
		if ref.ID == p.PegawaiID {
			return true, nil
		}
		subs, err := s.orgs.SubordinateIDs(ctx, p.PegawaiID, s.now().In(s.loc))
		if err != nil {
			return false, err
		}
		return slices.Contains(subs, ref.ID), nil
	case auth.RolePegawai:
		return ref.ID == p.PegawaiID, nil
	}
	return false, nil
}

// OPDOf resolves which OPD a request may look at: an admin_opd always its
// own (asking for another is ErrOutOfScope), verifikator and superadmin the one
// asked for. Other roles have no OPD-wide view.
func (s *Store) OPDOf(ctx context.Context, p *auth.Principal, asked int64) (org.OPD, error) {
	id := asked
	switch p.Active.Role {
	case auth.RoleAdminOPD:
		if asked != 0 && asked != p.Active.OPDID {
			return org.OPD{}, fmt.Errorf("opd %d for admin of %d: %w", asked, p.Active.OPDID, apperr.ErrOutOfScope)
		}
		id = p.Active.OPDID
	case auth.RoleVerifikator, auth.RoleSuperadmin:
	default:
		return org.OPD{}, apperr.ErrForbidden
	}
	if id == 0 {
		return org.OPD{}, fmt.Errorf("no opd chosen: %w", apperr.ErrNotFound)
	}
	o, err := s.orgs.GetOPD(ctx, id)
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return o, fmt.Errorf("opd %d: %w", id, apperr.ErrNotFound)
	}
	return o, err
}

// OPDs lists the active agencies (for the verifikator's and superadmin's picker).
func (s *Store) OPDs(ctx context.Context) ([]org.OPD, error) {
	var os []org.OPD
	err := s.db.WithContext(ctx).Where("aktif").Order("nama").Find(&os).Error
	return os, err
}

// dateOf turns a DATE column into a Date.
func dateOf(t time.Time) Date { return Date{t.Year(), t.Month(), t.Day()} }

// sqlDate formats d for a query parameter.
func sqlDate(d Date) string { return d.String() }

// monthBounds returns the first and last date of year-month.
func monthBounds(year int, month time.Month) (Date, Date, error) {
	first := Date{year, month, 1}
	if !first.Valid() || year < 2000 || year > 2099 {
		return Date{}, Date{}, fmt.Errorf("%w: month %04d-%02d", ErrInvalid, year, int(month))
	}
	return first, Date{year, month, daysIn(year, month)}, nil
}

// OPDPegawai lists an OPD's active employees by name (for pickers).
func (s *Store) OPDPegawai(ctx context.Context, opdID int64) ([]PegawaiRef, error) {
	var out []PegawaiRef
	err := s.db.WithContext(ctx).Raw(`SELECT p.id, p.nip, p.nama, p.opd_id FROM pegawai p
WHERE p.opd_id = ? AND p.keadaan = 'aktif' ORDER BY p.nama, p.id`, opdID).Scan(&out).Error
	return out, err
}
