package web

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/ekinerja/ekinerja/internal/auth"
	"github.com/ekinerja/ekinerja/internal/tpp/claim"
)

var ackToken = regexp.MustCompile(`name="konfirmasi" value="([^"]+)"`)

// ack opens the confirmation page of money step action of claim id as c and
// adds to form what it posts when the box is ticked: the acknowledgement and
// the claim's fingerprint as shown.
func (th *tppHarness) ack(c *client, id int64, action string, form url.Values) url.Values {
	th.t.Helper()
	return ackClaim(th.t, c, id, action, form)
}

// ackClaim is ack for tests without a tppHarness: it opens the confirmation
// page of money step action of claim id as c and adds the acknowledgement and
// the fingerprint it shows to form. Steps that are not money steps (return,
// reopen, recompute) have no confirmation page and pass form through.
func ackClaim(t testing.TB, c *client, id int64, action string, form url.Values) url.Values {
	t.Helper()
	if form == nil {
		form = url.Values{}
	}
	if !claim.Action(action).MoneyStep() {
		return form
	}
	r := c.get(fmt.Sprintf("/tpp/klaim/%d/%s", id, action))
	m := ackToken.FindStringSubmatch(r.body)
	if r.status != http.StatusOK || m == nil {
		t.Fatalf("confirmation page %s of claim %d: %d %s", action, id, r.status, r.body)
	}
	form.Set("setuju", "ya")
	form.Set("konfirmasi", m[1])
	return form
}

// ackStep takes money step action of claim id through its confirmation page.
func (th *tppHarness) ackStep(c *client, id int64, action string, form url.Values) {
	th.t.Helper()
	th.claimStep(c, id, action, th.ack(c, id, action, form))
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
	return url.Values{"tanggal": {time.Now().In(th.cfg.Location).Format(time.DateOnly)}, "sp2d": {sp2d}}
}

// approveAndPay takes claim id from draft to paid through the routes.
func (th *tppHarness) approveAndPay(admin, verif *client, id int64, sp2d string) {
	th.t.Helper()
	th.ackStep(admin, id, "ajukan", nil)
	th.ackStep(verif, id, "verifikasi", nil)
	th.ackStep(verif, id, "setujui", nil)
	th.ackStep(verif, id, "bayar", th.payForm(sp2d))
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
	t.Parallel()
	th := newTPPHarness(t)
	if err := th.db.Exec(`UPDATE pegawai SET bank_nama = 'Bank Bengkulu', bank_rekening = '00' || id::text || '12345', bank_atas_nama = nama`).Error; err != nil {
		t.Fatal(err)
	}
	admin, verif, peg := th.as(auth.RoleAdminOPD), th.as(auth.RoleVerifikator), th.as(auth.RolePegawai)
	held := th.count(`SELECT min(p.id) FROM pegawai p JOIN riwayat_jabatan rj ON rj.pegawai_id = p.id JOIN jabatan j ON j.id = rj.jabatan_id
WHERE j.opd_id = ? AND p.id <> ?`, th.dinkes, th.pegawaiID)
	var heldNIP string
	if err := th.db.Raw(`SELECT nip FROM pegawai WHERE id = ?`, held).Scan(&heldNIP).Error; err != nil {
		t.Fatal(err)
	}
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
	checkSusulanExportsApart(t, verif, id, sus, heldNIP)
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
	t.Parallel()
	th := newTPPHarness(t)
	if err := th.db.Exec(`UPDATE pegawai SET bank_nama = 'Bank Bengkulu', bank_rekening = '00' || id::text || '12345', bank_atas_nama = nama`).Error; err != nil {
		t.Fatal(err)
	}
	admin, verif := th.as(auth.RoleAdminOPD), th.as(auth.RoleVerifikator)
	held := th.count(`SELECT min(p.id) FROM pegawai p JOIN riwayat_jabatan rj ON rj.pegawai_id = p.id JOIN jabatan j ON j.id = rj.jabatan_id
WHERE j.opd_id = ? AND p.id <> ?`, th.dinkes, th.pegawaiID)
	var heldNIP string
	if err := th.db.Raw(`SELECT nip FROM pegawai WHERE id = ?`, held).Scan(&heldNIP).Error; err != nil {
		t.Fatal(err)
	}
	if err := th.db.Exec(`UPDATE pegawai SET golongan = 'IX/z' WHERE id = ?`, held).Error; err != nil {
		t.Fatal(err)
	}
	id := th.compute(admin)
	th.ackStep(admin, id, "ajukan", nil)
	th.ackStep(verif, id, "verifikasi", nil)
	th.ackStep(verif, id, "setujui", nil)
	if err := th.db.Exec(`UPDATE pegawai SET golongan = 'III/a' WHERE id = ?`, held).Error; err != nil {
		t.Fatal(err)
	}
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
		th.ackStep(admin, c, "ajukan", nil)
		th.ackStep(verif, c, "verifikasi", nil)
	}

	// Concurrent clicks, from separate sessions that each opened the
	// confirmation pages: first each claim approved three times at once,
	// then each paid three times at once (and approved again).
	type click struct {
		c    *client
		path string
		form url.Values
	}
	fire := func(clicks []click) map[string][]int {
		var wg sync.WaitGroup
		var mu sync.Mutex
		got := map[string][]int{}
		for _, k := range clicks {
			wg.Add(1)
			go func() {
				defer wg.Done()
				r := k.c.postRaw(k.path, k.form)
				mu.Lock()
				got[k.path] = append(got[k.path], r.status)
				mu.Unlock()
			}()
		}
		wg.Wait()
		return got
	}
	var sessions []*client
	for i := 0; i < 3; i++ {
		sessions = append(sessions, th.as(auth.RoleVerifikator))
	}
	var clicks []click
	for _, cl := range sessions {
		for _, c := range []int64{id, sus} {
			f := th.ack(cl, c, "setujui", nil)
			f.Set("csrf_token", cl.csrf())
			clicks = append(clicks, click{cl, fmt.Sprintf("/tpp/klaim/%d/setujui", c), f})
		}
	}
	approvals := fire(clicks)
	winners := 0
	for path, st := range approvals {
		ok := 0
		for _, code := range st {
			switch code {
			case http.StatusSeeOther:
				ok++
			case http.StatusConflict:
			default:
				t.Fatalf("%s: %d", path, code)
			}
		}
		if ok > 0 {
			winners++
		}
	}
	if winners != 1 {
		t.Fatalf("approvals %v: exactly one of the two claims holding her may be approved", approvals)
	}
	clicks = clicks[:0]
	for _, cl := range sessions {
		for _, c := range []int64{id, sus} {
			f := th.payForm(fmt.Sprintf("SP2D-%d", c))
			if th.count(`SELECT count(*) FROM tpp_claim WHERE id = ? AND status = 'approved'`, c) == 1 {
				f = th.ack(cl, c, "bayar", f)
			} else {
				f = th.ack(cl, c, "setujui", f) // the loser's own confirmation, still open
			}
			f.Set("csrf_token", cl.csrf())
			clicks = append(clicks, click{cl, fmt.Sprintf("/tpp/klaim/%d/bayar", c), f}, click{cl, fmt.Sprintf("/tpp/klaim/%d/setujui", c), f})
		}
	}
	for path, st := range fire(clicks) {
		for _, code := range st {
			if code != http.StatusSeeOther && code != http.StatusConflict {
				t.Fatalf("%s: %d", path, code)
			}
		}
	}
	final := th.count(`SELECT count(*) FROM tpp_claim WHERE id IN (?, ?) AND status = 'paid'`, id, sus)
	if final != 1 {
		t.Fatalf("%d claims paid: exactly one of the two may pay her", final)
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

// checkSusulanExportsApart: every export of supplementary claim sus (the
// printable list, .xlsx, PDF, bank file) is titled "Klaim susulan ke-1" and
// named apart, and holds the held employee; the monthly claim's exports
// never say susulan.
func checkSusulanExportsApart(t *testing.T, verif *client, monthly, sus int64, heldNIP string) {
	t.Helper()
	for _, tc := range []struct {
		id      int64
		susulan bool
	}{{monthly, false}, {sus, true}} {
		page := verif.get(fmt.Sprintf("/tpp/klaim/%d/nominatif", tc.id)).body
		x := verif.get(fmt.Sprintf("/tpp/klaim/%d/nominatif.xlsx", tc.id))
		f, err := excelize.OpenReader(bytes.NewReader([]byte(x.body)))
		if err != nil {
			t.Fatal(err)
		}
		rows, err := f.GetRows("Daftar Nominatif")
		if err != nil || len(rows) < 3 {
			t.Fatalf("xlsx rows: %v", err)
		}
		p := verif.get(fmt.Sprintf("/tpp/klaim/%d/nominatif.pdf", tc.id))
		pdf := strings.Join(pdfPages(t, []byte(p.body)), " ")
		_, _, bankDisp := bankLines(t, verif, tc.id)
		bank := verif.get(fmt.Sprintf("/tpp/klaim/%d/bank.csv", tc.id)).body
		recs, err := csv.NewReader(strings.NewReader(bank)).ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		total := recs[len(recs)-1][3]
		if tc.susulan {
			const title = "Klaim susulan ke-1, bulan Oktober 2026"
			mustContain(t, page, title)
			mustContain(t, pdf, title, "KLAIM SUSULAN KE-1", heldNIP)
			if rows[0][0] != "DAFTAR NOMINATIF KLAIM SUSULAN KE-1 TAMBAHAN PENGHASILAN PEGAWAI (TPP)" || rows[2][0] != title {
				t.Fatalf("susulan xlsx title %q / %q", rows[0][0], rows[2][0])
			}
			if !strings.HasPrefix(total, "Klaim susulan ke-1 TPP Oktober 2026") {
				t.Fatalf("susulan bank TOTAL %q", total)
			}
			for _, d := range []string{x.header.Get("Content-Disposition"), p.header.Get("Content-Disposition"), bankDisp} {
				if !strings.Contains(d, "-susulan-1-") {
					t.Fatalf("susulan file %q", d)
				}
			}
			continue
		}
		for name, body := range map[string]string{"page": page, "pdf": pdf, "xlsx title": rows[0][0] + rows[2][0], "bank": bank,
			"files": x.header.Get("Content-Disposition") + p.header.Get("Content-Disposition") + bankDisp} {
			if strings.Contains(strings.ToLower(body), "susulan ke-") || strings.Contains(body, "-susulan-") {
				t.Fatalf("monthly claim's %s says susulan", name)
			}
		}
		if !strings.HasPrefix(total, "Klaim bulanan TPP Oktober 2026") {
			t.Fatalf("monthly bank TOTAL %q", total)
		}
	}
}
