package web

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/ekinerja/ekinerja/internal/auth"
)

// TestKinerjaContinuousFeedback: the atasan comments on an RHK's
// realisation and on one of its aktivitas; the pegawai sees both on the SKP
// and answers; every write is audited; others are refused and bad input
// changes nothing.
func TestKinerjaContinuousFeedback(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	d := h.demoKinerja()
	atasan, peg, other := h.as(auth.RoleAtasan), h.as(auth.RolePegawai), h.otherAtasan()
	skp := fmt.Sprintf("/kinerja/skp/%d", d.skp)
	form := atasan.get(skp)
	mustContain(t, form.body, fmt.Sprintf(`id="beri-umpan-balik-%d"`, d.rhk))
	if strings.Contains(peg.get(skp).body, `id="beri-umpan-balik-`) {
		t.Fatal("the pegawai is offered to give feedback on their own plan")
	}
	count := func() int64 { return h.count(`SELECT count(*) FROM umpan_balik_kinerja`) }
	// Refused: empty text (422), another OPD's atasan (403), the pegawai (403),
	// an aktivitas of another RHK (422).
	for name, c := range map[string]struct {
		cl     *client
		form   url.Values
		status int
	}{
		"empty":          {atasan, url.Values{"rhk_id": {itoa(d.rhk)}, "isi": {"  "}}, http.StatusUnprocessableEntity},
		"other atasan":   {other, url.Values{"rhk_id": {itoa(d.rhk)}, "isi": {"bukan bawahan"}}, http.StatusForbidden},
		"pegawai":        {peg, url.Values{"rhk_id": {itoa(d.rhk)}, "isi": {"diri sendiri"}}, http.StatusForbidden},
		"wrong activity": {atasan, url.Values{"rhk_id": {itoa(d.rhk)}, "aktivitas_id": {"999999"}, "isi": {"x"}}, http.StatusUnprocessableEntity},
		"bad rhk":        {atasan, url.Values{"rhk_id": {"abc"}, "isi": {"x"}}, http.StatusUnprocessableEntity},
	} {
		if r := c.cl.postForm("/kinerja/umpan-balik", c.form); r.status != c.status {
			t.Errorf("%s: %d, want %d", name, r.status, c.status)
		}
	}
	if count() != 0 {
		t.Fatal("a refused comment was stored")
	}
	// On the realisation, and on an aktivitas of the RHK.
	var akt int64
	h.db.Raw(`SELECT min(id) FROM aktivitas WHERE rhk_id = ? AND status = 'approved'`, d.rhk).Scan(&akt)
	if r := atasan.postForm("/kinerja/umpan-balik", url.Values{"rhk_id": {itoa(d.rhk)}, "isi": {"Realisasi SPJ bulan ini sudah baik, pertahankan."}}); r.status != http.StatusSeeOther {
		t.Fatalf("feedback: %d %s", r.status, r.body)
	}
	if r := atasan.postForm("/kinerja/umpan-balik", url.Values{"rhk_id": {itoa(d.rhk)}, "aktivitas_id": {itoa(akt)}, "isi": {"Lampirkan daftar puskesmas pada aktivitas ini."}}); r.status != http.StatusSeeOther {
		t.Fatalf("feedback on aktivitas: %d %s", r.status, r.body)
	}
	var first int64
	h.db.Raw(`SELECT min(id) FROM umpan_balik_kinerja`).Scan(&first)
	page := peg.get(skp)
	mustContain(t, page.body, "Realisasi SPJ bulan ini sudah baik", "Lampirkan daftar puskesmas", "tentang aktivitas:", fmt.Sprintf(`action="/kinerja/umpan-balik/%d/jawab"`, first))
	// The pegawai answers; the atasan cannot answer in their place.
	path := fmt.Sprintf("/kinerja/umpan-balik/%d/jawab", first)
	if r := atasan.postForm(path, url.Values{"jawaban": {"saya jawab sendiri"}}); r.status != http.StatusForbidden {
		t.Fatalf("atasan answers: %d", r.status)
	}
	if r := peg.postForm(path, url.Values{"jawaban": {""}}); r.status != http.StatusUnprocessableEntity || !strings.Contains(r.body, `id="err-jawaban"`) {
		t.Fatalf("empty answer: %d", r.status)
	}
	if r := peg.postForm(path, url.Values{"jawaban": {"Terima kasih, akan saya pertahankan."}}); r.status != http.StatusSeeOther {
		t.Fatalf("answer: %d %s", r.status, r.body)
	}
	mustContain(t, atasan.get(skp).body, "Terima kasih, akan saya pertahankan.")
	if h.count(`SELECT count(*) FROM audit_log WHERE action = 'kinerja.umpan_balik'`) != 2 || h.count(`SELECT count(*) FROM audit_log WHERE action = 'kinerja.umpan_balik_jawab'`) != 1 {
		t.Fatal("feedback not audited")
	}
}
