package web

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"gorm.io/gorm"

	"github.com/ekinerja/ekinerja/internal/auth"
	"github.com/ekinerja/ekinerja/internal/database"
)

// freezeProxy forwards loopback TCP to PostgreSQL and can freeze: while
// frozen it keeps every connection open and accepts new ones, but forwards
// no byte either way, as a PostgreSQL stopped with SIGSTOP would.
type freezeProxy struct {
	target string
	ln     net.Listener
	mu     sync.Mutex
	thawed *sync.Cond
	frozen bool
	conns  []net.Conn
}

func newFreezeProxy(t *testing.T, target string) *freezeProxy {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := &freezeProxy{target: target, ln: ln}
	p.thawed = sync.NewCond(&p.mu)
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			s, err := net.Dial("tcp", target)
			if err != nil {
				c.Close()
				continue
			}
			p.mu.Lock()
			p.conns = append(p.conns, c, s)
			p.mu.Unlock()
			go p.pipe(s, c)
			go p.pipe(c, s)
		}
	}()
	t.Cleanup(func() {
		p.freeze(false)
		ln.Close()
		p.mu.Lock()
		for _, c := range p.conns {
			c.Close()
		}
		p.mu.Unlock()
	})
	return p
}

func (p *freezeProxy) addr() string { return p.ln.Addr().String() }

func (p *freezeProxy) freeze(on bool) {
	p.mu.Lock()
	p.frozen = on
	p.mu.Unlock()
	p.thawed.Broadcast()
}

// pipe copies src to dst, holding every chunk while the proxy is frozen.
func (p *freezeProxy) pipe(dst, src net.Conn) {
	defer dst.Close()
	defer src.Close()
	buf := make([]byte, 32<<10)
	for {
		n, err := src.Read(buf)
		if n > 0 {
			p.mu.Lock()
			for p.frozen {
				p.thawed.Wait()
			}
			p.mu.Unlock()
			if _, werr := dst.Write(buf[:n]); werr != nil {
				return
			}
		}
		if err != nil {
			return
		}
	}
}

// TestFrozenDatabaseAnswers503Within5s freezes the database under a
// running server (a proxy that stops forwarding, connections left open)
// and asserts that a page, an API call and a form POST each answer
// "Sistem sedang gangguan" (503) within 5 seconds instead of hanging for
// the freeze, that /readyz keeps its 2-second answer, and that the server
// serves again as soon as the database thaws. The server's pool is opened
// as `ekinerja serve` opens it (database.ServeLimits).
func TestFrozenDatabaseAnswers503Within5s(t *testing.T) {
	var proxy *freezeProxy
	h := newHarnessServerDB(t, map[string]string{"EKINERJA_ENV": "dev"}, func(_ *gorm.DB, ownerURL string) *gorm.DB {
		u, err := url.Parse(ownerURL)
		if err != nil {
			t.Fatal(err)
		}
		proxy = newFreezeProxy(t, u.Host)
		u.Host = proxy.addr()
		db, err := database.OpenLimited(context.Background(), u.String(), database.ServeLimits)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { database.Close(db) })
		return db
	})
	if h.srv.cfg.RequestTimeout != 4*time.Second {
		t.Fatalf("default EKINERJA_REQUEST_TIMEOUT: %s", h.srv.cfg.RequestTimeout)
	}
	c := h.as(auth.RolePegawai)
	token := c.csrf()
	l := login(t, auth.RolePegawai)
	res := h.client().postJSON("/api/v1/auth/token", fmt.Sprintf(`{"nip":%q,"password":%q}`, l.NIP, l.Password))
	var tok struct {
		Token string `json:"access_token"`
	}
	if err := json.Unmarshal([]byte(res.body), &tok); err != nil || tok.Token == "" {
		t.Fatalf("api token: %d %s", res.status, res.body)
	}
	if res := c.get("/"); res.status != http.StatusOK {
		t.Fatalf("before the freeze: %d", res.status)
	}

	proxy.freeze(true)
	type call struct {
		name, method, path, body, want string
		header                         map[string]string
		limit                          time.Duration
		status                         int
	}
	calls := []call{
		{name: "halaman", method: http.MethodGet, path: "/", want: "Sistem sedang gangguan", limit: 5 * time.Second, status: http.StatusServiceUnavailable},
		{name: "API", method: http.MethodGet, path: "/api/v1/me", header: map[string]string{"Authorization": "Bearer " + tok.Token},
			want: `"status":503`, limit: 5 * time.Second, status: http.StatusServiceUnavailable},
		{name: "POST formulir", method: http.MethodPost, path: "/peran", body: url.Values{"csrf_token": {token}, "peran": {"pegawai"}}.Encode(),
			header: map[string]string{"Content-Type": "application/x-www-form-urlencoded"}, want: "Sistem sedang gangguan", limit: 5 * time.Second, status: http.StatusServiceUnavailable},
		{name: "readyz", method: http.MethodGet, path: "/readyz", want: "unavailable", limit: 2500 * time.Millisecond, status: http.StatusServiceUnavailable},
		{name: "healthz", method: http.MethodGet, path: "/healthz", want: "ok", limit: time.Second, status: http.StatusOK},
	}
	var wg sync.WaitGroup
	for _, tc := range calls {
		wg.Add(1)
		go func() { // all at once, as people would: the freeze is not served one by one
			defer wg.Done()
			req, _ := http.NewRequest(tc.method, h.ts.URL+tc.path, strings.NewReader(tc.body))
			for k, v := range tc.header {
				req.Header.Set(k, v)
			}
			start := time.Now()
			r, err := c.http.Do(req)
			took := time.Since(start)
			if err != nil {
				t.Errorf("%s: %v after %s", tc.name, err, took)
				return
			}
			body, _ := io.ReadAll(r.Body)
			r.Body.Close()
			if r.StatusCode != tc.status || !strings.Contains(string(body), tc.want) || took > tc.limit {
				t.Errorf("%s during the freeze: %d after %s (limit %s): %.300s", tc.name, r.StatusCode, took.Round(time.Millisecond), tc.limit, body)
			}
			if tc.status == http.StatusServiceUnavailable && r.Header.Get("Retry-After") == "" && tc.path != "/readyz" {
				t.Errorf("%s: 503 without Retry-After", tc.name)
			}
		}()
	}
	wg.Wait()

	proxy.freeze(false)
	deadline := time.Now().Add(10 * time.Second)
	for {
		res := c.get("/")
		if res.status == http.StatusOK {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("no recovery after the thaw: %d", res.status)
		}
		time.Sleep(100 * time.Millisecond)
	}
}
