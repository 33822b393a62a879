package web

import (
	"encoding/json"
	"testing"

	"github.com/ekinerja/ekinerja/internal/auth"
	"github.com/ekinerja/ekinerja/internal/tpp/claim"
)

// TestTPPPaguProjectionCountsOnlyApprovedAndPaid: the year's projection is
// paid + approved + the months left at the last approved or paid month's
// level. October is paid; November (the worked example promoted to kelas 10,
// so its total differs) is computed and submitted but not approved: it is
// neither used nor the level, so the projection is October x 3. Approved,
// November counts and sets the level: October + November x 2.
func TestTPPPaguProjectionCountsOnlyApprovedAndPaid(t *testing.T) {
	t.Parallel()
	th := newTPPHarness(t)
	if err := th.db.Exec(`UPDATE pegawai SET bank_nama = 'Bank Bengkulu', bank_rekening = '00' || id::text || '66', bank_atas_nama = nama`).Error; err != nil {
		t.Fatal(err)
	}
	admin, verif := th.as(auth.RoleAdminOPD), th.as(auth.RoleVerifikator)
	oct := th.computeMonth(admin, "2026-10")
	th.approveAndPay(admin, verif, oct, "00010/SP2D/2026")
	octNet := th.count(`SELECT sum(net) FROM tpp_claim_pegawai WHERE claim_id = ? AND error = ''`, oct)
	if err := th.db.Exec(`UPDATE jabatan SET kelas = 10 WHERE id = (SELECT jabatan_id FROM riwayat_jabatan WHERE pegawai_id = ?)`, th.pegawaiID).Error; err != nil {
		t.Fatal(err)
	}
	nov := th.computeMonth(admin, "2026-11")
	th.ackStep(admin, nov, "ajukan", nil)
	novNet := th.count(`SELECT sum(net) FROM tpp_claim_pegawai WHERE claim_id = ? AND error = ''`, nov)
	if novNet == octNet {
		t.Fatal("November must differ from October for this test to tell them apart")
	}
	report := func() (claim.PaguRow, int64) {
		t.Helper()
		var rep claim.PaguReport
		r := verif.get("/api/v1/tpp/pagu?tahun=2026")
		if err := json.Unmarshal([]byte(r.body), &rep); err != nil {
			t.Fatalf("api pagu %d: %v", r.status, err)
		}
		for _, row := range rep.Rows {
			if row.OPDKode == "DINKES" {
				return row, rep.Projection
			}
		}
		t.Fatal("no DINKES row")
		return claim.PaguRow{}, 0
	}
	row, regency := report()
	if row.Paid != octNet || row.Approved != 0 || row.LastPeriod != 10 || row.Projection() != 3*octNet || regency != 3*octNet {
		t.Fatalf("with November submitted: %+v projection %d regency %d, want %d", row, row.Projection(), regency, 3*octNet)
	}
	mustContain(t, verif.get("/tpp/pagu?tahun=2026").body, `data-proyeksi="`+itoa(3*octNet)+`"`)
	th.ackStep(verif, nov, "verifikasi", nil)
	th.ackStep(verif, nov, "setujui", nil)
	row, regency = report()
	if want := octNet + 2*novNet; row.Paid != octNet || row.Approved != novNet || row.LastPeriod != 11 || row.Projection() != want || regency != want {
		t.Fatalf("with November approved: %+v projection %d regency %d, want %d", row, row.Projection(), regency, want)
	}
}
