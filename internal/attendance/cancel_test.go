package attendance

import (
	"errors"
	"testing"

	"github.com/ekinerja/ekinerja/internal/apperr"
	"github.com/ekinerja/ekinerja/internal/auth"
)

func TestCancelLeave(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	peg := f.pr[auth.RolePegawai]
	// The demo atasan's own request, to show one employee cannot cancel another's.
	mk := func(who *auth.Principal, mulai, status string) int64 {
		t.Helper()
		id, err := f.s.RequestLeave(f.ctx, who, "", LeaveInput{Jenis: "tahunan", Mulai: mulai, Selesai: mulai})
		if err != nil {
			t.Fatal(err)
		}
		if status != "diajukan" {
			f.db.Exec(`UPDATE cuti SET status = ? WHERE id = ?`, status, id)
		}
		return id
	}
	pending := mk(peg, "2026-12-01", "diajukan")
	approved := mk(peg, "2026-12-02", "disetujui")
	rejected := mk(peg, "2026-12-03", "ditolak")
	atasans := mk(f.pr[auth.RoleAtasan], "2026-12-01", "diajukan")

	tests := []struct {
		name string
		who  auth.Role
		id   int64
		want error // nil: cancelled
	}{
		{"someone else's request", auth.RolePegawai, atasans, apperr.ErrNotFound},
		{"a missing request", auth.RolePegawai, 999999, apperr.ErrNotFound},
		{"admin_opd may not", auth.RoleAdminOPD, pending, apperr.ErrForbidden},
		{"approved", auth.RolePegawai, approved, apperr.ErrConflict},
		{"rejected", auth.RolePegawai, rejected, apperr.ErrConflict},
		{"own pending", auth.RolePegawai, pending, nil},
		{"own pending, twice", auth.RolePegawai, pending, apperr.ErrConflict},
		{"atasan cancels own pending", auth.RoleAtasan, atasans, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			before := f.count(`SELECT count(*) FROM audit_log WHERE action = 'presensi.cuti_batal'`)
			err := f.s.CancelLeave(f.ctx, f.pr[tc.who], "127.0.0.1", tc.id)
			after := f.count(`SELECT count(*) FROM audit_log WHERE action = 'presensi.cuti_batal'`)
			if tc.want != nil {
				if !errors.Is(err, tc.want) || after != before {
					t.Fatalf("got %v (%d audit rows), want %v", err, after-before, tc.want)
				}
				return
			}
			if err != nil || after != before+1 {
				t.Fatalf("cancel: %v (%d audit rows)", err, after-before)
			}
			if n := f.count(`SELECT count(*) FROM cuti WHERE id = ? AND status = 'dibatalkan' AND dibatalkan_at IS NOT NULL`, tc.id); n != 1 {
				t.Error("not cancelled")
			}
		})
	}
	// A cancelled request no longer blocks its dates, and the atasan cannot approve it.
	if _, err := f.s.RequestLeave(f.ctx, peg, "", LeaveInput{Jenis: "sakit", Mulai: "2026-12-01", Selesai: "2026-12-01"}); err != nil {
		t.Errorf("re-request after cancel: %v", err)
	}
	if err := f.s.DecideLeave(f.ctx, f.pr[auth.RoleAtasan], "", pending, true, ""); !errors.Is(err, apperr.ErrConflict) {
		t.Errorf("approving a cancelled request: %v", err)
	}
}
