package web

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/ekinerja/ekinerja/internal/auth"
)

// TestBrowserAdminCreatesEmployee: an admin_opd opens the form, first sends
// it with a mistake (the message appears next to the field), fixes it, and
// finds the new employee in the list by searching for the NIP.
func TestBrowserAdminCreatesEmployee(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	ctx := newBrowser(t)
	browserLogin(t, ctx, h.ts.URL, auth.RoleAdminOPD)
	const nip = "199203142019032001"
	step(t, ctx,
		chromedp.Navigate(h.ts.URL+"/pegawai"),
		chromedp.WaitVisible("#tambah-pegawai"),
		chromedp.Click("#tambah-pegawai"),
		chromedp.WaitVisible("#f-nip"),
		chromedp.SendKeys("#f-nip", "199203142019031"), // too short
		chromedp.SendKeys("#f-nama", "Ns. Maya Sari, S.Kep."),
		chromedp.SetValue("#f-status_asn", "PNS"),
		chromedp.SetValue("#f-golongan", "III/b"),
		chromedp.SetValue("#f-bank_nama", "Bank Bengkulu"),
		chromedp.SendKeys("#f-bank_rekening", "0021234567"),
		chromedp.SendKeys("#f-bank_atas_nama", "Maya Sari"),
		chromedp.Click("#simpan"),
		chromedp.WaitVisible("#err-nip"),
	)
	if got := text(t, ctx, "#err-nip"); !strings.Contains(got, "18 digit") {
		t.Fatalf("nip message = %q", got)
	}
	step(t, ctx,
		chromedp.Clear("#f-nip"),
		chromedp.SendKeys("#f-nip", nip),
		chromedp.Click("#simpan"),
		chromedp.WaitVisible("#pegawai-nama"),
	)
	if got := text(t, ctx, "#pegawai-nama"); got != "Ns. Maya Sari, S.Kep." {
		t.Fatalf("detail heading = %q", got)
	}
	step(t, ctx,
		chromedp.Navigate(h.ts.URL+"/pegawai"),
		chromedp.WaitVisible("#q"),
		chromedp.SendKeys("#q", nip),
		chromedp.Click("#cari"),
	)
	// The list page was already showing: wait for the search result itself.
	// The old page may be torn down between two reads: a read that finds no
	// node is retried, not fatal.
	for deadline := time.Now().Add(15 * time.Second); ; {
		rctx, cancel := context.WithTimeout(ctx, 2*time.Second)
		got, err := chromedp.Run(rctx, chromedp.Text("#jumlah"))
		cancel()
		if err == nil && got == "1 pegawai" {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("count = %q (%v)", got, err)
		}
		time.Sleep(100 * time.Millisecond)
	}
	if got := text(t, ctx, "#daftar-pegawai tbody"); !strings.Contains(got, nip) || !strings.Contains(got, "Ns. Maya Sari, S.Kep.") {
		t.Fatalf("list = %q", got)
	}
}
