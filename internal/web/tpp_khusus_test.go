package web

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/ekinerja/ekinerja/internal/auth"
	"github.com/ekinerja/ekinerja/internal/tpp/claim"
)

// khususForm is a THR / gaji-13 decision as the superadmin's form posts it.
func khususForm(jenis, bulan, persen string, potongan bool, eligible ...string) url.Values {
	f := url.Values{"jenis": {jenis}, "tahun": {bulan[:4]}, "bulan_dasar": {bulan}, "persen": {persen}, "dasar_hukum": {"PP 14/2024 (uji)"}}
	for _, e := range eligible {
		f.Set(e, "ya")
	}
	if potongan {
		f.Set("dengan_potongan", "ya")
	}
	return f
}

// recordKhusus posts a decision as superadmin and returns its id.
func (th *tppHarness) recordKhusus(super *client, f url.Values) int64 {
	th.t.Helper()
	if r := super.postForm("/tpp/khusus", f); r.status != http.StatusSeeOther {
		th.t.Fatalf("record decision: %d %s", r.status, r.body)
	}
	return th.count(`SELECT id FROM tpp_khusus WHERE jenis = ? AND tahun = ?`, f.Get("jenis"), f.Get("tahun"))
}

// computeKhusus computes decision k for opd as c and returns the claim id.
func (th *tppHarness) computeKhusus(c *client, k, opd int64) int64 {
	th.t.Helper()
	res := c.postForm(fmt.Sprintf("/tpp/khusus/%d/hitung", k), url.Values{"opd_id": {itoa(opd)}})
	if res.status != http.StatusSeeOther {
		th.t.Fatalf("compute special: %d %s", res.status, res.body)
	}
	m := claimPath.FindStringSubmatch(res.header.Get("Location"))
	if m == nil {
		th.t.Fatalf("redirect %q", res.header.Get("Location"))
	}
	id, _ := strconv.ParseInt(m[1], 10, 64)
	return id
}

// xlsxNet reads claim id's daftar nominatif through its route: NIP -> TPP bersih.
func xlsxNet(t *testing.T, c *client, id int64) map[string]int64 {
	t.Helper()
	x := c.get(fmt.Sprintf("/tpp/klaim/%d/nominatif.xlsx", id))
	if x.status != http.StatusOK {
		t.Fatalf("xlsx %d: %d", id, x.status)
	}
	f, err := excelize.OpenReader(bytes.NewReader([]byte(x.body)))
	if err != nil {
		t.Fatal(err)
	}
	rows, err := f.GetRows("Daftar Nominatif", excelize.Options{RawCellValue: true})
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]int64{}
	for _, r := range rows[claim.NominatifHeaderRow:] {
		if len(r) < 15 || r[2] == "JUMLAH" {
			continue
		}
		if v, err := strconv.ParseInt(r[14], 10, 64); err == nil {
			out[r[1]] = v
		}
	}
	return out
}

// TestTPPTHRAndGaji13DraftToPaid is issue 11's special claims: a superadmin
// records the year's THR and gaji-13 decisions (a wrong one is refused with
// its messages and stores nothing), each is computed per OPD from its basis
// month with its own percentage, eligibility and deductions, goes through
// the same workflow to paid, and its bank file, daftar nominatif and the
// employee's slip say the same amounts to the rupiah. The decision is then
// locked, and the month's own claim still pays the same employees.
func TestTPPTHRAndGaji13DraftToPaid(t *testing.T) {
	t.Parallel()
	th := newTPPHarness(t)
	if err := th.db.Exec(`UPDATE pegawai SET bank_nama = 'Bank Bengkulu', bank_rekening = '00' || id::text || '77', bank_atas_nama = nama`).Error; err != nil {
		t.Fatal(err)
	}
	super, admin, verif, peg := th.as(auth.RoleSuperadmin), th.as(auth.RoleAdminOPD), th.as(auth.RoleVerifikator), th.as(auth.RolePegawai)
	var nip string
	if err := th.db.Raw(`SELECT nip FROM pegawai WHERE id = ?`, th.pegawaiID).Scan(&nip).Error; err != nil {
		t.Fatal(err)
	}
	// One CPNS of DINKES: not eligible for this THR.
	cpns := th.count(`SELECT min(p.id) FROM pegawai p JOIN riwayat_jabatan rj ON rj.pegawai_id = p.id JOIN jabatan j ON j.id = rj.jabatan_id
WHERE j.opd_id = ? AND p.id <> ?`, th.dinkes, th.pegawaiID)
	var cpnsNIP string
	if err := th.db.Raw(`UPDATE pegawai SET status_asn = 'CPNS', golongan = 'III/a' WHERE id = ? RETURNING nip`, cpns).Scan(&cpnsNIP).Error; err != nil {
		t.Fatal(err)
	}

	for _, bad := range []struct {
		name  string
		form  url.Values
		field string
	}{
		{"over one month", khususForm("thr", "2026-10", "150", false, "pns"), "persen"},
		{"nobody eligible", khususForm("thr", "2026-10", "100", false), "penerima"},
		{"basis month of another year", func() url.Values {
			f := khususForm("thr", "2026-10", "100", false, "pns")
			f.Set("tahun", "2027")
			return f
		}(), "bulan_dasar"},
		{"not a number", khususForm("gaji13", "2026-10", "seratus", false, "pns"), "persen"},
	} {
		r := super.postForm("/tpp/khusus", bad.form)
		if r.status != http.StatusUnprocessableEntity || !strings.Contains(r.body, `id="err-`+bad.field+`"`) {
			t.Fatalf("%s: %d, want 422 on %s", bad.name, r.status, bad.field)
		}
	}
	if n := th.count(`SELECT count(*) FROM tpp_khusus`); n != 0 {
		t.Fatalf("refused decisions stored %d rows", n)
	}
	if r := admin.postForm("/tpp/khusus", khususForm("thr", "2026-10", "100", false, "pns")); r.status != http.StatusForbidden {
		t.Fatalf("admin_opd records a decision: %d", r.status)
	}

	thr := th.recordKhusus(super, khususForm("thr", "2026-10", "100", false, "pns", "pppk", "cuti", "hukdis"))
	g13 := th.recordKhusus(super, khususForm("gaji13", "2026-10", "50", true, "pns", "cpns", "pppk", "cuti", "hukdis"))
	if n := th.count(`SELECT count(*) FROM audit_log WHERE action = 'tpp.khusus_catat'`); n != 2 {
		t.Fatalf("%d audit rows for the decisions", n)
	}
	mustContain(t, admin.get("/tpp/khusus").body, "THR 2026", "Gaji ketiga belas 2026")

	// Worked example: TPP dasar Rp 5.000.000, TPP kotor after its month's
	// deductions Rp 4.900.000, PPh 21 5%, no BPJS on a special payment.
	for _, tc := range []struct {
		k          int64
		kind, sp2d string
		gross, net int64
		cpnsIn     bool
	}{
		{thr, "Klaim TPP THR 2026", "00001/SP2D-THR/2026", 5_000_000, 4_750_000, false},
		{g13, "Klaim TPP gaji ketiga belas 2026", "00002/SP2D-G13/2026", 2_450_000, 2_327_500, true},
	} {
		id := th.computeKhusus(admin, tc.k, th.dinkes)
		page := admin.get(fmt.Sprintf("/tpp/klaim/%d", id)).body
		mustContain(t, page, tc.kind, `data-status="draft"`)
		if got := th.count(`SELECT count(*) FROM tpp_claim_pegawai WHERE claim_id = ? AND pegawai_id = ?`, id, cpns); (got == 1) != tc.cpnsIn {
			t.Fatalf("%s: CPNS in claim = %d", tc.kind, got)
		}
		th.approveAndPay(admin, verif, id, tc.sp2d)
		if st := th.count(`SELECT count(*) FROM tpp_claim WHERE id = ? AND status = 'paid'`, id); st != 1 {
			t.Fatalf("%s not paid", tc.kind)
		}
		bank, total, disp := bankLines(t, verif, id)
		if bank[nip] != tc.net || !strings.Contains(disp, "tpp-"+map[bool]string{true: "gaji13", false: "thr"}[tc.k == g13]+"-DINKES-2026") {
			t.Fatalf("%s bank file: %s gets %d, want %d (%s)", tc.kind, nip, bank[nip], tc.net, disp)
		}
		if _, in := bank[cpnsNIP]; in != tc.cpnsIn {
			t.Fatalf("%s: CPNS in bank file = %v", tc.kind, in)
		}
		if total != th.count(`SELECT total_net FROM tpp_claim WHERE id = ?`, id) {
			t.Fatalf("%s bank total %d", tc.kind, total)
		}
		if x := xlsxNet(t, verif, id); x[nip] != tc.net || len(x) != len(bank) {
			t.Fatalf("%s nominatif: %d (%d rows), bank %d rows", tc.kind, x[nip], len(x), len(bank))
		}
		slip := peg.get(fmt.Sprintf("/tpp/slip/%d", id))
		mustContain(t, slip.body, rupiahText(tc.gross), rupiahText(tc.net), "tidak dipotong dari")
		if api := apiRows(t, verif, id); api[nip].Net != tc.net || !api[nip].Paid {
			t.Fatalf("%s api row %+v", tc.kind, api[nip])
		}
	}

	// Used decisions are locked.
	if r := super.postForm("/tpp/khusus", khususForm("thr", "2026-10", "80", false, "pns")); r.status != http.StatusConflict {
		t.Fatalf("change of a used decision: %d", r.status)
	}
	// The month's own claim pays the same employees: a THR is not a monthly payment.
	id := th.compute(admin)
	th.ackStep(admin, id, "ajukan", nil)
	th.ackStep(verif, id, "verifikasi", nil)
	th.ackStep(verif, id, "setujui", nil)
	if n := th.count(`SELECT count(*) FROM tpp_bayar_pegawai WHERE pegawai_id = ? AND period = '2026-10-01'`, th.pegawaiID); n != 3 {
		t.Fatalf("pegawai has %d payments for the basis month, want monthly + THR + gaji 13", n)
	}
	if r := verif.get(fmt.Sprintf("/api/v1/tpp/khusus/%d", thr)); r.status != http.StatusOK || !strings.Contains(r.body, `"jenis":"thr"`) {
		t.Fatalf("api decision: %d %s", r.status, r.body)
	}
}

func rupiahText(v int64) string {
	s := strconv.FormatInt(v, 10)
	var b strings.Builder
	for i, ch := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte('.')
		}
		b.WriteRune(ch)
	}
	return "Rp " + b.String()
}

// otherAdmin creates an admin OPD of the OPD with kode and returns a signed-in client.
func (th *tppHarness) otherAdmin(kode string) *client {
	th.t.Helper()
	const password = "AdminLain!2026x"
	hash, err := auth.NewHasher(fastArgon2, 1).Hash(context.Background(), password)
	if err != nil {
		th.t.Fatal(err)
	}
	var nip string
	if err := th.db.Raw(`WITH p AS (SELECT pg.id, pg.nip, j.opd_id FROM pegawai pg JOIN riwayat_jabatan rj ON rj.pegawai_id = pg.id JOIN jabatan j ON j.id = rj.jabatan_id
    JOIN opd o ON o.id = j.opd_id WHERE o.kode = ? AND NOT EXISTS (SELECT 1 FROM users u WHERE u.pegawai_id = pg.id) ORDER BY pg.id LIMIT 1),
u AS (INSERT INTO users (pegawai_id, nip, password_hash) SELECT id, nip, ? FROM p RETURNING id, nip),
r AS (INSERT INTO user_roles (user_id, role, opd_id) SELECT u.id, 'admin_opd', p.opd_id FROM u, p)
SELECT nip FROM u`, kode, hash).Scan(&nip).Error; err != nil || nip == "" {
		th.t.Fatalf("other admin: %v", err)
	}
	c := th.client()
	if res := c.postForm("/masuk", url.Values{"nip": {nip}, "password": {password}}); res.status != http.StatusSeeOther {
		th.t.Fatalf("login other admin: %d %s", res.status, res.body)
	}
	return c
}

// TestTPPTHROncePerYearUnderConcurrentClicks: an employee who moved from
// DINKES to BKPSDM in the basis month is in both OPDs' THR claims; the two
// approvals clicked at the same moment pay her THR once (the database's
// unique index on tpp_bayar_pegawai), the other is refused with a clear 409
// and stays verified, and a repeated compute click makes one claim.
func TestTPPTHROncePerYearUnderConcurrentClicks(t *testing.T) {
	t.Parallel()
	th := newTPPHarness(t)
	if err := th.db.Exec(`UPDATE pegawai SET bank_nama = 'Bank Bengkulu', bank_rekening = '00' || id::text || '77', bank_atas_nama = nama`).Error; err != nil {
		t.Fatal(err)
	}
	bkpsdm := th.count(`SELECT id FROM opd WHERE kode = 'BKPSDM'`)
	post := th.count(`SELECT min(id) FROM jabatan WHERE opd_id = ? AND atasan_jabatan_id IS NOT NULL`, bkpsdm)
	for _, q := range []string{
		`UPDATE riwayat_jabatan SET selesai = '2026-10-15' WHERE pegawai_id = ? AND jenis = 'definitif' AND selesai IS NULL`,
		`INSERT INTO riwayat_jabatan (pegawai_id, jabatan_id, jenis, mulai) VALUES (?, ` + itoa(post) + `, 'definitif', '2026-10-16')`,
	} {
		if err := th.db.Exec(q, th.pegawaiID).Error; err != nil {
			t.Fatal(err)
		}
	}
	super, admin, verif := th.as(auth.RoleSuperadmin), th.as(auth.RoleAdminOPD), th.as(auth.RoleVerifikator)
	other := th.otherAdmin("BKPSDM")
	k := th.recordKhusus(super, khususForm("thr", "2026-10", "100", false, "pns", "cpns", "pppk", "cuti", "hukdis"))

	// Two compute clicks at once on one OPD make one claim.
	var wg sync.WaitGroup
	for range 2 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			verif.postForm(fmt.Sprintf("/tpp/khusus/%d/hitung", k), url.Values{"opd_id": {itoa(th.dinkes)}})
		}()
	}
	wg.Wait()
	th.srv.background.Wait()
	if n := th.count(`SELECT count(*) FROM tpp_claim WHERE khusus_id = ? AND opd_id = ?`, k, th.dinkes); n != 1 {
		t.Fatalf("%d THR claims of DINKES", n)
	}
	a := th.computeKhusus(admin, k, th.dinkes)
	b := th.computeKhusus(other, k, bkpsdm)
	for _, id := range []int64{a, b} {
		if n := th.count(`SELECT count(*) FROM tpp_claim_pegawai WHERE claim_id = ? AND pegawai_id = ?`, id, th.pegawaiID); n != 1 {
			t.Fatalf("claim %d does not hold the moved employee", id)
		}
	}
	th.ackStep(admin, a, "ajukan", nil)
	th.ackStep(other, b, "ajukan", nil)
	th.ackStep(verif, a, "verifikasi", nil)
	th.ackStep(verif, b, "verifikasi", nil)
	forms := map[int64]url.Values{a: th.ack(verif, a, "setujui", nil), b: th.ack(verif, b, "setujui", nil)}
	for id, f := range forms {
		f.Set("csrf_token", verif.csrf())
		forms[id] = f
	}
	got := map[int64]int{}
	var mu sync.Mutex
	for id, f := range forms {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r := verif.postRaw(fmt.Sprintf("/tpp/klaim/%d/setujui", id), f)
			mu.Lock()
			got[id] = r.status
			mu.Unlock()
		}()
	}
	wg.Wait()
	ok, refused := 0, 0
	for _, st := range got {
		switch st {
		case http.StatusSeeOther:
			ok++
		case http.StatusConflict:
			refused++
		}
	}
	if ok != 1 || refused != 1 {
		t.Fatalf("concurrent approvals: %v, want one 303 and one 409", got)
	}
	if n := th.count(`SELECT count(*) FROM tpp_bayar_pegawai WHERE pegawai_id = ? AND jenis = 'thr' AND tahun = 2026`, th.pegawaiID); n != 1 {
		t.Fatalf("THR paid %d times", n)
	}
	if n := th.count(`SELECT count(*) FROM tpp_claim WHERE id IN (?, ?) AND status = 'verified'`, a, b); n != 1 {
		t.Fatalf("the refused claim is not left verified")
	}
	// The refused claim, returned and recomputed, no longer holds her.
	loser := a
	if got[a] == http.StatusSeeOther {
		loser = b
	}
	th.claimStep(verif, loser, "kembalikan", url.Values{"catatan": {"Pegawai sudah menerima THR di OPD lain"}})
	th.claimStep(verif, loser, "hitung-ulang", nil)
	if n := th.count(`SELECT count(*) FROM tpp_claim_pegawai WHERE claim_id = ? AND pegawai_id = ?`, loser, th.pegawaiID); n != 0 {
		t.Fatalf("recomputed claim still holds the employee paid elsewhere")
	}
}
