// Package stores builds, once, the domain stores and services the web server
// calls (as miniflux builds its storage in main and hands it to the HTTP
// layer): the web package receives a Set and never sees the database handle.
package stores

import (
	"database/sql"
	"fmt"
	"time"

	"gorm.io/gorm"

	"github.com/ekinerja/ekinerja/internal/attendance"
	"github.com/ekinerja/ekinerja/internal/audit"
	"github.com/ekinerja/ekinerja/internal/importreport"
	"github.com/ekinerja/ekinerja/internal/kinerja"
	"github.com/ekinerja/ekinerja/internal/notify"
	"github.com/ekinerja/ekinerja/internal/org"
	"github.com/ekinerja/ekinerja/internal/tpp/claim"
)

// Set holds one of each store and service on one connection pool.
type Set struct {
	Org        *org.Store
	Kinerja    *kinerja.Store
	Attendance *attendance.Store
	TPP        *claim.Service
	Audit      *audit.Log
	Notify     *notify.Store
	// Reports keeps the row problems of imports (every import page).
	Reports *importreport.Store
	// Pool is the connection pool underneath, for the readiness check and
	// the pool metrics.
	Pool *sql.DB
}

// Sources are the TPP computation's inputs; nil means "no data yet" and
// every claim then says so.
type Sources struct {
	Kinerja    claim.KinerjaSource
	Attendance claim.AttendanceSource
}

// New builds the Set on db; dates are judged in the regency's zone loc.
func New(db *gorm.DB, loc *time.Location, src Sources) (Set, error) {
	pool, err := db.DB()
	if err != nil {
		return Set{}, fmt.Errorf("connection pool: %w", err)
	}
	// The organisation store is built once and handed to the areas that
	// read the organisation (who is whose subordinate, an agency).
	o := org.NewStore(db)
	return Set{
		Org:        o,
		Kinerja:    kinerja.NewStoreWith(db, loc, o),
		Attendance: attendance.NewStoreWith(db, loc, o),
		TPP:        claim.NewService(db, src.Kinerja, src.Attendance),
		Audit:      audit.NewLog(db),
		Notify:     notify.NewStore(db),
		Reports:    importreport.NewStore(db),
		Pool:       pool,
	}, nil
}

// FromStores is the production Set: the TPP computation reads kinerja and
// attendance from the Set's own stores (the same ones their pages use).
func FromStores(db *gorm.DB, loc *time.Location) (Set, error) {
	s, err := New(db, loc, Sources{})
	if err != nil {
		return Set{}, err
	}
	k, a := claim.SourcesOf(s.Kinerja, s.Attendance)
	s.TPP = claim.NewService(db, k, a)
	return s, nil
}
