package web

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/ekinerja/ekinerja/internal/auth"
	"github.com/ekinerja/ekinerja/internal/kinerja"
)

// rateBerakhlak fills the seven BerAKHLAK values of the rating form with e
// and a feedback each.
func rateBerakhlak(t *testing.T, ctx context.Context, e string) {
	t.Helper()
	for _, n := range kinerja.NilaiIntiAll {
		step(t, ctx, chromedp.SetValue("#perilaku_"+string(n), e),
			chromedp.SendKeys("#umpan_balik_"+string(n), "Umpan balik "+n.Label()+"."))
	}
}

// TestBrowserKinerjaJourney is the whole e-Kinerja month in a real browser:
// the pegawai logs and submits, the atasan returns it with a note, the
// pegawai fixes and resubmits, the atasan approves, the pegawai submits the
// month, the atasan rates it, and the pegawai sees the predikat.
func TestBrowserKinerjaJourney(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	d := h.demoKinerja()
	ctx := newBrowser(t)
	base := h.ts.URL
	logout := func() {
		step(t, ctx, chromedp.Submit("form.logout"), chromedp.WaitVisible("#nip"))
	}

	// 1. The pegawai logs an aktivitas (dated today by default) and submits it.
	browserLogin(t, ctx, base, auth.RolePegawai)
	step(t, ctx,
		chromedp.Navigate(base+"/kinerja/aktivitas/baru"),
		chromedp.WaitVisible("#uraian"),
		chromedp.SetValue("#rhk_id", fmt.Sprint(d.rhk)),
		chromedp.SendKeys("#uraian", "Menyusun rekap SPJ uji peramban"),
		chromedp.SendKeys("#output_satuan", "rekap"),
		chromedp.SendKeys("#menit", "60"),
		chromedp.Click("#simpan-ajukan"),
		chromedp.WaitVisible(".flash"),
	)
	var id int64
	h.db.Raw(`SELECT id FROM aktivitas WHERE uraian = 'Menyusun rekap SPJ uji peramban' AND status = 'submitted'`).Scan(&id)
	if id == 0 {
		t.Fatal("aktivitas not submitted")
	}
	row := fmt.Sprintf("#tinjau-%d", id)
	logout()

	// 2. The atasan returns it with a note.
	browserLogin(t, ctx, base, auth.RoleAtasan)
	step(t, ctx,
		chromedp.Navigate(base+"/kinerja/tinjau"),
		chromedp.WaitVisible(row),
		chromedp.SendKeys(fmt.Sprintf("input[name=catatan_%d]", id), "Sebutkan puskesmas yang direkap."),
		chromedp.Click(row+" button.kembalikan"),
		// htmx replaces the row in place (no page reload, no flash)
		chromedp.WaitVisible(row+".tinjau-selesai"),
	)
	if n := h.count(`SELECT count(*) FROM aktivitas WHERE id = ? AND status = 'returned'`, id); n != 1 {
		t.Fatal("aktivitas not returned")
	}
	logout()

	// 3. The pegawai sees the note, fixes the aktivitas and resubmits it.
	browserLogin(t, ctx, base, auth.RolePegawai)
	step(t, ctx, chromedp.Navigate(fmt.Sprintf("%s/kinerja/aktivitas/%d", base, id)), chromedp.WaitVisible("#aktivitas-catatan"))
	if got := text(t, ctx, "#aktivitas-catatan"); !strings.Contains(got, "Sebutkan puskesmas") {
		t.Fatalf("note = %q", got)
	}
	step(t, ctx,
		chromedp.SetValue("#uraian", "Menyusun rekap SPJ Puskesmas Kota dan Ipuh"),
		chromedp.SetValue("#menit", "90"),
		chromedp.Click("#simpan-ajukan"),
		chromedp.WaitVisible(".flash"),
	)
	logout()

	// 4. The atasan approves it.
	browserLogin(t, ctx, base, auth.RoleAtasan)
	step(t, ctx,
		chromedp.Navigate(base+"/kinerja/tinjau"),
		chromedp.WaitVisible(row),
		chromedp.Click(row+" button.setujui"),
		chromedp.WaitVisible(row+".tinjau-selesai"),
	)
	if n := h.count(`SELECT count(*) FROM aktivitas WHERE id = ? AND status = 'approved' AND menit = 90`, id); n != 1 {
		t.Fatal("aktivitas not approved")
	}
	logout()

	// 5. The pegawai submits the month.
	browserLogin(t, ctx, base, auth.RolePegawai)
	step(t, ctx, chromedp.Navigate(base+"/kinerja/penilaian"), chromedp.WaitVisible("#ringkasan"))
	var rhk []int64
	h.db.Raw(`SELECT id FROM rhk WHERE skp_id = ? ORDER BY id`, d.skp).Scan(&rhk)
	for _, r := range rhk {
		step(t, ctx, chromedp.SendKeys(fmt.Sprintf("#realisasi_%d", r), "Tercapai sesuai rencana"))
	}
	step(t, ctx,
		chromedp.SendKeys("#ringkasan", "Semua SPJ bulan ini terverifikasi."),
		chromedp.Click("#ajukan-bulan"),
		chromedp.WaitVisible(".flash"),
	)
	var pid int64
	h.db.Raw(`SELECT id FROM penilaian_bulanan WHERE pegawai_id = ? AND status = 'submitted'`, d.pegawai).Scan(&pid)
	if pid == 0 {
		t.Fatal("month not submitted")
	}
	logout()

	// 6. The atasan rates the month from the subordinates page.
	browserLogin(t, ctx, base, auth.RoleAtasan)
	step(t, ctx,
		chromedp.Navigate(base+"/kinerja/bawahan"),
		chromedp.WaitVisible("#bawahan-tabel"),
		chromedp.Click(fmt.Sprintf(`a[href="/kinerja/penilaian/%d"]`, pid)),
		chromedp.WaitVisible("#hasil_kerja"),
		chromedp.SetValue("#hasil_kerja", "di_atas"),
	)
	rateBerakhlak(t, ctx, "di_atas")
	step(t, ctx,
		chromedp.SendKeys("#umpan_balik", "Sangat rapi."),
		chromedp.Click("#nilai"),
		chromedp.WaitVisible("#predikat"),
	)
	if got := text(t, ctx, "#predikat"); got != "Sangat Baik" {
		t.Fatalf("atasan sees predikat %q", got)
	}
	logout()

	// 7. The pegawai sees the predikat.
	browserLogin(t, ctx, base, auth.RolePegawai)
	step(t, ctx, chromedp.Navigate(base+"/kinerja/penilaian"), chromedp.WaitVisible("#predikat"))
	if got := text(t, ctx, "#predikat"); got != "Sangat Baik" {
		t.Fatalf("pegawai sees predikat %q", got)
	}
}
