package web

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	cdpbrowser "github.com/chromedp/cdproto/browser"
	"github.com/chromedp/chromedp"
	"github.com/xuri/excelize/v2"

	"github.com/ekinerja/ekinerja/internal/auth"
)

// TestBrowserTemplateFilledWithExcelizeImports: the admin_opd downloads
// the employee template from the import page in the browser, the file is
// filled in as a person would in Excel (excelize, the template's own sheet,
// its drop-downs kept), uploaded through the page's form and applied; the
// employee is stored with the NIP as typed.
func TestBrowserTemplateFilledWithExcelizeImports(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	ctx := newBrowser(t)
	base := h.ts.URL
	dir := t.TempDir()
	bctx := chromedp.FromContext(ctx).BrowserContextID
	yes := true
	if _, err := chromedp.CallBrowser(ctx, cdpbrowser.SetDownloadBehavior, cdpbrowser.SetDownloadBehaviorParams{
		Behavior: cdpbrowser.SetDownloadBehaviorBehaviorAllow, BrowserContextID: bctx, DownloadPath: dir, EventsEnabled: &yes}); err != nil {
		t.Fatalf("download behaviour: %v", err)
	}

	browserLogin(t, ctx, base, auth.RoleAdminOPD)
	step(t, ctx,
		chromedp.Navigate(base+"/impor"),
		chromedp.WaitVisible(`a[href="/impor/templat/pegawai.xlsx"]`),
		chromedp.Click(`a[href="/impor/templat/pegawai.xlsx"]`),
	)
	var tpl string
	for deadline := time.Now().Add(15 * time.Second); tpl == "" && time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
		if m, _ := filepath.Glob(filepath.Join(dir, "*.xlsx")); len(m) == 1 {
			tpl = m[0]
		}
	}
	if tpl == "" {
		t.Fatal("the template was not downloaded")
	}
	if filepath.Base(tpl) != "templat-pegawai.xlsx" {
		t.Errorf("downloaded as %q", filepath.Base(tpl))
	}

	f, err := excelize.OpenFile(tpl)
	if err != nil {
		t.Fatal(err)
	}
	sh := f.GetSheetName(0)
	rows, err := f.GetRows(sh)
	if err != nil || len(rows) < 2 {
		t.Fatalf("template rows: %v %v", rows, err)
	}
	head := -1
	for i, r := range rows {
		if len(r) > 0 && r[0] == "nip" {
			head = i
		}
	}
	if head < 0 {
		t.Fatalf("no header row in the template: %v", rows)
	}
	col := map[string]int{}
	for i, c := range rows[head] {
		col[c] = i + 1
	}
	dv, err := f.GetDataValidations(sh)
	if err != nil || len(dv) == 0 {
		t.Errorf("the template has no drop-down validation: %v", err)
	}
	// Overwrite the example row and add a second employee, as a person does.
	set := func(row int, name, v string) {
		cell, _ := excelize.CoordinatesToCellName(col[name], row)
		if err := f.SetCellStr(sh, cell, v); err != nil {
			t.Fatal(err)
		}
	}
	people := []struct{ nip, nama string }{
		{"199204142019032011", "Rina Kartika, S.Kep."},
		{"199305052020121002", "Yusuf Hidayat"},
	}
	for i, p := range people {
		r := head + 2 + i
		for name := range col {
			set(r, name, "")
		}
		set(r, "nip", p.nip)
		set(r, "nama", p.nama)
		set(r, "status_asn", "PNS")
		set(r, "golongan", "III/a")
		set(r, "opd_kode", "DINKES")
		set(r, "keadaan", "aktif")
		set(r, "tugas_belajar", "tidak")
	}
	// Any rows of the template below the filled ones are cleared.
	for r := head + 2 + len(people); r <= len(rows); r++ {
		for name := range col {
			set(r, name, "")
		}
	}
	filled := filepath.Join(t.TempDir(), "pegawai-baru.xlsx")
	if err := f.SaveAs(filled); err != nil {
		t.Fatal(err)
	}
	_ = f.Close()

	step(t, ctx,
		chromedp.Navigate(base+"/impor"),
		chromedp.WaitVisible("#berkas-pegawai"),
		chromedp.SetUploadFiles("#berkas-pegawai", []string{filled}),
		chromedp.Click(`form[action="/impor/pegawai"] button[type="submit"]`),
		chromedp.WaitVisible("#laporan"),
	)
	got := text(t, ctx, "#laporan")
	if !strings.Contains(got, "Berkas diterapkan: 2 baru") {
		t.Fatalf("import report: %q", got)
	}
	for _, p := range people {
		if n := h.count(`SELECT count(*) FROM pegawai p JOIN opd o ON o.id = p.opd_id WHERE p.nip = ? AND p.nama = ? AND o.kode = 'DINKES'`, p.nip, p.nama); n != 1 {
			t.Errorf("employee %s not stored as typed", p.nip)
		}
	}
	if _, err := os.Stat(filled); err != nil {
		t.Fatal(err)
	}
}

// TestBrowserImportUploadsWithProgress: with script, an import form sends
// its file with XMLHttpRequest (so the page can show the upload's progress),
// shows the progress box, and the report replaces the page as a normal
// submit would; the page it leaves behind is enhanced again, so a second
// upload goes the same way. The reimport changes nothing.
func TestBrowserImportUploadsWithProgress(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	ctx := newBrowser(t)
	base := h.ts.URL
	nip := login(t, auth.RolePegawai).NIP
	var b strings.Builder
	b.WriteString("nip;tanggal;jam_masuk;jam_pulang\n")
	for d := 1; d <= 2; d++ {
		b.WriteString(nip + ";2026-10-0" + string(rune('0'+d)) + ";07:30;16:00\n")
	}
	file := filepath.Join(t.TempDir(), "presensi.csv")
	if err := os.WriteFile(file, []byte(b.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	browserLogin(t, ctx, base, auth.RoleAdminOPD)
	// The progress box shows as soon as the form is sent: record whether it
	// was ever visible, since the answer replaces the page quickly.
	const watch = `window.__shown = false; new MutationObserver(function () {
  var b = document.querySelector("[data-upload-progress]"); if (b && !b.hidden) { window.__shown = true; sessionStorage.setItem("shown", "1"); }
}).observe(document.body, {subtree: true, attributes: true, attributeFilter: ["hidden"]});`
	for i, want := range []string{"Ditambah 2, diubah 0", "Ditambah 0, diubah 0"} {
		// The second upload is sent from the page the first report left.
		if i == 0 {
			step(t, ctx, chromedp.Navigate(base+"/presensi/impor"))
		}
		step(t, ctx, chromedp.WaitVisible("#berkas"))
		// (The first report is taken off the page, so the wait below sees the new one.)
		if _, err := chromedp.Run(ctx, chromedp.Evaluate[any](`var old = document.getElementById("laporan-impor"); if (old) { old.remove(); }
sessionStorage.removeItem("shown"); `+watch)); err != nil {
			t.Fatal(err)
		}
		step(t, ctx,
			chromedp.SetUploadFiles("#berkas", []string{file}),
			chromedp.Click("#kirim-impor"),
			chromedp.WaitVisible("#laporan-impor"),
		)
		if got := text(t, ctx, "#laporan-impor"); !strings.Contains(got, want) {
			t.Fatalf("upload %d: report %q, want %q", i+1, got, want)
		}
		shown, err := chromedp.Run(ctx, chromedp.Evaluate[string](`sessionStorage.getItem("shown") || ""`))
		if err != nil || shown != "1" {
			t.Errorf("upload %d: the progress box was never shown (%q, %v)", i+1, shown, err)
		}
		xhr, err := chromedp.Run(ctx, chromedp.Evaluate[int](`performance.getEntriesByType("resource").filter(function (e) {
  return e.initiatorType === "xmlhttprequest" && e.name.indexOf("/presensi/impor") >= 0; }).length`))
		if err != nil || xhr < 1 {
			t.Errorf("upload %d: not sent with XMLHttpRequest (%d, %v)", i+1, xhr, err)
		}
	}
	if n := h.count(`SELECT count(*) FROM impor_kehadiran WHERE nama_berkas = 'presensi.csv'`); n < 1 {
		t.Errorf("no import stored")
	}
}
