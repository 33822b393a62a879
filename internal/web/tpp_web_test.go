package web

import (
	"bytes"
	"context"
	"encoding/csv"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/ekinerja/ekinerja/internal/auth"
	"github.com/ekinerja/ekinerja/internal/stores"
	"github.com/ekinerja/ekinerja/internal/tpp/claim"
	"github.com/ekinerja/ekinerja/static"
)

// tppKinerja and tppAttendance are in-memory stand-ins for the kinerja and
// attendance areas: everyone is rated Baik with a clean month, except the
// ids given the worked example's 1 TK and 2 x TL2.
type tppKinerja struct{ db func() []int64 }

func (k tppKinerja) MonthlySummaries(context.Context, claim.Scope, int, time.Month) (map[int64]claim.KinerjaMonth, error) {
	out := map[int64]claim.KinerjaMonth{}
	for _, id := range k.db() {
		out[id] = claim.KinerjaMonth{Predikat: "baik"}
	}
	return out, nil
}

type tppAttendance struct {
	db     func() []int64
	worked int64
}

func (a tppAttendance) MonthlyRecaps(context.Context, claim.Scope, int, time.Month, claim.Bands) (map[int64]claim.AttendanceRecap, error) {
	out := map[int64]claim.AttendanceRecap{}
	for _, id := range a.db() {
		out[id] = claim.AttendanceRecap{}
	}
	out[a.worked] = claim.AttendanceRecap{TK: 1, TL: [4]int{0, 2, 0, 0}}
	return out, nil
}
func (tppAttendance) SanctionsInForce(context.Context, claim.Scope, int, time.Month) (map[int64]claim.Sanction, error) {
	return nil, nil
}

// tppHarness is the demo regency where the demo pegawai is the spec's worked
// example (kelas 9 Rp 5.000.000, PNS III/c, Baik, 1 TK, 2 x TL2), served
// with fake kinerja and attendance sources.
type tppHarness struct {
	*harness
	pegawaiID int64
	dinkes    int64
}

func newTPPHarness(t *testing.T) *tppHarness {
	t.Helper()
	return newTPPHarnessWith(t, func(ids func() []int64, worked int64) (claim.KinerjaSource, claim.AttendanceSource) {
		return tppKinerja{db: ids}, tppAttendance{db: ids, worked: worked}
	})
}

// newTPPHarnessWith is newTPPHarness with the kinerja and attendance sources
// that sources makes from the employee ids and the worked example's id.
func newTPPHarnessWith(t *testing.T, sources func(ids func() []int64, worked int64) (claim.KinerjaSource, claim.AttendanceSource)) *tppHarness {
	t.Helper()
	h := newHarness(t)
	th := &tppHarness{harness: h}
	nip := login(t, auth.RolePegawai).NIP
	th.pegawaiID = h.count(`SELECT id FROM pegawai WHERE nip = ?`, nip)
	th.dinkes = h.count(`SELECT id FROM opd WHERE kode = 'DINKES'`)
	for _, q := range []string{
		`UPDATE pegawai SET golongan = 'III/c', status_asn = 'PNS' WHERE id = ?`,
		`UPDATE jabatan SET kelas = 9 WHERE id = (SELECT jabatan_id FROM riwayat_jabatan WHERE pegawai_id = ?)`,
	} {
		if err := h.db.Exec(q, th.pegawaiID).Error; err != nil {
			t.Fatal(err)
		}
	}
	ids := func() []int64 {
		var ids []int64
		h.db.Raw(`SELECT id FROM pegawai`).Scan(&ids)
		return ids
	}
	k, at := sources(ids, th.pegawaiID)
	src := stores.Sources{Kinerja: k, Attendance: at}
	srv, err := New(Deps{Config: h.cfg, Stores: testStores(t, h.db, h.cfg, src), Log: slog.New(slog.NewJSONHandler(io.Discard, nil)), Auth: h.srv.auth,
		Static: static.FS, Version: "test"})
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(srv.Handler())
	t.Cleanup(ts.Close)
	t.Cleanup(srv.background.Wait)
	h.srv, h.ts = srv, ts
	return th
}

var claimPath = regexp.MustCompile(`^/tpp/klaim/(\d+)`)

// compute computes DINKES for October 2026 as admin_opd and returns the claim id.
func (th *tppHarness) compute(c *client) int64 {
	th.t.Helper()
	res := c.postForm("/tpp/klaim/hitung", url.Values{"opd_id": {itoa(th.dinkes)}, "bulan": {"2026-10"}})
	if res.status != http.StatusSeeOther {
		th.t.Fatalf("compute: %d %s", res.status, res.body)
	}
	m := claimPath.FindStringSubmatch(res.header.Get("Location"))
	if m == nil {
		th.t.Fatalf("redirect %q", res.header.Get("Location"))
	}
	id, _ := strconv.ParseInt(m[1], 10, 64)
	return id
}

func mustContain(t *testing.T, body string, want ...string) {
	t.Helper()
	for _, w := range want {
		if !strings.Contains(body, w) {
			t.Fatalf("page lacks %q", w)
		}
	}
}

func TestTPPWorkedExampleThroughThePages(t *testing.T) {
	t.Parallel()
	th := newTPPHarness(t)
	admin, verif, peg := th.as(auth.RoleAdminOPD), th.as(auth.RoleVerifikator), th.as(auth.RolePegawai)
	id := th.compute(admin)
	page := admin.get(fmt.Sprintf("/tpp/klaim/%d", id))
	if page.status != http.StatusOK {
		t.Fatalf("claim page %d", page.status)
	}
	nip := login(t, auth.RolePegawai).NIP
	mustContain(t, page.body, `data-nip="`+nip+`"`, "Rp 4.606.000", "Rekening bank belum diisi", "Draf")

	slip := peg.get(fmt.Sprintf("/tpp/slip/%d", id))
	if slip.status != http.StatusOK {
		t.Fatalf("slip %d %s", slip.status, slip.body)
	}
	mustContain(t, slip.body, "Rp 5.000.000", "Rp 3.000.000", "Rp 1.900.000", "Rp 4.900.000", "- Rp 245.000", "- Rp 49.000",
		"Rp 4.606.000", "Tanpa keterangan 1 hari x 3% x Rp 2.000.000", "Terlambat masuk 31-60 menit 2 kali x 1% x Rp 2.000.000",
		"Predikat Baik (penilaian atasan): 100% x Rp 3.000.000")
	hist := peg.get("/tpp/slip")
	mustContain(t, hist.body, "Oktober 2026", "Rp 4.606.000")
	// The API gives the same slip.
	api := peg.get(fmt.Sprintf("/api/v1/tpp/slip/%d", id))
	mustContain(t, api.body, `"Net":4606000`)

	// A pegawai sees no other's slip, and no claim page; an atasan neither.
	if r := peg.get(fmt.Sprintf("/tpp/klaim/%d", id)); r.status != http.StatusForbidden {
		t.Fatalf("pegawai claim page %d", r.status)
	}
	other := th.count(`SELECT min(id) FROM pegawai WHERE id <> ?`, th.pegawaiID)
	if r := peg.get(fmt.Sprintf("/tpp/klaim/%d/pegawai/%d", id, other)); r.status != http.StatusForbidden {
		t.Fatalf("pegawai reads other slip %d", r.status)
	}

	// Through the workflow to paid, each money step acknowledged on its
	// confirmation page.
	th.ackStep(admin, id, "ajukan", nil)
	th.ackStep(verif, id, "verifikasi", nil)
	th.ackStep(verif, id, "setujui", nil)
	// Nobody can change the approved figures through any route.
	net := th.count(`SELECT total_net FROM tpp_claim WHERE id = ?`, id)
	atasan := th.as(auth.RoleAtasan)
	for _, try := range []struct {
		c    *client
		path string
		form url.Values
	}{
		{admin, fmt.Sprintf("/tpp/klaim/%d/hitung-ulang", id), nil},
		{admin, "/tpp/klaim/hitung", url.Values{"opd_id": {itoa(th.dinkes)}, "bulan": {"2026-10"}}},
		{admin, fmt.Sprintf("/tpp/klaim/%d/buka", id), url.Values{"alasan": {"ingin mengubah angka sendiri"}}},
		{admin, "/tpp/aturan/1", nil},
		{peg, fmt.Sprintf("/tpp/klaim/%d/hitung-ulang", id), nil},
		{peg, "/tpp/klaim/hitung", url.Values{"opd_id": {itoa(th.dinkes)}, "bulan": {"2026-10"}}},
		{atasan, fmt.Sprintf("/tpp/klaim/%d/hitung-ulang", id), nil},
		{atasan, fmt.Sprintf("/tpp/klaim/%d/setujui", id), nil},
		{verif, fmt.Sprintf("/tpp/klaim/%d/hitung-ulang", id), nil},
	} {
		if r := try.c.postForm(try.path, try.form); r.status < 400 {
			t.Fatalf("POST %s allowed: %d", try.path, r.status)
		}
	}
	if got := th.count(`SELECT total_net FROM tpp_claim WHERE id = ?`, id); got != net {
		t.Fatalf("net changed %d -> %d", net, got)
	}
	// A refused payment form is shown again with the message next to the field.
	bad := verif.postForm(fmt.Sprintf("/tpp/klaim/%d/bayar", id), url.Values{"tanggal": {"2026-11-20"}, "sp2d": {""}})
	if bad.status != http.StatusUnprocessableEntity {
		t.Fatalf("empty sp2d: %d", bad.status)
	}
	mustContain(t, bad.body, `id="err-sp2d"`)
	// A payment dated before the approval (or in the future) is refused.
	early := verif.postForm(fmt.Sprintf("/tpp/klaim/%d/bayar", id), th.ack(verif, id, "bayar", url.Values{"tanggal": {"2026-11-20"}, "sp2d": {"00123/SP2D/2026"}}))
	if early.status != http.StatusUnprocessableEntity {
		t.Fatalf("payment before approval: %d", early.status)
	}
	mustContain(t, early.body, `id="err-tanggal"`, "sebelum klaim disetujui")
	late := verif.postForm(fmt.Sprintf("/tpp/klaim/%d/bayar", id), th.ack(verif, id, "bayar", url.Values{"tanggal": {time.Now().AddDate(0, 0, 3).Format(time.DateOnly)}, "sp2d": {"00123/SP2D/2026"}}))
	if late.status != http.StatusUnprocessableEntity {
		t.Fatalf("payment in the future: %d", late.status)
	}
	if n := th.count(`SELECT count(*) FROM tpp_payment WHERE claim_id = ?`, id); n != 0 {
		t.Fatalf("refused payments wrote %d rows", n)
	}
	today := time.Now().In(th.cfg.Location)
	if r := verif.postForm(fmt.Sprintf("/tpp/klaim/%d/bayar", id), th.ack(verif, id, "bayar", url.Values{"tanggal": {today.Format(time.DateOnly)}, "sp2d": {"00123/SP2D/2026"}})); r.status != http.StatusSeeOther {
		t.Fatalf("pay: %d %s", r.status, r.body)
	}
	mustContain(t, verif.get(fmt.Sprintf("/tpp/klaim/%d", id)).body, "Dibayar", "00123/SP2D/2026")
	checkDownloads(t, th, verif, id)
}

// checkDownloads reads the .xlsx and bank CSV of claim id back and checks they add up.
func checkDownloads(t *testing.T, th *tppHarness, verif *client, id int64) {
	t.Helper()
	total := th.count(`SELECT total_net FROM tpp_claim WHERE id = ?`, id)
	x := verif.get(fmt.Sprintf("/tpp/klaim/%d/nominatif.xlsx", id))
	if x.status != http.StatusOK || !strings.HasPrefix(x.header.Get("Content-Disposition"), "attachment;") {
		t.Fatalf("xlsx: %d %q", x.status, x.header.Get("Content-Disposition"))
	}
	f, err := excelize.OpenReader(bytes.NewReader([]byte(x.body)))
	if err != nil {
		t.Fatal(err)
	}
	rows, err := f.GetRows("Daftar Nominatif", excelize.Options{RawCellValue: true})
	if err != nil {
		t.Fatal(err)
	}
	var sum, jumlah int64
	n := 0
	for _, r := range rows[claim.NominatifHeaderRow:] {
		if len(r) < 15 {
			continue
		}
		v, err := strconv.ParseInt(r[14], 10, 64)
		if err != nil {
			continue
		}
		if r[2] == "JUMLAH" {
			jumlah = v
		} else {
			sum += v
			n++
		}
	}
	if sum != total || jumlah != total || int64(n) != th.count(`SELECT employees FROM tpp_claim WHERE id = ?`, id) {
		t.Fatalf("xlsx rows %d (%d), JUMLAH %d, claim %d", sum, n, jumlah, total)
	}
	b := verif.get(fmt.Sprintf("/tpp/klaim/%d/bank.csv", id))
	if b.status != http.StatusOK || !strings.HasPrefix(b.header.Get("Content-Disposition"), "attachment;") {
		t.Fatalf("bank: %d", b.status)
	}
	recs, err := csv.NewReader(strings.NewReader(b.body)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	var bsum int64
	for _, r := range recs[1 : len(recs)-1] {
		if !strings.HasPrefix(r[0], "0") { // demo accounts start with 0: kept as text
			t.Fatalf("account lost its leading zero: %q", r[0])
		}
		v, _ := strconv.ParseInt(r[2], 10, 64)
		bsum += v
	}
	last := recs[len(recs)-1]
	noAccount := th.count(`SELECT coalesce(sum(net), 0) FROM tpp_claim_pegawai WHERE claim_id = ? AND bank_rekening = ''`, id)
	if last[0] != "TOTAL" || last[2] != strconv.FormatInt(bsum, 10) || bsum+noAccount != total {
		t.Fatalf("bank totals %q, lines %d, without account %d, claim %d", last, bsum, noAccount, total)
	}
}
