package web

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"gorm.io/gorm"

	"github.com/ekinerja/ekinerja/internal/auth"
	"github.com/ekinerja/ekinerja/internal/database"
)

// appRoleDB creates a LOGIN role that is only a member of the test
// database's own application role (migration 0120's grants, nothing else), and returns a connection to the
// test database as that role. The role is dropped when the test ends (roles
// are cluster-wide).
func appRoleDB(t *testing.T, owner *gorm.DB, ownerURL string) *gorm.DB {
	t.Helper()
	var b [6]byte
	if _, err := rand.Read(b[:]); err != nil {
		t.Fatal(err)
	}
	role := "ekinerja_web_t_" + hex.EncodeToString(b[:])      // [a-z0-9_] by construction
	app, err := database.AppRole(context.Background(), owner) // ekinerja_app_<test database>: [a-z0-9_]
	if err != nil {
		t.Fatal(err)
	}
	if err := owner.Exec(`CREATE ROLE ` + role + ` LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE IN ROLE ` + app).Error; err != nil {
		t.Fatalf("create login role: %v", err)
	}
	t.Cleanup(func() { owner.Exec(`DROP ROLE IF EXISTS ` + role) })
	u, err := url.Parse(ownerURL)
	if err != nil {
		t.Fatal(err)
	}
	u.User = url.User(role)
	db, err := database.Open(context.Background(), u.String())
	if err != nil {
		t.Fatalf("connect as %s: %v", role, err)
	}
	t.Cleanup(func() { database.Close(db) }) // runs before the role is dropped
	return db
}

// TestAppRunsWithLeastPrivilege runs the real server connected as a login
// role holding exactly the ekinerja_app grants: every role logs in, every
// page it reaches loads and every form it sees is submitted without a
// server error (a missing grant is a 500), state changes write audit rows
// through the same role, and that role can neither change nor remove an
// audit row, nor create a table.
func TestAppRunsWithLeastPrivilege(t *testing.T) {
	t.Parallel()
	h := newHarnessDB(t, map[string]string{"EKINERJA_ENV": "dev"}, true)
	app := h.appDB

	var who struct {
		User  string `gorm:"column:u"`
		Super bool   `gorm:"column:super"`
		Owner bool   `gorm:"column:owner"`
	}
	app.Raw(`SELECT current_user AS u, (SELECT rolsuper FROM pg_roles WHERE rolname = current_user) AS super,
  (SELECT tableowner = current_user FROM pg_tables WHERE tablename = 'audit_log') AS owner`).Scan(&who)
	if !strings.HasPrefix(who.User, "ekinerja_web_t_") || who.Super || who.Owner {
		t.Fatalf("server connection is %+v, want the restricted login role", who)
	}

	// serve checks the schema version at start-up, as the app role.
	if err := database.CheckUpToDate(context.Background(), app); err != nil {
		t.Fatalf("start-up schema check as the app role: %v", err)
	}
	// Every table and sequence is granted (audit_log: append only; a list
	// of privileges in has_table_privilege means "any", so one at a time), and a
	// table a later migration adds is covered by the default privileges.
	if err := h.db.Exec(`CREATE TABLE zz_later_migration (id bigserial PRIMARY KEY, x text)`).Error; err != nil {
		t.Fatal(err)
	}
	if err := app.Exec(`INSERT INTO zz_later_migration (x) VALUES ('a')`).Error; err != nil {
		t.Errorf("table added after 0050 not usable by the app role: %v", err)
	}
	var missing []string
	h.db.Raw(`SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE n.nspname = 'public' AND (
  (c.relkind = 'r' AND c.relname NOT IN ('audit_log', 'goose_db_version') AND NOT (has_table_privilege(ekinerja_app_role_name(), c.oid, 'SELECT')
    AND has_table_privilege(ekinerja_app_role_name(), c.oid, 'INSERT') AND has_table_privilege(ekinerja_app_role_name(), c.oid, 'UPDATE') AND has_table_privilege(ekinerja_app_role_name(), c.oid, 'DELETE')))
  OR (c.relkind = 'r' AND c.relname = 'audit_log' AND NOT (has_table_privilege(ekinerja_app_role_name(), c.oid, 'SELECT') AND has_table_privilege(ekinerja_app_role_name(), c.oid, 'INSERT')))
  OR (c.relkind = 'S' AND NOT has_sequence_privilege(ekinerja_app_role_name(), c.oid, 'USAGE')))
ORDER BY 1`).Scan(&missing)
	if len(missing) > 0 {
		t.Errorf("the database's app role lacks grants on %v", missing)
	}

	auditBefore := h.count(`SELECT count(*) FROM audit_log`)
	pages, forms := 0, 0
	for _, role := range signedIn {
		c := h.as(role)
		if res := c.get("/"); res.status != http.StatusOK {
			t.Fatalf("%s home: %d", role, res.status)
		}
		crawled := crawl(t, h, c, role, 120)
		for _, p := range crawled {
			pages++
			if p.status >= 500 {
				t.Errorf("%s GET %s: %d", role, p.path, p.status)
			}
		}
		for _, f := range formsOf(h, crawled) {
			if sessionEnding(f) {
				continue
			}
			forms++
			if res := c.submitAs(role, f, f.fill("Uji hak minimum")); res.status >= 500 {
				t.Errorf("%s %s %s: %d", role, f.method, f.action, res.status)
			}
		}
		// One role switch per role: writes the session and an audit row.
		if role != auth.RolePegawai {
			if res := c.postForm("/peran", url.Values{"peran": {"pegawai"}}); res.status >= 500 {
				t.Errorf("%s switch role: %d", role, res.status)
			}
		}
	}
	t.Logf("%d pages, %d forms as the app role", pages, forms)
	if pages < 50 || forms < 10 {
		t.Fatalf("only %d pages and %d forms exercised", pages, forms)
	}
	if h.count(`SELECT count(*) FROM audit_log`) <= auditBefore {
		t.Fatal("no audit row written through the app role")
	}

	for _, stmt := range []string{
		`UPDATE audit_log SET action = 'dihapus' WHERE id = (SELECT min(id) FROM audit_log)`,
		`DELETE FROM audit_log WHERE id = (SELECT min(id) FROM audit_log)`,
		`TRUNCATE audit_log`,
		`CREATE TABLE bukan_milik_app (id int)`,
		`ALTER TABLE pegawai ADD COLUMN sisipan text`,
		`DROP TABLE sessions`,
	} {
		err := app.Exec(stmt).Error
		if err == nil || !strings.Contains(err.Error(), "denied") && !strings.Contains(err.Error(), "must be owner") {
			t.Errorf("%s as the app role: %v, want permission denied", stmt, err)
		}
	}
	if n := h.count(`SELECT count(*) FROM audit_log WHERE action = 'dihapus'`); n != 0 {
		t.Error("audit row changed")
	}
}
