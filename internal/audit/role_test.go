package audit_test

import (
	"context"
	"testing"

	"gorm.io/gorm"

	"github.com/ekinerja/ekinerja/internal/audit"
	"github.com/ekinerja/ekinerja/internal/testdb"
)

// TestAppRoleCannotChangeAuditLog proves the second wall around the audit
// log: the restricted role production connects as (ekinerja_app, migration
// 0050) may append rows but holds no UPDATE, DELETE or TRUNCATE grant, so the
// refusal does not depend on the trigger alone.
func TestAppRoleCannotChangeAuditLog(t *testing.T) {
	ctx := context.Background()
	db := testdb.New(t)
	var canLogin bool
	if err := db.Raw(`SELECT rolcanlogin FROM pg_roles WHERE rolname = 'ekinerja_app'`).Scan(&canLogin).Error; err != nil {
		t.Fatal(err)
	}
	if canLogin {
		t.Error("ekinerja_app must be NOLOGIN: production logs in as a member role")
	}
	for priv, want := range map[string]bool{"SELECT": true, "INSERT": true, "UPDATE": false, "DELETE": false, "TRUNCATE": false} {
		var has bool
		db.Raw(`SELECT has_table_privilege('ekinerja_app', 'audit_log', ?)`, priv).Scan(&has)
		if has != want {
			t.Errorf("ekinerja_app %s on audit_log = %v, want %v", priv, has, want)
		}
	}
	// As the role itself: appending works, changing is refused by the
	// grant (permission denied, SQLSTATE 42501), before any trigger runs.
	err := db.Transaction(func(tx *gorm.DB) error {
		if err := tx.Exec(`SET LOCAL ROLE ekinerja_app`).Error; err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Entry{Action: "tes.peran_app"})
	})
	if err != nil {
		t.Fatalf("app role cannot append: %v", err)
	}
	for _, stmt := range []string{"UPDATE audit_log SET action = 'x'", "DELETE FROM audit_log", "TRUNCATE audit_log"} {
		err := db.Transaction(func(tx *gorm.DB) error {
			tx.Exec(`SET LOCAL ROLE ekinerja_app`)
			return tx.Exec(stmt).Error
		})
		if err == nil || !contains(err.Error(), "42501") {
			t.Errorf("%s as ekinerja_app: %v, want permission denied (42501)", stmt, err)
		}
	}
	// Other tables stay usable by the app.
	var has bool
	db.Raw(`SELECT has_table_privilege('ekinerja_app', 'users', 'UPDATE')`).Scan(&has)
	if !has {
		t.Error("ekinerja_app cannot update users")
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
