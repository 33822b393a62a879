package web

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ekinerja/ekinerja/internal/auth"
)

// ack is the acknowledgement a money step's confirmation page posts.
func ack(v url.Values) url.Values {
	if v == nil {
		v = url.Values{}
	}
	v.Set("setuju", "ya")
	return v
}

// claimStep posts a workflow step of claim id and wants the redirect back.
func (th *tppHarness) claimStep(c *client, id int64, action string, form url.Values) {
	th.t.Helper()
	if r := c.postForm(fmt.Sprintf("/tpp/klaim/%d/%s", id, action), form); r.status != http.StatusSeeOther {
		th.t.Fatalf("%s claim %d: %d %s", action, id, r.status, r.body)
	}
}

// payForm is a valid payment of today.
func (th *tppHarness) payForm(sp2d string) url.Values {
	return ack(url.Values{"tanggal": {time.Now().In(th.cfg.Location).Format(time.DateOnly)}, "sp2d": {sp2d}})
}

// approveAndPay takes claim id from draft to paid through the routes.
func (th *tppHarness) approveAndPay(admin, verif *client, id int64, sp2d string) {
	th.t.Helper()
	th.claimStep(admin, id, "ajukan", ack(nil))
	th.claimStep(verif, id, "verifikasi", ack(nil))
	th.claimStep(verif, id, "setujui", ack(nil))
	th.claimStep(verif, id, "bayar", th.payForm(sp2d))
}

// bankLines reads claim id's bank file through its route: NIP (from the
// description) -> amount, and the TOTAL line's amount.
func bankLines(t *testing.T, verif *client, id int64) (map[string]int64, int64, string) {
	t.Helper()
	b := verif.get(fmt.Sprintf("/tpp/klaim/%d/bank.csv", id))
	if b.status != http.StatusOK {
		t.Fatalf("bank.csv %d: %d %s", id, b.status, b.body)
	}
	recs, err := csv.NewReader(strings.NewReader(b.body)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]int64{}
	var sum int64
	for _, r := range recs[1 : len(recs)-1] {
		v, err := strconv.ParseInt(r[2], 10, 64)
		if err != nil {
			t.Fatalf("bank line %q", r)
		}
		f := strings.Fields(r[3])
		out[f[len(f)-1]] += v
		sum += v
	}
	last := recs[len(recs)-1]
	if last[0] != "TOTAL" || last[2] != strconv.FormatInt(sum, 10) {
		t.Fatalf("bank TOTAL %q vs lines %d", last, sum)
	}
	return out, sum, b.header.Get("Content-Disposition")
}

// apiRows reads claim id's rows through the JSON API: NIP -> row.
func apiRows(t *testing.T, c *client, id int64) map[string]apiRow {
	t.Helper()
	r := c.get(fmt.Sprintf("/api/v1/tpp/klaim/%d", id))
	if r.status != http.StatusOK {
		t.Fatalf("api claim %d: %d", id, r.status)
	}
	var doc struct {
		Rows []apiRow `json:"pegawai"`
	}
	if err := json.Unmarshal([]byte(r.body), &doc); err != nil {
		t.Fatal(err)
	}
	out := map[string]apiRow{}
	for _, x := range doc.Rows {
		out[x.NIP] = x
	}
	return out
}

type apiRow struct {
	NIP          string
	Net          int64
	BankRekening string
	Error        string
	Paid         bool
}

// TestTPPHeldEmployeeIsPaidBySusulan is issue 18's "one employee blocks a
// whole OPD": an employee whose data cannot be computed is held out with the
// reason on the claim page, everybody else is submitted, approved and paid,
// and once her data is fixed a supplementary claim of the same OPD and month
// pays her, with its own exports and bank file, shown apart in the month.
func TestTPPHeldEmployeeIsPaidBySusulan(t *testing.T) {
	th := newTPPHarness(t)
	if err := th.db.Exec(`UPDATE pegawai SET bank_nama = 'Bank Bengkulu', bank_rekening = '00' || id::text || '12345', bank_atas_nama = nama`).Error; err != nil {
		t.Fatal(err)
	}
	admin, verif, peg := th.as(auth.RoleAdminOPD), th.as(auth.RoleVerifikator), th.as(auth.RolePegawai)
	held := th.count(`SELECT min(p.id) FROM pegawai p JOIN riwayat_jabatan rj ON rj.pegawai_id = p.id JOIN jabatan j ON j.id = rj.jabatan_id
WHERE j.opd_id = ? AND p.id <> ?`, th.dinkes, th.pegawaiID)
	var heldNIP string
	th.db.Raw(`SELECT nip FROM pegawai WHERE id = ?`, held).Scan(&heldNIP)
	if err := th.db.Exec(`UPDATE pegawai SET golongan = 'IX/z' WHERE id = ?`, held).Error; err != nil {
		t.Fatal(err)
	}
	id := th.compute(admin)
	page := admin.get(fmt.Sprintf("/tpp/klaim/%d", id)).body
	row := page[strings.Index(page, `data-nip="`+heldNIP+`"`):]
	row = row[:strings.Index(row, "</tr>")]
	mustContain(t, row, "Ditangguhkan", "golongan harus berbentuk")
	mustContain(t, page, "1 pegawai ditangguhkan", "Klaim bulanan")

	// The rest of the OPD goes through to paid.
	th.approveAndPay(admin, verif, id, "00001/SP2D/2026")
	employees := th.count(`SELECT employees FROM tpp_claim WHERE id = ?`, id)
	if n := th.count(`SELECT count(*) FROM tpp_bayar_pegawai WHERE claim_id = ?`, id); n != employees-1 {
		t.Fatalf("monthly claim pays %d of %d", n, employees)
	}
	monthly, _, disp := bankLines(t, verif, id)
	if _, in := monthly[heldNIP]; in || len(monthly) != int(employees-1) || strings.Contains(disp, "susulan") {
		t.Fatalf("monthly bank file %v (%s)", monthly, disp)
	}
	if r := peg.get(fmt.Sprintf("/tpp/slip/%d", id)); !strings.Contains(r.body, `data-status="paid"`) {
		t.Fatalf("a paid employee's slip does not say Dibayar")
	}

	// A susulan is refused while nothing is fixed? No: the held employee
	// waits, so it may be made; but first her data is fixed.
	if err := th.db.Exec(`UPDATE pegawai SET golongan = 'III/a' WHERE id = ?`, held).Error; err != nil {
		t.Fatal(err)
	}
	res := admin.postForm(fmt.Sprintf("/tpp/klaim/%d/susulan", id), nil)
	if res.status != http.StatusSeeOther {
		t.Fatalf("susulan: %d %s", res.status, res.body)
	}
	m := claimPath.FindStringSubmatch(res.header.Get("Location"))
	sus, _ := strconv.ParseInt(m[1], 10, 64)
	if sus == id || th.count(`SELECT susulan FROM tpp_claim WHERE id = ?`, sus) != 1 || th.count(`SELECT employees FROM tpp_claim WHERE id = ?`, sus) != 1 {
		t.Fatalf("susulan claim %d: not the one held employee", sus)
	}
	// A second susulan while this one is open is refused, and nothing is made.
	if r := verif.postForm(fmt.Sprintf("/tpp/klaim/%d/susulan", id), nil); r.status != http.StatusConflict {
		t.Fatalf("second susulan: %d", r.status)
	}
	if n := th.count(`SELECT count(*) FROM tpp_claim WHERE opd_id = ?`, th.dinkes); n != 2 {
		t.Fatalf("%d claims", n)
	}
	mustContain(t, admin.get(fmt.Sprintf("/tpp/klaim/%d", sus)).body, "Klaim susulan ke-1", heldNIP)
	th.approveAndPay(admin, verif, sus, "00002/SP2D/2026")
	lines, total, disp := bankLines(t, verif, sus)
	if len(lines) != 1 || lines[heldNIP] <= 0 || total != lines[heldNIP] || !strings.Contains(disp, "susulan-1") {
		t.Fatalf("susulan bank file %v (%s)", lines, disp)
	}
	if x := verif.get(fmt.Sprintf("/tpp/klaim/%d/nominatif", sus)); !strings.Contains(x.body, "KLAIM SUSULAN KE-1") {
		t.Fatal("susulan nominatif does not say so")
	}
	// The month shows the monthly and the supplementary claim apart.
	month := verif.get("/tpp/klaim?bulan=2026-10").body
	mustContain(t, month, `data-opd="DINKES" data-susulan="0"`, `data-opd="DINKES" data-susulan="1"`, "susulan ke-1")
	// Nothing is left waiting, so no further susulan.
	if r := verif.postForm(fmt.Sprintf("/tpp/klaim/%d/susulan", sus), nil); r.status != http.StatusConflict {
		t.Fatalf("susulan with nobody waiting: %d", r.status)
	}
	// Every employee of the month is paid exactly once.
	if n := th.count(`SELECT count(*) FROM tpp_bayar_pegawai WHERE opd_id = ? AND period = '2026-10-01'`, th.dinkes); n != employees {
		t.Fatalf("%d payments for %d employees", n, employees)
	}
}

// TestTPPNoEmployeePaidTwiceUnderConcurrentClicks makes a monthly and a
// supplementary claim that both hold the same employee (the susulan was
// computed, then the monthly claim reopened and recomputed with her data
// fixed) and fires approve and pay clicks on both at once: at most one claim
// pays her, the other approval is refused with 409, and the database holds
// one payment for her month.
func TestTPPNoEmployeePaidTwiceUnderConcurrentClicks(t *testing.T) {
	th := newTPPHarness(t)
	if err := th.db.Exec(`UPDATE pegawai SET bank_nama = 'Bank Bengkulu', bank_rekening = '00' || id::text || '12345', bank_atas_nama = nama`).Error; err != nil {
		t.Fatal(err)
	}
	admin, verif := th.as(auth.RoleAdminOPD), th.as(auth.RoleVerifikator)
	held := th.count(`SELECT min(p.id) FROM pegawai p JOIN riwayat_jabatan rj ON rj.pegawai_id = p.id JOIN jabatan j ON j.id = rj.jabatan_id
WHERE j.opd_id = ? AND p.id <> ?`, th.dinkes, th.pegawaiID)
	var heldNIP string
	th.db.Raw(`SELECT nip FROM pegawai WHERE id = ?`, held).Scan(&heldNIP)
	th.db.Exec(`UPDATE pegawai SET golongan = 'IX/z' WHERE id = ?`, held)
	id := th.compute(admin)
	th.claimStep(admin, id, "ajukan", ack(nil))
	th.claimStep(verif, id, "verifikasi", ack(nil))
	th.claimStep(verif, id, "setujui", ack(nil))
	th.db.Exec(`UPDATE pegawai SET golongan = 'III/a' WHERE id = ?`, held)
	res := admin.postForm(fmt.Sprintf("/tpp/klaim/%d/susulan", id), nil)
	m := claimPath.FindStringSubmatch(res.header.Get("Location"))
	if res.status != http.StatusSeeOther || m == nil {
		t.Fatalf("susulan: %d", res.status)
	}
	sus, _ := strconv.ParseInt(m[1], 10, 64)
	th.claimStep(verif, id, "buka", url.Values{"alasan": {"data golongan sudah diperbaiki"}})
	th.claimStep(admin, id, "hitung-ulang", nil)
	for _, c := range []int64{id, sus} {
		if n := th.count(`SELECT count(*) FROM tpp_claim_pegawai WHERE claim_id = ? AND pegawai_id = ? AND error = ''`, c, held); n != 1 {
			t.Fatalf("claim %d does not hold the fixed employee", c)
		}
		th.claimStep(admin, c, "ajukan", ack(nil))
		th.claimStep(verif, c, "verifikasi", ack(nil))
	}

	// Concurrent clicks: each claim approved three times and paid three
	// times, all at once, from separate sessions.
	var wg sync.WaitGroup
	var mu sync.Mutex
	approved := map[int64]int{}
	conflicts := 0
	for i := 0; i < 3; i++ {
		for _, c := range []int64{id, sus} {
			cl := th.as(auth.RoleVerifikator)
			tok := cl.csrf()
			withCSRF := func(v url.Values) url.Values { v.Set("csrf_token", tok); return v }
			wg.Add(2)
			go func() {
				defer wg.Done()
				r := cl.postRaw(fmt.Sprintf("/tpp/klaim/%d/setujui", c), withCSRF(ack(nil)))
				mu.Lock()
				defer mu.Unlock()
				switch r.status {
				case http.StatusSeeOther:
					approved[c]++
				case http.StatusConflict:
					conflicts++
				default:
					t.Errorf("approve %d: %d %s", c, r.status, r.body)
				}
			}()
			go func() {
				defer wg.Done()
				r := cl.postRaw(fmt.Sprintf("/tpp/klaim/%d/bayar", c), withCSRF(th.payForm(fmt.Sprintf("SP2D-%d", c))))
				if r.status != http.StatusSeeOther && r.status != http.StatusConflict {
					t.Errorf("pay %d: %d %s", c, r.status, r.body)
				}
			}()
		}
	}
	wg.Wait()
	// Pay whatever got approved (the racing pay clicks may have come first).
	for _, c := range []int64{id, sus} {
		if th.count(`SELECT count(*) FROM tpp_claim WHERE id = ? AND status = 'approved'`, c) == 1 {
			th.claimStep(verif, c, "bayar", th.payForm(fmt.Sprintf("SP2D-%d", c)))
		}
	}
	final := th.count(`SELECT count(*) FROM tpp_claim WHERE id IN (?, ?) AND status = 'paid'`, id, sus)
	if final != 1 || approved[id]+approved[sus] == 0 || conflicts == 0 {
		t.Fatalf("paid claims %d, approvals %v, conflicts %d: exactly one of the two may pay her", final, approved, conflicts)
	}
	// Through the pages: she is marked paid in exactly one claim, and in
	// exactly one bank file.
	paidIn, inBank := 0, 0
	for _, c := range []int64{id, sus} {
		if apiRows(t, verif, c)[heldNIP].Paid {
			paidIn++
		}
		if th.count(`SELECT count(*) FROM tpp_claim WHERE id = ? AND status = 'paid'`, c) == 1 {
			lines, _, _ := bankLines(t, verif, c)
			if lines[heldNIP] > 0 {
				inBank++
			}
		}
	}
	if paidIn != 1 || inBank != 1 {
		t.Fatalf("employee marked paid in %d claims, in %d bank files", paidIn, inBank)
	}
	if n := th.count(`SELECT count(*) FROM tpp_bayar_pegawai WHERE pegawai_id = ? AND period = '2026-10-01'`, held); n != 1 {
		t.Fatalf("%d payments of one employee-month", n)
	}
	// The database itself refuses a second payment row for her month.
	err := th.db.Exec(`INSERT INTO tpp_bayar_pegawai (pegawai_id, opd_id, period, claim_id, amount, bank_rekening)
SELECT pegawai_id, opd_id, period, claim_id, amount, bank_rekening FROM tpp_bayar_pegawai WHERE pegawai_id = ?`, held).Error
	if err == nil {
		t.Fatal("a second payment of one employee-month was stored")
	}
}
