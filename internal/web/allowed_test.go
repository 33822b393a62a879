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

// TestRefusedActionIsHiddenAndRefused: the page offers an action exactly
// when the domain's rule allows it, and the POST of an action the page
// does not offer is refused by that same rule (nothing changes). Each case
// also shows the action offered to someone the rule allows, so a page that
// never shows the form cannot pass.
func TestRefusedActionIsHiddenAndRefused(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	pegID := h.count(`SELECT id FROM pegawai WHERE nip = ?`, login(t, auth.RolePegawai).NIP)
	now := time.Now().In(h.cfg.Location)
	last := time.Date(now.Year(), now.Month(), 1, 0, 0, 0, 0, time.UTC).AddDate(0, -1, 0)
	rated := h.count(`SELECT id FROM penilaian_bulanan WHERE pegawai_id = ? AND tahun = ? AND bulan = ? AND status = 'rated'`, pegID, last.Year(), int(last.Month()))
	agreed := h.count(`SELECT id FROM skp WHERE pegawai_id = ? AND status = 'agreed' ORDER BY id LIMIT 1`, pegID)
	if rated == 0 || agreed == 0 {
		t.Fatalf("demo data: rated month %d, agreed SKP %d", rated, agreed)
	}
	month := last.Format("2006-01")
	cases := []struct {
		name string
		// page is read by the refused role (who must not see marker) and
		// by the allowed role (who must), unless allowed is "".
		page, marker     string
		refused, allowed auth.Role
		// allowedMarker is what the allowed role sees instead ("" = marker).
		allowedMarker string
		post          string
		form          url.Values
		status        int
		unchanged     string
	}{
		{name: "rate a month already rated", page: fmt.Sprintf("/kinerja/penilaian/%d", rated),
			marker: fmt.Sprintf("/kinerja/penilaian/%d/nilai", rated), refused: auth.RoleAtasan, allowed: auth.RoleAtasan,
			allowedMarker: fmt.Sprintf("/kinerja/penilaian/%d/koreksi", rated),
			post:          fmt.Sprintf("/kinerja/penilaian/%d/nilai", rated), form: url.Values{"hasil_kerja": {"di_atas"}, "perilaku_kerja": {"di_atas"}},
			status: http.StatusConflict, unchanged: fmt.Sprintf(`SELECT count(*) FROM penilaian_bulanan WHERE id = %d AND hasil_kerja = 'di_atas'`, rated)},
		{name: "decide a plan already agreed", page: fmt.Sprintf("/kinerja/skp/%d", agreed),
			marker: fmt.Sprintf("/kinerja/skp/%d/setujui", agreed), refused: auth.RoleAtasan,
			post: fmt.Sprintf("/kinerja/skp/%d/kembalikan", agreed), form: url.Values{"catatan": {"kembalikan saja"}},
			status: http.StatusConflict, unchanged: fmt.Sprintf(`SELECT count(*) FROM skp WHERE id = %d AND status <> 'agreed'`, agreed)},
		{name: "correct attendance as verifikator", page: fmt.Sprintf("/presensi/pegawai/%d?bulan=%s", pegID, month),
			marker: fmt.Sprintf("/presensi/pegawai/%d/koreksi", pegID), refused: auth.RoleVerifikator, allowed: auth.RoleAdminOPD,
			post: fmt.Sprintf("/presensi/pegawai/%d/koreksi?bulan=%s", pegID, month), form: url.Values{"tanggal": {last.Format(time.DateOnly)}, "hadir": {"1"}, "alasan": {"lupa presensi pagi"}},
			status: http.StatusForbidden, unchanged: fmt.Sprintf(`SELECT count(*) FROM koreksi_kehadiran WHERE pegawai_id = %d`, pegID)},
		{name: "compute a TPP claim as superadmin", page: "/tpp/klaim?bulan=" + month,
			marker: `action="/tpp/klaim/hitung"`, refused: auth.RoleSuperadmin, allowed: auth.RoleAdminOPD,
			post: "/tpp/klaim/hitung", form: url.Values{"bulan": {month}, "opd_id": {itoa(h.count(`SELECT opd_id FROM pegawai WHERE id = ?`, pegID))}},
			status: http.StatusForbidden, unchanged: `SELECT count(*) FROM tpp_claim`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c := h.as(tc.refused)
			page := c.get(tc.page)
			if page.status != http.StatusOK {
				t.Fatalf("GET %s as %s: %d", tc.page, tc.refused, page.status)
			}
			if strings.Contains(page.body, tc.marker) {
				t.Fatalf("%s is offered %s", tc.refused, tc.marker)
			}
			if tc.allowed != "" {
				want := tc.allowedMarker
				if want == "" {
					want = tc.marker
				}
				if p := h.as(tc.allowed).get(tc.page); !strings.Contains(p.body, want) {
					t.Fatalf("%s is not offered %s (%d)", tc.allowed, want, p.status)
				}
			}
			before := h.count(tc.unchanged)
			if r := c.postForm(tc.post, tc.form); r.status != tc.status {
				t.Fatalf("POST %s as %s: %d, want %d", tc.post, tc.refused, r.status, tc.status)
			}
			if after := h.count(tc.unchanged); after != before {
				t.Fatalf("a refused POST changed something: %d -> %d", before, after)
			}
		})
	}
}
