package web

import (
	"math"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/ekinerja/ekinerja/internal/auth"
	"github.com/ekinerja/ekinerja/internal/kinerja"
	"github.com/ekinerja/ekinerja/internal/tpp/claim"
	"github.com/ekinerja/ekinerja/views/pages"
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

// TestKinerjaBawahanXLSX: the subordinates page's month downloads as .xlsx
// from its link: exactly the people the page lists, in its order, NIP as
// text, the month's ratings as stored and the minutes as numbers equal to
// the database; the atasan themself and another OPD's people never appear,
// and another OPD's atasan gets none of them.
func TestKinerjaBawahanXLSX(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	d := h.demoKinerja()
	last, _ := lastMonthPeriod(h)
	month := last.Format("2006-01")
	if err := h.db.Exec(`UPDATE pegawai SET nama = ? WHERE id = ?`, planted, d.pegawai).Error; err != nil {
		t.Fatal(err)
	}
	atasan := h.as(auth.RoleAtasan)
	page := atasan.get("/kinerja/bawahan?bulan=" + month)
	i := strings.Index(page.body, `id="bawahan-tabel"`)
	if page.status != http.StatusOK || i < 0 {
		t.Fatalf("page: %d", page.status)
	}
	var listed []string
	for _, m := range regexp.MustCompile(`<small class="muted">(\d{18})</small>`).FindAllStringSubmatch(page.body[i:], -1) {
		listed = append(listed, m[1])
	}
	if len(listed) == 0 {
		t.Fatal("the page lists no subordinate")
	}
	f, sh, rows := xlsxDownload(t, atasan, "/kinerja/bawahan?bulan="+month, "unduh-bawahan")
	got, first := dataRows(t, rows, "NIP", 10)
	if len(got) != len(listed) {
		t.Fatalf("download has %d people, the page %d", len(got), len(listed))
	}
	rated := false
	for i, r := range got {
		if r[0] != listed[i] {
			t.Errorf("row %d: NIP %q, the page %q", i+1, r[0], listed[i])
		}
		var w struct {
			Nama, Status, HasilKerja, PerilakuKerja, Predikat string
			Disetujui, Diajukan                               int64
		}
		if err := h.db.Raw(`SELECT p.nama, coalesce(b.status, 'open') AS status, coalesce(b.hasil_kerja, '') AS hasil_kerja,
       coalesce(b.perilaku_kerja, '') AS perilaku_kerja, coalesce(b.predikat, '') AS predikat,
       (SELECT coalesce(sum(menit), 0) FROM aktivitas a WHERE a.pegawai_id = p.id AND a.status = 'approved' AND a.tanggal >= ?::date AND a.tanggal < ?::date) AS disetujui,
       (SELECT coalesce(sum(menit), 0) FROM aktivitas a WHERE a.pegawai_id = p.id AND a.status = 'submitted' AND a.tanggal >= ?::date AND a.tanggal < ?::date) AS diajukan
FROM pegawai p LEFT JOIN penilaian_bulanan b ON b.pegawai_id = p.id AND b.tahun = ? AND b.bulan = ? WHERE p.nip = ?`,
			last, last.AddDate(0, 1, 0), last, last.AddDate(0, 1, 0), last.Year(), int(last.Month()), r[0]).Scan(&w).Error; err != nil {
			t.Fatal(err)
		}
		exp := []string{r[0], w.Nama, r[2], month, kinerja.PenilaianStatus(w.Status).Label(), kinerja.Ekspektasi(w.HasilKerja).Label(),
			kinerja.Ekspektasi(w.PerilakuKerja).Label(), kinerja.Predikat(w.Predikat).Label(), strconv.FormatInt(w.Disetujui, 10), strconv.FormatInt(w.Diajukan, 10)}
		if strings.Join(r, "|") != strings.Join(exp, "|") {
			t.Errorf("row %d: %q, want %q", i+1, r, exp)
		}
		if r[2] == "" {
			t.Errorf("row %d: no position", i+1)
		}
		rated = rated || (w.Predikat != "" && w.HasilKerja != "")
		cellIs(t, f, sh, 1, first+i, true)
		cellIs(t, f, sh, 2, first+i, true)
		cellIs(t, f, sh, 9, first+i, false)
		cellIs(t, f, sh, 10, first+i, false)
	}
	if !rated {
		t.Error("no rated month in the download: the rating columns are untested")
	}
	noFormula(t, f, sh, rows)
	var demoNIP string
	h.db.Raw(`SELECT nip FROM pegawai WHERE id = ?`, d.pegawai).Scan(&demoNIP)
	if r := rowsOf(got, demoNIP); r == nil || r[1] != planted {
		t.Errorf("the demo subordinate's row %q: the planted name is not kept as text", r)
	}
	var outside []string
	if err := h.db.Raw(`SELECT nip FROM pegawai WHERE nip = ? OR opd_id <> (SELECT opd_id FROM pegawai WHERE id = ?)`, login(t, auth.RoleAtasan).NIP, d.pegawai).Scan(&outside).Error; err != nil || len(outside) < 2 {
		t.Fatalf("out-of-scope people: %d %v", len(outside), err)
	}
	for _, nip := range outside {
		if rowsOf(got, nip) != nil {
			t.Errorf("out-of-scope %s in the download", nip)
		}
	}
	// Another OPD's atasan downloads their own subordinates, none of these.
	other := h.otherAtasan()
	res := other.get("/kinerja/bawahan.xlsx?bulan=" + month)
	if res.status != http.StatusOK {
		t.Fatalf("other atasan: %d", res.status)
	}
	for _, nip := range listed {
		if xlsxHas(t, res.body, nip) {
			t.Errorf("another OPD's atasan gets %s", nip)
		}
	}
	if r := h.as(auth.RolePegawai).get("/kinerja/bawahan.xlsx"); r.status != http.StatusForbidden {
		t.Fatalf("pegawai: %d", r.status)
	}
}

// xlsxHas reports whether any cell of the workbook's first sheet is s.
func xlsxHas(t *testing.T, body, s string) bool {
	t.Helper()
	f, err := excelize.OpenReader(strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := f.GetRows(f.GetSheetName(0))
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range rows {
		for _, c := range r {
			if c == s {
				return true
			}
		}
	}
	return false
}

// TestKinerjaDistribusiXLSX: the distribution page downloads as .xlsx from
// its link with the page's scope: a verifikator every active OPD, the head
// of DINKES only DINKES; each predikat's count, share and limit are
// numbers equal to the page's, the pattern warnings the page shows are on
// the second sheet; an atasan who heads no OPD gets 403, as on the page.
func TestKinerjaDistribusiXLSX(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	dinkes := h.count(`SELECT opd_id FROM jabatan WHERE kode = 'DINKES-01'`)
	kepala := h.atasanHolding("DINKES-01")
	verif, super := h.as(auth.RoleVerifikator), h.as(auth.RoleSuperadmin)
	_, periode := lastMonthPeriod(h)
	if r := super.postForm("/kinerja/distribusi/predikat", url.Values{"opd_id": {itoa(dinkes)}, "periode": {periode}, "predikat": {"baik"}}); r.status != http.StatusSeeOther {
		t.Fatalf("record org predikat: %d %s", r.status, r.body)
	}
	if err := h.db.Exec(`UPDATE opd SET nama = ? WHERE id = ?`, planted, dinkes).Error; err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name  string
		c     *client
		units int64
	}{
		{"verifikator: every active OPD", verif, h.count(`SELECT count(*) FROM opd WHERE aktif`)},
		{"kepala OPD: own OPD only", kepala, 1},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			page := tc.c.get("/kinerja/distribusi?periode=" + periode).body
			f, sh, rows := xlsxDownload(t, tc.c, "/kinerja/distribusi?periode="+periode, "unduh-distribusi")
			got, first := dataRows(t, rows, "OPD", 7)
			if want := tc.units * int64(len(kinerja.Predikats)+1); int64(len(got)) != want {
				t.Fatalf("download has %d rows, want %d", len(got), want)
			}
			names := map[string]bool{}
			rated := 0
			for i, r := range got {
				names[r[0]] = true
				if r[1] != periode {
					t.Errorf("row %d: period %q", i+1, r[1])
				}
				cellIs(t, f, sh, 1, first+i, true)
				cellIs(t, f, sh, 5, first+i, false)
				if r[3] == "Belum dinilai" {
					continue
				}
				// The page's row of this OPD and predikat.
				var opd int64
				h.db.Raw(`SELECT id FROM opd WHERE nama = ?`, r[0]).Scan(&opd)
				var pred kinerja.Predikat
				for _, p := range kinerja.Predikats {
					if p.Label() == r[3] {
						pred = p
					}
				}
				m := regexp.MustCompile(`<tr id="distribusi-` + itoa(opd) + `-` + string(pred) + `"><td>[^<]*</td><td class="num">(\d+)</td><td class="num">([^<]*)</td><td>([^<]*)</td>`).FindStringSubmatch(page)
				if m == nil {
					t.Fatalf("row %d (%s %s) is not on the page", i+1, r[0], r[3])
				}
				v, err := strconv.ParseFloat(r[5], 64)
				if err != nil {
					t.Fatalf("row %d: share %q is not a number", i+1, r[5])
				}
				if r[4] != m[1] || pages.PctBP(int(math.Round(v*10000))) != m[2] {
					t.Errorf("row %d: count %s share %s, the page %s %s", i+1, r[4], r[5], m[1], m[2])
				}
				if limit := strings.TrimSpace(strings.TrimSuffix(strings.TrimPrefix(strings.TrimSpace(m[3]), "paling banyak"), "%")); limit != r[6] {
					t.Errorf("row %d: limit %q, the page %q", i+1, r[6], limit)
				}
				if r[6] != "" {
					cellIs(t, f, sh, 7, first+i, false)
				}
				if typ, _ := f.GetCellType(sh, cellAt(6, first+i)); typ == excelize.CellTypeSharedString || typ == excelize.CellTypeInlineString {
					t.Errorf("row %d: share is a text cell", i+1)
				}
				n, _ := strconv.Atoi(r[4])
				rated += n
			}
			if int64(len(names)) != tc.units || !names[planted] {
				t.Errorf("OPDs in the download %v, want %d with DINKES (its planted name as text)", names, tc.units)
			}
			if rated == 0 {
				t.Error("no rated employee: the counts are untested")
			}
			noFormula(t, f, sh, rows)
			warn, err := f.GetRows("Peringatan pola")
			if err != nil || len(warn) < 2 {
				t.Fatalf("warnings sheet: %d rows, %v", len(warn), err)
			}
			for _, w := range warn[1:] {
				if w[0] == planted && !strings.Contains(page, w[2]) {
					t.Errorf("warning %q is not on the page", w[2])
				}
			}
		})
	}
	for name, c := range map[string]*client{"atasan heading no OPD": h.as(auth.RoleAtasan), "pegawai": h.as(auth.RolePegawai)} {
		if r := c.get("/kinerja/distribusi.xlsx?periode=" + periode); r.status != http.StatusForbidden {
			t.Errorf("%s: %d", name, r.status)
		}
	}
}

func cellAt(col, row int) string {
	s, _ := excelize.CoordinatesToCellName(col, row)
	return s
}
