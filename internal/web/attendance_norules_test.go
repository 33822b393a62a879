package web

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/ekinerja/ekinerja/internal/auth"
)

// TestAttendanceWithoutRuleSetIsNotJudgedByTheDemo: a month no TPP rule set
// covers (the seeded one starts 2026-01) is judged by the demo bands only
// in dev mode; in production the attendance pages say clearly that no rule
// set is in force (409) instead of showing the demo's numbers, while a
// covered month still shows.
func TestAttendanceWithoutRuleSetIsNotJudgedByTheDemo(t *testing.T) {
	t.Parallel()
	const uncovered = "2025-06"
	covered := time.Now().In(time.UTC).Format("2006-01")
	const msg = "Belum ada aturan TPP yang berlaku untuk bulan ini"
	for _, tc := range []struct {
		env    string
		status int
	}{{"dev", http.StatusOK}, {"production", http.StatusConflict}} {
		t.Run(tc.env, func(t *testing.T) {
			h := newHarnessEnv(t, map[string]string{"EKINERJA_ENV": tc.env, "EKINERJA_SECRET": strings.Repeat("r", 40), "EKINERJA_2FA_ADMIN_OPD": "tidak"})
			l := login(t, auth.RolePegawai)
			c := h.client()
			if res := c.postForm("/masuk", url.Values{"nip": {l.NIP}, "password": {l.Password}}); res.status != http.StatusSeeOther {
				t.Fatalf("login: %d", res.status)
			}
			if tc.env != "dev" { // the demo password must be changed first outside dev
				const pw = "kopi susu di teras rumah"
				if res := c.postForm("/akun/sandi", url.Values{"sandi_lama": {l.Password}, "sandi_baru": {pw}, "sandi_ulang": {pw}}); res.status != http.StatusSeeOther {
					t.Fatalf("password change: %d", res.status)
				}
			}
			id := h.count(`SELECT id FROM pegawai WHERE nip = ?`, l.NIP)
			res := c.get(fmt.Sprintf("/presensi/pegawai/%d?bulan=%s", id, uncovered))
			if res.status != tc.status || strings.Contains(res.body, msg) != (tc.status != http.StatusOK) {
				t.Fatalf("uncovered month: %d (want %d), message shown %v", res.status, tc.status, strings.Contains(res.body, msg))
			}
			if res := c.get(fmt.Sprintf("/presensi/pegawai/%d?bulan=%s", id, covered)); res.status != http.StatusOK || strings.Contains(res.body, msg) {
				t.Fatalf("covered month %s: %d", covered, res.status)
			}
		})
	}
}
