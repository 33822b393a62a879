package web

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"reflect"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/ekinerja/ekinerja/internal/auth"
	"github.com/ekinerja/ekinerja/internal/tpp"
)

// TestEstimateOfOneEqualsTheOPDClaim: the home page's estimate reads only
// the signed-in employee's rows (claim.Scope with PegawaiID), through the
// server's real kinerja and attendance stores. For every employee of the
// demo pegawai's OPD, with a disciplinary sanction, approved aktivitas and a
// month of attendance in the inputs, the estimate of that one employee
// (the function the home page calls) gives exactly the lines and net the
// OPD's claim computed right after stores for them. A filter that dropped
// or mixed up one employee's kinerja, attendance or sanction would differ.
func TestEstimateOfOneEqualsTheOPDClaim(t *testing.T) {
	t.Parallel()
	h := newProductionHarness(t)
	ctx := context.Background()
	loc := h.cfg.Location
	month := tpp.PeriodOf(time.Now().In(loc))
	pegID := h.count(`SELECT id FROM pegawai WHERE nip = ?`, login(t, auth.RolePegawai).NIP)
	opd := h.count(`SELECT opd_id FROM pegawai WHERE id = ?`, pegID)

	// A sanction in force this month for a colleague (not the demo pegawai),
	// so a sanction read for the wrong employee shows.
	other := h.count(`SELECT min(id) FROM pegawai WHERE opd_id = ? AND id <> ? AND keadaan = 'aktif'`, opd, pegID)
	if other == 0 {
		t.Fatal("the demo OPD has one employee only")
	}
	if err := h.db.Exec(`INSERT INTO hukuman_disiplin (pegawai_id, nomor_sk, jenis, mulai_bulan, lama_bulan, dicatat_oleh)
VALUES (?, 'SK-UJI-1/2026', 'sedang', ?::date, 6, (SELECT min(id) FROM users))`, other, month.First().Format(time.DateOnly)).Error; err != nil {
		t.Fatal(err)
	}

	// Page first: the home page shows the demo pegawai's estimate.
	if res := h.as(auth.RolePegawai).get("/"); res.status != http.StatusOK {
		t.Fatalf("home: %d", res.status)
	}
	type want struct {
		lines []tpp.Line
		net   int64
		input string
	}
	estimates := map[int64]want{}
	minutes := false
	var ids []int64
	if err := h.db.Raw(`SELECT DISTINCT rj.pegawai_id FROM riwayat_jabatan rj JOIN jabatan j ON j.id = rj.jabatan_id
WHERE j.opd_id = ? AND rj.jenis = 'definitif' AND rj.mulai <= ? AND (rj.selesai IS NULL OR rj.selesai >= ?) ORDER BY 1`,
		opd, month.First().AddDate(0, 1, -1), month.First()).Scan(&ids).Error; err != nil {
		t.Fatal(err)
	}
	if !slices.Contains(ids, pegID) || !slices.Contains(ids, other) {
		t.Fatalf("employees of the OPD %v lack %d or %d", ids, pegID, other)
	}
	for _, id := range ids {
		e, err := h.srv.tpp.Estimate(ctx, id, month)
		if err != nil {
			t.Fatalf("estimate %d: %v", id, err)
		}
		if e.Missing != "" || e.Computed.Err != "" {
			t.Fatalf("estimate %d: %q %q", id, e.Missing, e.Computed.Err)
		}
		if e.Computed.PegawaiID != id {
			t.Fatalf("estimate for %d is of %d", id, e.Computed.PegawaiID)
		}
		in, err := json.Marshal(e.Computed.Input)
		if err != nil {
			t.Fatal(err)
		}
		estimates[id] = want{e.Computed.Result.Lines, e.Computed.Result.Net, string(in)}
		minutes = minutes || e.Computed.Input.ApprovedMinutes > 0
	}

	res := h.as(auth.RoleAdminOPD).postForm("/tpp/klaim/hitung", url.Values{"opd_id": {itoa(opd)}, "bulan": {month.Param()}})
	m := claimPath.FindStringSubmatch(res.header.Get("Location"))
	if res.status != http.StatusSeeOther || m == nil {
		t.Fatalf("compute %s: %d %s", month.Param(), res.status, res.body)
	}
	claimID, _ := strconv.ParseInt(m[1], 10, 64)
	if n := h.count(`SELECT count(*) FROM tpp_claim_pegawai WHERE claim_id = ?`, claimID); n != int64(len(ids)) {
		t.Fatalf("claim has %d employees, %d estimated", n, len(ids))
	}
	sanctioned, judged := false, false
	for _, id := range ids {
		var stored []struct {
			Code   string
			Label  string
			Amount int64
		}
		if err := h.db.Raw(`SELECT code, label, amount FROM tpp_claim_line WHERE claim_id = ? AND pegawai_id = ? ORDER BY seq`, claimID, id).Scan(&stored).Error; err != nil {
			t.Fatal(err)
		}
		got := estimates[id]
		if len(stored) != len(got.lines) {
			t.Errorf("pegawai %d: estimate %d lines, claim %d", id, len(got.lines), len(stored))
			continue
		}
		for i, l := range stored {
			g := got.lines[i]
			if g.Code != l.Code || g.Label != l.Label || g.Amount != l.Amount {
				t.Errorf("pegawai %d line %d: estimate %s %q %d, claim %s %q %d", id, i, g.Code, g.Label, g.Amount, l.Code, l.Label, l.Amount)
			}
			switch {
			case l.Code == tpp.CodeHukdis && l.Amount > 0 && id == other:
				sanctioned = true
			case (l.Code == tpp.CodeTK || l.Code == tpp.CodeTL || l.Code == tpp.CodePSW) && l.Amount > 0:
				judged = true
			}
		}
		// The inputs too (approved minutes and predikat, which a rule set
		// in predikat mode does not show as a line), as the claim stored them.
		var storedIn string
		if err := h.db.Raw(`SELECT input::text FROM tpp_claim_pegawai WHERE claim_id = ? AND pegawai_id = ?`, claimID, id).Scan(&storedIn).Error; err != nil {
			t.Fatal(err)
		}
		var a, b tpp.Input
		if err := json.Unmarshal([]byte(storedIn), &a); err != nil {
			t.Fatal(err)
		}
		if err := json.Unmarshal([]byte(got.input), &b); err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(a, b) {
			t.Errorf("pegawai %d: estimate input %s, claim input %s", id, got.input, storedIn)
		}
		if net := h.count(`SELECT net FROM tpp_claim_pegawai WHERE claim_id = ? AND pegawai_id = ?`, claimID, id); net != got.net {
			t.Errorf("pegawai %d: estimated net %d, computed %d", id, got.net, net)
		}
	}
	if !sanctioned {
		t.Error("the sanctioned colleague has no hukdis line: the test does not exercise the sanction filter")
	}
	if !minutes {
		t.Error("no employee has approved minutes this month: the test does not exercise the kinerja filter")
	}
	if !judged {
		t.Error("no employee has an attendance deduction: the test does not exercise the attendance filter")
	}
}
