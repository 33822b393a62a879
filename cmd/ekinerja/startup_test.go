package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"net"
	"net/url"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ekinerja/ekinerja/internal/database"
	"github.com/ekinerja/ekinerja/internal/testdb"
)

func adminTestURL() string {
	if u := os.Getenv("EKINERJA_TEST_DATABASE_URL"); u != "" {
		return u
	}
	return testdb.DefaultAdminURL
}

// urlFor is the admin URL pointed at database name as user (empty: as is).
func urlFor(t *testing.T, name, user string) string {
	t.Helper()
	u, err := url.Parse(adminTestURL())
	if err != nil {
		t.Fatal(err)
	}
	u.Path = "/" + name
	if user != "" {
		u.User = url.User(user)
	}
	return u.String()
}

// TestMissingDatabase: a DATABASE_URL whose database does not exist yet is
// created by 'migrate up' (what make run runs first); every other command
// says in Indonesian which database is missing and the exact command that
// creates it; a user who may not create databases gets that command too.
func TestMissingDatabase(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	b := make([]byte, 6)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	suffix := hex.EncodeToString(b)
	name := testdb.Prefix() + "baru_" + suffix
	role := testdb.Prefix() + "tanpa_createdb_" + suffix
	admin, err := database.Open(ctx, adminTestURL())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { database.Close(admin) })
	t.Cleanup(func() {
		if err := admin.Exec(`DROP DATABASE IF EXISTS "` + name + `" WITH (FORCE)`).Error; err != nil {
			t.Error(err)
		}
		// migrate up made the database's application role too.
		for _, r := range []string{role, "ekinerja_app_" + name} {
			if err := admin.Exec(`DROP ROLE IF EXISTS "` + r + `"`).Error; err != nil {
				t.Error(err)
			}
		}
	})
	if err := admin.Exec(`CREATE ROLE "` + role + `" LOGIN NOCREATEDB`).Error; err != nil {
		t.Fatal(err)
	}
	owner := urlFor(t, name, "")
	cli := func(dbURL string, args ...string) (int, string, string) {
		var out, errb bytes.Buffer
		env := map[string]string{"EKINERJA_ENV": "dev", "DATABASE_URL": dbURL}
		code := run(args, func(k string) string { return env[k] }, &out, &errb)
		return code, out.String(), errb.String()
	}
	exists := func() bool {
		var n int64
		if err := admin.Raw(`SELECT count(*) FROM pg_database WHERE datname = ?`, name).Scan(&n).Error; err != nil {
			t.Fatal(err)
		}
		return n == 1
	}
	host, port, _ := strings.Cut(strings.TrimPrefix(strings.SplitN(strings.TrimPrefix(owner, "postgres://"), "/", 2)[0], "postgres@"), ":")
	steps := []struct {
		name, url string
		args      []string
		code      int
		stderr    []string
		stdout    string
		exists    bool
	}{
		{"status names the missing database and the command", owner, []string{"migrate", "status"}, 1,
			[]string{"basis data \"" + name + "\" belum ada", "ekinerja migrate up", "createdb -h " + host + " -p " + port + " -U postgres \"" + name + "\""}, "", false},
		{"seed says the same, nothing created", owner, []string{"seed"}, 1, []string{"belum ada", "createdb"}, "", false},
		{"a user without CREATEDB is told the command", urlFor(t, name, role), []string{"migrate", "up"}, 1,
			[]string{"tidak dapat dibuat oleh pengguna \"" + role + "\"", "createdb -h", "CREATE DATABASE \"" + name + "\" OWNER"}, "", false},
		{"migrate up creates it and migrates", owner, []string{"migrate", "up"}, 0, []string{"basis data \"" + name + "\" dibuat"}, "migrasi diterapkan:", true},
		{"then status works", owner, []string{"migrate", "status"}, 0, nil, "diterapkan", true},
		{"and migrate up again creates nothing", owner, []string{"migrate", "up"}, 0, nil, "migrasi diterapkan: 0", true},
	}
	for _, st := range steps {
		code, out, errs := cli(st.url, st.args...)
		if code != st.code {
			t.Fatalf("%s: exit %d, want %d\nstdout: %s\nstderr: %s", st.name, code, st.code, out, errs)
		}
		for _, w := range st.stderr {
			if !strings.Contains(errs, w) {
				t.Errorf("%s: stderr lacks %q:\n%s", st.name, w, errs)
			}
		}
		if strings.Contains(errs, "does not exist") && st.code != 0 {
			t.Errorf("%s: the raw PostgreSQL error is all it says:\n%s", st.name, errs)
		}
		if !strings.Contains(out, st.stdout) {
			t.Errorf("%s: stdout lacks %q:\n%s", st.name, st.stdout, out)
		}
		if exists() != st.exists {
			t.Fatalf("%s: database exists = %v, want %v", st.name, !st.exists, st.exists)
		}
	}
}

// syncBuffer is a writer the serving goroutine and the test share.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func freeAddr(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}

// TestServeStartup runs the real serve command: it prints the URL built
// from EKINERJA_ADDR once it listens; with the metrics or the application
// port taken (a second instance) it stops and says which port and which
// variable to change.
func TestServeStartup(t *testing.T) {
	t.Parallel()
	dbURL := testdb.NewURL(t)
	taken, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer taken.Close()
	busy := taken.Addr().String()
	for _, tc := range []struct {
		name, addr, metrics string
		code                int
		stdout              string
		stderr              []string
	}{
		{"prints the URL", "", "", 0, "", nil},
		{"metrics port taken", "", busy, 1, "", []string{"port metrik " + busy + " sudah dipakai", "EKINERJA_METRICS_ADDR"}},
		{"application port taken", busy, "", 1, "", []string{"port aplikasi " + busy + " sudah dipakai", "EKINERJA_ADDR"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			addr, metrics := tc.addr, tc.metrics
			if addr == "" {
				addr = freeAddr(t)
			}
			if metrics == "" {
				metrics = freeAddr(t)
			}
			env := map[string]string{"EKINERJA_ENV": "dev", "DATABASE_URL": dbURL, "EKINERJA_ADDR": addr, "EKINERJA_METRICS_ADDR": metrics, "EKINERJA_LOG_LEVEL": "error"}
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			var out, errb syncBuffer
			done := make(chan int, 1)
			go func() {
				done <- runWith([]string{"serve"}, func(k string) string { return env[k] }, &out, &errb, options{ctx: ctx})
			}()
			if tc.code == 0 {
				want := "ekinerja berjalan di http://" + addr + "/"
				deadline := time.Now().Add(20 * time.Second)
				for !strings.Contains(out.String(), want) {
					if time.Now().After(deadline) {
						t.Fatalf("stdout lacks %q:\n%s\nstderr: %s", want, out.String(), errb.String())
					}
					time.Sleep(20 * time.Millisecond)
				}
				c, err := net.Dial("tcp", addr)
				if err != nil {
					t.Fatalf("printed URL does not answer: %v", err)
				}
				c.Close()
				cancel()
			}
			select {
			case code := <-done:
				if code != tc.code {
					t.Fatalf("exit %d, want %d\nstdout: %s\nstderr: %s", code, tc.code, out.String(), errb.String())
				}
			case <-time.After(30 * time.Second):
				t.Fatal("serve did not stop")
			}
			for _, w := range tc.stderr {
				if !strings.Contains(errb.String(), w) {
					t.Errorf("stderr lacks %q:\n%s", w, errb.String())
				}
			}
		})
	}
}
