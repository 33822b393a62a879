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

// lastMonthPeriod is the quarter of last month (the demo's rated month).
func lastMonthPeriod(h *harness) (time.Time, string) {
	now := time.Now().In(h.cfg.Location)
	last := time.Date(now.Year(), now.Month(), 1, 0, 0, 0, 0, time.UTC).AddDate(0, -1, 0)
	return last, fmt.Sprintf("%d-tw%d", last.Year(), (int(last.Month())-1)/3+1)
}

func TestEvalProposalAndPattern(t *testing.T) {
	t.Parallel()
	A, S, B := kinerja.DiAtas, kinerja.Sesuai, kinerja.DiBawah
	m := func(h, p kinerja.Ekspektasi) kinerja.Penilaian {
		return kinerja.Penilaian{Status: kinerja.PenilaianRated, HasilKerja: h, PerilakuKerja: p}
	}
	for _, c := range []struct {
		name   string
		months []kinerja.Penilaian
		want   kinerja.Predikat
	}{
		{"none rated", []kinerja.Penilaian{{Status: kinerja.PenilaianSubmitted}}, ""},
		{"one month", []kinerja.Penilaian{m(S, S)}, kinerja.Baik},
		{"two of three above", []kinerja.Penilaian{m(A, A), m(S, S), m(A, A)}, kinerja.SangatBaik},
		{"tie goes to the latest", []kinerja.Penilaian{m(A, A), m(B, S)}, kinerja.ButuhPerbaikan},
		{"unrated months ignored", []kinerja.Penilaian{m(B, B), {Status: kinerja.PenilaianSubmitted}}, kinerja.SangatKurang},
	} {
		if got := kinerja.ProposalFrom(c.months).Predikat; got != c.want {
			t.Errorf("%s: %q, want %q", c.name, got, c.want)
		}
	}
	rows := func(counts ...int) []kinerja.DistribusiRow {
		var out []kinerja.DistribusiRow
		for i, p := range kinerja.Predikats {
			out = append(out, kinerja.DistribusiRow{Predikat: p, Count: counts[i]})
		}
		return out
	}
	for _, c := range []struct {
		name     string
		org      kinerja.PredikatOrganisasi
		counts   []int
		warnings int
	}{
		{"baik: all baik breaks both rules", kinerja.OrgBaik, []int{0, 10, 0, 0, 0}, 2},
		{"baik: 70% baik and some butuh perbaikan", kinerja.OrgBaik, []int{2, 7, 1, 0, 0}, 0},
		{"baik: 80% baik", kinerja.OrgBaik, []int{0, 8, 1, 1, 0}, 1},
		{"istimewa: 70% sangat baik", kinerja.OrgIstimewa, []int{7, 3, 0, 0, 0}, 0},
		{"istimewa: 80% sangat baik", kinerja.OrgIstimewa, []int{8, 2, 0, 0, 0}, 1},
		{"kurang: any sangat baik", kinerja.OrgKurang, []int{1, 1, 5, 3, 0}, 1},
		{"not recorded", "", []int{0, 10, 0, 0, 0}, 1},
	} {
		d := kinerja.Distribusi{Org: c.org, Rows: rows(c.counts...)}
		for _, n := range c.counts {
			d.Rated += n
		}
		d.Judge()
		if len(d.Warnings) != c.warnings {
			t.Errorf("%s: warnings %q, want %d", c.name, d.Warnings, c.warnings)
		}
	}
}

// TestKinerjaPeriodicEvaluationAndDistribution: a superadmin records the
// unit's predikat "Baik"; the atasan sees the quarter's proposal from the
// months and the unit's distribution with a warning (every rated employee
// "Baik"), confirms anyway (stored, the warning kept and audited), changes
// the yearly rating only with a reason; the verifikator sees every OPD.
func TestKinerjaPeriodicEvaluationAndDistribution(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	d := h.demoKinerja()
	atasan, peg, super, verif, other := h.as(auth.RoleAtasan), h.as(auth.RolePegawai), h.as(auth.RoleSuperadmin), h.as(auth.RoleVerifikator), h.otherAtasan()
	last, periode := lastMonthPeriod(h)
	opd := h.count(`SELECT opd_id FROM pegawai WHERE id = ?`, d.pegawai)

	// The organisation predikat: bad input 422, others 403, then recorded (audited).
	for name, c := range map[string]struct {
		cl     *client
		form   url.Values
		status int
	}{
		"bad predikat": {super, url.Values{"opd_id": {itoa(opd)}, "periode": {periode}, "predikat": {"hebat"}}, http.StatusUnprocessableEntity},
		"bad period":   {super, url.Values{"opd_id": {itoa(opd)}, "periode": {"2026-q5"}, "predikat": {"baik"}}, http.StatusUnprocessableEntity},
		"not kepala":   {atasan, url.Values{"opd_id": {itoa(opd)}, "periode": {periode}, "predikat": {"baik"}}, http.StatusForbidden},
		"verifikator":  {verif, url.Values{"opd_id": {itoa(opd)}, "periode": {periode}, "predikat": {"baik"}}, http.StatusForbidden},
	} {
		if r := c.cl.postForm("/kinerja/distribusi/predikat", c.form); r.status != c.status {
			t.Errorf("%s: %d, want %d", name, r.status, c.status)
		}
	}
	if h.count(`SELECT count(*) FROM predikat_organisasi`) != 0 {
		t.Fatal("a refused organisation predikat was stored")
	}
	if r := super.postForm("/kinerja/distribusi/predikat", url.Values{"opd_id": {itoa(opd)}, "periode": {periode}, "predikat": {"baik"}}); r.status != http.StatusSeeOther {
		t.Fatalf("record org predikat: %d %s", r.status, r.body)
	}
	if h.count(`SELECT count(*) FROM audit_log WHERE action = 'kinerja.predikat_organisasi' AND object_id = ?`, itoa(opd)) != 1 {
		t.Fatal("organisation predikat not audited")
	}

	// The atasan's page: proposal Baik, the unit's distribution and warning.
	page := atasan.get("/kinerja/evaluasi?pegawai_id=" + itoa(d.pegawai) + "&periode=" + periode)
	if page.status != http.StatusOK {
		t.Fatalf("evaluation page: %d %s", page.status, page.body)
	}
	mustContain(t, page.body, `id="usulan">Baik`, fmt.Sprintf(`id="peringatan-distribusi-%d"`, opd), "paling banyak 70% pegawai berpredikat Baik",
		"ada pegawai berpredikat Butuh Perbaikan atau Kurang/Misconduct", "<svg", `id="konfirmasi-evaluasi"`)
	if strings.Contains(peg.get("/kinerja/evaluasi?periode="+periode).body, `id="konfirmasi-evaluasi"`) {
		t.Fatal("the pegawai is offered to confirm their own evaluation")
	}
	// Changed without a reason: 422, nothing stored. Another OPD's atasan: 403.
	form := url.Values{"pegawai_id": {itoa(d.pegawai)}, "periode": {periode}, "hasil_kerja": {"di_atas"}, "perilaku_kerja": {"di_atas"}}
	if r := atasan.postForm("/kinerja/evaluasi", form); r.status != http.StatusUnprocessableEntity || !strings.Contains(r.body, `id="err-alasan"`) {
		t.Fatalf("change without reason: %d", r.status)
	}
	if r := other.postForm("/kinerja/evaluasi", url.Values{"pegawai_id": {itoa(d.pegawai)}, "periode": {periode}, "hasil_kerja": {"sesuai"}, "perilaku_kerja": {"sesuai"}}); r.status != http.StatusForbidden {
		t.Fatalf("other atasan: %d", r.status)
	}
	if h.count(`SELECT count(*) FROM evaluasi_kinerja`) != 0 {
		t.Fatal("a refused evaluation was stored")
	}
	// Confirmed anyway: stored with the broken pattern kept and audited.
	form.Set("hasil_kerja", "sesuai")
	form.Set("perilaku_kerja", "sesuai")
	r := atasan.postForm("/kinerja/evaluasi", form)
	if r.status != http.StatusSeeOther || !strings.Contains(r.header.Get("Location"), "evaluasi_konfirmasi_pola") {
		t.Fatalf("confirm: %d %s", r.status, r.header.Get("Location"))
	}
	q := strings.TrimPrefix(periode, fmt.Sprintf("%d-", last.Year()))
	if h.count(`SELECT count(*) FROM evaluasi_kinerja WHERE pegawai_id = ? AND periode = ? AND predikat = 'baik' AND pola_dilanggar AND bulan_dinilai = 1`, d.pegawai, q) != 1 ||
		h.count(`SELECT count(*) FROM audit_log WHERE action = 'kinerja.evaluasi_konfirmasi' AND detail::jsonb->>'pola_dilanggar' = 'true'`) != 1 {
		t.Fatal("evaluation not stored with its warning or not audited")
	}
	mustContain(t, peg.get("/kinerja/evaluasi?periode="+periode).body, `id="predikat-periode">Baik`)

	// The year: changed to Sangat Baik with a reason.
	year := fmt.Sprintf("%d-tahunan", last.Year())
	if r := atasan.postForm("/kinerja/evaluasi", url.Values{"pegawai_id": {itoa(d.pegawai)}, "periode": {year}, "hasil_kerja": {"di_atas"},
		"perilaku_kerja": {"di_atas"}, "alasan": {"Capaian melampaui target SPJ sepanjang tahun"}}); r.status != http.StatusSeeOther {
		t.Fatalf("yearly: %d %s", r.status, r.body)
	}
	if h.count(`SELECT count(*) FROM evaluasi_kinerja WHERE pegawai_id = ? AND periode = 'tahunan' AND predikat = 'sangat_baik' AND hasil_usulan = 'sesuai' AND alasan LIKE 'Capaian%'`, d.pegawai) != 1 {
		t.Fatal("yearly predikat not stored")
	}

	// The verifikator sees every active OPD's distribution.
	all := verif.get("/kinerja/distribusi?periode=" + periode)
	if n := int64(strings.Count(all.body, `class="card distribusi"`)); all.status != http.StatusOK || n != h.count(`SELECT count(*) FROM opd WHERE aktif`) {
		t.Fatalf("verifikator sees %d units (status %d)", n, all.status)
	}
	if r := atasan.get("/kinerja/distribusi?periode=" + periode); r.status != http.StatusForbidden {
		t.Fatalf("a non-head atasan sees the distribution page: %d", r.status)
	}
}
