package web

import (
	"html"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/ekinerja/ekinerja/internal/auth"
	"github.com/ekinerja/ekinerja/internal/tpp"
	"github.com/ekinerja/ekinerja/views/pages"
)

// chartTable reads the data table of chart id from a page: row label →
// the last column's data-value (the bar's value).
func chartTable(t *testing.T, body, id string) map[string]int64 {
	t.Helper()
	out := map[string]int64{}
	for k, v := range chartRows(t, body, id) {
		out[k] = v[len(v)-1]
	}
	return out
}

// chartRows reads every value column of chart id's data table by row label.
func chartRows(t *testing.T, body, id string) map[string][]int64 {
	t.Helper()
	tm := regexp.MustCompile(`(?s)<table class="chart-data" id="` + id + `-data">.*?</table>`).FindString(body)
	if tm == "" {
		t.Fatalf("page has no data table of chart %s", id)
	}
	out := map[string][]int64{}
	row := regexp.MustCompile(`(?s)<tr><th scope="row">([^<]*)</th>(.*?)</tr>`)
	val := regexp.MustCompile(`data-value="(-?\d+)"`)
	for _, m := range row.FindAllStringSubmatch(tm, -1) {
		vs := val.FindAllStringSubmatch(m[2], -1)
		if len(vs) == 0 {
			t.Fatalf("row %q has no value", m[1])
		}
		for _, v := range vs {
			n, _ := strconv.ParseInt(v[1], 10, 64)
			out[html.UnescapeString(m[1])] = append(out[html.UnescapeString(m[1])], n)
		}
	}
	return out
}

// TestChartPegawaiTPPTwelveMonths: the pegawai's chart of net TPP over the
// last 12 months has one row per month, each the sum the database holds
// for the employee's monthly claims of that month.
func TestChartPegawaiTPPTwelveMonths(t *testing.T) {
	t.Parallel()
	th := newTPPHarness(t)
	h := th.harness
	th.compute(h.as(auth.RoleAdminOPD)) // October 2026
	body := h.as(auth.RolePegawai).get("/")
	if body.status != http.StatusOK {
		t.Fatalf("home: %d", body.status)
	}
	got := chartTable(t, body.body, "grafik-tpp-12")
	if len(got) != 12 {
		t.Errorf("%d months in the chart, want 12", len(got))
	}
	to := tpp.PeriodOf(time.Now().In(h.cfg.Location))
	nonZero := 0
	for p, i := to.First().AddDate(0, -11, 0), 0; i < 12; p, i = p.AddDate(0, 1, 0), i+1 {
		want := h.count(`SELECT coalesce(sum(r.net), 0) FROM tpp_claim_pegawai r JOIN tpp_claim c ON c.id = r.claim_id
WHERE r.pegawai_id = ? AND c.jenis = 'bulanan' AND c.period = ?::date`, th.pegawaiID, p.Format(time.DateOnly))
		label := tpp.PeriodOf(p).String()
		if v, ok := got[label]; !ok || v != want {
			t.Errorf("%s: chart %d (present %v), database %d", label, v, ok, want)
		}
		if want != 0 {
			nonZero++
		}
	}
	oct := time.Date(2026, time.October, 1, 0, 0, 0, 0, time.UTC)
	if inWindow := !oct.After(to.First()) && !oct.Before(to.First().AddDate(0, -11, 0)); inWindow && nonZero == 0 {
		t.Error("the computed October claim does not show in the chart")
	}
}

// TestChartClaimsPipeline: the verifikator's and superadmin's chart of the
// month's claims counts, per step, the active OPDs the database has at
// that step (after one OPD computed its claim).
func TestChartClaimsPipeline(t *testing.T) {
	t.Parallel()
	th := newTPPHarness(t)
	h := th.harness
	month := defaultMonth(time.Now().In(h.cfg.Location))
	// Drawn once before the computation: the chart is kept by content
	// (components.SharedBarChart), so the view after it must show the
	// new counts, not the drawing kept from this one.
	before := chartTable(t, h.as(auth.RoleVerifikator).get("/").body, "grafik-alur-klaim")
	res := h.as(auth.RoleAdminOPD).postForm("/tpp/klaim/hitung", map[string][]string{"opd_id": {itoa(th.dinkes)}, "bulan": {month.Param()}})
	if res.status != http.StatusSeeOther {
		t.Fatalf("compute: %d %s", res.status, res.body)
	}
	q := func(cond string) int64 {
		return h.count(`SELECT count(*) FROM opd o LEFT JOIN tpp_claim c ON c.opd_id = o.id AND c.period = ?::date AND c.jenis = 'bulanan' AND c.susulan = 0
WHERE o.aktif AND `+cond, month.First().Format(time.DateOnly))
	}
	want := map[string]int64{
		"Belum dihitung":         q(`c.id IS NULL`),
		"Draf dengan peringatan": q(`c.status = 'draft' AND jsonb_array_length(c.warnings) > 0`),
		"Draf, belum diajukan":   q(`c.status = 'draft' AND jsonb_array_length(c.warnings) = 0`),
	}
	for _, st := range []struct{ status, label string }{{"returned", "Dikembalikan"}, {"submitted", "Diajukan"}, {"verified", "Diverifikasi"}, {"approved", "Disetujui"}, {"paid", "Dibayar"}} {
		want[st.label] = q(`c.status = '` + st.status + `'`)
	}
	if want["Belum dihitung"] == 0 || want["Draf dengan peringatan"]+want["Draf, belum diajukan"] != 1 {
		t.Fatalf("fixture: %v", want)
	}
	if before["Belum dihitung"] != want["Belum dihitung"]+1 {
		t.Fatalf("before the computation the chart had %d OPDs not computed, after it the database has %d", before["Belum dihitung"], want["Belum dihitung"])
	}
	for _, role := range []auth.Role{auth.RoleVerifikator, auth.RoleSuperadmin} {
		t.Run(string(role), func(t *testing.T) {
			body := h.as(role).get("/")
			got := chartTable(t, body.body, "grafik-alur-klaim")
			for label, n := range want {
				if got[label] != n {
					t.Errorf("%s: chart %d, database %d", label, got[label], n)
				}
			}
			if len(got) != len(want) {
				t.Errorf("chart rows %v, want %v", got, want)
			}
		})
	}
}

// TestChartPaguAndPredikatPerOPD: the verifikator's charts of the year's TPP
// per OPD against the pagu and of the month's predikat per OPD hold, for
// every active OPD, the numbers the database has.
func TestChartPaguAndPredikatPerOPD(t *testing.T) {
	t.Parallel()
	th := newTPPHarness(t)
	h := th.harness
	now := time.Now().In(h.cfg.Location)
	month := defaultMonth(now)
	if err := h.db.Exec(`INSERT INTO tpp_pagu (opd_id, tahun, jenis, amount) VALUES (?, ?, 'apbd', 900000000), (?, ?, 'apbd_p', 1250000000)`,
		th.dinkes, now.Year(), th.dinkes, now.Year()).Error; err != nil {
		t.Fatal(err)
	}
	// Two more rated employees of the month: one baik, one sangat baik.
	before := h.count(`SELECT count(*) FROM penilaian_bulanan b JOIN pegawai p ON p.id = b.pegawai_id AND p.keadaan = 'aktif' WHERE b.status = 'rated' AND b.tahun = ? AND b.bulan = ?`, month.Year, month.Month)
	if err := h.db.Exec(`INSERT INTO penilaian_bulanan (pegawai_id, tahun, bulan, status, hasil_kerja, perilaku_kerja, predikat, rated_at)
SELECT id, ?, ?, 'rated', 'sesuai', 'sesuai', CASE WHEN row_number() OVER (ORDER BY id) = 1 THEN 'baik' ELSE 'sangat_baik' END, now()
FROM (SELECT id FROM pegawai WHERE keadaan = 'aktif' AND id NOT IN (SELECT pegawai_id FROM penilaian_bulanan WHERE tahun = ? AND bulan = ?) ORDER BY id LIMIT 2) p`, month.Year, month.Month, month.Year, month.Month).Error; err != nil {
		t.Fatal(err)
	}
	body := h.as(auth.RoleVerifikator).get("/").body
	var opds []struct {
		ID   int64
		Nama string
	}
	if err := h.db.Raw(`SELECT id, nama FROM opd WHERE aktif ORDER BY kode`).Scan(&opds).Error; err != nil {
		t.Fatal(err)
	}
	pagu, pred := chartRows(t, body, "grafik-pagu"), chartRows(t, body, "grafik-predikat")
	if len(pagu) != len(opds) || len(pred) != len(opds) {
		t.Fatalf("chart rows: pagu %d, predikat %d, active OPDs %d", len(pagu), len(pred), len(opds))
	}
	rated := int64(0)
	for _, o := range opds {
		amount := h.count(`SELECT coalesce((SELECT amount FROM tpp_pagu WHERE opd_id = ? AND tahun = ? ORDER BY id DESC LIMIT 1), 0)`, o.ID, now.Year())
		paid := h.count(`SELECT coalesce(sum(b.amount), 0) FROM tpp_bayar_pegawai b JOIN tpp_claim c ON c.id = b.claim_id WHERE b.opd_id = ? AND c.status = 'paid' AND extract(year FROM b.period) = ?`, o.ID, now.Year())
		appr := h.count(`SELECT coalesce(sum(b.amount), 0) FROM tpp_bayar_pegawai b JOIN tpp_claim c ON c.id = b.claim_id WHERE b.opd_id = ? AND c.status = 'approved' AND extract(year FROM b.period) = ?`, o.ID, now.Year())
		left := max(amount-paid-appr, 0)
		if g := pagu[o.Nama]; len(g) != 4 || g[0] != paid || g[1] != appr || g[2] != left || g[3] != amount {
			t.Errorf("pagu %s: chart %v, database paid %d approved %d left %d pagu %d", o.Nama, g, paid, appr, left, amount)
		}
		var want []int64
		for _, k := range []string{"sangat_baik", "baik", "butuh_perbaikan", "kurang", "sangat_kurang"} {
			want = append(want, h.count(`SELECT count(*) FROM pegawai p JOIN penilaian_bulanan b ON b.pegawai_id = p.id AND b.status = 'rated' AND b.tahun = ? AND b.bulan = ?
WHERE p.opd_id = ? AND p.keadaan = 'aktif' AND b.predikat = ?`, month.Year, month.Month, o.ID, k))
		}
		all := h.count(`SELECT count(*) FROM pegawai WHERE opd_id = ? AND keadaan = 'aktif'`, o.ID)
		var sum int64
		for _, n := range want {
			sum += n
		}
		rated += sum
		want = append(want, all-sum, all)
		g := pred[o.Nama]
		if len(g) != len(want) {
			t.Errorf("predikat %s: chart %v, database %v", o.Nama, g, want)
			continue
		}
		for i := range want {
			if g[i] != want[i] {
				t.Errorf("predikat %s: chart %v, database %v", o.Nama, g, want)
				break
			}
		}
	}
	if rated != before+2 {
		t.Errorf("%d rated employees counted, want %d and the 2 inserted", rated, before)
	}
	if pagu[opds[0].Nama] == nil {
		t.Error("no pagu row")
	}
}

// TestChartAtasanTeam: the atasan's charts of the team's minutes and
// predikat match the subordinates' aktivitas and ratings in the database.
func TestChartAtasanTeam(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	d := h.demoKinerja()
	pegawai := h.pegawaiID(auth.RolePegawai)
	today := time.Now().In(h.cfg.Location)
	first := time.Date(today.Year(), today.Month(), 1, 0, 0, 0, 0, time.UTC)
	for i, st := range []string{"approved", "approved", "submitted"} {
		if err := h.db.Exec(`INSERT INTO aktivitas (pegawai_id, rhk_id, tanggal, uraian, output_jumlah, output_satuan, menit, status, submitted_at)
VALUES (?, ?, ?, 'Menyusun laporan', 1, 'dokumen', ?, ?, now())`, pegawai, d.rhk, first, 90+i*15, st).Error; err != nil {
			t.Fatal(err)
		}
	}
	body := h.as(auth.RoleAtasan).get("/").body
	minutes, pred := chartRows(t, body, "grafik-menit-tim"), chartTable(t, body, "grafik-predikat-tim")
	var team []struct {
		ID   int64
		Nama string
	}
	if err := h.db.Raw(`SELECT p.id, p.nama FROM pegawai p WHERE p.id IN (SELECT pegawai_id FROM riwayat_jabatan rj JOIN jabatan j ON j.id = rj.jabatan_id
WHERE rj.jenis = 'definitif' AND rj.selesai IS NULL AND j.atasan_jabatan_id = (SELECT jabatan_id FROM riwayat_jabatan WHERE pegawai_id = ? AND jenis = 'definitif' AND selesai IS NULL LIMIT 1))`,
		h.pegawaiID(auth.RoleAtasan)).Scan(&team).Error; err != nil {
		t.Fatal(err)
	}
	if len(team) == 0 || len(minutes) != len(team) {
		t.Fatalf("chart has %d subordinates, database %d", len(minutes), len(team))
	}
	var rated int64
	for _, m := range team {
		sum := func(st string) int64 {
			return h.count(`SELECT coalesce(sum(menit), 0) FROM aktivitas WHERE pegawai_id = ? AND status = ? AND tanggal >= ? AND tanggal < ?`, m.ID, st, first, first.AddDate(0, 1, 0))
		}
		a, s := sum("approved"), sum("submitted")
		if g := minutes[m.Nama]; len(g) != 3 || g[0] != a || g[1] != s || g[2] != a+s {
			t.Errorf("%s: chart %v, database approved %d submitted %d", m.Nama, g, a, s)
		}
		rated += h.count(`SELECT count(*) FROM penilaian_bulanan WHERE pegawai_id = ? AND status = 'rated' AND tahun = ? AND bulan = ?`, m.ID, first.Year(), int(first.Month()))
	}
	var nama string
	h.db.Raw(`SELECT nama FROM pegawai WHERE id = ?`, pegawai).Scan(&nama)
	if g := minutes[nama]; len(g) != 3 || g[0] < 195 || g[1] < 120 {
		t.Error("the pegawai with minutes is not in the chart")
	}
	if got := pred["Belum dinilai"]; got != int64(len(team))-rated {
		t.Errorf("not rated: chart %d, database %d", got, int64(len(team))-rated)
	}
}

// TestChartDisciplinePerOPD: the verifikator's and superadmin's chart of
// the month's TK days and TL days per OPD holds, for every active OPD, what
// the test's own SQL counts over the default schedule's work days: a work
// day without any time is TK, a day with a time in one minute or more after
// the start (or with a time out only) is TL.
func TestChartDisciplinePerOPD(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	month := defaultMonth(time.Now().In(h.cfg.Location))
	first := month.First()
	last := first.AddDate(0, 1, -1)
	from, till := first.Format(time.DateOnly), last.Format(time.DateOnly)
	// The SQL below judges by the default schedule only: the fixture has no
	// assignments, leave or corrections in the month.
	if n := h.count(`SELECT (SELECT count(*) FROM jadwal_kerja_penugasan) + (SELECT count(*) FROM koreksi_kehadiran WHERE tanggal BETWEEN ?::date AND ?::date)
 + (SELECT count(*) FROM cuti WHERE status = 'disetujui' AND mulai <= ?::date AND selesai >= ?::date)`, from, till, till, from); n != 0 {
		t.Fatalf("fixture has %d schedule assignments, corrections or leave", n)
	}
	// Three employees of the first OPD with employees: one on time every
	// day, one 15 minutes late on the first ten days (07:30:59 on the rest:
	// on time), one with only a time out on the 5th and nothing else.
	var peg []int64
	if err := h.db.Raw(`SELECT p.id FROM pegawai p JOIN opd o ON o.id = p.opd_id AND o.aktif WHERE p.keadaan = 'aktif'
AND p.opd_id = (SELECT opd_id FROM pegawai WHERE keadaan = 'aktif' GROUP BY opd_id HAVING count(*) >= 3 ORDER BY opd_id LIMIT 1) ORDER BY p.id LIMIT 3`).Scan(&peg).Error; err != nil || len(peg) != 3 {
		t.Fatalf("fixture employees %v: %v", peg, err)
	}
	if err := h.db.Exec(`INSERT INTO kehadiran (pegawai_id, tanggal, jam_masuk, jam_pulang)
SELECT ?::bigint, d, 7*3600 + 25*60, 16*3600 + 5*60 FROM generate_series(?::date, ?::date, '1 day') d
UNION ALL SELECT ?::bigint, d, CASE WHEN extract(day FROM d) <= 10 THEN 7*3600 + 45*60 ELSE 7*3600 + 30*60 + 59 END, 16*3600 + 35*60 FROM generate_series(?::date, ?::date, '1 day') d
UNION ALL SELECT ?::bigint, ?::date + 4, NULL::int, 16*3600 + 30*60`, peg[0], from, till, peg[1], from, till, peg[2], from).Error; err != nil {
		t.Fatal(err)
	}
	type counts struct{ TK, TL int64 }
	want := func(opdID int64) counts {
		var c counts
		if err := h.db.Raw(`WITH work AS (
  SELECT p.id, d::date AS d, split_part(j.pola[extract(dow FROM d)::int + 1], '-', 1)::time AS start
  FROM pegawai p CROSS JOIN generate_series(?::date, ?::date, '1 day') d JOIN jadwal_kerja j ON j.bawaan
  WHERE p.opd_id = ? AND p.keadaan = 'aktif' AND j.pola[extract(dow FROM d)::int + 1] <> '' AND d::date NOT IN (SELECT tanggal FROM hari_libur))
SELECT count(*) FILTER (WHERE k.pegawai_id IS NULL OR (k.jam_masuk IS NULL AND k.jam_pulang IS NULL)) AS tk,
  count(*) FILTER (WHERE k.jam_masuk IS NULL AND k.jam_pulang IS NOT NULL OR k.jam_masuk >= extract(epoch FROM w.start) + 60) AS tl
FROM work w LEFT JOIN kehadiran k ON k.pegawai_id = w.id AND k.tanggal = w.d`, from, till, opdID).Scan(&c).Error; err != nil {
			t.Fatal(err)
		}
		return c
	}
	var opds []struct {
		ID   int64
		Nama string
	}
	if err := h.db.Raw(`SELECT id, nama FROM opd WHERE aktif ORDER BY kode`).Scan(&opds).Error; err != nil {
		t.Fatal(err)
	}
	for _, role := range []auth.Role{auth.RoleVerifikator, auth.RoleSuperadmin} {
		t.Run(string(role), func(t *testing.T) {
			rows := chartRows(t, h.as(role).get("/").body, "grafik-presensi")
			if len(rows) != len(opds) {
				t.Fatalf("chart has %d OPDs, database %d active", len(rows), len(opds))
			}
			var tl int64
			for _, o := range opds {
				w, g := want(o.ID), rows[o.Nama]
				if len(g) != 3 || g[0] != w.TK || g[1] != w.TL || g[2] != w.TK+w.TL {
					t.Errorf("%s: chart %v, database TK %d TL %d", o.Nama, g, w.TK, w.TL)
				}
				tl += w.TL
			}
			if tl == 0 {
				t.Error("the fixture's late days do not show")
			}
		})
	}
}

// TestRegencyChartsAreSnapshots: the predikat and attendance charts over
// every OPD are snapshots (internal/snapshot): a rating given after a view
// does not show on the next view within the TTL, for either role that
// sees them, and the page says how fresh they are.
func TestRegencyChartsAreSnapshots(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	month := defaultMonth(time.Now().In(h.cfg.Location))
	ver, super := h.as(auth.RoleVerifikator), h.as(auth.RoleSuperadmin)
	total := func(body string) (n int64) {
		for _, g := range chartRows(t, body, "grafik-predikat") {
			for _, v := range g[:5] {
				n += v
			}
		}
		return n
	}
	first := ver.get("/").body
	before := total(first)
	if !strings.Contains(first, pages.SnapshotNote) {
		t.Fatal("the page does not say the charts are a snapshot")
	}
	if err := h.db.Exec(`INSERT INTO penilaian_bulanan (pegawai_id, tahun, bulan, status, hasil_kerja, perilaku_kerja, predikat, rated_at)
SELECT id, ?, ?, 'rated', 'sesuai', 'sesuai', 'baik', now() FROM pegawai
WHERE keadaan = 'aktif' AND id NOT IN (SELECT pegawai_id FROM penilaian_bulanan WHERE tahun = ? AND bulan = ?) ORDER BY id LIMIT 1`,
		month.Year, month.Month, month.Year, month.Month).Error; err != nil {
		t.Fatal(err)
	}
	rated := h.count(`SELECT count(*) FROM penilaian_bulanan b JOIN pegawai p ON p.id = b.pegawai_id AND p.keadaan = 'aktif' JOIN opd o ON o.id = p.opd_id AND o.aktif
WHERE b.status = 'rated' AND b.tahun = ? AND b.bulan = ?`, month.Year, month.Month)
	if rated != before+1 {
		t.Fatalf("fixture: %d rated in the database, the chart had %d before the insert", rated, before)
	}
	for name, c := range map[string]*client{"verifikator": ver, "superadmin": super} {
		if got := total(c.get("/").body); got != before {
			t.Errorf("%s: the chart counts %d rated within the TTL, want the snapshot's %d", name, got, before)
		}
	}
}
