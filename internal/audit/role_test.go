package audit_test

import (
	"context"
	"testing"

	"gorm.io/gorm"

	"github.com/ekinerja/ekinerja/internal/audit"
	"github.com/ekinerja/ekinerja/internal/database"
	"github.com/ekinerja/ekinerja/internal/testdb"
)

// TestAppRoleCannotChangeAuditLog proves the second wall around the audit
// log: the restricted role production connects as (this database's own
// ekinerja_app_<database>, migration 0120) may append rows but holds no
// UPDATE, DELETE or TRUNCATE grant, so the refusal does not depend on the
// trigger alone. The cluster-wide ekinerja_app of 0050 holds nothing here.
func TestAppRoleCannotChangeAuditLog(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := testdb.New(t)
	app, err := database.AppRole(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	var canLogin bool
	if err := db.Raw(`SELECT rolcanlogin FROM pg_roles WHERE rolname = ?`, app).Scan(&canLogin).Error; err != nil {
		t.Fatal(err)
	}
	if canLogin {
		t.Errorf("%s must be NOLOGIN: production logs in as a member role", app)
	}
	for priv, want := range map[string]bool{"SELECT": true, "INSERT": true, "UPDATE": false, "DELETE": false, "TRUNCATE": false} {
		var has, legacy bool
		db.Raw(`SELECT has_table_privilege(?, 'audit_log', ?)`, app, priv).Scan(&has)
		if has != want {
			t.Errorf("%s %s on audit_log = %v, want %v", app, priv, has, want)
		}
		db.Raw(`SELECT has_table_privilege('ekinerja_app', 'audit_log', ?)`, priv).Scan(&legacy)
		if legacy {
			t.Errorf("the cluster-wide ekinerja_app still has %s on audit_log", priv)
		}
	}
	asApp := func(tx *gorm.DB) error {
		return tx.Exec(`SELECT set_config('role', ?, true)`, app).Error // SET LOCAL ROLE
	}
	// As the role itself: appending works, changing is refused by the
	// grant (permission denied, SQLSTATE 42501), before any trigger runs.
	err = db.Transaction(func(tx *gorm.DB) error {
		if err := asApp(tx); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Entry{Action: "tes.peran_app"})
	})
	if err != nil {
		t.Fatalf("app role cannot append: %v", err)
	}
	for _, stmt := range []string{"UPDATE audit_log SET action = 'x'", "DELETE FROM audit_log", "TRUNCATE audit_log"} {
		err := db.Transaction(func(tx *gorm.DB) error {
			if err := asApp(tx); err != nil {
				return err
			}
			return tx.Exec(stmt).Error
		})
		if err == nil || !contains(err.Error(), "42501") {
			t.Errorf("%s as %s: %v, want permission denied (42501)", stmt, app, err)
		}
	}
	// Other tables stay usable by the app.
	var has bool
	db.Raw(`SELECT has_table_privilege(?, 'users', 'UPDATE')`, app).Scan(&has)
	if !has {
		t.Errorf("%s cannot update users", app)
	}
}

func contains(s, sub string) bool {
	for i := 0; i+len(sub) <= len(s); i++ {
		if s[i:i+len(sub)] == sub {
			return true
		}
	}
	return false
}
