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

// TestKinerjaRatingCorrection is issue 18's "a rating can never be
// corrected", through the pages with the real kinerja data feeding TPP: the
// atasan corrects a wrong predikat with a reason (audited, old and new) and
// the next computation pays by it; once a claim using it is approved the
// correction is refused (409, saying how); after the verifikator reopens that
// claim it works again.
func TestKinerjaRatingCorrection(t *testing.T) {
	t.Parallel()
	h := newRealSourcesHarness(t)
	atasan, peg, admin, verif := h.as(auth.RoleAtasan), h.as(auth.RolePegawai), h.as(auth.RoleAdminOPD), h.as(auth.RoleVerifikator)
	pegID := h.count(`SELECT id FROM pegawai WHERE nip = ?`, login(t, auth.RolePegawai).NIP)
	opd := h.count(`SELECT opd_id FROM pegawai WHERE id = ?`, pegID)
	now := time.Now().In(h.cfg.Location)
	last := time.Date(now.Year(), now.Month(), 1, 0, 0, 0, 0, time.UTC).AddDate(0, -1, 0)
	// The demo pegawai's last month is rated Baik.
	pid := h.count(`SELECT id FROM penilaian_bulanan WHERE pegawai_id = ? AND tahun = ? AND bulan = ? AND predikat = 'baik'`, pegID, last.Year(), int(last.Month()))
	if pid == 0 {
		t.Fatal("no rated demo month")
	}
	path := fmt.Sprintf("/kinerja/penilaian/%d/koreksi", pid)
	predikat := func() string {
		var p string
		h.db.Raw(`SELECT predikat FROM penilaian_bulanan WHERE id = ?`, pid).Scan(&p)
		return p
	}
	audits := func() int64 {
		return h.count(`SELECT count(*) FROM audit_log WHERE action = 'kinerja.bulan_koreksi' AND object_id = ?`, itoa(pid))
	}
	page := atasan.get(fmt.Sprintf("/kinerja/penilaian/%d", pid))
	mustContain(t, page.body, `id="koreksi-form"`, `name="alasan"`)
	if strings.Contains(peg.get(fmt.Sprintf("/kinerja/penilaian/%d", pid)).body, `id="koreksi-form"`) {
		t.Fatal("the pegawai is offered the correction of their own rating")
	}

	// Bad input: a message next to the field, nothing changed.
	for _, bad := range []url.Values{
		{"hasil_kerja": {"di_bawah"}, "perilaku_kerja": {"sesuai"}, "alasan": {"salah"}},
		{"hasil_kerja": {"entah"}, "perilaku_kerja": {"sesuai"}, "alasan": {"hasil kerja keliru dipilih"}},
		{"hasil_kerja": {"sesuai"}, "perilaku_kerja": {"sesuai"}, "alasan": {"tidak ada yang berubah sama sekali"}},
	} {
		r := atasan.postForm(path, bad)
		if r.status != http.StatusUnprocessableEntity || !strings.Contains(r.body, `id="err-`) {
			t.Fatalf("bad correction %v: %d", bad, r.status)
		}
	}
	if peg.postForm(path, url.Values{"hasil_kerja": {"di_atas"}, "perilaku_kerja": {"di_atas"}, "alasan": {"saya menilai diri sendiri"}}).status != http.StatusForbidden {
		t.Fatal("the pegawai corrected their own rating")
	}
	if predikat() != "baik" || audits() != 0 {
		t.Fatal("a refused correction changed or audited something")
	}

	// A claim computed with Baik, submitted and verified: the rating can
	// still be corrected (no claim using it is approved yet) ...
	month := last.Format("2006-01")
	if r := admin.postForm("/tpp/klaim/hitung", url.Values{"opd_id": {itoa(opd)}, "bulan": {month}}); r.status != http.StatusSeeOther {
		t.Fatalf("compute: %d %s", r.status, r.body)
	}
	id := h.count(`SELECT id FROM tpp_claim WHERE opd_id = ? AND period = ?::date`, opd, last.Format(time.DateOnly))
	steps := func(names ...string) {
		t.Helper()
		for _, n := range names {
			c := verif
			if n == "ajukan" || n == "hitung-ulang" {
				c = admin
			}
			form := url.Values{}
			if n == "kembalikan" {
				form.Set("catatan", "predikat dikoreksi, hitung ulang")
			}
			if r := c.postForm(fmt.Sprintf("/tpp/klaim/%d/%s", id, n), ackClaim(t, c, id, n, form)); r.status != http.StatusSeeOther {
				t.Fatalf("%s: %d %s", n, r.status, r.body)
			}
		}
	}
	steps("ajukan", "verifikasi")
	r := atasan.postForm(path, url.Values{"hasil_kerja": {"di_bawah"}, "perilaku_kerja": {"sesuai"}, "alasan": {"hasil kerja Oktober salah dipilih, target SPJ tidak tercapai"}})
	if r.status != http.StatusSeeOther {
		t.Fatalf("correct: %d %s", r.status, r.body)
	}
	mustContain(t, peg.get(fmt.Sprintf("/kinerja/penilaian/%d", pid)).body, `id="penilaian-koreksi"`, "sebelumnya Baik: hasil kerja Oktober salah dipilih")
	if predikat() != "butuh_perbaikan" || audits() != 1 ||
		h.count(`SELECT count(*) FROM audit_log WHERE action = 'kinerja.bulan_koreksi' AND detail::jsonb->>'predikat_lama' = 'baik'
			AND detail::jsonb->>'predikat' = 'butuh_perbaikan' AND detail::jsonb->>'alasan' LIKE 'hasil kerja Oktober%'`) != 1 {
		t.Fatalf("correction not stored or not audited: %s", predikat())
	}
	// ... and the claim computed with the old predikat is not approved.
	r = verif.postForm(fmt.Sprintf("/tpp/klaim/%d/setujui", id), ackClaim(t, verif, id, "setujui", nil))
	if r.status != http.StatusConflict {
		t.Fatalf("approval of a claim with a corrected predikat: %d", r.status)
	}
	mustContain(t, r.body, "predikat 1 pegawai", "dihitung ulang")
	// Returned and recomputed it pays by the correction (produktivitas 75%), and is approved.
	steps("kembalikan", "hitung-ulang")
	if base, prod := h.count(`SELECT base FROM tpp_claim_pegawai WHERE claim_id = ? AND pegawai_id = ?`, id, pegID),
		h.count(`SELECT produktivitas FROM tpp_claim_pegawai WHERE claim_id = ? AND pegawai_id = ?`, id, pegID); base == 0 || prod != base*6/10*3/4 {
		t.Fatalf("produktivitas %d of base %d: the corrected predikat did not reach the claim", prod, base)
	}
	steps("ajukan", "verifikasi", "setujui")

	// After approval: refused, with how to proceed; nothing changed.
	fix := url.Values{"hasil_kerja": {"sesuai"}, "perilaku_kerja": {"sesuai"}, "alasan": {"setelah diperiksa ulang, target SPJ tercapai"}}
	r = atasan.postForm(path, fix)
	if r.status != http.StatusConflict {
		t.Fatalf("correction after approval: %d", r.status)
	}
	mustContain(t, r.body, "sudah dipakai klaim TPP", "membuka kembali klaim")
	if predikat() != "butuh_perbaikan" || audits() != 1 {
		t.Fatal("a correction after approval went through")
	}
	// After the verifikator reopens that claim: corrected again.
	if r := verif.postForm(fmt.Sprintf("/tpp/klaim/%d/buka", id), url.Values{"alasan": {"predikat pegawai perlu dikoreksi atasan"}}); r.status != http.StatusSeeOther {
		t.Fatalf("reopen: %d %s", r.status, r.body)
	}
	if r := atasan.postForm(path, fix); r.status != http.StatusSeeOther {
		t.Fatalf("correction after reopening: %d %s", r.status, r.body)
	}
	if predikat() != "baik" || audits() != 2 {
		t.Fatalf("correction after reopening: %s, %d audit rows", predikat(), audits())
	}
}
