package org_test

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/ekinerja/ekinerja/internal/apperr"
	"github.com/ekinerja/ekinerja/internal/org"
)

func day(s string) time.Time {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		panic(err)
	}
	return t
}

// TestEndActingEarly: a Plt covers a vacant post; ending the Plt early moves
// the subordinates' supervisor back up the chain from the next day.
func TestEndActingEarly(t *testing.T) {
	t.Parallel()
	db, s := seeded(t)
	ctx := context.Background()
	peg := idOf(t, db, `SELECT rj.pegawai_id FROM riwayat_jabatan rj JOIN jabatan j ON j.id = rj.jabatan_id WHERE j.kode = 'DINKES-09'`)
	kepalaSeksi := idOf(t, db, `SELECT id FROM jabatan WHERE kode = 'DINKES-07'`)
	plt := idOf(t, db, `SELECT rj.pegawai_id FROM riwayat_jabatan rj JOIN jabatan j ON j.id = rj.jabatan_id WHERE j.kode = 'BKPSDM-07'`)
	dinkes := idOf(t, db, `SELECT id FROM opd WHERE kode = 'DINKES'`)
	// The definitive holder of DINKES-07 leaves at the end of January.
	if err := db.Exec(`UPDATE riwayat_jabatan SET mulai = LEAST(mulai, '2026-01-01'), selesai = '2026-01-31' WHERE jabatan_id = ? AND jenis = 'definitif'`, kepalaSeksi).Error; err != nil {
		t.Fatal(err)
	}
	if err := s.Assign(ctx, org.All, actor, plt, org.Assignment{JabatanID: kepalaSeksi, Jenis: "plt", Mulai: "2026-02-01", Selesai: "2026-12-31"}); err != nil {
		t.Fatal(err)
	}
	pltRow := idOf(t, db, `SELECT id FROM riwayat_jabatan WHERE pegawai_id = ? AND jenis = 'plt'`, plt)
	defRow := idOf(t, db, `SELECT id FROM riwayat_jabatan WHERE pegawai_id = ? AND jenis = 'definitif'`, plt)
	otherRow := idOf(t, db, `SELECT id FROM riwayat_jabatan WHERE pegawai_id = ?`, peg)
	if p, _ := s.Profile(ctx, peg, day("2026-03-10")); p.AtasanPegawaiID != plt {
		t.Fatalf("before: atasan %d, want the Plt %d", p.AtasanPegawaiID, plt)
	}
	cases := []struct {
		name     string
		sc       org.Scope
		riwayat  int64
		berakhir string
		kind     error
		field    string
		msg      string
	}{
		{"not a date", org.All, pltRow, "besok", nil, "berakhir", "tanggal berakhir yang valid"},
		{"before the start", org.All, pltRow, "2026-01-31", nil, "berakhir", "sebelum tanggal mulai"},
		{"after the planned end", org.All, pltRow, "2027-01-01", nil, "berakhir", "untuk memperpanjang"},
		{"a definitive assignment", org.All, defRow, "2026-03-15", apperr.ErrConflict, "", "Hanya penugasan Plt/Plh"},
		{"another employee's row", org.All, otherRow, "2026-03-15", apperr.ErrNotFound, "", ""},
		{"admin of another OPD", org.ScopeOPD(dinkes), pltRow, "2026-03-15", apperr.ErrNotFound, "", ""},
		{"ends on the 15th", org.All, pltRow, "15-03-2026", nil, "", ""},
		{"same end again", org.All, pltRow, "2026-03-15", apperr.ErrConflict, "", "sudah berakhir"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var audits int64
			db.Raw(`SELECT count(*) FROM audit_log WHERE action = 'org.penugasan_akhiri'`).Scan(&audits)
			err := s.EndActing(ctx, tc.sc, actor, plt, tc.riwayat, tc.berakhir)
			var ve *apperr.ValidationError
			switch {
			case tc.field != "":
				if !errors.As(err, &ve) || !strings.Contains(ve.Fields[tc.field], tc.msg) {
					t.Fatalf("err = %v, want %s containing %q", err, tc.field, tc.msg)
				}
			case tc.kind != nil:
				if !errors.Is(err, tc.kind) || !strings.Contains(err.Error(), tc.msg) {
					t.Fatalf("err = %v, want %v %q", err, tc.kind, tc.msg)
				}
			case err != nil:
				t.Fatal(err)
			}
			var after int64
			db.Raw(`SELECT count(*) FROM audit_log WHERE action = 'org.penugasan_akhiri'`).Scan(&after)
			if want := audits + map[bool]int64{true: 1, false: 0}[err == nil]; after != want {
				t.Fatalf("audit rows %d, want %d", after, want)
			}
		})
	}
	// The 15th is still the Plt's last day; from the 16th the chain goes up.
	on15, _ := s.Profile(ctx, peg, day("2026-03-15"))
	on16, _ := s.Profile(ctx, peg, day("2026-03-16"))
	if on15.AtasanPegawaiID != plt {
		t.Errorf("on the last day: atasan %d, want the Plt %d", on15.AtasanPegawaiID, plt)
	}
	if on16.AtasanPegawaiID == plt || on16.AtasanPegawaiID == 0 {
		t.Errorf("the day after: atasan %d, want the next holder up the chain", on16.AtasanPegawaiID)
	}
	subs15, _ := s.SubordinateIDs(ctx, plt, day("2026-03-15"))
	subs16, _ := s.SubordinateIDs(ctx, plt, day("2026-03-16"))
	if !slices.Contains(subs15, peg) || slices.Contains(subs16, peg) {
		t.Errorf("Plt's subordinates: 15th %v, 16th %v", subs15, subs16)
	}
}
