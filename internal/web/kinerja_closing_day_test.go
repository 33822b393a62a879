package web

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/ekinerja/ekinerja/internal/auth"
)

// TestKinerjaClosingDaySettings walks the superadmin's settings form: bad
// values come back with the message next to the field, a good one is saved
// and audited, and posting the same value again is a 409.
func TestKinerjaClosingDaySettings(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	c := h.as(auth.RoleSuperadmin)
	if res := c.get("/kinerja/pengaturan"); res.status != http.StatusOK || !strings.Contains(res.body, `id="hari-sekarang">5<`) {
		t.Fatalf("settings page: %d", res.status)
	}
	steps := []struct {
		name   string
		hari   string
		status int
		want   string // in the body
		stored string
	}{
		{"empty", "", http.StatusUnprocessableEntity, "Tanggal penutupan harus bilangan bulat 1 sampai 28", "5"},
		{"zero", "0", http.StatusUnprocessableEntity, "Tanggal penutupan harus bilangan bulat 1 sampai 28", "5"},
		{"29 (not in February)", "29", http.StatusUnprocessableEntity, "Tanggal penutupan harus bilangan bulat 1 sampai 28", "5"},
		{"not a number", "lima", http.StatusUnprocessableEntity, `id="err-hari"`, "5"},
		{"fraction", "7.5", http.StatusUnprocessableEntity, `id="err-hari"`, "5"},
		{"valid", " 10 ", http.StatusSeeOther, "", "10"},
		{"same again", "10", http.StatusConflict, "sudah 10", "10"},
		{"last allowed", "28", http.StatusSeeOther, "", "28"},
	}
	for _, st := range steps {
		audits := h.count(`SELECT count(*) FROM audit_log WHERE action = 'kinerja.ubah_penutupan'`)
		res := c.postForm("/kinerja/pengaturan", url.Values{"hari": {st.hari}})
		if res.status != st.status || !strings.Contains(res.body, st.want) {
			t.Errorf("%s: status %d, want %d with %q: %s", st.name, res.status, st.status, st.want, res.body)
		}
		var got string
		h.db.Raw(`SELECT nilai FROM pengaturan WHERE kunci = 'kinerja.hari_penutupan'`).Scan(&got)
		if got != st.stored {
			t.Errorf("%s: stored %q, want %q", st.name, got, st.stored)
		}
		wantAudit := audits
		if st.status == http.StatusSeeOther {
			wantAudit++
		}
		if n := h.count(`SELECT count(*) FROM audit_log WHERE action = 'kinerja.ubah_penutupan'`); n != wantAudit {
			t.Errorf("%s: %d audit rows, want %d", st.name, n, wantAudit)
		}
	}
	// The verifikator's reopening page states the new day.
	if res := h.as(auth.RoleVerifikator).get("/kinerja/buka-bulan"); !strings.Contains(res.body, "tanggal 28 bulan berikutnya") {
		t.Error("reopening page does not show the new closing day")
	}
}
