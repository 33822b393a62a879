package database_test

import (
	"errors"
	"testing"

	"gorm.io/gorm"

	"github.com/ekinerja/ekinerja/internal/apperr"
	"github.com/ekinerja/ekinerja/internal/testdb"
)

// TestStoreErrorsCarryAppErrKinds: a statement on the connection Open
// returns ends with its error marked by its apperr kind (a missing row is
// ErrNotFound, a duplicate ErrConflict), so the web layer maps kinds only,
// while the GORM sentinel stays visible to the store's own checks.
func TestStoreErrorsCarryAppErrKinds(t *testing.T) {
	t.Parallel()
	db := testdb.New(t)
	type opd struct {
		ID   int64
		Kode string
		Nama string
	}
	cases := []struct {
		name     string
		run      func() error
		kind     error
		sentinel error
	}{
		{"first of nothing", func() error {
			var o opd
			return db.Table("opd").Where("id = ?", -1).First(&o).Error
		}, apperr.ErrNotFound, gorm.ErrRecordNotFound},
		{"duplicate kode", func() error {
			if err := db.Exec(`INSERT INTO opd (kode, nama) VALUES ('DUP-1', 'Satu')`).Error; err != nil {
				return err
			}
			return db.Exec(`INSERT INTO opd (kode, nama) VALUES ('DUP-1', 'Dua')`).Error
		}, apperr.ErrConflict, gorm.ErrDuplicatedKey},
		{"in a transaction", func() error {
			return db.Transaction(func(tx *gorm.DB) error {
				var o opd
				return tx.Table("opd").Where("id = ?", -2).Take(&o).Error
			})
		}, apperr.ErrNotFound, gorm.ErrRecordNotFound},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.run()
			if !errors.Is(err, tc.kind) || !errors.Is(err, tc.sentinel) {
				t.Fatalf("err = %v, want both %v and %v", err, tc.kind, tc.sentinel)
			}
		})
	}
}
