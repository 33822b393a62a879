package org_test

import (
	"context"
	"strconv"
	"testing"
	"time"

	"github.com/ekinerja/ekinerja/internal/auth"
	"github.com/ekinerja/ekinerja/internal/org"
)

// TestHomeAnswersEachRole: the home page's start is decided in org by the
// actor's role: whose record, which counts (read back here with their own
// SQL), which heading.
func TestHomeAnswersEachRole(t *testing.T) {
	t.Parallel()
	db, s := seeded(t)
	ctx := context.Background()
	day := time.Date(2026, 10, 15, 0, 0, 0, 0, time.UTC)
	staff := idOf(t, db, `SELECT rj.pegawai_id FROM riwayat_jabatan rj JOIN jabatan j ON j.id = rj.jabatan_id WHERE j.kode = 'DINKES-09' AND rj.selesai IS NULL`)
	boss := idOf(t, db, `SELECT rj.pegawai_id FROM riwayat_jabatan rj JOIN jabatan j ON j.id = rj.jabatan_id WHERE j.kode = 'DINKES-07' AND rj.selesai IS NULL`)
	dinkes := idOf(t, db, `SELECT id FROM opd WHERE kode = 'DINKES'`)
	subs, err := s.SubordinateIDs(ctx, boss, day)
	if err != nil || len(subs) == 0 {
		t.Fatalf("subordinates of DINKES-07: %v, %v", subs, err)
	}
	count := func(q string, args ...any) string {
		var n int64
		if err := db.Raw(q, args...).Scan(&n).Error; err != nil {
			t.Fatal(err)
		}
		return strconv.FormatInt(n, 10)
	}
	tests := []struct {
		name        string
		a           org.Actor
		heading     string
		profileOf   int64 // 0: no profile
		facts       map[string]string
		waitingWant map[string]string
	}{
		{"pegawai sees their record", org.Actor{PegawaiID: staff, Role: auth.RolePegawai}, "Beranda Pegawai", staff, map[string]string{}, nil},
		{"atasan also their subordinates", org.Actor{PegawaiID: boss, Role: auth.RoleAtasan}, "Beranda Atasan", boss,
			map[string]string{"Bawahan langsung": strconv.Itoa(len(subs)) + " orang"}, nil},
		{"admin_opd the agency's counts", org.Actor{PegawaiID: staff, Role: auth.RoleAdminOPD, OPDID: dinkes}, "Beranda Admin OPD", 0,
			map[string]string{"OPD": "Dinkes", "Pegawai aktif": count(`SELECT count(*) FROM pegawai WHERE opd_id = ? AND keadaan = 'aktif'`, dinkes),
				"Jabatan": count(`SELECT count(*) FROM jabatan WHERE opd_id = ?`, dinkes)},
			map[string]string{"Pegawai tanpa nomor rekening bank": count(`SELECT count(*) FROM pegawai WHERE opd_id = ? AND keadaan = 'aktif' AND bank_rekening = ''`, dinkes)}},
		{"verifikator the regency's counts", org.Actor{PegawaiID: staff, Role: auth.RoleVerifikator}, "Beranda Verifikator", 0,
			map[string]string{"OPD aktif": count(`SELECT count(*) FROM opd WHERE aktif`), "Pegawai aktif": count(`SELECT count(*) FROM pegawai WHERE keadaan = 'aktif'`),
				"Pengguna aktif": count(`SELECT count(*) FROM users WHERE NOT disabled`)}, nil},
		{"superadmin the same", org.Actor{Role: auth.RoleSuperadmin}, "Beranda Super Admin", 0,
			map[string]string{"OPD aktif": count(`SELECT count(*) FROM opd WHERE aktif`)}, nil},
		{"unknown role nothing", org.Actor{PegawaiID: staff, Role: "tamu"}, "", 0, map[string]string{}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h, err := s.Home(ctx, tt.a, "Dinkes", day)
			if err != nil {
				t.Fatal(err)
			}
			if h.Heading != tt.heading {
				t.Errorf("heading %q, want %q", h.Heading, tt.heading)
			}
			if tt.profileOf == 0 && h.Profile != nil || tt.profileOf != 0 && (h.Profile == nil || h.Profile.PegawaiID != tt.profileOf) {
				t.Errorf("profile %+v, want of pegawai %d", h.Profile, tt.profileOf)
			}
			got := map[string]string{}
			for _, f := range h.Facts {
				got[f.Label] = f.Value
			}
			if len(tt.facts) == 0 && len(got) != 0 {
				t.Errorf("facts %v, want none", got)
			}
			for k, v := range tt.facts {
				if got[k] != v {
					t.Errorf("fact %q = %q, want %q (all %v)", k, got[k], v, got)
				}
			}
			if len(h.Waiting) != len(tt.waitingWant) {
				t.Errorf("waiting %+v, want %v", h.Waiting, tt.waitingWant)
			}
			for _, w := range h.Waiting {
				if want, ok := tt.waitingWant[w.Label]; !ok || strconv.FormatInt(w.Count, 10) != want {
					t.Errorf("waiting %q = %d, want %q", w.Label, w.Count, want)
				}
			}
		})
	}
}
