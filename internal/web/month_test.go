package web

import (
	"html"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/ekinerja/ekinerja/internal/auth"
	"github.com/ekinerja/ekinerja/internal/tpp"
)

// TestOneMonthMessageOnEveryRoute: every route that reads a month, in every
// area (kinerja, presensi, TPP), refuses a month not written TTTT-BB with a
// 422 and the one message tpp.PeriodMessage, and changes nothing.
func TestOneMonthMessageOnEveryRoute(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	pegawai, admin, verif := h.as(auth.RolePegawai), h.as(auth.RoleAdminOPD), h.as(auth.RoleVerifikator)
	before := h.count(`SELECT count(*) FROM audit_log`)
	for _, bad := range []string{"2026-13", "Oktober", "2026/10", "1999-12"} {
		for _, tc := range []struct {
			name string
			do   func() response
		}{
			{"kinerja aktivitas", func() response { return pegawai.get("/kinerja/aktivitas?bulan=" + url.QueryEscape(bad)) }},
			{"kinerja penilaian", func() response { return pegawai.get("/kinerja/penilaian?bulan=" + url.QueryEscape(bad)) }},
			{"kinerja ajukan bulan", func() response {
				return pegawai.postForm("/kinerja/penilaian", url.Values{"bulan": {bad}})
			}},
			{"kinerja buka bulan", func() response {
				return verif.postForm("/kinerja/buka-bulan", url.Values{"nip": {login(t, auth.RolePegawai).NIP}, "bulan": {bad}, "alasan": {"koreksi data"}})
			}},
			{"presensi rekap", func() response { return admin.get("/presensi/rekap?bulan=" + url.QueryEscape(bad)) }},
			{"tpp klaim", func() response { return admin.get("/tpp/klaim?bulan=" + url.QueryEscape(bad)) }},
			{"tpp hitung", func() response { return admin.postForm("/tpp/klaim/hitung", url.Values{"bulan": {bad}}) }},
			{"hukdis mulai bulan", func() response {
				return verif.postForm("/presensi/hukdis", url.Values{"nip": {login(t, auth.RolePegawai).NIP}, "nomor_sk": {"800/1/2026"},
					"jenis": {"sedang"}, "mulai_bulan": {bad}, "lama_bulan": {"6"}})
			}},
		} {
			t.Run(tc.name+" "+bad, func(t *testing.T) {
				res := tc.do()
				if res.status != http.StatusUnprocessableEntity {
					t.Fatalf("status %d, want 422", res.status)
				}
				if !strings.Contains(html.UnescapeString(res.body), tpp.PeriodMessage) {
					t.Fatalf("body lacks %q", tpp.PeriodMessage)
				}
			})
		}
	}
	if after := h.count(`SELECT count(*) FROM audit_log`); after != before {
		t.Errorf("audit rows %d -> %d: a refused month changed something", before, after)
	}
}
