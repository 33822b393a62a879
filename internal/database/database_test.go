package database_test

import (
	"context"
	"database/sql"
	"errors"
	"net/url"
	"strconv"
	"testing"
	"time"

	"github.com/ekinerja/ekinerja/internal/database"
	"github.com/ekinerja/ekinerja/internal/testdb"
)

func TestMigrateStatusAndStaleCheck(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	// A migrated clone is up to date and every migration is applied.
	db := testdb.New(t)
	if err := database.CheckUpToDate(ctx, db); err != nil {
		t.Fatalf("migrated database reported stale: %v", err)
	}
	st, err := database.Status(ctx, db)
	if err != nil || len(st) == 0 {
		t.Fatalf("status: %v %v", st, err)
	}
	for _, s := range st {
		if !s.Applied {
			t.Errorf("migration %d not applied", s.Version)
		}
	}
	if n, err := database.Migrate(ctx, db, nil); err != nil || n != 0 {
		t.Fatalf("second migrate ran %d migrations: %v", n, err)
	}

	// An empty database is stale until migrated.
	u, _ := url.Parse(testdb.NewURL(t))
	admin, err := database.Open(ctx, u.String())
	if err != nil {
		t.Fatal(err)
	}
	defer database.Close(admin)
	empty := "ekinerja_empty_" + u.Path[len(u.Path)-12:]
	if err := admin.Exec(`CREATE DATABASE "` + empty + `"`).Error; err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { admin.Exec(`DROP DATABASE IF EXISTS "` + empty + `" WITH (FORCE)`) })
	u.Path = "/" + empty
	edb, err := database.Open(ctx, u.String())
	if err != nil {
		t.Fatal(err)
	}
	defer database.Close(edb)
	if err := database.CheckUpToDate(ctx, edb); !errors.Is(err, database.ErrSchemaStale) {
		t.Fatalf("empty database: want ErrSchemaStale, got %v", err)
	}
	if n, err := database.Migrate(ctx, edb, nil); err != nil || n != len(st) {
		t.Fatalf("migrate empty: %d %v", n, err)
	}
	if err := database.CheckUpToDate(ctx, edb); err != nil {
		t.Fatalf("after migrate: %v", err)
	}
}

// TestPoolReplacesConnectionsKilledTogether: PostgreSQL ends every backend
// of the pool at once (as a restart does) while the connections sit idle,
// freshly used. One request meets a dead connection and is told; every
// other connection is checked before its next use, so the requests after
// it succeed instead of each meeting a dead connection in turn (pgx alone
// pings only connections idle for more than a second).
func TestPoolReplacesConnectionsKilledTogether(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	dbURL := testdb.NewURL(t)
	db, err := database.Open(ctx, dbURL)
	if err != nil {
		t.Fatal(err)
	}
	defer database.Close(db)
	admin, err := database.Open(ctx, dbURL)
	if err != nil {
		t.Fatal(err)
	}
	defer database.Close(admin)
	sqlDB, err := db.DB()
	if err != nil {
		t.Fatal(err)
	}
	const n = 6
	for attempt := 1; ; attempt++ {
		// n connections used at once, back in the pool, twice (a new
		// connection is always pinged at its first reuse).
		pids := make([]int64, n)
		var used time.Time
		for round := 0; round < 2; round++ {
			conns := make([]*sql.Conn, n)
			for i := range conns {
				if conns[i], err = sqlDB.Conn(ctx); err != nil {
					t.Fatal(err)
				}
				if err := conns[i].QueryRowContext(ctx, `SELECT pg_backend_pid()`).Scan(&pids[i]); err != nil {
					t.Fatal(err)
				}
			}
			used = time.Now()
			for _, c := range conns {
				c.Close()
			}
		}
		var ended int
		if err := admin.Raw(`SELECT count(pg_terminate_backend(pid, 5000)) FROM unnest(?::int[]) AS pid`, pq(pids)).Scan(&ended).Error; err != nil || ended != n {
			t.Fatalf("terminate: %d %v", ended, err)
		}
		failed := 0
		for i := 0; i < n; i++ {
			var one int
			if err := db.Raw(`SELECT 1`).Scan(&one).Error; err != nil {
				failed++
			}
		}
		if time.Since(used) > 900*time.Millisecond {
			// pgx would have pinged them anyway: nothing was shown.
			if attempt == 5 {
				t.Fatal("the machine is too slow for this test: each attempt took more than a second")
			}
			continue
		}
		if failed > 1 {
			t.Fatalf("%d of %d requests after the restart met a dead connection; want at most the first", failed, n)
		}
		var one int
		if err := db.Raw(`SELECT 1`).Scan(&one).Error; err != nil || one != 1 {
			t.Fatalf("after: %d %v", one, err)
		}
		return
	}
}

// pq writes pids as a PostgreSQL array literal.
func pq(pids []int64) string {
	s := "{"
	for i, p := range pids {
		if i > 0 {
			s += ","
		}
		s += strconv.FormatInt(p, 10)
	}
	return s + "}"
}
