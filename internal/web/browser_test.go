package web

import (
	"context"
	"os"
	"os/exec"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/ekinerja/ekinerja/internal/auth"
	"github.com/ekinerja/ekinerja/internal/testdb"
)

// chromiumPath finds Debian's chromium (or $EKINERJA_CHROMIUM). The browser
// tests are part of `make test`: without a browser they fail, unless
// EKINERJA_SKIP_BROWSER=1 says so on purpose.
func chromiumPath(t *testing.T) string {
	t.Helper()
	if os.Getenv("EKINERJA_SKIP_BROWSER") == "1" {
		t.Skip("EKINERJA_SKIP_BROWSER=1")
	}
	// Debian's chromium-headless-shell first: the same Chromium (Blink,
	// V8, DevTools) without the browser's UI layers, built for automation;
	// the every-page axe check took 24% less CPU in it than in the full
	// browser's headless mode (173 against 227 core-seconds).
	for _, p := range []string{os.Getenv("EKINERJA_CHROMIUM"), "chromium-headless-shell", "chromium", "chromium-browser", "google-chrome"} {
		if p == "" {
			continue
		}
		if path, err := exec.LookPath(p); err == nil {
			return path
		}
	}
	t.Fatal("chromium tidak ditemukan: apt-get install chromium-headless-shell (atau chromium; atau set EKINERJA_SKIP_BROWSER=1)")
	return ""
}

// browser is the one headless chromium the package's browser tests share:
// started by the first of them, stopped by TestMain. Each test gets its own
// tab in its own browser context (cookies, storage and cache apart, as in a
// fresh profile), so parallel tests never see each other's session even
// though every test server is on 127.0.0.1.
var browser struct {
	once   sync.Once
	ctx    context.Context
	stop   func()
	dir    string
	err    error
	active sync.WaitGroup
}

func TestMain(m *testing.M) {
	code := m.Run()
	testdb.DropSeeded()
	if browser.stop != nil {
		browser.active.Wait()
		browser.stop()
		os.RemoveAll(browser.dir)
	}
	os.Exit(code)
}

// newBrowser opens a tab in a fresh browser context of the shared chromium
// for t; the tab and its context close when t ends.
func newBrowser(t *testing.T) context.Context {
	t.Helper()
	path := chromiumPath(t)
	browser.once.Do(func() {
		browser.dir, browser.err = os.MkdirTemp("", "ekinerja-chromium-")
		if browser.err != nil {
			return
		}
		opts := []chromedp.ExecAllocatorOption{
			chromedp.ExecPath(path),
			chromedp.Headless, chromedp.NoSandbox, chromedp.DisableGPU, chromedp.NoFirstRun, chromedp.NoDefaultBrowserCheck,
			chromedp.Flag("disable-background-networking", true),
			chromedp.Flag("disable-component-update", true),
			chromedp.Flag("disable-sync", true),
			chromedp.Flag("disable-quic", true),
			chromedp.Flag("disable-dev-shm-usage", true),
			chromedp.UserDataDir(browser.dir),
			chromedp.WindowSize(390, 844), // a phone
		}
		actx, cancelA := chromedp.NewExecAllocator(context.Background(), opts...)
		bctx, cancelB := chromedp.NewContext(actx)
		browser.ctx, browser.stop = bctx, func() { cancelB(); cancelA() }
		browser.err = chromedp.Do(bctx) // start the browser without a deadline
	})
	if browser.err != nil {
		t.Fatalf("start chromium: %v", browser.err)
	}
	browser.active.Add(1)
	ctx, cancel := chromedp.NewContext(browser.ctx, chromedp.WithNewBrowserContext())
	t.Cleanup(func() { cancel(); browser.active.Done() })
	if err := chromedp.Do(ctx); err != nil { // open the tab without a deadline
		t.Fatalf("open chromium tab: %v", err)
	}
	// A phone's viewport in every tab, whatever size a new target gets.
	step(t, ctx, chromedp.EmulateViewport(390, 844))
	return ctx
}

// stepDeadline bounds one group of browser steps. It is there to end a
// hung test, not to time pages: make test runs the browser tests beside
// the whole race-enabled suite on two cores, where one login and landing
// page has taken over 20 s on a slow day.
const stepDeadline = 45 * time.Second

// step runs browser steps with a deadline.
func step(t *testing.T, ctx context.Context, steps ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	sctx, cancel := context.WithTimeout(ctx, stepDeadline)
	defer cancel()
	if err := chromedp.Do(sctx, steps...); err != nil {
		t.Fatalf("browser: %v", err)
	}
}

// text reads an element's text with a deadline.
func text(t *testing.T, ctx context.Context, sel string) string {
	t.Helper()
	sctx, cancel := context.WithTimeout(ctx, stepDeadline)
	defer cancel()
	v, err := chromedp.Run(sctx, chromedp.Text(sel))
	if err != nil {
		t.Fatalf("browser text %s: %v", sel, err)
	}
	return v
}

// browserLogin signs in through the real login form.
func browserLogin(t *testing.T, ctx context.Context, base string, role auth.Role) {
	t.Helper()
	l := login(t, role)
	step(t, ctx,
		chromedp.Navigate(base+"/masuk"),
		chromedp.WaitVisible("#nip"),
		chromedp.SendKeys("#nip", l.NIP),
		chromedp.SendKeys("#password", l.Password),
		chromedp.Click("#masuk"),
		chromedp.WaitVisible("#home-heading"),
	)
}

func TestBrowserPegawaiLogsIn(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	ctx := newBrowser(t)

	// A wrong password shows the generic message and stays on the login page.
	step(t, ctx,
		chromedp.Navigate(h.ts.URL+"/"),
		chromedp.WaitVisible("#nip"),
		chromedp.SendKeys("#nip", login(t, auth.RolePegawai).NIP),
		chromedp.SendKeys("#password", "bukan-sandinya"),
		chromedp.Click("#masuk"),
		chromedp.WaitVisible("#login-error"),
	)
	if got := text(t, ctx, "#login-error"); !strings.Contains(got, "NIP atau kata sandi salah") {
		t.Fatalf("login error = %q", got)
	}

	browserLogin(t, ctx, h.ts.URL, auth.RolePegawai)
	if got := text(t, ctx, "#home-heading"); got != "Beranda Pegawai" {
		t.Fatalf("heading = %q", got)
	}
	if got := text(t, ctx, "#profil-nama"); got != login(t, auth.RolePegawai).Nama {
		t.Fatalf("profile name = %q", got)
	}
	// The page's script and stylesheet loaded under the strict CSP.
	sctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	bg, err := chromedp.Run(sctx, chromedp.Evaluate[string](`getComputedStyle(document.querySelector('.topbar')).display`))
	if err != nil || bg != "flex" {
		t.Fatalf("stylesheet not applied: %q %v", bg, err)
	}
}
