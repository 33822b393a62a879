package web

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ekinerja/ekinerja/internal/audit"
	"github.com/ekinerja/ekinerja/internal/auth"
)

// loginFrom posts /masuk from a fresh browser at source address ip (the
// harness trusts X-Forwarded-For from loopback).
func (h *harness) loginFrom(ip, nip, pw string) (*client, response) {
	h.t.Helper()
	c := h.client()
	form := url.Values{"nip": {nip}, "password": {pw}, "csrf_token": {c.csrf()}}
	req, _ := http.NewRequest(http.MethodPost, h.ts.URL+"/masuk", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("X-Forwarded-For", ip)
	return c, c.do(req)
}

// TestLoginThrottleHoldsUnderBurst fires 100 concurrent wrong passwords for
// one account at the real login route: the attempt is counted before the
// password is verified, so at most the limit (5) are evaluated (counted by
// the hasher and by the audit rows), the rest are refused with 429, and
// argon2 never runs more than the hasher's cap (4) at once.
func TestLoginThrottleHoldsUnderBurst(t *testing.T) {
	// The in-flight cap is raised above the burst: this test is about the
	// login throttle; shedding beyond the cap (503) is TestOverloadIsShedNotQueued's.
	h := newHarnessEnv(t, map[string]string{"EKINERJA_ENV": "dev", "EKINERJA_MAX_INFLIGHT": "256"})
	l := login(t, auth.RolePegawai)
	const n = 100
	reqs := make([]*http.Request, n)
	clients := make([]*client, n)
	for i := range reqs {
		clients[i] = h.client()
		form := url.Values{"nip": {l.NIP}, "password": {fmt.Sprintf("tebakan-salah-%d", i)}, "csrf_token": {clients[i].csrf()}}
		reqs[i], _ = http.NewRequest(http.MethodPost, h.ts.URL+"/masuk", strings.NewReader(form.Encode()))
		reqs[i].Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	before := h.srv.auth.Hasher().Stats().Verifications
	statuses := make([]int, n)
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := range reqs {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			<-start
			r, err := clients[i].http.Do(reqs[i])
			if err != nil {
				t.Error(err)
				return
			}
			r.Body.Close()
			statuses[i] = r.StatusCode
		}(i)
	}
	close(start)
	wg.Wait()
	st := h.srv.auth.Hasher().Stats()
	evaluated := st.Verifications - before
	counts := map[int]int{}
	for _, s := range statuses {
		counts[s]++
	}
	t.Logf("100 concurrent wrong passwords: %d evaluated, statuses %v, peak argon2 in flight %d", evaluated, counts, st.PeakInFlight)
	if evaluated > 5 || evaluated < 1 {
		t.Errorf("%d passwords evaluated, want 1..5", evaluated)
	}
	if f := h.count(`SELECT count(*) FROM audit_log WHERE action = ?`, audit.ActionLoginFailure); f != evaluated {
		t.Errorf("%d failure rows for %d evaluations", f, evaluated)
	}
	if counts[http.StatusUnauthorized] != int(evaluated) || counts[http.StatusTooManyRequests] != n-int(evaluated) {
		t.Errorf("statuses %v", counts)
	}
	if st.PeakInFlight > 4 {
		t.Errorf("%d argon2 computations at once, cap 4", st.PeakInFlight)
	}
	// A flood of refusals writes one lock row, not one per request.
	if r := h.count(`SELECT count(*) FROM audit_log WHERE action = ?`, audit.ActionLoginLocked); r > 1 {
		t.Errorf("%d lock audit rows", r)
	}
}

// TestLockoutKeepsTheOwnerIn: a guesser locks only their own (account,
// address) pair; the owner elsewhere and colleagues behind the same NAT
// still log in. A distributed guesser locks the account, but its owner
// with two-factor passes with the right password (to the code step, then
// in); an account without two-factor stays locked. A password spray
// from one address (20 accounts) locks that address for accounts without
// two-factor only.
func TestLockoutKeepsTheOwnerIn(t *testing.T) {
	t.Parallel()
	h := newHarnessEnv(t, map[string]string{"EKINERJA_ENV": "production", "EKINERJA_SECRET": strings.Repeat("t", 40),
		"EKINERJA_TRUSTED_PROXIES": "127.0.0.0/8"})
	clk := &fakeClock{now: time.Now()}
	h.srv.auth.SetClock(clk.Now)
	const pw = "ikan bakar di tepi danau"
	_, secret, _ := enrolTOTP(t, h, clk, auth.RolePegawai, pw)
	owner := login(t, auth.RolePegawai)    // two-factor on
	plain := login(t, auth.RoleAdminOPD)   // no two-factor
	colleague := login(t, auth.RoleAtasan) // same NAT as the guesser
	const nat = "198.51.100.7"

	// One guesser behind the office NAT.
	for i := 0; i < 8; i++ {
		h.loginFrom(nat, plain.NIP, "salah-"+fmt.Sprint(i))
	}
	if _, res := h.loginFrom(nat, plain.NIP, plain.Password); res.status != http.StatusTooManyRequests {
		t.Errorf("guessed pair not locked: %d", res.status)
	}
	if _, res := h.loginFrom("203.0.113.50", plain.NIP, plain.Password); res.status != http.StatusSeeOther {
		t.Errorf("owner at another address locked out by the guesser: %d", res.status)
	}
	if _, res := h.loginFrom(nat, colleague.NIP, colleague.Password); res.status != http.StatusSeeOther {
		t.Errorf("colleague behind the NAT locked out: %d", res.status)
	}

	// A distributed guesser: one attempt from each of 25 addresses.
	for _, who := range []string{owner.NIP, plain.NIP} {
		for i := 0; i < 25; i++ {
			h.loginFrom(fmt.Sprintf("192.0.2.%d", i+1), who, "salah-"+fmt.Sprint(i))
		}
	}
	if _, res := h.loginFrom("203.0.113.60", plain.NIP, plain.Password); res.status != http.StatusTooManyRequests {
		t.Errorf("account without two-factor under a distributed guess: %d", res.status)
	}
	c, res := h.loginFrom("203.0.113.60", owner.NIP, pw)
	if res.status != http.StatusSeeOther || res.header.Get("Location") != "/masuk/kode" {
		t.Fatalf("owner with two-factor, right password: %d %q", res.status, res.header.Get("Location"))
	}
	if res := c.postForm("/masuk/kode", url.Values{"kode": {auth.CodeAt(secret, clk.step())}}); res.status != http.StatusSeeOther {
		t.Fatalf("owner's code: %d", res.status)
	}
	if _, res := h.loginFrom("203.0.113.61", owner.NIP, "salah lagi"); res.status != http.StatusTooManyRequests {
		t.Errorf("wrong password under the account lock answered %d (must look locked)", res.status)
	}

	// A spray from one address over 21 accounts.
	const spray = "203.0.113.99"
	for i := 0; i < 21; i++ {
		h.loginFrom(spray, fmt.Sprintf("1990010120200110%02d", i), "salah")
	}
	if _, res := h.loginFrom(spray, colleague.NIP, colleague.Password); res.status != http.StatusTooManyRequests {
		t.Errorf("spraying address not locked: %d", res.status)
	}
	if _, res := h.loginFrom(spray, owner.NIP, pw); res.status != http.StatusSeeOther || res.header.Get("Location") != "/masuk/kode" {
		t.Errorf("two-factor account from the spraying address: %d", res.status)
	}
}
