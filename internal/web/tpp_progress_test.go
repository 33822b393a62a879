package web

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ekinerja/ekinerja/internal/auth"
	"github.com/ekinerja/ekinerja/internal/tpp/claim"
)

// holdRunLock plays another app server computing claim id: a connection of
// its own holding the claim's computation lock, until the returned release.
func holdRunLock(t *testing.T, h *harness, id int64) (release func()) {
	t.Helper()
	sqlDB, err := h.db.DB()
	if err != nil {
		t.Fatal(err)
	}
	conn, err := sqlDB.Conn(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := conn.ExecContext(context.Background(), `SELECT pg_advisory_lock($1)`, claim.RunLockKey(id)); err != nil {
		t.Fatal(err)
	}
	var once sync.Once
	release = func() {
		once.Do(func() {
			if _, err := conn.ExecContext(context.Background(), `SELECT pg_advisory_unlock($1)`, claim.RunLockKey(id)); err != nil {
				t.Error(err)
			}
			conn.Close()
		})
	}
	t.Cleanup(release)
	return release
}

// TestTPPComputeShowsProgress (SPEC section 9): a computation that is not
// done when the request has waited long enough sends the person to the
// claim page, which says "sedang dihitung" with a refresh link (and an
// htmx poll that swaps the result in) as long as the mark in the database says so, on
// any app server; a second computation meanwhile answers 409.
func TestTPPComputeShowsProgress(t *testing.T) {
	t.Parallel()
	th := newTPPHarness(t)
	admin, verif := th.as(auth.RoleAdminOPD), th.as(auth.RoleVerifikator)
	id := th.compute(admin) // quick: done within the wait, the result is shown at once
	if n := th.count(`SELECT employees FROM tpp_claim WHERE id = ?`, id); n == 0 {
		t.Fatal("quick compute shows no result")
	}
	path := fmt.Sprintf("/tpp/klaim/%d", id)

	// Another app server is computing this claim: its mark is in the
	// database and its connection holds the claim's computation lock.
	other := holdRunLock(t, th.harness, id)
	if err := th.db.Exec(`UPDATE tpp_claim_run SET finished_at = NULL, token = 1, started_at = now() WHERE claim_id = ?`, id).Error; err != nil {
		t.Fatal(err)
	}
	for _, c := range []*client{admin, verif} {
		page := c.get(path)
		mustContain(t, page.body, `id="sedang-dihitung"`, `hx-get="`+path+`" hx-trigger="every 3s"`, `href="`+path+`" id="muat-ulang"`, "sedang dihitung")
		// htmx's poll: nothing to swap while it runs.
		if r := c.getHX(path); r.status != http.StatusNoContent || r.body != "" {
			t.Fatalf("htmx poll while computing: %d %q", r.status, r.body)
		}
		if strings.Contains(page.body, "/hitung-ulang") || strings.Contains(page.body, "/ajukan") {
			t.Fatal("compute or submit offered while computing")
		}
	}
	for _, try := range []struct {
		c    *client
		path string
		form url.Values
	}{
		{admin, path + "/hitung-ulang", nil},
		{verif, path + "/hitung-ulang", nil},
		{admin, "/tpp/klaim/hitung", url.Values{"opd_id": {itoa(th.dinkes)}, "bulan": {"2026-10"}}},
		{admin, path + "/ajukan", url.Values{"setuju": {"ya"}, "konfirmasi": {"dilihat-sebelumnya"}}},
	} {
		if r := try.c.postForm(try.path, try.form); r.status != http.StatusConflict || !strings.Contains(r.body, "sedang dihitung") {
			t.Fatalf("%s while computing: %d", try.path, r.status)
		}
	}
	// That server finishes: the page is back to normal.
	if err := th.db.Exec(`UPDATE tpp_claim_run SET finished_at = now() WHERE claim_id = ?`, id).Error; err != nil {
		t.Fatal(err)
	}
	other()
	if page := admin.get(path); strings.Contains(page.body, `id="sedang-dihitung"`) || !strings.Contains(page.body, "/hitung-ulang") {
		t.Fatal("finished computation still shown as running")
	}
	// htmx's next poll gets the page, whose content replaces the old one.
	if r := verif.getHX(path); r.status != http.StatusOK || !strings.Contains(r.body, `id="isi"`) || strings.Contains(r.body, `id="sedang-dihitung"`) {
		t.Fatalf("htmx poll after computing: %d", r.status)
	}

	// A slow computation (no wait at all here): redirected at once with the
	// "sedang dihitung" message; the result arrives on the same page.
	th.srv.computeWait = 0
	r := admin.postForm(path+"/hitung-ulang", nil)
	if r.status != http.StatusSeeOther || !strings.Contains(r.header.Get("Location"), "tpp-sedang-dihitung") {
		t.Fatalf("slow compute: %d %q", r.status, r.header.Get("Location"))
	}
	deadline := time.Now().Add(30 * time.Second)
	for th.count(`SELECT count(*) FROM tpp_claim_run WHERE claim_id = ? AND finished_at IS NULL`, id) > 0 {
		if time.Now().After(deadline) {
			t.Fatal("computation never finished")
		}
		time.Sleep(20 * time.Millisecond)
	}
	page := admin.get(path)
	if strings.Contains(page.body, `id="sedang-dihitung"`) || strings.Contains(page.body, `id="hitung-gagal"`) ||
		th.count(`SELECT count(*) FROM audit_log WHERE action = 'tpp.hitung' AND object_id = ?`, fmt.Sprint(id)) != 2 {
		t.Fatal("background computation did not finish cleanly")
	}
}

// TestTPPInterruptedComputeRecomputesAtOnce: a computation started through
// the route is cut mid-run by a database restart (every backend of the
// database terminated, its holder connection among them, while the
// computation waits inside its transaction). The claim is free at once: the
// page no longer says "sedang dihitung" but that the run was cut, and the
// next "hitung ulang" through the route computes (never the 409 that used
// to last 10 minutes).
func TestTPPInterruptedComputeRecomputesAtOnce(t *testing.T) {
	th := newTPPHarness(t)
	admin := th.as(auth.RoleAdminOPD)
	id := th.compute(admin)
	path := fmt.Sprintf("/tpp/klaim/%d", id)

	// Hold the computation mid-run: its transaction waits for the rule
	// set's row, which this transaction keeps locked.
	sqlDB, err := th.db.DB()
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	blocker, err := sqlDB.BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer blocker.Rollback()
	if _, err := blocker.ExecContext(ctx, `SELECT id FROM tpp_rule_set WHERE id = (SELECT rule_set_id FROM tpp_claim WHERE id = $1) FOR UPDATE`, id); err != nil {
		t.Fatal(err)
	}
	th.srv.computeWait = 0
	if r := admin.postForm(path+"/hitung-ulang", nil); r.status != http.StatusSeeOther || !strings.Contains(r.header.Get("Location"), "tpp-sedang-dihitung") {
		t.Fatalf("start: %d %q", r.status, r.header.Get("Location"))
	}
	waitFor := func(what string, ok func() bool) {
		t.Helper()
		for deadline := time.Now().Add(10 * time.Second); !ok(); time.Sleep(20 * time.Millisecond) {
			if time.Now().After(deadline) {
				t.Fatal(what)
			}
		}
	}
	waitFor("the computation never reached its transaction", func() bool {
		return th.count(`SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'`) > 0
	})
	if page := admin.get(path); !strings.Contains(page.body, `id="sedang-dihitung"`) {
		t.Fatal("a running computation is not shown running")
	}
	if r := admin.postForm(path+"/hitung-ulang", nil); r.status != http.StatusConflict {
		t.Fatalf("recompute while the first runs: %d %v %.2000s", r.status, r.header, r.body)
	}

	// PostgreSQL restarts: every other backend of the database is gone.
	th.count(`SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()`)
	start := time.Now()
	var r response
	for {
		// The pool's connections died with their backends; a request that
		// meets one answers 503 once. 409 would mean the claim is still held.
		r = admin.postForm(path+"/hitung-ulang", nil)
		if r.status != http.StatusServiceUnavailable || time.Since(start) > 5*time.Second {
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	if r.status != http.StatusSeeOther {
		t.Fatalf("recompute right after the restart: %d %.300s", r.status, r.body)
	}
	waitFor("the recomputation never finished", func() bool {
		return th.count(`SELECT count(*) FROM tpp_claim_run WHERE claim_id = ? AND finished_at IS NULL`, id) == 0
	})
	page := admin.get(path)
	running, failed := strings.Contains(page.body, `id="sedang-dihitung"`), strings.Contains(page.body, `id="hitung-gagal"`)
	computed := th.count(`SELECT count(*) FROM audit_log WHERE action = 'tpp.hitung' AND object_id = ?`, fmt.Sprint(id))
	if running || failed || computed != 2 {
		var runErr string
		th.db.Raw(`SELECT error FROM tpp_claim_run WHERE claim_id = ?`, id).Scan(&runErr)
		var trail []string
		th.db.Raw(`SELECT id || ' ' || action || ' ' || at::text || ' ' || detail::text FROM audit_log WHERE action LIKE 'tpp.hitung%' AND object_id = ? ORDER BY id`, fmt.Sprint(id)).Scan(&trail)
		t.Logf("computations of the claim:\n%s", strings.Join(trail, "\n"))
		t.Fatalf("the recomputation after the restart did not finish cleanly: shown running %v, shown failed %v, %d computations audited (want 2), run error %q",
			running, failed, computed, runErr)
	}
}

// TestTPPComputedButNotReadBackIsComputed: the computation commits and the
// read of the stored claim right after fails (the database restarted in
// between). The claim is computed: the person is taken to the claim page
// with "dihitung", not told the system failed (a 503 that invites a second
// computation), and the run is finished, not marked failed.
func TestTPPComputedButNotReadBackIsComputed(t *testing.T) {
	th := newTPPHarness(t)
	admin := th.as(auth.RoleAdminOPD)
	id := th.compute(admin)
	path := fmt.Sprintf("/tpp/klaim/%d", id)
	var reads atomic.Int32
	th.srv.tpp.SetReadBack(func(context.Context, int64) (claim.Claim, error) {
		reads.Add(1)
		return claim.Claim{}, fmt.Errorf("read claim: %w", errors.New("conn closed"))
	})
	th.srv.computeWait = 10 * time.Second // the answer waits for the computation
	r := admin.postForm(path+"/hitung-ulang", nil)
	if r.status != http.StatusSeeOther || !strings.Contains(r.header.Get("Location"), "tpp-dihitung") {
		t.Fatalf("recompute whose read-back failed: %d %q %.300s", r.status, r.header.Get("Location"), r.body)
	}
	if n := reads.Load(); n != 1 {
		t.Fatalf("read back %d times", n)
	}
	page := admin.get(path)
	if strings.Contains(page.body, `id="sedang-dihitung"`) || strings.Contains(page.body, `id="hitung-gagal"`) {
		t.Fatal("the stored computation is shown running or failed")
	}
	var runErr string
	var finished bool
	th.db.Raw(`SELECT error, finished_at IS NOT NULL FROM tpp_claim_run WHERE claim_id = ?`, id).Row().Scan(&runErr, &finished)
	if !finished || runErr != "" {
		t.Fatalf("run finished %v, error %q", finished, runErr)
	}
	if n := th.count(`SELECT count(*) FROM audit_log WHERE action = 'tpp.hitung' AND object_id = ?`, fmt.Sprint(id)); n != 2 {
		t.Fatalf("%d computations audited, want 2", n)
	}
	// The claim is free: the next computation runs and is shown.
	th.srv.tpp.SetReadBack(nil)
	if r := admin.postForm(path+"/hitung-ulang", nil); r.status != http.StatusSeeOther || !strings.Contains(r.header.Get("Location"), "tpp-dihitung") {
		t.Fatalf("next recompute: %d %q", r.status, r.header.Get("Location"))
	}
}
