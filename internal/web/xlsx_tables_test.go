package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/ekinerja/ekinerja/internal/auth"
	"github.com/ekinerja/ekinerja/internal/tpp/claim"
)

// planted is a stored value a spreadsheet would run as a formula.
const planted = `=HYPERLINK("https://evil.example","Klik")`

// noFormula checks that no cell of the sheet is a formula.
func noFormula(t *testing.T, f *excelize.File, sh string, rows [][]string) {
	t.Helper()
	for r, row := range rows {
		for c := range row {
			axis, _ := excelize.CoordinatesToCellName(c+1, r+1)
			if fm, err := f.GetCellFormula(sh, axis); err != nil || fm != "" {
				t.Errorf("%s is a formula %q (%v)", axis, fm, err)
			}
		}
	}
}

// TestTPPMonthXLSX: the month's claims, downloaded from the claims page's
// link, are the page's claims: an admin_opd gets only their OPD (another
// OPD's computed claim never appears), a verifikator every active OPD;
// OPD codes are text, counts and money numbers equal to the stored claim,
// the total row the sum; a stored OPD name that looks like a formula stays
// a text cell.
func TestTPPMonthXLSX(t *testing.T) {
	t.Parallel()
	th := newTPPHarness(t)
	admin, verif := th.as(auth.RoleAdminOPD), th.as(auth.RoleVerifikator)
	bkpsdm := th.count(`SELECT id FROM opd WHERE kode = 'BKPSDM'`)
	th.compute(admin)
	if res := verif.postForm("/tpp/klaim/hitung", url.Values{"opd_id": {itoa(bkpsdm)}, "bulan": {"2026-10"}}); res.status != http.StatusSeeOther {
		t.Fatalf("compute BKPSDM: %d %s", res.status, res.body)
	}
	if err := th.db.Exec(`UPDATE opd SET nama = ? WHERE id = ?`, planted, th.dinkes).Error; err != nil {
		t.Fatal(err)
	}
	if n := th.count(`SELECT count(*) FROM tpp_claim WHERE period = '2026-10-01' AND total_net > 0 AND opd_id IN (?, ?)`, th.dinkes, bkpsdm); n != 2 {
		t.Fatalf("%d computed claims with money, want 2", n)
	}
	cases := []struct {
		name  string
		c     *client
		where string
		args  []any
	}{
		{"admin_opd: own OPD only", admin, "o.id = ?", []any{th.dinkes}},
		{"verifikator: every active OPD", verif, "true", nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var want []struct {
				Kode, Nama, Status string
				Employees          int
				Gross, Net         int64
			}
			if err := th.db.Raw(`SELECT o.kode, o.nama, coalesce(c.status, '') AS status, coalesce(c.employees, 0) AS employees,
       coalesce(c.total_gross, 0) AS gross, coalesce(c.total_net, 0) AS net
FROM opd o LEFT JOIN tpp_claim c ON c.opd_id = o.id AND c.period = '2026-10-01'
WHERE o.aktif AND `+tc.where+` ORDER BY o.kode, c.jenis, c.susulan`, tc.args...).Scan(&want).Error; err != nil {
				t.Fatal(err)
			}
			f, sh, rows := xlsxDownload(t, tc.c, "/tpp/klaim?bulan=2026-10", "unduh-klaim")
			got, first := dataRows(t, rows, "Kode OPD", 9)
			if len(got) != len(want)+1 {
				t.Fatalf("download has %d rows, want %d claims and the total", len(got), len(want))
			}
			var total int64
			for i, w := range want {
				status := "Belum dihitung"
				if w.Status != "" {
					status = claim.Status(w.Status).Label()
				}
				exp := []string{w.Kode, w.Nama, "2026-10", "Klaim bulanan", status, strconv.Itoa(w.Employees),
					strconv.FormatInt(w.Gross, 10), strconv.FormatInt(w.Net, 10)}
				if strings.Join(got[i][:8], "|") != strings.Join(exp, "|") {
					t.Errorf("row %d: %q, want %q", i+1, got[i][:8], exp)
				}
				cellIs(t, f, sh, 1, first+i, true)
				cellIs(t, f, sh, 2, first+i, true)
				for col := 6; col <= 9; col++ {
					cellIs(t, f, sh, col, first+i, false)
				}
				total += w.Net
			}
			if last := got[len(want)]; last[0] != "Jumlah" || last[7] != strconv.FormatInt(total, 10) {
				t.Errorf("total row %q, want the net %d", last, total)
			}
			cellIs(t, f, sh, 8, first+len(want), false)
			bk := false
			for _, r := range got {
				bk = bk || r[0] == "BKPSDM"
			}
			if bk != (tc.c == verif) {
				t.Errorf("BKPSDM in the download: %v", bk)
			}
			noFormula(t, f, sh, rows)
			if r := rowsOf(got, "DINKES"); r == nil || r[1] != planted {
				t.Errorf("DINKES row %q: the planted OPD name is not kept as text", r)
			}
		})
	}
	// A pegawai reaches neither the page nor its download.
	if res := th.as(auth.RolePegawai).get("/tpp/klaim.xlsx?bulan=2026-10"); res.status != http.StatusForbidden {
		t.Fatalf("pegawai downloads the claims: %d", res.status)
	}
}

// rowsOf returns the row whose first cell is first.
func rowsOf(rows [][]string, first string) []string {
	for _, r := range rows {
		if r[0] == first {
			return r
		}
	}
	return nil
}

// TestTPPSlipXLSX: "TPP Saya" downloads as .xlsx from its page: one row per
// claim the signed-in person is in (two months), their NIP and account as
// text (the leading zeros kept), each slip money column a number equal to
// the stored row; another employee of the same claims never appears, and an
// admin_opd who may open every slip of the claim still gets only their own.
func TestTPPSlipXLSX(t *testing.T) {
	t.Parallel()
	th := newTPPHarness(t)
	admin := th.as(auth.RoleAdminOPD)
	if err := th.db.Exec(`UPDATE pegawai SET bank_nama = 'Bank Bengkulu', bank_rekening = '00' || id::text || '12345', bank_atas_nama = nama`).Error; err != nil {
		t.Fatal(err)
	}
	th.compute(admin)
	if res := admin.postForm("/tpp/klaim/hitung", url.Values{"opd_id": {itoa(th.dinkes)}, "bulan": {"2026-09"}}); res.status != http.StatusSeeOther {
		t.Fatalf("compute September: %d %s", res.status, res.body)
	}
	adminPegawai := th.count(`SELECT pegawai_id FROM users WHERE nip = ?`, login(t, auth.RoleAdminOPD).NIP)
	cases := []struct {
		name    string
		c       *client
		pegawai int64
	}{
		{"pegawai: own slips", th.as(auth.RolePegawai), th.pegawaiID},
		{"admin_opd: own slips only", admin, adminPegawai},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var want []struct {
				Period                                time.Time
				NIP                                   string `gorm:"column:nip"`
				BankNama, BankRekening                string
				Base, Produktivitas, Disiplin, Hukdis int64
				Gross                                 int64
				PPh21                                 int64 `gorm:"column:pph21"`
				BPJS                                  int64 `gorm:"column:bpjs"`
				Net                                   int64
				PPh21Withheld                         bool `gorm:"column:pph21_withheld"`
			}
			if err := th.db.Raw(`SELECT c.period, r.nip, r.bank_nama, r.bank_rekening, r.base, r.produktivitas, r.disiplin, r.hukdis,
       r.gross, r.pph21, r.bpjs, r.net, r.pph21_withheld
FROM tpp_claim_pegawai r JOIN tpp_claim c ON c.id = r.claim_id WHERE r.pegawai_id = ? ORDER BY c.period DESC, c.id DESC`, tc.pegawai).Scan(&want).Error; err != nil {
				t.Fatal(err)
			}
			if len(want) != 2 {
				t.Fatalf("the database has %d claim rows for the person, want 2", len(want))
			}
			f, sh, rows := xlsxDownload(t, tc.c, "/tpp/slip", "unduh-slip")
			got, first := dataRows(t, rows, "Bulan", 16)
			if len(got) != len(want) {
				t.Fatalf("download has %d rows, the database %d", len(got), len(want))
			}
			for i, w := range want {
				dip, dtg := w.PPh21, int64(0)
				if !w.PPh21Withheld {
					dip, dtg = 0, w.PPh21
				}
				exp := []string{w.Period.Format("2006-01"), w.NIP}
				for _, v := range []int64{w.Base, w.Produktivitas, w.Disiplin, w.Hukdis, w.Gross, dip, w.BPJS, w.Net, dtg} {
					exp = append(exp, strconv.FormatInt(v, 10))
				}
				exp = append(exp, w.BankNama, w.BankRekening)
				g := append([]string{got[i][0]}, got[i][4:]...)
				if strings.Join(g, "|") != strings.Join(exp, "|") {
					t.Errorf("row %d: %q, want %q", i+1, g, exp)
				}
				cellIs(t, f, sh, 5, first+i, true)
				cellIs(t, f, sh, 16, first+i, true)
				for col := 6; col <= 14; col++ {
					cellIs(t, f, sh, col, first+i, false)
				}
				if !strings.HasPrefix(got[i][15], "00") {
					t.Errorf("row %d: account %q lost its leading zeros", i+1, got[i][15])
				}
			}
			if tc.pegawai == th.pegawaiID && got[0][12] != "4606000" {
				t.Errorf("October net %q, want the worked example's 4606000", got[0][12])
			}
			for _, r := range got {
				if r[4] != want[0].NIP {
					t.Errorf("another employee's row in the download: %q", r)
				}
			}
		})
	}
}
