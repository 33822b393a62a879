package testdb

import (
	"context"
	"net/url"
	"strings"
	"testing"

	"gorm.io/gorm"

	"github.com/ekinerja/ekinerja/internal/database"
)

// TestPrefixNamesTheDatabase: a database made under EKINERJA_TEST_DB_PREFIX
// carries that prefix, Suffix gives back its random part, and a prefix that is
// not a plain identifier is refused rather than replaced by the default.
func TestPrefixNamesTheDatabase(t *testing.T) {
	for _, tc := range []struct {
		env, want string
	}{
		{"", DefaultPrefix},
		{"hc_t_", "hc_t_"},
	} {
		t.Run(tc.want, func(t *testing.T) {
			t.Setenv("EKINERJA_TEST_DB_PREFIX", tc.env)
			u, err := url.Parse(NewURL(t))
			if err != nil {
				t.Fatal(err)
			}
			name := strings.TrimPrefix(u.Path, "/")
			if !strings.HasPrefix(name, tc.want) {
				t.Fatalf("database %q does not start with %q", name, tc.want)
			}
			if s := Suffix(u.String()); len(s) != 12 || tc.want+s != name {
				t.Fatalf("Suffix = %q for %q", s, name)
			}
		})
	}
	for _, bad := range []string{"Bad", "1x_", "a-b", "a;drop", strings.Repeat("a", 31)} {
		t.Run("invalid "+bad, func(t *testing.T) {
			t.Setenv("EKINERJA_TEST_DB_PREFIX", bad)
			defer func() {
				if recover() == nil {
					t.Fatalf("prefix %q accepted", bad)
				}
			}()
			Prefix()
		})
	}
}

// TestSeededClonesTheSeedOnce: Seeded runs the seed once per key; every
// database it returns holds the seeded rows and is its own (a write in one
// is not in the next); DropSeeded drops the template.
func TestSeededClonesTheSeedOnce(t *testing.T) {
	runs := 0
	seed := func(ctx context.Context, db *gorm.DB) error {
		runs++
		return db.Exec(`INSERT INTO opd (kode, nama) VALUES ('SEEDTEST', 'Dinas Uji Seed')`).Error
	}
	count := func(u string) int64 {
		db, err := database.Open(context.Background(), u)
		if err != nil {
			t.Fatal(err)
		}
		defer database.Close(db)
		var n int64
		if err := db.Raw(`SELECT count(*) FROM opd WHERE kode = 'SEEDTEST'`).Scan(&n).Error; err != nil {
			t.Fatal(err)
		}
		if err := db.Exec(`INSERT INTO opd (kode, nama) VALUES ('SEEDTEST2', 'Dinas Uji Lain')`).Error; err != nil {
			t.Fatal(err)
		}
		return n
	}
	first, second := Seeded(t, "uji", seed), Seeded(t, "uji", seed)
	if first == second || count(first) != 1 || count(second) != 1 || runs != 1 {
		t.Fatalf("seeded databases %s %s: seed ran %d times", first, second, runs)
	}
	db := New(t)
	var n int64
	db.Raw(`SELECT count(*) FROM opd WHERE kode LIKE 'SEEDTEST%'`).Scan(&n)
	if n != 0 {
		t.Fatalf("a plain database holds %d seeded rows", n)
	}
	var name string
	seeded.mu.Lock()
	name = seeded.names["uji"]
	seeded.mu.Unlock()
	DropSeeded()
	var left int64
	db.Raw(`SELECT count(*) FROM pg_database WHERE datname = ?`, name).Scan(&left)
	if name == "" || left != 0 {
		t.Fatalf("template %q still there after DropSeeded (%d)", name, left)
	}
}
