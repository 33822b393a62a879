package web

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/ekinerja/ekinerja/internal/auth"
)

// TestKinerjaRHKEditDeletePages edits and deletes RHK and indicators of a
// draft plan through the SKP page's forms, as the owner.
func TestKinerjaRHKEditDeletePages(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	d := h.demoKinerja()
	c := h.as(auth.RolePegawai)
	next := time.Now().Year() + 1
	res := c.postForm("/kinerja/skp", url.Values{"tahun": {itoa(int64(next))}})
	if res.status != http.StatusSeeOther {
		t.Fatalf("create SKP: %d %s", res.status, res.body)
	}
	skpPath, _, _ := strings.Cut(res.header.Get("Location"), "?")
	ind := url.Values{"aspek": {"kuantitas"}, "indikator": {"Jumlah dokumen"}, "target": {"10"}, "satuan": {"dokumen"}}
	for _, u := range []string{"RHK pertama", "RHK kedua"} {
		f := url.Values{"uraian": {u}}
		for k, v := range ind {
			f[k] = v
		}
		if res := c.postForm(skpPath+"/rhk", f); res.status != http.StatusSeeOther {
			t.Fatalf("add RHK: %d", res.status)
		}
	}
	var skp int64
	h.db.Raw(`SELECT id FROM skp WHERE pegawai_id = ? AND tahun = ?`, d.pegawai, next).Scan(&skp)
	var ids []int64
	h.db.Raw(`SELECT id FROM rhk WHERE skp_id = ? ORDER BY id`, skp).Scan(&ids)
	var inds []int64
	h.db.Raw(`SELECT i.id FROM rhk_indikator i JOIN rhk r ON r.id = i.rhk_id WHERE r.skp_id = ? ORDER BY i.id`, skp).Scan(&inds)
	if len(ids) != 2 || len(inds) != 2 {
		t.Fatalf("setup: rhk %v indikator %v", ids, inds)
	}
	// The page offers the edit and delete forms.
	page := c.get(skpPath).body
	for _, want := range []string{skpPath + "/rhk/" + itoa(ids[0]) + "/hapus", skpPath + "/indikator/" + itoa(inds[1]), "Ubah atau hapus RHK ini"} {
		if !strings.Contains(page, want) {
			t.Errorf("SKP page lacks %q", want)
		}
	}
	// An aktivitas on the second RHK.
	h.db.Exec(`INSERT INTO aktivitas (pegawai_id, rhk_id, tanggal, uraian, output_jumlah, output_satuan, menit) VALUES (?, ?, current_date, 'x', 1, 'x', 10)`, d.pegawai, ids[1])
	steps := []struct {
		name   string
		path   string
		form   url.Values
		status int
		want   string
	}{
		{"RHK without text", "/rhk/" + itoa(ids[0]), url.Values{"uraian": {""}}, http.StatusUnprocessableEntity, "Uraian RHK wajib diisi"},
		{"RHK renamed", "/rhk/" + itoa(ids[0]), url.Values{"uraian": {"RHK pertama (diperbaiki)"}}, http.StatusSeeOther, ""},
		{"RHK renamed again the same", "/rhk/" + itoa(ids[0]), url.Values{"uraian": {"RHK pertama (diperbaiki)"}}, http.StatusConflict, "Tidak ada perubahan"},
		{"indicator target text", "/indikator/" + itoa(inds[0]), url.Values{"aspek": {"waktu"}, "indikator": {"x"}, "target": {"banyak"}, "satuan": {"x"}}, http.StatusUnprocessableEntity, "Target harus bilangan bulat"},
		{"indicator changed", "/indikator/" + itoa(inds[0]), url.Values{"aspek": {"waktu"}, "indikator": {"Tepat waktu"}, "target": {"12"}, "satuan": {"bulan"}}, http.StatusSeeOther, ""},
		{"RHK with aktivitas", "/rhk/" + itoa(ids[1]) + "/hapus", nil, http.StatusConflict, "dipakai oleh 1 aktivitas"},
		{"indicator deleted", "/indikator/" + itoa(inds[1]) + "/hapus", nil, http.StatusSeeOther, ""},
		{"RHK deleted", "/rhk/" + itoa(ids[0]) + "/hapus", nil, http.StatusSeeOther, ""},
		{"RHK deleted twice", "/rhk/" + itoa(ids[0]) + "/hapus", nil, http.StatusNotFound, ""},
		{"RHK of the agreed plan", "/rhk/" + itoa(d.rhk) + "/hapus", nil, http.StatusNotFound, ""}, // not in this plan
	}
	for _, st := range steps {
		before := h.count(`SELECT count(*) FROM audit_log`)
		res := c.postForm(skpPath+st.path, st.form)
		if res.status != st.status || !strings.Contains(res.body, st.want) {
			t.Errorf("%s: status %d, want %d with %q", st.name, res.status, st.status, st.want)
		}
		wrote := h.count(`SELECT count(*) FROM audit_log`) - before
		if (st.status == http.StatusSeeOther) != (wrote == 1) {
			t.Errorf("%s: %d audit rows", st.name, wrote)
		}
	}
	// The agreed plan of this year is frozen: 409 through its own path.
	agreed := "/kinerja/skp/" + itoa(d.skp)
	if res := c.postForm(agreed+"/rhk/"+itoa(d.rhk)+"/hapus", nil); res.status != http.StatusConflict {
		t.Errorf("delete RHK of an agreed plan: %d", res.status)
	}
	if res := c.postForm(agreed+"/indikator/"+itoa(d.indikator), ind); res.status != http.StatusConflict {
		t.Errorf("edit indicator of an agreed plan: %d", res.status)
	}
	if page := c.get(agreed).body; strings.Contains(page, "/hapus") {
		t.Error("agreed plan offers delete buttons")
	}
}
