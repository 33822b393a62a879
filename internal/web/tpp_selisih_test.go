package web

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ekinerja/ekinerja/internal/auth"
	"github.com/ekinerja/ekinerja/internal/tpp/claim"
)

// lateSources are the kinerja and attendance areas whose answers the test
// changes after a month was paid: everyone Baik with a clean month unless
// recap or sanction says otherwise for an employee and month.
type lateSources struct {
	ids      func() []int64
	mu       sync.Mutex
	recap    map[[2]int64]claim.AttendanceRecap // (pegawai, month)
	sanction map[[2]int64]claim.Sanction
}

func (l *lateSources) MonthlySummaries(context.Context, claim.Scope, int, time.Month) (map[int64]claim.KinerjaMonth, error) {
	out := map[int64]claim.KinerjaMonth{}
	for _, id := range l.ids() {
		out[id] = claim.KinerjaMonth{Predikat: "baik"}
	}
	return out, nil
}

func (l *lateSources) MonthlyRecaps(_ context.Context, _ claim.Scope, _ int, m time.Month, _ claim.Bands) (map[int64]claim.AttendanceRecap, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	out := map[int64]claim.AttendanceRecap{}
	for _, id := range l.ids() {
		out[id] = l.recap[[2]int64{id, int64(m)}]
	}
	return out, nil
}

func (l *lateSources) SanctionsInForce(_ context.Context, _ claim.Scope, _ int, m time.Month) (map[int64]claim.Sanction, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	out := map[int64]claim.Sanction{}
	for k, v := range l.sanction {
		if k[1] == int64(m) {
			out[k[0]] = v
		}
	}
	return out, nil
}

func (l *lateSources) set(f func()) {
	l.mu.Lock()
	defer l.mu.Unlock()
	f()
}

// apiSelisih reads the regency's differences through the API: NIP -> differences.
func apiSelisih(t *testing.T, c *client) map[string][]claim.Selisih {
	t.Helper()
	r := c.get("/api/v1/tpp/selisih?semua=ya")
	if r.status != http.StatusOK {
		t.Fatalf("api selisih: %d", r.status)
	}
	var doc struct {
		Selisih []claim.Selisih `json:"selisih"`
	}
	if err := json.Unmarshal([]byte(r.body), &doc); err != nil {
		t.Fatal(err)
	}
	out := map[string][]claim.Selisih{}
	for _, x := range doc.Selisih {
		out[x.NIP] = append(out[x.NIP], x)
	}
	return out
}

// computeMonth computes DINKES for month as c and returns the claim id.
func (th *tppHarness) computeMonth(c *client, month string) int64 {
	th.t.Helper()
	res := c.postForm("/tpp/klaim/hitung", url.Values{"opd_id": {itoa(th.dinkes)}, "bulan": {month}})
	m := claimPath.FindStringSubmatch(res.header.Get("Location"))
	if res.status != http.StatusSeeOther || m == nil {
		th.t.Fatalf("compute %s: %d %s", month, res.status, res.body)
	}
	return th.count(`SELECT ?::bigint`, m[1])
}

// TestTPPLateChangesCarryToTheNextClaims is issue 11's kekurangan /
// kelebihan bayar, to the rupiah. October is paid; then a hukdis sedang
// decided late (SK after payment) and an attendance correction (2 days TK
// turned out to be duty travel) land for October. Recomputing the paid claim
// records a kelebihan of Rp 2.303.000 for W and a kekurangan of Rp 112.800
// for X, each with its cause and both computations. The verifikator holds X's
// (the November claim then leaves it out), releases it, and November pays X
// Rp 4.700.000 + Rp 112.800; W's November net (Rp 1.786.000: the sanction's
// second month and 20 days TK) is smaller than the kelebihan, so it is
// deducted to Rp 0 and Rp 517.000 carries to December, which pays
// Rp 2.350.000 - Rp 517.000 = Rp 1.833.000. The slips explain every line.
func TestTPPLateChangesCarryToTheNextClaims(t *testing.T) {
	t.Parallel()
	src := &lateSources{recap: map[[2]int64]claim.AttendanceRecap{}, sanction: map[[2]int64]claim.Sanction{}}
	th := newTPPHarnessWith(t, func(ids func() []int64, _ int64) (claim.KinerjaSource, claim.AttendanceSource) {
		src.ids = ids
		return src, src
	})
	if err := th.db.Exec(`UPDATE pegawai SET bank_nama = 'Bank Bengkulu', bank_rekening = '00' || id::text || '88', bank_atas_nama = nama`).Error; err != nil {
		t.Fatal(err)
	}
	w := th.pegawaiID
	x := th.count(`SELECT min(p.id) FROM pegawai p JOIN riwayat_jabatan rj ON rj.pegawai_id = p.id JOIN jabatan j ON j.id = rj.jabatan_id
WHERE j.opd_id = ? AND p.id <> ? AND j.kelas <> 9`, th.dinkes, w)
	var wNIP, xNIP string
	for _, q := range []struct {
		sql  string
		dest *string
	}{
		{`UPDATE pegawai SET golongan = 'III/c', status_asn = 'PNS' WHERE id = ? RETURNING nip`, &xNIP},
		{`SELECT nip FROM pegawai WHERE id = ?`, &wNIP},
	} {
		id := x
		if q.dest == &wNIP {
			id = w
		}
		if err := th.db.Raw(q.sql, id).Scan(q.dest).Error; err != nil {
			t.Fatal(err)
		}
	}
	if err := th.db.Exec(`UPDATE jabatan SET kelas = 9 WHERE id IN (SELECT jabatan_id FROM riwayat_jabatan WHERE pegawai_id = ?)`, x).Error; err != nil {
		t.Fatal(err)
	}
	src.set(func() {
		src.recap[[2]int64{w, 10}] = claim.AttendanceRecap{TK: 1, TL: [4]int{0, 2, 0, 0}} // the worked example
		src.recap[[2]int64{x, 10}] = claim.AttendanceRecap{TK: 2}
	})
	admin, verif, super := th.as(auth.RoleAdminOPD), th.as(auth.RoleVerifikator), th.as(auth.RoleSuperadmin)

	oct := th.computeMonth(admin, "2026-10")
	th.approveAndPay(admin, verif, oct, "00010/SP2D/2026")
	rows := apiRows(t, verif, oct)
	if rows[wNIP].Net != 4_606_000 || rows[xNIP].Net != 4_587_200 {
		t.Fatalf("October paid W %d X %d", rows[wNIP].Net, rows[xNIP].Net)
	}
	// Nothing changed yet: recomputing the paid claim finds no difference.
	if r := verif.postForm(fmt.Sprintf("/tpp/klaim/%d/selisih", oct), nil); r.status != http.StatusSeeOther {
		t.Fatalf("recompute paid: %d %s", r.status, r.body)
	}
	if n := th.count(`SELECT count(*) FROM tpp_selisih`); n != 0 {
		t.Fatalf("%d differences with nothing changed", n)
	}
	if r := admin.postForm(fmt.Sprintf("/tpp/klaim/%d/selisih", oct), nil); r.status != http.StatusForbidden {
		t.Fatalf("admin_opd recomputes a paid claim: %d", r.status)
	}

	// The late changes.
	src.set(func() {
		for i, m := range []int64{10, 11, 12} {
			src.sanction[[2]int64{w, m}] = claim.Sanction{Kind: "sedang", MonthIndex: i + 1, Months: 6, DecreeNumber: "800/12/BKPSDM/2026"}
		}
		src.recap[[2]int64{x, 10}] = claim.AttendanceRecap{}
		src.recap[[2]int64{w, 11}] = claim.AttendanceRecap{TK: 20}
	})
	for range 2 { // twice: the second finds nothing new
		if r := verif.postForm(fmt.Sprintf("/tpp/klaim/%d/selisih", oct), nil); r.status != http.StatusSeeOther {
			t.Fatalf("recompute paid: %d %s", r.status, r.body)
		}
	}
	diffs := apiSelisih(t, verif)
	if len(diffs[wNIP]) != 1 || diffs[wNIP][0].Amount != -2_303_000 || len(diffs[xNIP]) != 1 || diffs[xNIP][0].Amount != 112_800 {
		t.Fatalf("differences %+v", diffs)
	}
	wd, xd := diffs[wNIP][0], diffs[xNIP][0]
	mustContain(t, wd.Cause, "Hukuman disiplin sedang dicatat sesudah dibayar", "800/12/BKPSDM/2026", "Rp 4.606.000", "Rp 2.303.000")
	mustContain(t, xd.Cause, "Koreksi kehadiran: TK 2 menjadi 0")
	page := verif.get(fmt.Sprintf("/tpp/selisih/%d", wd.ID)).body
	mustContain(t, page, "Kelebihan bayar", fmt.Sprintf("/tpp/klaim/%d/pegawai/%d", oct, w), `data-code="HUKDIS"`, "Rp 2.450.000")
	mustContain(t, super.get("/tpp/selisih").body, wNIP, xNIP)

	// Hold X's: a hold needs a reason; a held difference is left out.
	if r := verif.postForm(fmt.Sprintf("/tpp/selisih/%d/tahan", xd.ID), url.Values{"alasan": {""}}); r.status != http.StatusUnprocessableEntity {
		t.Fatalf("hold without reason: %d", r.status)
	}
	if r := verif.postForm(fmt.Sprintf("/tpp/selisih/%d/tahan", xd.ID), url.Values{"alasan": {"Menunggu surat tugas asli"}}); r.status != http.StatusSeeOther {
		t.Fatalf("hold: %d %s", r.status, r.body)
	}
	nov := th.computeMonth(admin, "2026-11")
	if rows := apiRows(t, admin, nov); rows[xNIP].Net != 4_700_000 {
		t.Fatalf("November X with the difference held: %d", rows[xNIP].Net)
	}
	if r := verif.postForm(fmt.Sprintf("/tpp/selisih/%d/lepas", xd.ID), nil); r.status != http.StatusSeeOther {
		t.Fatalf("release: %d", r.status)
	}
	th.claimStep(admin, nov, "hitung-ulang", nil)
	rows = apiRows(t, admin, nov)
	if rows[xNIP].Net != 4_812_800 || rows[wNIP].Net != 0 {
		t.Fatalf("November X %d (want 4.812.800) W %d (want 0)", rows[xNIP].Net, rows[wNIP].Net)
	}
	th.approveAndPay(admin, verif, nov, "00011/SP2D/2026")
	peg := th.as(auth.RolePegawai)
	mustContain(t, peg.get(fmt.Sprintf("/tpp/slip/%d", nov)).body, "Kelebihan bayar TPP Oktober 2026", "sisa Rp 517.000 dipotong bulan berikutnya", "Rp 1.786.000")
	bank, _, _ := bankLines(t, verif, nov)
	if bank[xNIP] != 4_812_800 || bank[wNIP] != 0 {
		t.Fatalf("November bank X %d W %d", bank[xNIP], bank[wNIP])
	}
	diffs = apiSelisih(t, verif)
	if diffs[wNIP][0].Remaining != -517_000 || diffs[xNIP][0].Remaining != 0 {
		t.Fatalf("after November: W open %d, X open %d", diffs[wNIP][0].Remaining, diffs[xNIP][0].Remaining)
	}

	dec := th.computeMonth(admin, "2026-12")
	if rows := apiRows(t, admin, dec); rows[wNIP].Net != 1_833_000 || rows[xNIP].Net != 4_700_000 {
		t.Fatalf("December W %d (want 1.833.000) X %d", rows[wNIP].Net, rows[xNIP].Net)
	}
	th.approveAndPay(admin, verif, dec, "00012/SP2D/2026")
	if diffs = apiSelisih(t, verif); diffs[wNIP][0].Remaining != 0 {
		t.Fatalf("after December W open %d", diffs[wNIP][0].Remaining)
	}
	if r := verif.get("/tpp/selisih"); strings.Contains(r.body, wNIP) || strings.Contains(r.body, xNIP) {
		t.Fatal("settled differences still listed as open")
	}
	if n := th.count(`SELECT count(*) FROM audit_log WHERE action IN ('tpp.selisih_hitung', 'tpp.selisih_tahan', 'tpp.selisih_lepas')`); n < 5 {
		t.Fatalf("%d audit rows", n)
	}
}
