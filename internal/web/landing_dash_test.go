package web

import (
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"testing"
	"time"

	"github.com/ekinerja/ekinerja/internal/auth"
	"github.com/ekinerja/ekinerja/internal/tpp"
)

var (
	estimateLine = regexp.MustCompile(`<tr data-code="([^"]+)" class="line-[a-z]+"><td>([^<]*)</td><td>[^<]*</td><td class="num" data-amount="(\d+)">`)
	estimateNet  = regexp.MustCompile(`id="perkiraan-bersih" data-amount="(\d+)"`)
	progressRE   = regexp.MustCompile(`<progress id="menit-progress" class="meter" max="(\d+)" value="(\d+)" data-approved="(\d+)">`)
)

// TestPegawaiLandingEstimateEqualsCompute: the pegawai's landing page shows
// "Perkiraan TPP" of the current month, marked as an estimate, line by
// line; a claim computed right after from the same inputs gives exactly the
// same lines and net for that employee (the same gathering and engine).
// The progress bar carries the month's approved minutes from the database.
func TestPegawaiLandingEstimateEqualsCompute(t *testing.T) {
	t.Parallel()
	th := newTPPHarness(t)
	h := th.harness
	month := tpp.PeriodOf(time.Now().In(h.cfg.Location))
	body := h.as(auth.RolePegawai).get("/")
	if body.status != http.StatusOK {
		t.Fatalf("home: %d", body.status)
	}
	if !regexp.MustCompile(`Perkiraan, bukan TPP yang dibayar`).MatchString(body.body) {
		t.Error("the estimate is not marked as an estimate")
	}
	lines := estimateLine.FindAllStringSubmatch(body.body, -1)
	netM := estimateNet.FindStringSubmatch(body.body)
	if len(lines) == 0 || netM == nil {
		t.Fatalf("no estimate lines on the page: %s", body.body)
	}

	// Minutes progress bar: the approved minutes of this month in the database.
	first := month.First()
	approved := h.count(`SELECT coalesce(sum(menit), 0) FROM aktivitas WHERE pegawai_id = ? AND status = 'approved' AND tanggal >= ? AND tanggal < ?`,
		th.pegawaiID, first, first.AddDate(0, 1, 0))
	pm := progressRE.FindStringSubmatch(body.body)
	if pm == nil {
		t.Fatal("no minutes progress bar")
	}
	if got, _ := strconv.ParseInt(pm[3], 10, 64); got != approved {
		t.Errorf("progress bar approved %d, want %d", got, approved)
	}
	if !regexp.MustCompile(`id="kalender-presensi"|id="kalender-heading"`).MatchString(body.body) {
		t.Error("no attendance calendar section")
	}

	// The same month computed as a claim by the admin OPD.
	admin := h.as(auth.RoleAdminOPD)
	res := admin.postForm("/tpp/klaim/hitung", url.Values{"opd_id": {itoa(th.dinkes)}, "bulan": {month.Param()}})
	m := claimPath.FindStringSubmatch(res.header.Get("Location"))
	if res.status != http.StatusSeeOther || m == nil {
		t.Fatalf("compute %s: %d %s", month.Param(), res.status, res.body)
	}
	claimID, _ := strconv.ParseInt(m[1], 10, 64)
	var stored []struct {
		Code   string
		Label  string
		Amount int64
	}
	if err := h.db.Raw(`SELECT code, label, amount FROM tpp_claim_line WHERE claim_id = ? AND pegawai_id = ? ORDER BY seq`, claimID, th.pegawaiID).Scan(&stored).Error; err != nil {
		t.Fatal(err)
	}
	if len(stored) != len(lines) {
		t.Fatalf("estimate has %d lines, the computed claim %d", len(lines), len(stored))
	}
	for i, l := range stored {
		amt, _ := strconv.ParseInt(lines[i][3], 10, 64)
		if lines[i][1] != l.Code || html.UnescapeString(lines[i][2]) != l.Label || amt != l.Amount {
			t.Errorf("line %d: estimate %s %q %d, claim %s %q %d", i, lines[i][1], lines[i][2], amt, l.Code, l.Label, l.Amount)
		}
	}
	net := h.count(`SELECT net FROM tpp_claim_pegawai WHERE claim_id = ? AND pegawai_id = ?`, claimID, th.pegawaiID)
	if got, _ := strconv.ParseInt(netM[1], 10, 64); got != net {
		t.Errorf("estimated net %d, computed %d", got, net)
	}
}
