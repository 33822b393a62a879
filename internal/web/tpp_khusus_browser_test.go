package web

import (
	"fmt"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/ekinerja/ekinerja/internal/auth"
)

// TestBrowserTPPTHRAndGaji13DraftToPaid is issue 11's special claims in a
// browser: the superadmin records the demo regency's THR 2026 (100% of the
// October TPP dasar, CPNS left out) and gaji 13 2026 (50% of October's TPP kotor, the
// deductions carried over) on the decision page; the admin OPD computes
// DINKES's claim of each from the decision's page and submits it; the
// verifikator verifies, approves and pays it with an SP2D. Each claim's
// daftar nominatif (.xlsx) and bank file are then read back: the worked
// example gets, by hand, THR 5.000.000 - PPh 5% = Rp 4.750.000 and gaji 13
// 50% x 4.900.000 = 2.450.000 - PPh 5% = Rp 2.327.500, and both files add
// up to the claim's total.
func TestBrowserTPPTHRAndGaji13DraftToPaid(t *testing.T) {
	th := newTPPHarness(t)
	if err := th.db.Exec(`UPDATE pegawai SET bank_nama = 'Bank Bengkulu', bank_rekening = '00' || id::text || '55', bank_atas_nama = nama`).Error; err != nil {
		t.Fatal(err)
	}
	base := th.ts.URL
	var nip string
	th.db.Raw(`SELECT nip FROM pegawai WHERE id = ?`, th.pegawaiID).Scan(&nip)

	super := newBrowser(t)
	browserLogin(t, super, base, auth.RoleSuperadmin)
	admin := newBrowser(t)
	browserLogin(t, admin, base, auth.RoleAdminOPD)
	verif := newBrowser(t)
	browserLogin(t, verif, base, auth.RoleVerifikator)

	for _, tc := range []struct {
		jenis, persen, sp2d, title string
		potongan                   bool
		net                        int64
	}{
		{"thr", "100", "00101/SP2D-THR/2026", "THR 2026", false, 4_750_000},
		{"gaji13", "50", "00102/SP2D-G13/2026", "gaji ketiga belas 2026", true, 2_327_500},
	} {
		actions := []chromedp.Action[chromedp.Void]{
			chromedp.Navigate(base + "/tpp/khusus"),
			chromedp.WaitVisible("#khusus-form"),
			chromedp.SetValue("#jenis", tc.jenis),
			chromedp.SetValue("#tahun", "2026"),
			chromedp.SetValue("#bulan_dasar", "2026-10"),
			chromedp.SetValue("#persen", tc.persen),
			chromedp.SetValue("#dasar_hukum", "PP 14/2024 (uji peramban)"),
		}
		if tc.potongan {
			actions = append(actions, chromedp.Click(`input[name="dengan_potongan"]`))
		} else {
			// Everyone is eligible by default; this THR leaves CPNS out.
			actions = append(actions, chromedp.Click(`input[name="cpns"]`))
		}
		actions = append(actions, chromedp.Click("#khusus-simpan"), chromedp.WaitVisible(".flash"))
		step(t, super, actions...)
		k := th.count(`SELECT id FROM tpp_khusus WHERE jenis = ? AND tahun = 2026 AND cpns = ? AND dengan_potongan = ?`, tc.jenis, tc.potongan, tc.potongan)
		if k == 0 {
			t.Fatalf("%s decision not stored as chosen", tc.jenis)
		}

		step(t, admin,
			chromedp.Navigate(fmt.Sprintf("%s/tpp/khusus/%d", base, k)),
			chromedp.WaitVisible(`button[data-hitung="DINKES"]`),
			chromedp.Click(`button[data-hitung="DINKES"]`),
			chromedp.WaitVisible(`#claim-status [data-status="draft"]`),
			confirmStep("ajukan"),
			chromedp.WaitVisible(`#claim-status [data-status="submitted"]`),
		)
		claimURL := location(t, admin)
		step(t, verif,
			chromedp.Navigate(claimURL),
			chromedp.WaitVisible("#btn-verifikasi"),
			confirmStep("verifikasi"),
			chromedp.WaitVisible("#btn-setujui"),
			confirmStep("setujui"),
			chromedp.WaitVisible("#btn-bayar"),
			chromedp.Click("#btn-bayar"),
			chromedp.WaitVisible("#sp2d"),
			chromedp.SendKeys("#sp2d", tc.sp2d),
			chromedp.Click("#setuju"),
			chromedp.Click("#btn-konfirmasi"),
			chromedp.WaitVisible("#paid"),
			chromedp.WaitVisible("#link-xlsx"),
			chromedp.WaitVisible("#link-bank"),
		)
		if got := text(t, verif, "#paid"); !strings.Contains(got, tc.sp2d) {
			t.Fatalf("%s paid = %q", tc.jenis, got)
		}
		if got := text(t, verif, "body"); !strings.Contains(got, "Klaim TPP "+tc.title) {
			t.Fatalf("%s claim page does not say Klaim TPP %s", tc.jenis, tc.title)
		}
		id := th.count(`SELECT id FROM tpp_claim WHERE jenis = ? AND status = 'paid'`, tc.jenis)
		if id == 0 {
			t.Fatalf("no paid %s claim", tc.jenis)
		}
		c := th.as(auth.RoleVerifikator)
		checkDownloads(t, th, c, id)
		bank, _, _ := bankLines(t, c, id)
		if x := xlsxNet(t, c, id); bank[nip] != tc.net || x[nip] != tc.net {
			t.Fatalf("%s: bank file %d, daftar nominatif %d, want %d", tc.jenis, bank[nip], x[nip], tc.net)
		}
	}
}
