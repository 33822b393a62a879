package web

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/ekinerja/ekinerja/internal/auth"
)

// TestTPPComputeShowsProgress (SPEC section 9): a computation that is not
// done when the request has waited long enough sends the person to the
// claim page, which says "sedang dihitung" with a refresh link (and a
// data-refresh for app.js) as long as the mark in the database says so, on
// any app server; a second computation meanwhile answers 409.
func TestTPPComputeShowsProgress(t *testing.T) {
	th := newTPPHarness(t)
	admin, verif := th.as(auth.RoleAdminOPD), th.as(auth.RoleVerifikator)
	id := th.compute(admin) // quick: done within the wait, the result is shown at once
	if n := th.count(`SELECT employees FROM tpp_claim WHERE id = ?`, id); n == 0 {
		t.Fatal("quick compute shows no result")
	}
	path := fmt.Sprintf("/tpp/klaim/%d", id)

	// Another app server is computing this claim: its mark is in the database.
	if err := th.db.Exec(`UPDATE tpp_claim_run SET finished_at = NULL, token = 1, started_at = now() WHERE claim_id = ?`, id).Error; err != nil {
		t.Fatal(err)
	}
	for _, c := range []*client{admin, verif} {
		page := c.get(path)
		mustContain(t, page.body, `id="sedang-dihitung"`, `data-refresh="3"`, `href="`+path+`" id="muat-ulang"`, "sedang dihitung")
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
	if page := admin.get(path); strings.Contains(page.body, `id="sedang-dihitung"`) || !strings.Contains(page.body, "/hitung-ulang") {
		t.Fatal("finished computation still shown as running")
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
