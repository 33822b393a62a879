package attendance

import (
	"errors"
	"testing"

	"github.com/ekinerja/ekinerja/internal/apperr"
	"github.com/ekinerja/ekinerja/internal/auth"
)

func TestImportHistoryScope(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	dinkes, bkpsdm := f.opdID["DINKES"], f.opdID["BKPSDM"]
	var dinkesNIP, bkpsdmNIP string
	f.db.Raw(`SELECT nip FROM pegawai WHERE opd_id = ? ORDER BY id LIMIT 1`, dinkes).Scan(&dinkesNIP)
	f.db.Raw(`SELECT nip FROM pegawai WHERE opd_id = ? ORDER BY id LIMIT 1`, bkpsdm).Scan(&bkpsdmNIP)
	head := "nip;tanggal;jam_masuk;jam_pulang\n"
	// DINKES: one clean file, then one with a refused row imported with
	// "skip bad rows"; a fully refused file is not stored. BKPSDM: one file.
	if rep := f.importCSV(dinkes, head+dinkesNIP+";2026-10-01;07:30;16:00\n", false); !rep.Applied {
		t.Fatalf("first: %+v", rep)
	}
	if rep := f.importCSV(dinkes, head+dinkesNIP+";2026-10-02;07:45;16:00\n"+bkpsdmNIP+";2026-10-02;07:30;16:00\n", true); !rep.Applied || rep.BadRows != 1 {
		t.Fatalf("second: %+v", rep)
	}
	if rep := f.importCSV(dinkes, head+bkpsdmNIP+";2026-10-03;07:30;16:00\n", false); rep.Applied {
		t.Fatalf("refused file applied: %+v", rep)
	}
	if rep := f.importCSV(bkpsdm, head+bkpsdmNIP+";2026-10-01;07:30;16:00\n", false); !rep.Applied {
		t.Fatalf("bkpsdm: %+v", rep)
	}

	tests := []struct {
		name  string
		role  auth.Role
		opd   int64
		count int
		err   error
	}{
		{"admin_opd, own OPD by default", auth.RoleAdminOPD, 0, 2, nil},
		{"admin_opd, own OPD asked", auth.RoleAdminOPD, dinkes, 2, nil},
		{"admin_opd, another OPD", auth.RoleAdminOPD, bkpsdm, 0, apperr.ErrNotFound},
		{"verifikator, all", auth.RoleVerifikator, 0, 3, nil},
		{"verifikator, one OPD", auth.RoleVerifikator, bkpsdm, 1, nil},
		{"superadmin, one OPD", auth.RoleSuperadmin, dinkes, 2, nil},
		{"superadmin, missing OPD", auth.RoleSuperadmin, 999999, 0, apperr.ErrNotFound},
		{"pegawai", auth.RolePegawai, 0, 0, apperr.ErrForbidden},
		{"atasan", auth.RoleAtasan, dinkes, 0, apperr.ErrForbidden},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := f.s.ImportHistory(f.ctx, f.pr[tc.role], tc.opd)
			if tc.err != nil {
				if !errors.Is(err, tc.err) || len(got) != 0 {
					t.Fatalf("want %v and nothing, got %v and %d", tc.err, err, len(got))
				}
				return
			}
			if err != nil || len(got) != tc.count {
				t.Fatalf("got %d (%v), want %d", len(got), err, tc.count)
			}
		})
	}

	got, _ := f.s.ImportHistory(f.ctx, f.pr[auth.RoleAdminOPD], 0)
	newest, oldest := got[0], got[1]
	if newest.Rows != 2 || newest.Refused != 1 || newest.Accepted() != 1 || newest.Inserted != 1 {
		t.Errorf("newest: %+v", newest)
	}
	if oldest.Accepted() != 1 || oldest.Refused != 0 || oldest.FileName != "tes.csv" || len(oldest.SHA256) != 64 || oldest.SHA256 == newest.SHA256 {
		t.Errorf("oldest: %+v", oldest)
	}
	if oldest.ByNIP != f.pr[auth.RoleAdminOPD].NIP || oldest.ByNama == "" || oldest.OPDNama == "" {
		t.Errorf("who/where: %+v", oldest)
	}
}
