package audit_test

import (
	"context"
	"errors"
	"sync"
	"testing"

	"github.com/ekinerja/ekinerja/internal/audit"
	"github.com/ekinerja/ekinerja/internal/testdb"
)

func TestChainVerifiesAndDetectsTampering(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := testdb.New(t)

	// Concurrent writers must still form one unbroken chain.
	var wg sync.WaitGroup
	for i := range 20 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := audit.RecordNow(ctx, db, audit.Entry{ActorNIP: "199001012015031001", Action: "tes.tulis", ObjectID: string(rune('a' + i)), Detail: map[string]any{"i": i}}); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	n, head, err := audit.Verify(ctx, db)
	if err != nil || n != 20 || head.ID != 20 {
		t.Fatalf("verify: n=%d head=%+v err=%v", n, head, err)
	}

	// The database refuses to change or delete a row.
	for _, stmt := range []string{
		"UPDATE audit_log SET action = 'x' WHERE id = 3",
		"DELETE FROM audit_log WHERE id = 3",
		"TRUNCATE audit_log",
	} {
		if err := db.Exec(stmt).Error; err == nil {
			t.Errorf("%s: want refusal", stmt)
		}
	}

	// Someone who can bypass the trigger changes row 7: verify names it.
	if err := db.Exec("ALTER TABLE audit_log DISABLE TRIGGER audit_log_no_update").Error; err != nil {
		t.Fatal(err)
	}
	if err := db.Exec("UPDATE audit_log SET detail = '{\"i\":999}' WHERE id = 7").Error; err != nil {
		t.Fatal(err)
	}
	_, _, err = audit.Verify(ctx, db)
	var br *audit.Break
	if !errors.As(err, &br) || br.ID != 7 {
		t.Fatalf("want break at 7, got %v", err)
	}

	// A deleted row is named too.
	if err := db.Exec("DELETE FROM audit_log WHERE id >= 7 AND id <= 8").Error; err != nil {
		t.Fatal(err)
	}
	_, _, err = audit.Verify(ctx, db)
	if !errors.As(err, &br) || br.ID != 9 {
		t.Fatalf("want break at 9 after deletion, got %v", err)
	}
}
