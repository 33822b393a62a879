package web

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/ekinerja/ekinerja/internal/auth"
)

// TestBrowserAttendanceImportToRecap: the demo admin_opd uploads a small
// fingerprint CSV through the import page, reads the report, then opens the
// OPD recap for the month and finds the hand-computed TL/PSW/TK counts of
// the demo pegawai.
func TestBrowserAttendanceImportToRecap(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	ctx := newBrowser(t)
	base := h.ts.URL
	nip := login(t, auth.RolePegawai).NIP
	pid := h.pegawaiID(auth.RolePegawai)

	// October 2026 on the default 5-day week (Mon-Thu 07:30-16:00, Fri
	// 07:30-16:30), no holidays: 22 work days. The file covers five of them.
	rows := []string{
		"2026-10-01;07:30;16:00", // Thu: on time
		"2026-10-02;08:00;16:30", // Fri: 30 minutes late, TL1 (edge 30)
		"2026-10-05;08:01;16:00", // Mon: 31 minutes late, TL2 (edge 31)
		"2026-10-06;09:01;16:00", // Tue: 91 minutes late, TL4 (edge 91)
		"2026-10-07;07:30;15:00", // Wed: 60 minutes early, PSW2 (edge 60)
	}
	csv := "nip;tanggal;jam_masuk;jam_pulang\n"
	for _, r := range rows {
		csv += nip + ";" + r + "\n"
	}
	file := filepath.Join(t.TempDir(), "presensi-oktober.csv")
	if err := os.WriteFile(file, []byte(csv), 0o600); err != nil {
		t.Fatal(err)
	}

	browserLogin(t, ctx, base, auth.RoleAdminOPD)
	step(t, ctx,
		chromedp.Navigate(base+"/presensi/impor"),
		chromedp.WaitVisible("#berkas"),
		chromedp.SetUploadFiles("#berkas", []string{file}),
		chromedp.Click("#kirim-impor"),
		chromedp.WaitVisible("#laporan-impor"),
	)
	if got := text(t, ctx, "#laporan-impor"); !strings.Contains(got, "Berkas diimpor: 5 baris untuk 5 tanggal. Ditambah 5, diubah 0, dihapus 0.") {
		t.Fatalf("import report = %q", got)
	}
	if n := h.count(`SELECT count(*) FROM impor_kehadiran WHERE nama_berkas = 'presensi-oktober.csv' AND baris = 5`); n != 1 {
		t.Fatalf("stored batches: %d", n)
	}

	// The recap: pick the month in the page's own form. The page first shows
	// the current month with the same row ids, so wait for October's own
	// "previous month" link before reading.
	row := fmt.Sprintf("#rekap-%d", pid)
	step(t, ctx,
		chromedp.Navigate(base+"/presensi/rekap"),
		chromedp.WaitVisible("#bulan"),
		chromedp.SetValue("#bulan", "2026-10"),
		chromedp.Click(`form[action="/presensi/rekap"] button`),
		chromedp.WaitVisible(`a[href*="bulan=2026-09"]`),
		chromedp.WaitVisible(row),
	)
	if got := text(t, ctx, "h1"); got != "Rekap Presensi Oktober 2026" {
		t.Fatalf("heading = %q", got)
	}
	cell := func(n int) string { return strings.TrimSpace(text(t, ctx, fmt.Sprintf("%s td:nth-child(%d)", row, n))) }
	for _, c := range []struct {
		col  int
		name string
		want string
	}{
		{2, "work days", "22"},
		{3, "present", "5"},
		{4, "on time", "1"},
		{5, "TL1-4", "1 / 1 / 0 / 1"},
		{6, "PSW1-4", "0 / 1 / 0 / 0"},
		{7, "minutes late", "152"},
		{8, "minutes early", "60"},
		{9, "TK", "17"},
	} {
		if got := cell(c.col); got != c.want {
			t.Errorf("%s = %q, want %q", c.name, got, c.want)
		}
	}
}
