// Package testdb gives tests a fresh PostgreSQL database of their own, cloned
// from a template that is migrated once per schema version
// (CREATE DATABASE x TEMPLATE y): fast, isolated, no leftovers, no order
// dependence. It talks to the server named by EKINERJA_TEST_DATABASE_URL
// (default: the local server at 127.0.0.1:5432 as user postgres).
//
// Every database (and role) a test makes is named with Prefix()
// (EKINERJA_TEST_DB_PREFIX, default "ekinerja_t_"), so two checkouts testing
// against one server can keep apart by setting different prefixes.
package testdb

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"

	"gorm.io/gorm"

	"github.com/ekinerja/ekinerja/internal/database"
	"github.com/ekinerja/ekinerja/migrations"
)

// DefaultAdminURL is the maintenance database the helper connects to.
const DefaultAdminURL = "postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable"

func adminURL() string {
	if u := os.Getenv("EKINERJA_TEST_DATABASE_URL"); u != "" {
		return u
	}
	return DefaultAdminURL
}

// DefaultPrefix starts the name of every test database unless
// EKINERJA_TEST_DB_PREFIX says otherwise.
const DefaultPrefix = "ekinerja_t_"

// prefixRE keeps a prefix a plain identifier that leaves room for the
// 12-hex suffix and the template's hash within PostgreSQL's 63 bytes.
var prefixRE = regexp.MustCompile(`^[a-z][a-z0-9_]{0,29}$`)

// Prefix is the start of every test database and role name:
// EKINERJA_TEST_DB_PREFIX when set (lower-case letters, digits and _, at most
// 30 characters, starting with a letter), otherwise DefaultPrefix. An invalid
// value panics, so a typo never silently falls back to the shared default.
func Prefix() string {
	p := os.Getenv("EKINERJA_TEST_DB_PREFIX")
	if p == "" {
		return DefaultPrefix
	}
	if !prefixRE.MatchString(p) {
		panic(fmt.Sprintf("EKINERJA_TEST_DB_PREFIX=%q: gunakan huruf kecil, angka dan _ (maks. 30, diawali huruf)", p))
	}
	return p
}

// Suffix is the random part of a test database URL made by Create, for
// tests that name further databases or roles after their own.
func Suffix(dbURL string) string {
	u, err := url.Parse(dbURL)
	if err != nil {
		return ""
	}
	return strings.TrimPrefix(strings.TrimPrefix(u.Path, "/"), Prefix())
}

// withDatabase returns the admin URL pointed at database name.
func withDatabase(admin, name string) (string, error) {
	u, err := url.Parse(admin)
	if err != nil {
		return "", err
	}
	u.Path = "/" + name
	return u.String(), nil
}

// templateName is derived from the migrations' contents, so a schema change
// makes a new template and an old one is never reused by mistake.
func templateName() (string, error) {
	h := sha256.New()
	names, err := fs.Glob(migrations.FS, "*.sql")
	if err != nil {
		return "", err
	}
	sort.Strings(names)
	for _, n := range names {
		b, err := fs.ReadFile(migrations.FS, n)
		if err != nil {
			return "", err
		}
		fmt.Fprintf(h, "%s\x00%d\x00", n, len(b))
		h.Write(b)
	}
	return Prefix() + "tmpl_" + hex.EncodeToString(h.Sum(nil))[:16], nil
}

// quote quotes a database identifier made of [a-z0-9_] by construction.
func quote(name string) string { return `"` + name + `"` }

// Create makes a fresh migrated database and returns its URL and a function
// that drops it.
func Create(ctx context.Context) (string, func(), error) {
	return create(ctx, "")
}

// create clones template from (the migrated template when "") into a new
// database with its own application role, as `ekinerja migrate up` sets
// one up, and returns its URL and a function that drops both.
func create(ctx context.Context, from string) (string, func(), error) {
	admin := adminURL()
	name := Prefix() + randomHex(6)
	if err := withAdmin(ctx, func(adb *gorm.DB) error { return cloneInto(ctx, adb, name, from) }); err != nil {
		return "", nil, err
	}
	u, err := withDatabase(admin, name)
	if err != nil {
		return "", nil, err
	}
	// As `ekinerja migrate up` does: this database's own application role,
	// CONNECT only for the owner and that role (migration 0120).
	cdb, err := database.Open(ctx, u)
	if err != nil {
		return "", nil, err
	}
	role, err := database.SetupAppRole(ctx, cdb)
	database.Close(cdb)
	if err != nil {
		return "", nil, err
	}
	drop := func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		adb, err := database.Open(ctx, admin)
		if err != nil {
			return
		}
		defer database.Close(adb)
		if err := adb.Exec("DROP DATABASE IF EXISTS " + quote(name) + " WITH (FORCE)").Error; err != nil {
			fmt.Fprintf(os.Stderr, "testdb: drop %s: %v\n", name, err)
			return
		}
		DropRole(adb, role)
	}
	return u, drop, nil
}

// withAdmin runs fn on a connection to the maintenance database.
func withAdmin(ctx context.Context, fn func(adb *gorm.DB) error) error {
	admin := adminURL()
	adb, err := database.Open(ctx, admin)
	if err != nil {
		return err
	}
	defer database.Close(adb)
	if err := database.Ping(ctx, adb); err != nil {
		return fmt.Errorf("PostgreSQL untuk tes tidak menjawab di %s (jalankan: pg_ctlcluster --skip-systemctl-redirect 15 main start): %w", admin, err)
	}
	return fn(adb)
}

// randomHex is n random bytes in hex, for database names.
func randomHex(n int) string {
	buf := make([]byte, n)
	if _, err := rand.Read(buf); err != nil {
		panic(err) // crypto/rand does not fail on Linux
	}
	return hex.EncodeToString(buf)
}

// markTemplate sets or clears a database's IS_TEMPLATE flag.
func markTemplate(adb *gorm.DB, name string, on bool) error {
	if on {
		return adb.Exec("ALTER DATABASE " + quote(name) + " IS_TEMPLATE true").Error
	}
	return adb.Exec("ALTER DATABASE " + quote(name) + " IS_TEMPLATE false").Error
}

// cloneInto creates database name from template from, or from the
// migrated template (built first when this schema version has none) when
// from is "".
func cloneInto(ctx context.Context, adb *gorm.DB, name, from string) error {
	admin := adminURL()
	tmpl, err := templateName()
	if err != nil {
		return err
	}
	// One connection holds a session advisory lock while the template is
	// built and cloned, so parallel test packages never race.
	conn, err := adb.DB()
	if err != nil {
		return err
	}
	c, err := conn.Conn(ctx)
	if err != nil {
		return err
	}
	defer c.Close()
	if _, err := c.ExecContext(ctx, "SELECT pg_advisory_lock(125786993289580)"); err != nil {
		return err
	}
	defer c.ExecContext(context.Background(), "SELECT pg_advisory_unlock(125786993289580)")

	var isTemplate *bool
	row := c.QueryRowContext(ctx, "SELECT datistemplate FROM pg_database WHERE datname = $1", tmpl)
	if err := row.Scan(&isTemplate); err != nil {
		isTemplate = nil
	}
	if isTemplate == nil || !*isTemplate {
		if isTemplate != nil { // half-built by a crashed run
			if _, err := c.ExecContext(ctx, "DROP DATABASE "+quote(tmpl)+" WITH (FORCE)"); err != nil {
				return err
			}
		}
		if _, err := c.ExecContext(ctx, "CREATE DATABASE "+quote(tmpl)); err != nil {
			return fmt.Errorf("create template: %w", err)
		}
		turl, err := withDatabase(admin, tmpl)
		if err != nil {
			return err
		}
		tdb, err := database.Open(ctx, turl)
		if err != nil {
			return err
		}
		if _, err := database.Migrate(ctx, tdb, nil); err != nil {
			database.Close(tdb)
			return err
		}
		database.Close(tdb)
		if _, err := c.ExecContext(ctx, "ALTER DATABASE "+quote(tmpl)+" IS_TEMPLATE true"); err != nil {
			return err
		}
	}
	if from != "" {
		tmpl = from
	}
	if _, err := c.ExecContext(ctx, "CREATE DATABASE "+quote(name)+" TEMPLATE "+quote(tmpl)); err != nil {
		return fmt.Errorf("clone template: %w", err)
	}
	return nil
}

// NewURL creates a fresh database for tb and drops it when tb ends.
func NewURL(tb testing.TB) string {
	tb.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	u, drop, err := Create(ctx)
	if err != nil {
		tb.Fatalf("test database: %v", err)
	}
	tb.Cleanup(drop)
	return u
}

// New creates a fresh migrated database for tb and returns a handle to it;
// the handle is closed and the database dropped when tb ends.
func New(tb testing.TB) *gorm.DB {
	tb.Helper()
	u := NewURL(tb)
	db, err := database.Open(context.Background(), u)
	if err != nil {
		tb.Fatalf("open test database: %v", err)
	}
	tb.Cleanup(func() { database.Close(db) })
	return db
}

// DropRole drops a role the tests made (roles are cluster-wide), after the
// databases it has rights in are gone. Errors are reported, not fatal.
func DropRole(adb *gorm.DB, role string) {
	err := adb.Transaction(func(tx *gorm.DB) error {
		if err := tx.Exec(`SELECT pg_catalog.set_config('ekinerja.drop_role', ?, true)`, role).Error; err != nil {
			return err
		}
		return tx.Exec(dropRoleSQL).Error
	})
	if err != nil {
		fmt.Fprintf(os.Stderr, "testdb: drop role %s: %v\n", role, err)
	}
}

// dropRoleSQL drops the role named in the session setting
// ekinerja.drop_role, quoted by format('%I'), so no identifier is pasted
// into SQL text.
const dropRoleSQL = `DO $$ BEGIN
    EXECUTE format('DROP ROLE IF EXISTS %I', current_setting('ekinerja.drop_role'));
END $$`
