package web

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/ekinerja/ekinerja/internal/auth"
)

// TestOrgEndActingPage ends a Plt early from the employee page, as the
// admin_opd of the employee's agency.
func TestOrgEndActingPage(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	d := h.demoKinerja() // the demo pegawai, in DINKES
	var jab int64
	h.db.Raw(`SELECT j.id FROM jabatan j WHERE j.kode = 'DINKES-14'`).Scan(&jab)
	today := time.Now()
	var rid int64
	h.db.Raw(`INSERT INTO riwayat_jabatan (pegawai_id, jabatan_id, jenis, mulai, selesai) VALUES (?, ?, 'plh', ?::date - 10, ?::date + 20) RETURNING id`,
		d.pegawai, jab, today.Format(time.DateOnly), today.Format(time.DateOnly)).Scan(&rid)
	c := h.as(auth.RoleAdminOPD)
	page := "/pegawai/" + itoa(d.pegawai)
	action := page + "/penugasan/" + itoa(rid) + "/akhiri"
	if res := c.get(page); !strings.Contains(res.body, action) {
		t.Fatalf("employee page has no end form for the Plh (%d)", res.status)
	}
	steps := []struct {
		name     string
		berakhir string
		status   int
		want     string
	}{
		{"empty", "", http.StatusUnprocessableEntity, "Isi tanggal berakhir yang valid"},
		{"before the start", today.AddDate(0, 0, -11).Format(time.DateOnly), http.StatusUnprocessableEntity, "tidak boleh sebelum tanggal mulai"},
		{"after the planned end", today.AddDate(0, 0, 21).Format(time.DateOnly), http.StatusUnprocessableEntity, "untuk memperpanjang"},
		{"today", today.Format(time.DateOnly), http.StatusSeeOther, ""},
		{"today again", today.Format(time.DateOnly), http.StatusConflict, "sudah berakhir"},
	}
	for _, st := range steps {
		before := h.count(`SELECT count(*) FROM audit_log WHERE action = 'org.penugasan_akhiri'`)
		res := c.postForm(action, url.Values{"berakhir": {st.berakhir}})
		if res.status != st.status || !strings.Contains(res.body, st.want) {
			t.Errorf("%s: status %d, want %d with %q", st.name, res.status, st.status, st.want)
		}
		if n := h.count(`SELECT count(*) FROM audit_log WHERE action = 'org.penugasan_akhiri'`) - before; (n == 1) != (st.status == http.StatusSeeOther) {
			t.Errorf("%s: %d audit rows", st.name, n)
		}
	}
	if n := h.count(`SELECT count(*) FROM riwayat_jabatan WHERE id = ? AND selesai = ?::date`, rid, today.Format(time.DateOnly)); n != 1 {
		t.Error("the Plh did not end today")
	}
	// A verifikator reads the page but gets no form.
	if res := h.as(auth.RoleVerifikator).get(page); res.status != http.StatusOK || strings.Contains(res.body, "/akhiri") {
		t.Errorf("verifikator: %d, or sees the end form", res.status)
	}
}
