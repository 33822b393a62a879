package web

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/ekinerja/ekinerja/internal/auth"
	"github.com/ekinerja/ekinerja/internal/stores"
	"github.com/ekinerja/ekinerja/internal/tpp"
	"github.com/ekinerja/ekinerja/internal/tpp/claim"
	"github.com/ekinerja/ekinerja/static"
)

// newRealSourcesHarness serves the demo regency with the real kinerja and
// attendance stores feeding the TPP computation, as the application runs.
func newRealSourcesHarness(t *testing.T) *harness {
	t.Helper()
	h := newHarness(t)
	kin, att := claim.StoreSources(h.db, h.cfg.Location)
	srv, err := New(Deps{Config: h.cfg, Stores: testStores(t, h.db, h.cfg, stores.Sources{Kinerja: kin, Attendance: att}),
		Log: slog.New(slog.NewJSONHandler(io.Discard, nil)), Auth: h.srv.auth, Static: static.FS, Version: "test"})
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(srv.Handler())
	t.Cleanup(ts.Close)
	t.Cleanup(srv.background.Wait)
	h.srv, h.ts = srv, ts
	return h
}

// TestTPPOneEmployeeDoesNotBlockTheOPD is issue 18's "one employee blocks a
// whole OPD", both causes, through the pages with the real attendance data:
// two approved requests of cuti alasan penting in one month, and a hukdis
// sedang of 9 months (PP 94/2021 allows 6, 9 or 12) in its 7th month, past
// the rule set's 6. Each made its employee impossible to compute and the
// OPD's claim could not be submitted (409). Now the two requests are one line,
// the sanction is computed with its SK's duration, and the claim is
// submitted; a duration the law does not allow is refused when recorded.
func TestTPPOneEmployeeDoesNotBlockTheOPD(t *testing.T) {
	t.Parallel()
	h := newRealSourcesHarness(t)
	peg, atasan, verif, admin := h.as(auth.RolePegawai), h.as(auth.RoleAtasan), h.as(auth.RoleVerifikator), h.as(auth.RoleAdminOPD)
	pegNIP, atasanNIP := login(t, auth.RolePegawai).NIP, login(t, auth.RoleAtasan).NIP
	pegID, atasanID := h.count(`SELECT id FROM pegawai WHERE nip = ?`, pegNIP), h.count(`SELECT id FROM pegawai WHERE nip = ?`, atasanNIP)
	opd := h.count(`SELECT opd_id FROM pegawai WHERE id = ?`, pegID)
	if h.count(`SELECT opd_id FROM pegawai WHERE id = ?`, atasanID) != opd {
		t.Fatal("demo atasan and pegawai in different OPDs")
	}

	// Two requests of cuti alasan penting in October 2026, both approved by the atasan.
	for _, d := range [][2]string{{"2026-10-05", "2026-10-06"}, {"2026-10-19", "2026-10-21"}} {
		if r := peg.postForm("/presensi/cuti", url.Values{"jenis": {"alasan_penting"}, "mulai": {d[0]}, "selesai": {d[1]}, "keterangan": {"keluarga sakit"}}); r.status != http.StatusSeeOther {
			t.Fatalf("request leave %v: %d %s", d, r.status, r.body)
		}
		id := h.count(`SELECT id FROM cuti WHERE pegawai_id = ? AND mulai = ?::date`, pegID, d[0])
		if r := atasan.postForm(fmt.Sprintf("/presensi/cuti/%d/putus", id), url.Values{"keputusan": {"setujui"}}); r.status != http.StatusSeeOther {
			t.Fatalf("approve leave %v: %d %s", d, r.status, r.body)
		}
	}

	// Durations the law does not allow are refused when recorded, nothing stored.
	for _, bad := range []struct{ jenis, lama string }{{"sedang", "7"}, {"sedang", "24"}, {"berat", "6"}, {"ringan", "12"}} {
		r := verif.postForm("/presensi/hukdis", url.Values{"nip": {atasanNIP}, "nomor_sk": {"800/9/BKPSDM/2026"}, "jenis": {bad.jenis},
			"mulai_bulan": {"2026-04"}, "lama_bulan": {bad.lama}})
		if r.status != http.StatusUnprocessableEntity || !strings.Contains(r.body, `id="err-lama_bulan"`) || !strings.Contains(r.body, "PP 94/2021") {
			t.Fatalf("hukdis %s %s bulan: %d", bad.jenis, bad.lama, r.status)
		}
	}
	if n := h.count(`SELECT count(*) FROM hukuman_disiplin`); n != 0 {
		t.Fatalf("refused sanctions stored %d rows", n)
	}
	// The database holds new rows to the same rule.
	if err := h.db.Exec(`INSERT INTO hukuman_disiplin (pegawai_id, nomor_sk, jenis, mulai_bulan, lama_bulan, dicatat_oleh)
		VALUES (?, 'X', 'sedang', DATE '2026-04-01', 7, 1)`, atasanID).Error; err == nil {
		t.Fatal("the database accepted sedang for 7 months")
	}
	// A sedang of 9 months from April 2026: October is its 7th month.
	if r := verif.postForm("/presensi/hukdis", url.Values{"nip": {atasanNIP}, "nomor_sk": {"800/9/BKPSDM/2026"}, "jenis": {"sedang"},
		"mulai_bulan": {"2026-04"}, "lama_bulan": {"9"}}); r.status != http.StatusSeeOther {
		t.Fatalf("hukdis sedang 9 bulan: %d %s", r.status, r.body)
	}

	res := admin.postForm("/tpp/klaim/hitung", url.Values{"opd_id": {itoa(opd)}, "bulan": {"2026-10"}})
	if res.status != http.StatusSeeOther {
		t.Fatalf("compute: %d %s", res.status, res.body)
	}
	id := h.count(`SELECT id FROM tpp_claim WHERE opd_id = ? AND period = DATE '2026-10-01'`, opd)
	if n := h.count(`SELECT count(*) FROM tpp_claim_pegawai WHERE claim_id = ? AND error <> ''`, id); n != 0 {
		var errs []string
		h.db.Raw(`SELECT nip || ': ' || error FROM tpp_claim_pegawai WHERE claim_id = ? AND error <> ''`, id).Scan(&errs)
		t.Fatalf("%d employees cannot be computed: %v", n, errs)
	}
	ctx := context.Background()
	v := claim.Actor{Role: auth.RoleVerifikator}
	sl, err := h.srv.tpp.Slip(ctx, v, id, pegID)
	if err != nil {
		t.Fatal(err)
	}
	var leaveLines []tpp.Line
	for _, l := range sl.Lines {
		if l.Code == "CUTI_ALASAN_PENTING" {
			leaveLines = append(leaveLines, l)
		}
	}
	if len(leaveLines) != 1 || leaveLines[0].Count != 5 || !strings.Contains(leaveLines[0].Reason, "5 hari dari 2 permohonan (dibayar 50%)") {
		t.Fatalf("cuti alasan penting lines: %+v", leaveLines)
	}
	// 50% of the disiplin share for 5 of the month's working days.
	wdm := sl.Input.WorkingDaysInMonth
	dp, ok := lineCode(sl.Lines, tpp.CodeDisiplinPagu)
	if !ok {
		t.Fatal("no disiplin share line")
	}
	disc := dp.Amount
	if want, _ := tpp.MulDivRound(disc, 5*5000, 10000*int64(wdm)); leaveLines[0].Amount != want || wdm < 20 {
		t.Fatalf("leave amount %d, want %d (%d working days)", leaveLines[0].Amount, want, wdm)
	}
	sa, err := h.srv.tpp.Slip(ctx, v, id, atasanID)
	if err != nil {
		t.Fatal(err)
	}
	hk, ok := lineCode(sa.Lines, tpp.CodeHukdis)
	if !ok || hk.Rate != 5000 || !strings.Contains(hk.Reason, "selama 9 bulan menurut SK 800/9/BKPSDM/2026, bulan ke-7") || sa.Row.Hukdis != hk.Amount || hk.Amount == 0 {
		t.Fatalf("hukdis line %+v", hk)
	}
	page := admin.get(fmt.Sprintf("/tpp/klaim/%d/pegawai/%d", id, atasanID))
	mustContain(t, page.body, "bulan ke-7")
	if r := admin.postForm(fmt.Sprintf("/tpp/klaim/%d/ajukan", id), ackClaim(t, admin, id, "ajukan", nil)); r.status != http.StatusSeeOther {
		t.Fatalf("submit: %d %s", r.status, r.body)
	}
}

func lineCode(ls []tpp.Line, code string) (tpp.Line, bool) {
	for _, l := range ls {
		if l.Code == code {
			return l, true
		}
	}
	return tpp.Line{}, false
}
