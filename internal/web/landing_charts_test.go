package web

import (
	"html"
	"net/http"
	"regexp"
	"strconv"
	"testing"
	"time"

	"github.com/ekinerja/ekinerja/internal/auth"
	"github.com/ekinerja/ekinerja/internal/tpp"
)

// chartTable reads the data table of chart id from a page: row label →
// the last column's data-value (the bar's value).
func chartTable(t *testing.T, body, id string) map[string]int64 {
	t.Helper()
	tm := regexp.MustCompile(`(?s)<table class="chart-data" id="` + id + `-data">.*?</table>`).FindString(body)
	if tm == "" {
		t.Fatalf("page has no data table of chart %s", id)
	}
	out := map[string]int64{}
	row := regexp.MustCompile(`(?s)<tr><th scope="row">([^<]*)</th>(.*?)</tr>`)
	val := regexp.MustCompile(`data-value="(-?\d+)"`)
	for _, m := range row.FindAllStringSubmatch(tm, -1) {
		vs := val.FindAllStringSubmatch(m[2], -1)
		if len(vs) == 0 {
			t.Fatalf("row %q has no value", m[1])
		}
		out[html.UnescapeString(m[1])], _ = strconv.ParseInt(vs[len(vs)-1][1], 10, 64)
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
