package testdb

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"gorm.io/gorm"

	"github.com/ekinerja/ekinerja/internal/database"
)

// seeded holds the seeded templates this process made, by key.
var seeded struct {
	mu    sync.Mutex
	names map[string]string
}

// Seeded returns the URL of a fresh database, dropped when tb ends, that
// holds what seed wrote. seed runs once per test process and key, into a
// template of its own (a clone of the migrated template, named
// Prefix()+"seed_..."); every call clones that template, so a suite whose
// tests all start from the same data pays for writing it once. The
// templates live as long as the process: TestMain calls DropSeeded after
// m.Run.
func Seeded(tb testing.TB, key string, seed func(context.Context, *gorm.DB) error) string {
	tb.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	from, err := seededTemplate(ctx, key, seed)
	if err != nil {
		tb.Fatalf("seeded test database %s: %v", key, err)
	}
	u, drop, err := create(ctx, from)
	if err != nil {
		tb.Fatalf("test database from %s: %v", from, err)
	}
	tb.Cleanup(drop)
	return u
}

// seededTemplate makes (once per key) the template seed writes into.
func seededTemplate(ctx context.Context, key string, seed func(context.Context, *gorm.DB) error) (string, error) {
	seeded.mu.Lock()
	defer seeded.mu.Unlock()
	if name, ok := seeded.names[key]; ok {
		return name, nil
	}
	name := Prefix() + "seed_" + randomHex(6)
	if err := withAdmin(ctx, func(adb *gorm.DB) error {
		return cloneInto(ctx, adb, name, "")
	}); err != nil {
		return "", err
	}
	admin := adminURL()
	u, err := withDatabase(admin, name)
	if err != nil {
		return "", err
	}
	db, err := database.Open(ctx, u)
	if err != nil {
		return "", err
	}
	err = seed(ctx, db)
	database.Close(db)
	if err == nil {
		err = withAdmin(ctx, func(adb *gorm.DB) error { return markTemplate(adb, name, true) })
	}
	if err != nil {
		dropSeeded(name)
		return "", fmt.Errorf("seed %s: %w", key, err)
	}
	if seeded.names == nil {
		seeded.names = map[string]string{}
	}
	seeded.names[key] = name
	return name, nil
}

// DropSeeded drops the templates Seeded made in this process.
func DropSeeded() {
	seeded.mu.Lock()
	defer seeded.mu.Unlock()
	for key, name := range seeded.names {
		dropSeeded(name)
		delete(seeded.names, key)
	}
}

// dropSeeded drops one seeded template (a template is not dropped until it
// is marked an ordinary database again).
func dropSeeded(name string) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	_ = withAdmin(ctx, func(adb *gorm.DB) error {
		if err := markTemplate(adb, name, false); err != nil {
			return err
		}
		return adb.Exec("DROP DATABASE IF EXISTS " + quote(name) + " WITH (FORCE)").Error
	})
}
