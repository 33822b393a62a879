package web

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/ekinerja/ekinerja/internal/auth"
	"github.com/ekinerja/ekinerja/internal/kinerja"
)

// berakhlakForm is a rating form on the seven core values: vals in the
// order of the acronym, each with feedback.
func berakhlakForm(hasil string, vals ...string) url.Values {
	f := url.Values{"hasil_kerja": {hasil}}
	for i, n := range kinerja.NilaiIntiAll {
		if i < len(vals) {
			f.Set("perilaku_"+string(n), vals[i])
			f.Set("umpan_balik_"+string(n), "Umpan balik "+n.Label()+" bulan ini.")
		}
	}
	return f
}

func TestPerilakuFromSevenValues(t *testing.T) {
	t.Parallel()
	mk := func(vals ...kinerja.Ekspektasi) []kinerja.PerilakuNilai {
		var out []kinerja.PerilakuNilai
		for i, v := range vals {
			out = append(out, kinerja.PerilakuNilai{Nilai: kinerja.NilaiIntiAll[i], Ekspektasi: v})
		}
		return out
	}
	A, S, B := kinerja.DiAtas, kinerja.Sesuai, kinerja.DiBawah
	for _, c := range []struct {
		name string
		in   []kinerja.PerilakuNilai
		want kinerja.Ekspektasi
	}{
		{"all sesuai", mk(S, S, S, S, S, S, S), S},
		{"four above", mk(A, A, A, A, S, S, S), A},
		{"three above", mk(A, A, A, S, S, S, S), S},
		{"four above, one below", mk(A, A, A, A, B, S, S), S},
		{"two below", mk(A, A, A, A, A, B, B), B},
		{"one below", mk(S, S, S, S, S, S, B), S},
		{"all above", mk(A, A, A, A, A, A, A), A},
	} {
		if got := kinerja.PerilakuFrom(c.in); got != c.want {
			t.Errorf("%s: %s, want %s", c.name, got, c.want)
		}
	}
}

// TestKinerjaBerakhlakRating: the atasan rates a month on the seven core
// values with feedback; the perilaku rating follows the stated rule, the
// predikat the matrix; a rating made before the core values stays readable;
// and the TPP computation pays by a predikat given this way, unchanged.
func TestKinerjaBerakhlakRating(t *testing.T) {
	t.Parallel()
	h := newRealSourcesHarness(t)
	atasan, peg, admin := h.as(auth.RoleAtasan), h.as(auth.RolePegawai), h.as(auth.RoleAdminOPD)
	pegID := h.count(`SELECT id FROM pegawai WHERE nip = ?`, login(t, auth.RolePegawai).NIP)
	opd := h.count(`SELECT opd_id FROM pegawai WHERE id = ?`, pegID)
	now := time.Now().In(h.cfg.Location)
	last := time.Date(now.Year(), now.Month(), 1, 0, 0, 0, 0, time.UTC).AddDate(0, -1, 0)
	pid := h.count(`SELECT id FROM penilaian_bulanan WHERE pegawai_id = ? AND tahun = ? AND bulan = ? AND predikat = 'baik'`, pegID, last.Year(), int(last.Month()))
	if pid == 0 {
		t.Fatal("no rated demo month")
	}
	// The old rating (one perilaku value, no core values) stays readable.
	old := peg.get(fmt.Sprintf("/kinerja/penilaian/%d", pid))
	mustContain(t, old.body, `id="perilaku-kerja">Sesuai ekspektasi`, `id="predikat">Baik`)
	if strings.Contains(old.body, `id="berakhlak"`) {
		t.Fatal("an old rating shows core values it never had")
	}

	// The pegawai submits this month; the atasan's form asks the seven values.
	form := url.Values{"bulan": {now.Format("2006-01")}, "ringkasan": {"Bulan ini selesai."}}
	var rhk []int64
	h.db.Raw(`SELECT r.id FROM rhk r JOIN skp k ON k.id = r.skp_id WHERE k.pegawai_id = ? AND k.tahun = ?`, pegID, now.Year()).Scan(&rhk)
	for _, r := range rhk {
		form.Set(fmt.Sprintf("realisasi_%d", r), "Tercapai")
	}
	if r := peg.postForm("/kinerja/penilaian", form); r.status != http.StatusSeeOther {
		t.Fatalf("submit month: %d %s", r.status, r.body)
	}
	cur := h.count(`SELECT id FROM penilaian_bulanan WHERE pegawai_id = ? AND tahun = ? AND bulan = ?`, pegID, now.Year(), int(now.Month()))
	path := fmt.Sprintf("/kinerja/penilaian/%d/nilai", cur)
	page := atasan.get(fmt.Sprintf("/kinerja/penilaian/%d", cur))
	for _, n := range kinerja.NilaiIntiAll {
		mustContain(t, page.body, `id="perilaku_`+string(n)+`"`, `id="umpan_balik_`+string(n)+`"`, n.Label())
	}
	// Bad input: 422 with the field's message, nothing stored.
	missing := berakhlakForm("di_atas", "di_atas", "di_atas", "di_atas", "di_atas", "sesuai", "sesuai", "sesuai")
	missing.Del("umpan_balik_kolaboratif")
	for name, bad := range map[string]url.Values{
		"a value without feedback": missing,
		"six values":               berakhlakForm("di_atas", "di_atas", "di_atas", "di_atas", "di_atas", "sesuai", "sesuai"),
		"a value not a rating":     berakhlakForm("di_atas", "luar_biasa", "di_atas", "di_atas", "di_atas", "sesuai", "sesuai", "sesuai"),
	} {
		r := atasan.postForm(path, bad)
		if r.status != http.StatusUnprocessableEntity || !strings.Contains(r.body, `id="err-`) {
			t.Errorf("%s: %d", name, r.status)
		}
	}
	if h.count(`SELECT count(*) FROM penilaian_bulanan WHERE id = ? AND status = 'submitted'`, cur) != 1 ||
		h.count(`SELECT count(*) FROM penilaian_perilaku WHERE penilaian_id = ?`, cur) != 0 {
		t.Fatal("a refused rating changed something")
	}
	// Four above, none below: perilaku di atas; with hasil di atas, Sangat Baik
	// (a posted perilaku_kerja is ignored: it follows from the values).
	good := berakhlakForm("di_atas", "di_atas", "di_atas", "di_atas", "di_atas", "sesuai", "sesuai", "sesuai")
	good.Set("perilaku_kerja", "di_bawah")
	if r := atasan.postForm(path, good); r.status != http.StatusSeeOther {
		t.Fatalf("rate: %d %s", r.status, r.body)
	}
	if h.count(`SELECT count(*) FROM penilaian_bulanan WHERE id = ? AND perilaku_kerja = 'di_atas' AND predikat = 'sangat_baik'`, cur) != 1 ||
		h.count(`SELECT count(*) FROM penilaian_perilaku WHERE penilaian_id = ?`, cur) != 7 ||
		h.count(`SELECT count(*) FROM audit_log WHERE action = 'kinerja.bulan_nilai' AND object_id = ? AND detail::jsonb->'berakhlak'->>'adaptif' = 'sesuai'`, itoa(cur)) != 1 {
		t.Fatal("seven-value rating not stored, derived or audited")
	}
	mine := peg.get(fmt.Sprintf("/kinerja/penilaian/%d", cur))
	mustContain(t, mine.body, `id="berakhlak"`, `id="berakhlak-kolaboratif"`, "Umpan balik Kolaboratif bulan ini.", `id="predikat">Sangat Baik`)

	// The last month corrected on the seven values: two below gives perilaku
	// di bawah, with hasil di atas Kurang/Misconduct; the TPP claim pays the
	// Kurang factor of the rule set (50% of produktivitas) by the same path
	// it always read.
	k := berakhlakForm("di_atas", "di_atas", "di_atas", "sesuai", "sesuai", "sesuai", "di_bawah", "di_bawah")
	k.Set("alasan", "Dua nilai BerAKHLAK ternyata di bawah ekspektasi bulan lalu")
	if r := atasan.postForm(fmt.Sprintf("/kinerja/penilaian/%d/koreksi", pid), k); r.status != http.StatusSeeOther {
		t.Fatalf("correct: %d %s", r.status, r.body)
	}
	if h.count(`SELECT count(*) FROM penilaian_bulanan WHERE id = ? AND perilaku_kerja = 'di_bawah' AND predikat = 'kurang'`, pid) != 1 {
		t.Fatal("correction on the seven values not derived")
	}
	if r := admin.postForm("/tpp/klaim/hitung", url.Values{"opd_id": {itoa(opd)}, "bulan": {last.Format("2006-01")}}); r.status != http.StatusSeeOther {
		t.Fatalf("compute: %d %s", r.status, r.body)
	}
	id := h.count(`SELECT id FROM tpp_claim WHERE opd_id = ? AND period = ?::date`, opd, last.Format(time.DateOnly))
	base, prod := h.count(`SELECT base FROM tpp_claim_pegawai WHERE claim_id = ? AND pegawai_id = ?`, id, pegID),
		h.count(`SELECT produktivitas FROM tpp_claim_pegawai WHERE claim_id = ? AND pegawai_id = ?`, id, pegID)
	if base == 0 || prod != base*6/10/2 {
		t.Fatalf("produktivitas %d of base %d: the Kurang from the seven values did not reach the claim", prod, base)
	}
}
