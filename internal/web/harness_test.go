package web

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"gorm.io/gorm"

	"github.com/ekinerja/ekinerja/internal/auth"
	"github.com/ekinerja/ekinerja/internal/config"
	"github.com/ekinerja/ekinerja/internal/database"
	"github.com/ekinerja/ekinerja/internal/demo"
	"github.com/ekinerja/ekinerja/internal/stores"
	"github.com/ekinerja/ekinerja/internal/testdb"
	"github.com/ekinerja/ekinerja/static"
)

// fastArgon2 keeps tests quick; production parameters are tested in auth.
var fastArgon2 = auth.Argon2Params{MemoryKiB: 64, Time: 1, Threads: 1, KeyLen: 32, SaltLen: 16}

// harness is a real server on loopback over a fresh, seeded database.
type harness struct {
	t  *testing.T
	db *gorm.DB
	// appDB is the connection the server uses (the app role's with appRole).
	appDB *gorm.DB
	srv   *Server
	ts    *httptest.Server
	cfg   config.Config
}

func newHarness(t *testing.T) *harness {
	t.Helper()
	return newHarnessEnv(t, map[string]string{"EKINERJA_ENV": "dev"})
}

// newHarnessEnv is newHarness with a chosen environment (production mode,
// trusted proxies, a small body limit...).
func newHarnessEnv(t *testing.T, env map[string]string) *harness {
	t.Helper()
	return newHarnessDB(t, env, false)
}

// newHarnessDB is newHarnessEnv; with appRole the server connects as a
// fresh LOGIN role whose only rights are membership of ekinerja_app (as
// production does), while h.db stays the owner connection for the test.
func newHarnessDB(t *testing.T, env map[string]string, appRole bool) *harness {
	t.Helper()
	return newHarnessServerDB(t, env, func(owner *gorm.DB, ownerURL string) *gorm.DB {
		if appRole {
			return appRoleDB(t, owner, ownerURL)
		}
		return owner
	})
}

// newHarnessServerDB is newHarnessEnv with the server's connection pool
// made by serverDB from the owner's (a proxy in front, another role, ...).
func newHarnessServerDB(t *testing.T, env map[string]string, serverDBOf func(owner *gorm.DB, ownerURL string) *gorm.DB) *harness {
	t.Helper()
	return newHarnessStores(t, env, serverDBOf, func(db *gorm.DB, cfg config.Config) stores.Set {
		return testStores(t, db, cfg, stores.Sources{})
	})
}

// newProductionHarness is newHarness with the stores main builds
// (stores.FromStores): the TPP computation reads the real kinerja and
// attendance stores instead of having no sources.
func newProductionHarness(t *testing.T) *harness {
	t.Helper()
	return newHarnessStores(t, map[string]string{"EKINERJA_ENV": "dev"}, func(owner *gorm.DB, _ string) *gorm.DB { return owner },
		func(db *gorm.DB, cfg config.Config) stores.Set {
			st, err := stores.FromStores(db, cfg.Location)
			if err != nil {
				t.Fatal(err)
			}
			return st
		})
}

// newHarnessStores is newHarnessServerDB with the server's stores built by storesOf.
func newHarnessStores(t *testing.T, env map[string]string, serverDBOf func(owner *gorm.DB, ownerURL string) *gorm.DB,
	storesOf func(*gorm.DB, config.Config) stores.Set) *harness {
	t.Helper()
	hasher := auth.NewHasher(fastArgon2, 4)
	// The demo data is written once per test binary, into a template every
	// harness clones (testdb.Seeded): the same rows as seeding each one.
	ownerURL := testdb.Seeded(t, "demo", func(ctx context.Context, db *gorm.DB) error {
		_, err := demo.Seed(ctx, db, hasher)
		return err
	})
	db, err := database.Open(context.Background(), ownerURL)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { database.Close(db) })
	serverDB := serverDBOf(db, ownerURL)
	cfg, err := config.Load(func(k string) string {
		if v, ok := env[k]; ok || k != "EKINERJA_REQUEST_TIMEOUT" {
			return v
		}
		// The suite runs with -race on 2 shared cores: a slow page there is
		// not a hung database. Tests of the deadline set it themselves.
		return "30s"
	})
	if err != nil {
		t.Fatal(err)
	}
	svc := auth.NewService(serverDB, hasher, auth.NewTokens(cfg.Secret), cfg.SessionIdle, cfg.SessionMax)
	var banned []string
	for _, l := range demo.Logins() {
		banned = append(banned, l.Password)
	}
	svc.Configure(auth.Options{Dev: cfg.Dev(), BannedPasswords: banned, Secret: cfg.Secret, AdminOPDWithoutTOTP: !cfg.AdminOPDTOTP})
	// The progressive delay is tested in package auth with a recording
	// clock; here it would only slow the suite down.
	svc.SetSleep(func(context.Context, time.Duration) error { return nil })
	log := slog.New(slog.NewJSONHandler(io.Discard, nil))
	srv, err := New(Deps{Config: cfg, Stores: storesOf(serverDB, cfg), Log: log, Auth: svc, Static: static.FS, Version: "test"})
	if err != nil {
		t.Fatal(err)
	}
	// A compute request here waits for its computation, as a person waits
	// for the page to say it is done: with the production 2 s the suite,
	// loaded on two cores, sometimes got "sedang dihitung", opened the
	// confirmation page mid-computation and was rightly refused (409) when
	// it posted. The slow path (redirected at once, the page polls) is
	// tested by setting computeWait to 0 (tpp_progress_test.go).
	srv.computeWait = time.Minute
	// Production mode sets Secure, __Host- cookies, which a client only
	// sends back over HTTPS.
	var ts *httptest.Server
	if cfg.Dev() {
		ts = httptest.NewServer(srv.Handler())
	} else {
		ts = httptest.NewTLSServer(srv.Handler())
	}
	t.Cleanup(ts.Close)
	// Computations started by requests finish before the database goes.
	t.Cleanup(srv.background.Wait)
	return &harness{t: t, db: db, appDB: serverDB, srv: srv, ts: ts, cfg: cfg}
}

// testStores builds the server's stores on db, as main does.
func testStores(tb testing.TB, db *gorm.DB, cfg config.Config, src stores.Sources) stores.Set {
	tb.Helper()
	st, err := stores.New(db, cfg.Location, src)
	if err != nil {
		tb.Fatal(err)
	}
	return st
}

// login returns the demo account of role.
func login(t *testing.T, role auth.Role) demo.Login {
	for _, l := range demo.Logins() {
		if l.Role == role {
			return l
		}
	}
	t.Fatalf("no demo login for %s", role)
	return demo.Login{}
}

// client is a browser-like HTTP client: cookie jar, no redirect following.
type client struct {
	h    *harness
	http *http.Client

	// The CSRF token is the server's HMAC of the session (or of the
	// anonymous csrf cookie), so it changes only when the cookies do:
	// csrf caches it per cookie set instead of fetching a page before
	// every POST.
	csrfMu      sync.Mutex
	csrfCookies string
	csrfToken   string
}

func (h *harness) client() *client {
	jar, _ := cookiejar.New(nil)
	return &client{h: h, http: &http.Client{Jar: jar, Timeout: 30 * time.Second, Transport: h.ts.Client().Transport,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

// as returns a client signed in as the demo account of role, with that role active.
func (h *harness) as(role auth.Role) *client {
	h.t.Helper()
	c := h.client()
	l := login(h.t, role)
	res := c.postForm("/masuk", url.Values{"nip": {l.NIP}, "password": {l.Password}})
	if res.status != http.StatusSeeOther {
		h.t.Fatalf("login as %s: status %d: %s", role, res.status, res.body)
	}
	return c
}

type response struct {
	status int
	header http.Header
	body   string
}

func (c *client) do(req *http.Request) response {
	c.h.t.Helper()
	r, err := c.http.Do(req)
	if err != nil {
		c.h.t.Fatalf("%s %s: %v", req.Method, req.URL, err)
	}
	defer r.Body.Close()
	b, _ := io.ReadAll(r.Body)
	return response{status: r.StatusCode, header: r.Header, body: string(b)}
}

func (c *client) get(path string) response {
	req, _ := http.NewRequest(http.MethodGet, c.h.ts.URL+path, nil)
	return c.do(req)
}

var csrfInput = regexp.MustCompile(`name="csrf_token" value="([^"]+)"`)

// csrf returns the CSRF token the client's forms carry: fetched from a
// page, again whenever the client's cookies have changed since.
func (c *client) csrf() string {
	c.h.t.Helper()
	c.csrfMu.Lock()
	defer c.csrfMu.Unlock()
	cookies := c.cookieState()
	if c.csrfToken != "" && cookies == c.csrfCookies {
		return c.csrfToken
	}
	res := c.get("/masuk")
	// Signed in: /masuk sends to the home page (or to a pending forced
	// step); every page carries the token in its logout form.
	for i := 0; res.status == http.StatusSeeOther && i < 3; i++ {
		res = c.get(res.header.Get("Location"))
	}
	m := csrfInput.FindStringSubmatch(res.body)
	if m == nil {
		c.h.t.Fatalf("no csrf token in page (status %d)", res.status)
	}
	// The fetch itself may have set cookies (the anonymous csrf cookie,
	// a refreshed session): the token belongs to the state after it.
	c.csrfCookies, c.csrfToken = c.cookieState(), m[1]
	return m[1]
}

// cookieState is every cookie the client would send to the server.
func (c *client) cookieState() string {
	u, err := url.Parse(c.h.ts.URL)
	if err != nil || c.http.Jar == nil {
		return ""
	}
	var b strings.Builder
	for _, ck := range c.http.Jar.Cookies(u) {
		b.WriteString(ck.Name + "=" + ck.Value + ";")
	}
	return b.String()
}

// postForm posts a form with a valid CSRF token.
func (c *client) postForm(path string, form url.Values) response {
	c.h.t.Helper()
	if form == nil {
		form = url.Values{}
	}
	form.Set("csrf_token", c.csrf())
	return c.postRaw(path, form)
}

// postRaw posts a form exactly as given.
func (c *client) postRaw(path string, form url.Values) response {
	req, _ := http.NewRequest(http.MethodPost, c.h.ts.URL+path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return c.do(req)
}

// count returns the number of rows a query finds.
func (h *harness) count(query string, args ...any) int64 {
	h.t.Helper()
	var n int64
	if err := h.db.Raw(query, args...).Scan(&n).Error; err != nil {
		h.t.Fatal(err)
	}
	return n
}
