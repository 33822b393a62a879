package database_test

import (
	"context"
	"errors"
	"net/url"
	"testing"

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
