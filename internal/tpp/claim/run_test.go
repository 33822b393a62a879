package claim

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/ekinerja/ekinerja/internal/apperr"
	"github.com/ekinerja/ekinerja/internal/auth"
)

// TestComputeRunMark: a computation is marked running in the database from
// its start to the end of its transaction; a second one meanwhile, and a
// submission, are refused with 409; a failure leaves its reason; a mark
// whose server died is taken over once stale.
func TestComputeRunMark(t *testing.T) {
	f := newFixture(t)
	budi := f.budi()
	k, a := workedSources(budi)
	s := NewService(f.db, k, a)
	ctx := context.Background()
	admin := f.actor(auth.RoleAdminOPD, f.opd)
	verif := f.actor(auth.RoleVerifikator, 0)

	run, err := s.BeginCompute(ctx, admin, f.opd, nov2026)
	if err != nil {
		t.Fatal(err)
	}
	if st, _ := s.RunState(ctx, run.ClaimID); !st.Running {
		t.Fatalf("state after begin = %+v", st)
	}
	if _, err := s.BeginCompute(ctx, verif, f.opd, nov2026); !errors.Is(err, apperr.ErrConflict) || !strings.Contains(err.Error(), "sedang dihitung") {
		t.Fatalf("second begin: %v", err)
	}
	if _, err := s.Compute(ctx, admin, f.opd, nov2026); !errors.Is(err, apperr.ErrConflict) {
		t.Fatalf("compute while running: %v", err)
	}
	c, err := s.RunCompute(ctx, admin, run)
	if err != nil {
		t.Fatal(err)
	}
	if st, _ := s.RunState(ctx, c.ID); st.Running || st.Error != "" || c.Employees != 1 {
		t.Fatalf("after run: %+v, %d employees", st, c.Employees)
	}
	if n := f.scalar(`SELECT count(*) FROM audit_log WHERE action = 'tpp.hitung_mulai' AND object_id = ?`, fmt.Sprint(c.ID)); n != 1 {
		t.Fatalf("start audit rows = %d", n)
	}

	// No submission while a recomputation runs.
	run, err = s.BeginCompute(ctx, admin, f.opd, nov2026)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Submit(ctx, admin, c.ID, okAck); !errors.Is(err, apperr.ErrConflict) || !strings.Contains(err.Error(), "sedang dihitung") {
		t.Fatalf("submit while running: %v", err)
	}
	// The claim moves on under the run (another server submitted before the
	// mark, say): the run fails, says why, and is no longer running.
	f.exec(`UPDATE tpp_claim_run SET finished_at = now() WHERE claim_id = ?`, c.ID)
	if _, err := s.Submit(ctx, admin, c.ID, okAck); err != nil {
		t.Fatal(err)
	}
	f.exec(`UPDATE tpp_claim_run SET finished_at = NULL WHERE claim_id = ?`, c.ID)
	if _, err := s.RunCompute(ctx, admin, run); !errors.Is(err, apperr.ErrConflict) {
		t.Fatalf("run on a submitted claim: %v", err)
	}
	if st, _ := s.RunState(ctx, c.ID); st.Running || !strings.Contains(st.Error, "tidak dapat dihitung ulang") {
		t.Fatalf("failed run state = %+v", st)
	}
	if _, err := s.Return(ctx, verif, c.ID, "Periksa lagi data cuti."); err != nil {
		t.Fatal(err)
	}

	// A server died mid-run: the mark blocks until it is stale, then is taken over.
	dead, err := s.BeginCompute(ctx, admin, f.opd, nov2026)
	if err != nil {
		t.Fatal(err)
	}
	f.exec(`UPDATE tpp_claim_run SET started_at = now() - interval '11 minutes' WHERE claim_id = ?`, c.ID)
	if st, _ := s.RunState(ctx, c.ID); st.Running {
		t.Fatal("stale run still shown running")
	}
	if _, err := s.Compute(ctx, admin, f.opd, nov2026); err != nil {
		t.Fatalf("take over a stale run: %v", err)
	}
	if _, err := s.RunCompute(ctx, admin, dead); !errors.Is(err, apperr.ErrConflict) {
		t.Fatalf("the dead run finishing late: %v", err)
	}
}

// TestConcurrentComputeOneWins fires several computations of one claim at
// once: exactly one runs, the others are told it is running (409).
func TestConcurrentComputeOneWins(t *testing.T) {
	f := newFixture(t)
	budi := f.budi()
	k, a := workedSources(budi)
	s := NewService(f.db, k, a)
	admin := f.actor(auth.RoleAdminOPD, f.opd)
	const n = 6
	var wg sync.WaitGroup
	errs := make([]error, n)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, errs[i] = s.BeginCompute(context.Background(), admin, f.opd, nov2026)
		}()
	}
	wg.Wait()
	ok := 0
	for _, err := range errs {
		switch {
		case err == nil:
			ok++
		case !errors.Is(err, apperr.ErrConflict):
			t.Fatalf("unexpected: %v", err)
		}
	}
	if ok != 1 {
		t.Fatalf("%d computations started, want 1", ok)
	}
}
