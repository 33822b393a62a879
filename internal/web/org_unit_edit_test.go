package web

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/ekinerja/ekinerja/internal/auth"
)

// TestOrgUnitEditPage renames and moves units through the form as the
// admin_opd of their agency.
func TestOrgUnitEditPage(t *testing.T) {
	t.Parallel()
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
