package audit_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"gorm.io/gorm"

	"github.com/ekinerja/ekinerja/internal/audit"
	"github.com/ekinerja/ekinerja/internal/testdb"
)

// TestChainUnderContendedWriters: many writers whose transactions go on
// after Record (as a domain's does until its commit) queue on the chain's
// lock; each one granted the lock must read the head the previous holder
// committed while it waited, or two rows would take one id (refused) or
// one prev_hash (a fork Verify names). Every write succeeds and the chain
// holds.
func TestChainUnderContendedWriters(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := testdb.New(t)
	sqlDB, err := db.DB()
	if err != nil {
		t.Fatal(err)
	}
	sqlDB.SetMaxOpenConns(12)
	const writers, each = 12, 10
	var wg sync.WaitGroup
	for w := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range each {
				err := db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
					if err := audit.Record(ctx, tx, audit.Entry{ActorNIP: "199001012015031001", Action: "tes.antre", Detail: map[string]any{"w": w, "i": i}}); err != nil {
						return err
					}
					time.Sleep(2 * time.Millisecond) // the rest of the domain's transaction, lock held
					return nil
				})
				if err != nil {
					t.Error(err)
					return
				}
			}
		}()
	}
	wg.Wait()
	n, head, err := audit.Verify(ctx, db)
	if err != nil || n != writers*each || head.ID != writers*each {
		t.Fatalf("verify: n=%d head=%+v err=%v, want %d rows", n, head, err, writers*each)
	}
}
