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

// TestOrgUnitEditPage renames and moves units through the form as the
// admin_opd of their agency.
func TestOrgUnitEditPage(t *testing.T) {
	h := newHarness(t)
	var dinkes, bkpsdm int64
	h.db.Raw(`SELECT id FROM opd WHERE kode = 'DINKES'`).Scan(&dinkes)
	h.db.Raw(`SELECT id FROM opd WHERE kode = 'BKPSDM'`).Scan(&bkpsdm)
	mk := func(opd int64, kode string, parent any) int64 {
		var id int64
		h.db.Raw(`INSERT INTO unit_kerja (opd_id, kode, nama, parent_id) VALUES (?, ?, ?, ?) RETURNING id`, opd, kode, "Unit "+kode, parent).Scan(&id)
		return id
	}
	a := mk(dinkes, "W-A", nil)
	b := mk(dinkes, "W-B", a)
	x := mk(bkpsdm, "W-X", nil)
	c := h.as(auth.RoleAdminOPD)
	if res := c.get("/opd/" + itoa(dinkes)); !strings.Contains(res.body, "/unit/"+itoa(b)+"/ubah") {
		t.Fatalf("OPD page has no edit link for the unit (%d)", res.status)
	}
	if res := c.get("/unit/" + itoa(b) + "/ubah"); res.status != http.StatusOK || !strings.Contains(res.body, `value="W-B"`) {
		t.Fatalf("edit page: %d", res.status)
	}
	steps := []struct {
		name   string
		id     int64
		form   url.Values
		status int
		want   string
		parent int64
	}{
		{"empty name", b, url.Values{"kode": {"W-B"}, "nama": {""}, "parent_id": {itoa(a)}}, http.StatusUnprocessableEntity, "Nama unit kerja wajib diisi", a},
		{"cycle", a, url.Values{"kode": {"W-A"}, "nama": {"Unit W-A"}, "parent_id": {itoa(b)}}, http.StatusUnprocessableEntity, "sub-unitnya", 0},
		{"another OPD's parent", b, url.Values{"kode": {"W-B"}, "nama": {"Unit W-B"}, "parent_id": {itoa(x)}}, http.StatusUnprocessableEntity, "OPD yang sama", a},
		{"rename and move to the top", b, url.Values{"kode": {"W-B"}, "nama": {"Bidang Pelayanan"}, "parent_id": {""}}, http.StatusSeeOther, "", 0},
		{"same again", b, url.Values{"kode": {"W-B"}, "nama": {"Bidang Pelayanan"}, "parent_id": {""}}, http.StatusConflict, "Tidak ada perubahan", 0},
		{"move under B", a, url.Values{"kode": {"W-A"}, "nama": {"Unit W-A"}, "parent_id": {itoa(b)}}, http.StatusSeeOther, "", b},
		{"another OPD's unit", x, url.Values{"kode": {"W-X"}, "nama": {"Diambil"}}, http.StatusNotFound, "", 0},
	}
	for _, st := range steps {
		before := h.count(`SELECT count(*) FROM audit_log WHERE action = 'org.unit_ubah'`)
		res := c.postForm("/unit/"+itoa(st.id), st.form)
		if res.status != st.status || !strings.Contains(res.body, st.want) {
			t.Errorf("%s: status %d, want %d with %q", st.name, res.status, st.status, st.want)
		}
		if n := h.count(`SELECT count(*) FROM audit_log WHERE action = 'org.unit_ubah'`) - before; (n == 1) != (st.status == http.StatusSeeOther) {
			t.Errorf("%s: %d audit rows", st.name, n)
		}
		if got := h.count(`SELECT coalesce(parent_id, 0) FROM unit_kerja WHERE id = ?`, st.id); st.status != http.StatusNotFound && got != st.parent {
			t.Errorf("%s: parent %d, want %d", st.name, got, st.parent)
		}
	}
	if n := h.count(`SELECT count(*) FROM unit_kerja WHERE id = ? AND nama = 'Unit W-X'`, x); n != 1 {
		t.Error("another OPD's unit changed")
	}
	// The superadmin may edit any agency's unit.
	if res := h.as(auth.RoleSuperadmin).postForm("/unit/"+itoa(x), url.Values{"kode": {"W-X"}, "nama": {"Bidang BKPSDM"}}); res.status != http.StatusSeeOther {
		t.Errorf("superadmin edit: %d", res.status)
	}
}
