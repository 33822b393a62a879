package web

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/ekinerja/ekinerja/internal/auth"
	"github.com/ekinerja/ekinerja/internal/tpp/claim"
)

// rowAttr reads attribute attr of the first element inside the table row
// that carries marker (e.g. data-opd="DINKES").
func rowAttr(t *testing.T, body, marker, attr string) int64 {
	t.Helper()
	i := strings.Index(body, marker)
	if i < 0 {
		t.Fatalf("no %s on the page", marker)
	}
	row := body[i:]
	row = row[:strings.Index(row, "</tr>")]
	j := strings.Index(row, attr+`="`)
	if j < 0 {
		t.Fatalf("row %s has no %s", marker, attr)
	}
	v := row[j+len(attr)+2:]
	n, err := strconv.ParseInt(v[:strings.Index(v, `"`)], 10, 64)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// TestTPPSimulationThroughTheRoutes: a superadmin makes version 2 of the
// rules through the rule pages (kelas 9 raised from Rp 5.000.000 to
// Rp 6.000.000, in force only from January 2027) and simulates it against
// DINKES's stored October 2026 claim. Only the worked example holds a kelas 9
// post; by hand, under version 2 she earns produktivitas 60% x 6.000.000 =
// 3.600.000 and disiplin 2.400.000 - TK 3% (72.000) - 2 x TL2 1% (48.000) =
// 2.280.000, gross 5.880.000, PPh 21 5% 294.000, BPJS 1% 58.800, net
// 5.527.200: Rp 921.200 more than her 4.606.000. The page and the API show
// that difference for DINKES and the regency, the year at that month's level
// (x 12) against the pagu, and her as the one who gains; nothing is stored
// but the audit row; bad parameters are refused with 422 and audit nothing.
func TestTPPSimulationThroughTheRoutes(t *testing.T) {
	t.Parallel()
	th := newTPPHarness(t)
	if err := th.db.Exec(`UPDATE jabatan SET kelas = 8 WHERE kelas = 9 AND id NOT IN (SELECT jabatan_id FROM riwayat_jabatan WHERE pegawai_id = ?)`, th.pegawaiID).Error; err != nil {
		t.Fatal(err)
	}
	super, admin := th.as(auth.RoleSuperadmin), th.as(auth.RoleAdminOPD)
	id := th.compute(admin)
	current := th.count(`SELECT sum(net) FROM tpp_claim_pegawai WHERE claim_id = ? AND error = ''`, id)
	if n := th.count(`SELECT net FROM tpp_claim_pegawai WHERE claim_id = ? AND pegawai_id = ?`, id, th.pegawaiID); n != 4_606_000 {
		t.Fatalf("worked example net %d", n)
	}
	if r := super.postForm("/tpp/pagu", url.Values{"opd_id": {itoa(th.dinkes)}, "tahun": {"2026"}, "jenis": {"apbd"}, "jumlah": {"100.000.000"}}); r.status != http.StatusSeeOther {
		t.Fatalf("pagu: %d", r.status)
	}
	r := super.postForm("/tpp/aturan/1/versi-baru", nil)
	m := claimRuleSetPath.FindStringSubmatch(r.header.Get("Location"))
	if r.status != http.StatusSeeOther || m == nil {
		t.Fatalf("versi baru: %d", r.status)
	}
	v2 := m[1]
	f := formOf(t, super.get("/tpp/aturan/"+v2).body)
	f.Set("base.table[8]", "6.000.000")
	f.Set("effective_from", "2027-01")
	if r := super.postForm("/tpp/aturan/"+v2, f); r.status != http.StatusSeeOther {
		t.Fatalf("save version 2: %d %s", r.status, r.body)
	}
	claims := th.count(`SELECT count(*) FROM tpp_claim`)
	rows := th.count(`SELECT count(*) FROM tpp_claim_pegawai`)

	form := super.get("/tpp/simulasi")
	mustContain(t, form.body, `id="simulasi-form"`, `value="`+v2+`"`)
	if strings.Contains(form.body, `<option value="1"`) {
		t.Fatal("the version in force is offered for simulation")
	}
	const gain = 921_200
	page := super.get("/tpp/simulasi?aturan=" + v2 + "&bulan=2026-10&jumlah=12")
	if page.status != http.StatusOK {
		t.Fatalf("simulasi: %d %s", page.status, page.body)
	}
	draft := current + gain
	for _, opd := range []string{`data-opd="DINKES"`, `data-opd="KABUPATEN"`} {
		if got := rowAttr(t, page.body, opd, "data-selisih"); got != gain {
			t.Errorf("%s difference %d, want %d", opd, got, gain)
		}
		if got := rowAttr(t, page.body, opd, "data-baru"); got != draft {
			t.Errorf("%s new rules %d, want %d", opd, got, draft)
		}
		if got := rowAttr(t, page.body, opd, "data-setahun"); got != 12*draft {
			t.Errorf("%s year %d, want %d", opd, got, 12*draft)
		}
	}
	if got := rowAttr(t, page.body, `data-opd="DINKES"`, "data-sisa-pagu"); got != 100_000_000-12*draft {
		t.Errorf("pagu left %d, want %d", got, 100_000_000-12*draft)
	}
	var nip string
	th.db.Raw(`SELECT nip FROM pegawai WHERE id = ?`, th.pegawaiID).Scan(&nip)
	naik := page.body[strings.Index(page.body, `id="simulasi-naik"`):]
	if got := rowAttr(t, naik, `data-nip="`+nip+`"`, "data-selisih"); got != gain || strings.Count(naik[:strings.Index(naik, "</table>")], "data-nip=") != 1 {
		t.Errorf("gainers: %d", got)
	}
	mustContain(t, page.body, "Rp 921.200", "Tidak ada.")

	api := super.get("/api/v1/tpp/simulasi?aturan=" + v2 + "&bulan=2026-10&jumlah=1")
	var sim claim.Simulation
	if err := json.Unmarshal([]byte(api.body), &sim); err != nil || api.status != http.StatusOK {
		t.Fatalf("api %d: %v", api.status, err)
	}
	if sim.Total.Current.Net != current || sim.Total.Draft.Net != draft || sim.Total.Months != 1 || sim.Total.EmployeeMonths != int(th.count(`SELECT count(*) FROM tpp_claim_pegawai WHERE claim_id = ? AND error = ''`, id)) ||
		len(sim.Gainers) != 1 || sim.Gainers[0].NIP != nip || sim.Gainers[0].Current != 4_606_000 || sim.Gainers[0].Draft != 5_527_200 || len(sim.Losers) != 0 {
		t.Fatalf("api simulation: %+v gainers %+v", sim.Total, sim.Gainers)
	}
	if th.count(`SELECT count(*) FROM tpp_claim`) != claims || th.count(`SELECT count(*) FROM tpp_claim_pegawai`) != rows {
		t.Fatal("a simulation stored claims")
	}
	audited := th.count(`SELECT count(*) FROM audit_log WHERE action = 'tpp.simulasi' AND object_id = ?`, v2)
	if audited != 2 {
		t.Fatalf("%d simulation audit rows", audited)
	}
	for _, tc := range []struct{ query, field string }{
		{"aturan=1&bulan=2026-10", "aturan"},
		{"aturan=" + v2 + "&jumlah=13", "jumlah"},
		{"aturan=" + v2 + "&bulan=Oktober", "bulan"},
		{"aturan=x", "aturan"},
		{"aturan=99999", "aturan"},
	} {
		r := super.get("/tpp/simulasi?" + tc.query)
		if r.status != http.StatusUnprocessableEntity || !strings.Contains(r.body, fmt.Sprintf(`id="err-%s"`, tc.field)) {
			t.Errorf("%s: %d", tc.query, r.status)
		}
		if r := super.get("/api/v1/tpp/simulasi?" + tc.query); r.status != http.StatusUnprocessableEntity {
			t.Errorf("api %s: %d", tc.query, r.status)
		}
	}
	if th.count(`SELECT count(*) FROM audit_log WHERE action = 'tpp.simulasi'`) != audited {
		t.Fatal("a refused simulation was audited")
	}
}
