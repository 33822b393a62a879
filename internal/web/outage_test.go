package web

import (
	"context"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ekinerja/ekinerja/internal/auth"
	"github.com/ekinerja/ekinerja/internal/config"
	"github.com/ekinerja/ekinerja/internal/database"
	"github.com/ekinerja/ekinerja/internal/demo"
	"github.com/ekinerja/ekinerja/internal/stores"
	"github.com/ekinerja/ekinerja/internal/testdb"
	"github.com/ekinerja/ekinerja/static"
)

// flakyProxy forwards loopback TCP to PostgreSQL and can be cut and restored,
// to play a database outage without touching the real server.
type flakyProxy struct {
	target string
	addr   string
	mu     sync.Mutex
	ln     net.Listener
	conns  []net.Conn
}

func (p *flakyProxy) up(t *testing.T) {
	t.Helper()
	addr := p.addr
	if addr == "" {
		addr = "127.0.0.1:0"
	}
	var ln net.Listener
	var err error
	for i := 0; i < 50; i++ { // the old socket may linger a moment
		if ln, err = net.Listen("tcp", addr); err == nil {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	if err != nil {
		t.Fatal(err)
	}
	p.mu.Lock()
	p.ln, p.addr = ln, ln.Addr().String()
	p.mu.Unlock()
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			s, err := net.Dial("tcp", p.target)
			if err != nil {
				c.Close()
				continue
			}
			p.mu.Lock()
			p.conns = append(p.conns, c, s)
			p.mu.Unlock()
			go func() { io.Copy(s, c); s.Close() }()
			go func() { io.Copy(c, s); c.Close() }()
		}
	}()
}

func (p *flakyProxy) down() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.ln.Close()
	for _, c := range p.conns {
		c.Close()
	}
	p.conns = nil
}

func TestDatabaseOutageShowsGangguanAndRecovers(t *testing.T) {
	direct := testdb.NewURL(t)
	u, _ := url.Parse(direct)
	proxy := &flakyProxy{target: u.Host}
	proxy.up(t)
	t.Cleanup(proxy.down)
	u.Host = proxy.addr
	ctx := context.Background()
	db, err := database.Open(ctx, u.String())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { database.Close(db) })
	hasher := auth.NewHasher(fastArgon2, 2)
	if _, err := demo.Seed(ctx, db, hasher); err != nil {
		t.Fatal(err)
	}
	cfg, _ := config.Load(func(k string) string { return map[string]string{"EKINERJA_ENV": "dev"}[k] })
	srv, err := New(Deps{Config: cfg, Stores: testStores(t, db, cfg, stores.Sources{}), Log: slog.New(slog.NewJSONHandler(io.Discard, nil)),
		Auth: auth.NewService(db, hasher, auth.NewTokens(cfg.Secret), cfg.SessionIdle, cfg.SessionMax), Static: static.FS, Version: "test"})
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(srv.Handler())
	t.Cleanup(ts.Close)
	h := &harness{t: t, db: db, srv: srv, ts: ts, cfg: cfg}
	c := h.as(auth.RolePegawai)
	if res := c.get("/"); res.status != http.StatusOK {
		t.Fatalf("before outage: %d", res.status)
	}

	proxy.down()
	cases := []struct {
		path   string
		status int
		want   string
	}{
		{"/", http.StatusServiceUnavailable, "Sistem sedang gangguan"},
		{"/readyz", http.StatusServiceUnavailable, "unavailable"},
		{"/healthz", http.StatusOK, "ok"},
		{"/api/v1/me", http.StatusServiceUnavailable, "sedang gangguan"},
	}
	for _, tc := range cases {
		res := c.get(tc.path)
		if res.status != tc.status || !strings.Contains(res.body, tc.want) {
			t.Errorf("during outage %s: status %d body %.200s", tc.path, res.status, res.body)
		}
		for _, leak := range []string{"dial tcp", "connection refused", "pgconn", "goroutine", ".go:"} {
			if strings.Contains(res.body, leak) {
				t.Errorf("%s leaks %q", tc.path, leak)
			}
		}
	}

	proxy.up(t) // same address: the database is back
	deadline := time.Now().Add(10 * time.Second)
	for {
		res := c.get("/")
		if res.status == http.StatusOK && strings.Contains(res.body, "Beranda Pegawai") {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("server did not recover after the database returned: %d", res.status)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

func TestMetricsCountRoutesNotPaths(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	c := h.as(auth.RolePegawai)
	c.get("/")
	c.get("/tidak-ada/123")
	rec := httptest.NewRecorder()
	h.srv.Metrics().ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/metrics", nil))
	body := rec.Body.String()
	for _, want := range []string{`ekinerja_http_requests_total{method="GET",route="/",status="200"}`, `route="unmatched",status="404"`, `go_sql_max_open_connections{db_name="ekinerja"}`, "go_goroutines"} {
		if !strings.Contains(body, want) {
			t.Errorf("metrics lack %s", want)
		}
	}
	if strings.Contains(body, "/tidak-ada/123") {
		t.Error("raw paths leak into metric labels")
	}
	// The public port does not serve metrics.
	if res := c.get("/metrics"); res.status != http.StatusNotFound {
		t.Errorf("/metrics on the public port: %d", res.status)
	}
}
