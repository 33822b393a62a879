package org_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/ekinerja/ekinerja/internal/apperr"
	"github.com/ekinerja/ekinerja/internal/org"
)

// TestDatabaseFailureIsNotAValidationMessage: when a reference check's query
// fails, the store returns that failure (a 500 and a log line), never a
// validation message such as "OPD tidak dikenal" that blames the user.
func TestDatabaseFailureIsNotAValidationMessage(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	cases := []struct {
		name, breakTable string
		call             func(s *org.Store, opd, peg int64) error
	}{
		{"pegawai: opd check", "opd", func(s *org.Store, opd, _ int64) error {
			_, err := s.CreatePegawai(ctx, org.All, actor, org.NewPegawai{PegawaiInput: org.PegawaiInput{OPDID: opd, NIP: "199001012015031099", Nama: "Uji"}})
			return err
		}},
		{"jabatan: opd check", "opd", func(s *org.Store, opd, _ int64) error {
			_, err := s.CreateJabatan(ctx, org.All, actor, org.JabatanInput{OPDID: opd, Nama: "Uji"})
			return err
		}},
		{"akun: existing account check", "users", func(s *org.Store, _, peg int64) error {
			_, _, err := s.CreateAkun(ctx, org.All, actor, nil, peg)
			return err
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			db, s := seeded(t)
			opd := idOf(t, db, `SELECT id FROM opd ORDER BY id LIMIT 1`)
			peg := idOf(t, db, `SELECT id FROM pegawai ORDER BY id LIMIT 1`)
			if err := db.Exec(`ALTER TABLE ` + tc.breakTable + ` RENAME TO broken_` + tc.breakTable).Error; err != nil {
				t.Fatal(err)
			}
			err := tc.call(s, opd, peg)
			var ve *apperr.ValidationError
			if err == nil || errors.As(err, &ve) || strings.Contains(err.Error(), "tidak dikenal") {
				t.Fatalf("err = %v (%T), want the database failure", err, err)
			}
			if !strings.Contains(err.Error(), "does not exist") {
				t.Fatalf("err = %v, want it to carry the database error", err)
			}
		})
	}
}
