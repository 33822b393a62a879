package claim

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ekinerja/ekinerja/internal/apperr"
	"github.com/ekinerja/ekinerja/internal/auth"
)

// TestComputeRunMark: a computation is marked running in the database from
// its start to the end of its transaction; a second one meanwhile, and a
// submission, are refused with 409; a failure leaves its reason; a mark
// whose server died is taken over once stale.
func TestComputeRunMark(t *testing.T) {
	t.Parallel()
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

	// A run's holder dies (its server killed, the database restarted): the
	// claim is free at once, says the run was cut, and is taken over.
	dead, err := s.BeginCompute(ctx, admin, f.opd, nov2026)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Compute(ctx, admin, f.opd, nov2026); !errors.Is(err, apperr.ErrConflict) {
		t.Fatalf("compute while the holder lives: %v", err)
	}
	f.exec(`SELECT pg_terminate_backend(?)`, dead.HolderPID())
	for deadline := time.Now().Add(5 * time.Second); ; time.Sleep(10 * time.Millisecond) {
		st, err := s.RunState(ctx, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		if !st.Running {
			if !strings.Contains(st.Error, "terputus") {
				t.Fatalf("cut run state = %+v", st)
			}
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("a run whose holder died still shown running")
		}
	}
	if _, err := s.Compute(ctx, admin, f.opd, nov2026); err != nil {
		t.Fatalf("take over a cut run: %v", err)
	}
	if _, err := s.RunCompute(ctx, admin, dead); !errors.Is(err, apperr.ErrConflict) {
		t.Fatalf("the dead run finishing late: %v", err)
	}
}

// TestConcurrentComputeOneWins fires several computations of one claim at
// once: exactly one runs, the others are told it is running (409).
func TestConcurrentComputeOneWins(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	budi := f.budi()
	k, a := workedSources(budi)
	s := NewService(f.db, k, a)
	admin := f.actor(auth.RoleAdminOPD, f.opd)
	const n = 6
	var wg sync.WaitGroup
	errs := make([]error, n)
	runs := make([]Run, n)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			runs[i], errs[i] = s.BeginCompute(context.Background(), admin, f.opd, nov2026)
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
	for i, err := range errs {
		if err == nil {
			s.Abandon(context.Background(), runs[i])
		}
	}
	var id int64
	if err := f.db.Raw(`SELECT claim_id FROM tpp_claim_run`).Scan(&id).Error; err != nil {
		t.Fatal(err)
	}
	if st, err := s.RunState(context.Background(), id); err != nil || st.Running || !strings.Contains(st.Error, "dibatalkan") {
		t.Fatalf("abandoned run: %+v %v", st, err)
	}
}
