package web

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ekinerja/ekinerja/internal/auth"
	"github.com/ekinerja/ekinerja/internal/stores"
	"github.com/ekinerja/ekinerja/static"
)

// serveLoopback runs srv the way `ekinerja serve` does (its http.Server,
// every timeout set) on a loopback port and returns the base URL.
func serveLoopback(t *testing.T, srv *Server) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	hs := srv.HTTPServer()
	go hs.Serve(ln)
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		hs.Shutdown(ctx)
	})
	return "http://" + ln.Addr().String()
}

// loadResult is what one request of a load test saw.
type loadResult struct {
	status int
	took   time.Duration
	retry  string
	err    error
}

// hammer opens conns TCP connections to addr (host:port), then, all at
// once, sends request(i) on each in a loop for d (a second apart after a
// 503 or 429, as Retry-After says), and returns every result. The client
// side is a bare connection writing the request and reading the answer, so
// the test's own CPU goes to the server.
func hammer(t *testing.T, addr string, conns int, d time.Duration, request func(i int) *http.Request) []loadResult {
	t.Helper()
	var mu sync.Mutex
	var all []loadResult
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := range conns {
		conn, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer func() { conn.Close() }()
			br := bufio.NewReader(conn)
			var mine []loadResult
			<-start
			for stop := time.Now().Add(d); time.Now().Before(stop); {
				req := request(i)
				begin := time.Now()
				conn.SetDeadline(begin.Add(20 * time.Second))
				res := loadResult{}
				err := req.Write(conn)
				var r *http.Response
				if err == nil {
					r, err = http.ReadResponse(br, req)
				}
				if err == nil {
					io.Copy(io.Discard, r.Body)
					r.Body.Close()
					res.status, res.retry = r.StatusCode, r.Header.Get("Retry-After")
				}
				res.took, res.err = time.Since(begin), err
				mine = append(mine, res)
				if err != nil {
					break
				}
				if r.Close { // the server ended the connection: a new one
					conn.Close()
					if conn, err = net.Dial("tcp", addr); err != nil {
						mine = append(mine, loadResult{err: err})
						break
					}
					br = bufio.NewReader(conn)
				}
				if res.status == http.StatusServiceUnavailable || res.status == http.StatusTooManyRequests {
					// Told to come back later: come back after Retry-After
					// (at most a second, to keep the pressure on).
					wait := time.Second
					if n, err := strconv.Atoi(res.retry); err == nil && n < 1 {
						wait = time.Duration(n) * time.Second
					}
					time.Sleep(wait)
				}
			}
			mu.Lock()
			all = append(all, mine...)
			mu.Unlock()
		}()
	}
	close(start)
	wg.Wait()
	return all
}

func percentile(rs []loadResult, p float64) time.Duration {
	ds := make([]time.Duration, 0, len(rs))
	for _, r := range rs {
		ds = append(ds, r.took)
	}
	slices.Sort(ds)
	if len(ds) == 0 {
		return 0
	}
	return ds[min(len(ds)-1, int(float64(len(ds))*p))]
}

// TestOverloadIsShedNotQueued drives the real server (its http.Server, on
// loopback) with 512 concurrent connections, half loading pages as a
// signed-in person and half logging in through the API with a real
// argon2id cost: beyond EKINERJA_MAX_INFLIGHT requests are answered 503
// with Retry-After, a full password-hashing queue answers 429 with
// Retry-After, nothing else fails, and no request waits 5 seconds. Then 32
// connections alone are all served, at a page latency that stays normal.
// Last, a client that gives up on a request stuck on the database is
// counted as 499, not as a 500.
func TestOverloadIsShedNotQueued(t *testing.T) {
	// EKINERJA_MAX_INFLIGHT 32 here (default 64, config/TestLoad): the
	// suite runs with -race on 2 cores shared with other work, where 64
	// pages at once already take seconds of CPU. What is tested is the
	// bound: whoever is inside is served about as fast as 32 connections
	// alone, whoever is beyond it is told so at once.
	h := newHarnessEnv(t, map[string]string{"EKINERJA_ENV": "dev", "EKINERJA_MAX_INFLIGHT": "32"})
	// A real hashing cost (the seeded hashes are cheap ones: the first
	// login rehashes to these parameters).
	hasher := auth.NewHasher(auth.Argon2Params{MemoryKiB: 16 * 1024, Time: 1, Threads: 1, KeyLen: 32, SaltLen: 16}, 4)
	svc := auth.NewService(h.db, hasher, auth.NewTokens(h.cfg.Secret), h.cfg.SessionIdle, h.cfg.SessionMax)
	svc.Configure(auth.Options{Dev: true, Secret: h.cfg.Secret})
	svc.SetSleep(func(context.Context, time.Duration) error { return nil })
	srv, err := New(Deps{Config: h.cfg, Stores: testStores(t, h.db, h.cfg, stores.Sources{}), Log: slog.New(slog.NewJSONHandler(io.Discard, nil)), Auth: svc, Static: static.FS, Version: "test"})
	if err != nil {
		t.Fatal(err)
	}
	base := serveLoopback(t, srv)
	addr := strings.TrimPrefix(base, "http://")
	// A session from the harness's server (same database and secret) is
	// sent as its cookie to this one.
	pegawai := h.as(auth.RolePegawai)
	var cookie string
	for _, ck := range pegawai.http.Jar.Cookies(mustURL(t, h.ts.URL)) {
		cookie += ck.Name + "=" + ck.Value + "; "
	}
	l := login(t, auth.RolePegawai)
	loginBody := fmt.Sprintf(`{"nip":%q,"password":%q}`, l.NIP, l.Password)
	// One login first rehashes the cheap seeded hash with the real cost.
	if r, err := http.Post(base+"/api/v1/auth/token", "application/json", strings.NewReader(loginBody)); err != nil || r.StatusCode != http.StatusOK {
		t.Fatalf("login: %v %v", r, err)
	} else {
		r.Body.Close()
	}
	request := func(i int) *http.Request {
		if i%2 == 0 {
			r, _ := http.NewRequest(http.MethodPost, base+"/api/v1/auth/token", strings.NewReader(loginBody))
			r.Header.Set("Content-Type", "application/json")
			return r
		}
		r, _ := http.NewRequest(http.MethodGet, base+"/", nil)
		r.Header.Set("Cookie", cookie)
		return r
	}

	pages := hammer(t, addr, 32, time.Second, func(int) *http.Request { return request(1) })
	pc := map[int]int{}
	for _, r := range pages {
		if r.err != nil {
			t.Fatal(r.err)
		}
		pc[r.status]++
	}
	p99 := percentile(pages, .99)
	t.Logf("32 connections: %d pages %v, p50 %s p99 %s", len(pages), pc, percentile(pages, .5), p99)
	// All served: 32 is the bound, not beyond it. No time limit on them:
	// that measures the machine (2 shared cores, -race; a p99 of 2.7 s was
	// seen while the rest of the suite ran); the 512 below are held to a
	// multiple of it.
	if pc[http.StatusOK] != len(pages) {
		t.Errorf("32 connections alone: %v, p99 %s (want all 200)", pc, p99)
	}

	res := hammer(t, addr, 512, 2*time.Second, request)
	count := map[int]int{}
	var slowest time.Duration
	busy := 0
	for _, r := range res {
		if r.err != nil {
			t.Fatalf("a request failed at 512 connections: %v after %s", r.err, r.took)
		}
		count[r.status]++
		if r.status == http.StatusTooManyRequests && r.retry == "1" {
			busy++ // the hashing queue's answer (a lockout says 900)
		}
		slowest = max(slowest, r.took)
		if (r.status == http.StatusServiceUnavailable || r.status == http.StatusTooManyRequests) && r.retry == "" {
			t.Fatalf("%d without Retry-After", r.status)
		}
	}
	t.Logf("512 connections: %d requests %v (%d from the hashing queue), p50 %s p99 %s max %s", len(res), count, busy, percentile(res, .5), percentile(res, .99), slowest)
	for _, st := range []int{200, 429, 503} {
		var of []loadResult
		for _, r := range res {
			if r.status == st {
				of = append(of, r)
			}
		}
		t.Logf("  %d: p50 %s p99 %s", st, percentile(of, .5), percentile(of, .99))
	}
	for st, n := range count {
		if st != http.StatusOK && st != http.StatusServiceUnavailable && st != http.StatusTooManyRequests {
			t.Errorf("%d answers with status %d", n, st)
		}
	}
	if count[http.StatusServiceUnavailable] == 0 || busy == 0 || count[http.StatusOK] == 0 {
		t.Errorf("want some 503, some 429 from the hashing queue (%d) and some 200 at 512 connections: %v", busy, count)
	}
	// 5 s, unless this machine is itself so busy (2 shared cores, -race)
	// that 32 connections alone take over a second: then 5 times what they
	// take. A server that queued instead of shedding would make the 512
	// wait 16 times as long as the 32.
	limit := max(5*time.Second, 5*p99)
	if slowest > limit {
		t.Errorf("a request waited %s at 512 connections (limit %s)", slowest, limit)
	}

	// A client that gives up: its page waits on a locked table, the client
	// leaves after 300 ms.
	sqlDB, err := h.db.DB()
	if err != nil {
		t.Fatal(err)
	}
	tx, err := sqlDB.Begin()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tx.Exec(`LOCK TABLE sessions IN ACCESS EXCLUSIVE MODE`); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	r := request(1).WithContext(ctx)
	if resp, err := http.DefaultClient.Do(r); err == nil {
		resp.Body.Close()
		t.Fatalf("the page answered %d with its table locked", resp.StatusCode)
	}
	cancel()
	time.Sleep(300 * time.Millisecond) // the server notices and answers nobody
	tx.Rollback()
	rec := httptest.NewRecorder()
	srv.Metrics().ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/metrics", nil))
	m := rec.Body.String()
	if !strings.Contains(m, `ekinerja_http_requests_total{method="GET",route="/",status="499"} 1`) || strings.Contains(m, `status="500"`) {
		t.Errorf("a client that left is not counted as 499 (or something counted 500):\n%s", grepLines(m, "ekinerja_http_requests_total"))
	}
	if !strings.Contains(m, "ekinerja_http_shed_total") || strings.Contains(m, "ekinerja_http_shed_total 0") ||
		strings.Contains(m, "ekinerja_login_busy_total 0") {
		t.Errorf("shed and busy logins not counted:\n%s", grepLines(m, "ekinerja_"))
	}
}

func grepLines(s, sub string) string {
	var out []string
	for _, l := range strings.Split(s, "\n") {
		if strings.Contains(l, sub) {
			out = append(out, l)
		}
	}
	return strings.Join(out, "\n")
}

func mustURL(t *testing.T, s string) *url.URL {
	t.Helper()
	u, err := url.Parse(s)
	if err != nil {
		t.Fatal(err)
	}
	return u
}
