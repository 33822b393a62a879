package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"html"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ekinerja/ekinerja/internal/attendance"
	"github.com/ekinerja/ekinerja/internal/auth"
	"github.com/ekinerja/ekinerja/internal/database"
	"github.com/ekinerja/ekinerja/internal/demo"
	"github.com/ekinerja/ekinerja/internal/testdb"
)

// balancerChildEnv marks the test binary started as one `serve` instance.
const balancerChildEnv = "EKINERJA_TEST_BALANCER_CHILD"

// TestBalancerInstance is not a test: TestTwoInstancesBehindBalancer starts
// the test binary itself with balancerChildEnv set to run one real `serve`
// process (so an instance can be killed with SIGKILL, as a crash is).
func TestBalancerInstance(t *testing.T) {
	if os.Getenv(balancerChildEnv) != "1" {
		t.Skip("helper process of TestTwoInstancesBehindBalancer")
	}
	os.Exit(run([]string{"serve"}, os.Getenv, os.Stdout, os.Stderr))
}

// lbInstance is one serve process behind the balancer.
type lbInstance struct {
	name, addr string
	cmd        *exec.Cmd
	log        *syncBuffer
	done       chan struct{}
}

// startInstance starts the test binary as `serve` on addr, on dbURL.
func startInstance(t *testing.T, name, addr, dbURL, secret string) *lbInstance {
	t.Helper()
	env := []string{}
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "EKINERJA_") && !strings.HasPrefix(kv, "DATABASE_URL=") {
			env = append(env, kv)
		}
	}
	u, err := url.Parse(dbURL)
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	q.Set("application_name", "ekinerja-"+name) // tells its backends apart in pg_stat_activity
	u.RawQuery = q.Encode()
	env = append(env, balancerChildEnv+"=1", "DATABASE_URL="+u.String(), "EKINERJA_ENV=dev", "EKINERJA_SECRET="+secret,
		"EKINERJA_ADDR="+addr, "EKINERJA_METRICS_ADDR=off", "EKINERJA_LOG_LEVEL=error",
		// The balancer's X-Forwarded-For names the client: the throttle counts it.
		"EKINERJA_TRUSTED_PROXIES=127.0.0.1")
	in := &lbInstance{name: name, addr: addr, log: &syncBuffer{}, done: make(chan struct{})}
	in.cmd = exec.Command(os.Args[0], "-test.run=^TestBalancerInstance$", "-test.count=1")
	in.cmd.Env = env
	in.cmd.Stdout, in.cmd.Stderr = in.log, in.log
	if err := in.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { in.cmd.Wait(); close(in.done) }()
	t.Cleanup(func() {
		in.cmd.Process.Signal(os.Interrupt)
		select {
		case <-in.done:
		case <-time.After(20 * time.Second):
			in.cmd.Process.Kill()
			<-in.done
		}
	})
	return in
}

// waitReady polls url until it answers 200.
func waitReady(t *testing.T, url string, what func() string) {
	t.Helper()
	for deadline := time.Now().Add(60 * time.Second); ; {
		r, err := http.Get(url)
		if err == nil {
			r.Body.Close()
			if r.StatusCode == http.StatusOK {
				return
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s not ready: %v\n%s", url, err, what())
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// lbClient is one person's browser (or API client) talking to the balancer;
// every answer records which instance gave it.
type lbClient struct {
	t    *testing.T
	base string
	c    *http.Client
	// last is the instance of the last answer.
	last string
}

type lbResponse struct {
	status   int
	body     string
	instance string
}

func newLBClient(t *testing.T, base string) *lbClient {
	jar, _ := cookiejar.New(nil)
	return &lbClient{t: t, base: base, c: &http.Client{Jar: jar, Timeout: 60 * time.Second,
		// Redirects are followed by hand, so each answer's instance is seen.
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

func (l *lbClient) do(req *http.Request) lbResponse {
	l.t.Helper()
	r, err := l.c.Do(req)
	if err != nil {
		l.t.Fatalf("%s %s: %v (a user-visible error)", req.Method, req.URL.Path, err)
	}
	defer r.Body.Close()
	b, _ := io.ReadAll(r.Body)
	l.last = r.Header.Get("X-Ekinerja-Instance")
	if l.last == "" {
		l.t.Fatalf("%s %s: %d without X-Ekinerja-Instance: not through the balancer?\n%s", req.Method, req.URL.Path, r.StatusCode, b)
	}
	return lbResponse{status: r.StatusCode, body: string(b), instance: l.last}
}

func (l *lbClient) get(path string) lbResponse {
	l.t.Helper()
	req, _ := http.NewRequest(http.MethodGet, l.base+path, nil)
	return l.do(req)
}

func (l *lbClient) postForm(path string, form url.Values) lbResponse {
	l.t.Helper()
	req, _ := http.NewRequest(http.MethodPost, l.base+path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return l.do(req)
}

func (l *lbClient) postJSON(path string, v any) (lbResponse, map[string]any) {
	l.t.Helper()
	b, _ := json.Marshal(v)
	req, _ := http.NewRequest(http.MethodPost, l.base+path, bytes.NewReader(b))
	req.Header.Set("Content-Type", "application/json")
	r := l.do(req)
	var out map[string]any
	_ = json.Unmarshal([]byte(r.body), &out)
	return r, out
}

// steer sends harmless /healthz requests until the next request goes to
// want: the balancer deals requests round robin, so that is the instance
// after the one that answered the last /healthz.
func (l *lbClient) steer(want string) {
	l.t.Helper()
	for range 6 {
		if r := l.get("/healthz"); r.instance != want {
			return
		}
	}
	l.t.Fatalf("cannot steer to %s", want)
}

// token is the CSRF token of page.
func (l *lbClient) token(page string) (string, string) {
	l.t.Helper()
	r := l.get(page)
	if r.status != http.StatusOK {
		l.t.Fatalf("GET %s: %d\n%s", page, r.status, r.body)
	}
	m := csrfField.FindStringSubmatch(r.body)
	if m == nil {
		l.t.Fatalf("no CSRF token on %s (%s)", page, r.instance)
	}
	return html.UnescapeString(m[1]), r.instance
}

// expect fails unless r has status want and was answered by instance on
// (any when on is "").
func expect(t *testing.T, what string, r lbResponse, want int, on string) {
	t.Helper()
	if r.status != want {
		t.Fatalf("%s: %d on %s, want %d\n%.2000s", what, r.status, r.instance, want, r.body)
	}
	if on != "" && r.instance != on {
		t.Fatalf("%s: answered by %s, want %s", what, r.instance, on)
	}
}

func other(name string) string {
	if name == "app1" {
		return "app2"
	}
	return "app1"
}

// TestTwoInstancesBehindBalancer runs two real serve processes on one
// database behind HAProxy with deploy/haproxy.cfg (the file docker compose
// uses) and checks, through the balancer, that nothing a person does
// depends on which instance answers: a login on one is a session on the
// other; a CSRF token from one is good on the other (and a missing one is
// refused by both); failed logins on both add up to one lockout, refused by
// both; a refresh token rotated on one is spent on the other (reuse revokes
// the family); a computation started on one shows as running on the other,
// which refuses a second one, and its result shows there when done; and an
// instance killed in the middle of a request leaves no error on the next
// requests (the balancer retries on the live one).
func TestTwoInstancesBehindBalancer(t *testing.T) {
	t.Parallel()
	haproxy, err := exec.LookPath("haproxy")
	if err != nil {
		if os.Getenv("EKINERJA_REQUIRE_HAPROXY") != "" { // .ci/run installs it: CI never skips
			t.Fatal("haproxy tidak terpasang, padahal EKINERJA_REQUIRE_HAPROXY diset (apt-get install haproxy)")
		}
		t.Skip("haproxy tidak terpasang: uji dua instance di belakang load balancer dilewati (apt-get install haproxy; .ci/run memasangnya)")
	}
	ctx := context.Background()
	dbURL := testdb.NewURL(t)
	db, err := database.Open(ctx, dbURL)
	if err != nil {
		t.Fatal(err)
	}
	defer database.Close(db)
	res, err := demo.Generate(ctx, db, auth.NewHasher(auth.Argon2Params{MemoryKiB: 64, Time: 1, Threads: 1, KeyLen: 32, SaltLen: 16}, 2), demo.GenerateOptions{Employees: demo.DefaultEmployees, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	logins := map[auth.Role][]demo.Login{}
	for _, lg := range res.Logins {
		logins[lg.Role] = append(logins[lg.Role], lg)
	}
	if len(logins[auth.RoleAdminOPD]) == 0 || len(logins[auth.RolePegawai]) == 0 || len(logins[auth.RoleAtasan]) == 0 {
		t.Fatalf("demo logins: %+v", res.Logins)
	}
	admin := logins[auth.RoleAdminOPD][0]
	var opdID int64
	db.Raw(`SELECT r.opd_id FROM user_roles r JOIN users u ON u.id = r.user_id WHERE u.nip = ? AND r.role = 'admin_opd'`, admin.NIP).Scan(&opdID)
	if opdID == 0 {
		t.Fatal("demo admin has no OPD")
	}
	loc, _ := time.LoadLocation("Asia/Jakarta")
	now := time.Now().In(loc)
	month := time.Date(now.Year(), now.Month()-1, 1, 0, 0, 0, 0, loc)
	as := attendance.NewStore(db, loc)
	var csv bytes.Buffer
	if err := as.DemoCSV(ctx, &csv, opdID, month.Year(), month.Month()); err != nil {
		t.Fatal(err)
	}
	if _, err := as.Import(ctx, attendance.ImportInput{OPDID: opdID, Actor: attendance.Actor{NIP: "uji", IP: "127.0.0.1"}, FileName: "presensi.csv", Body: &csv, SkipBadRows: true}); err != nil {
		t.Fatal(err)
	}

	raw := make([]byte, 48)
	rand.Read(raw)
	secret := base64.StdEncoding.EncodeToString(raw)
	apps := map[string]*lbInstance{}
	for _, name := range []string{"app1", "app2"} {
		apps[name] = startInstance(t, name, freeAddr(t), dbURL, secret)
	}
	for _, in := range apps {
		waitReady(t, "http://"+in.addr+"/readyz", in.log.String)
	}
	lbAddr := freeAddr(t)
	cfg, err := filepath.Abs("../../deploy/haproxy.cfg")
	if err != nil {
		t.Fatal(err)
	}
	var lbLog syncBuffer
	lb := exec.Command(haproxy, "-db", "-f", cfg)
	lb.Env = append(os.Environ(), "EKINERJA_LB_BIND="+lbAddr, "EKINERJA_APP1="+apps["app1"].addr, "EKINERJA_APP2="+apps["app2"].addr)
	lb.Stdout, lb.Stderr = &lbLog, &lbLog
	if err := lb.Start(); err != nil {
		t.Fatal(err)
	}
	lbDone := make(chan struct{})
	go func() { lb.Wait(); close(lbDone) }()
	t.Cleanup(func() { lb.Process.Kill(); <-lbDone })
	base := "http://" + lbAddr
	waitReady(t, base+"/healthz", lbLog.String)
	probe := newLBClient(t, base)
	for seen, deadline := map[string]bool{}, time.Now().Add(20*time.Second); len(seen) < 2; {
		seen[probe.get("/healthz").instance] = true
		if time.Now().After(deadline) {
			t.Fatalf("balancer uses only %v\n%s", seen, lbLog.String())
		}
	}

	// Sessions and CSRF: the login form from app1 is posted to app2; the
	// session then works on both; a role switch posts app1's token to app2.
	a := newLBClient(t, base)
	a.steer("app1")
	tok, on := a.token("/masuk")
	expect(t, "login page", lbResponse{status: 200, instance: on}, 200, "app1")
	r := a.postForm("/masuk", url.Values{"csrf_token": {tok}, "nip": {admin.NIP}, "password": {admin.Password}})
	expect(t, "login", r, http.StatusSeeOther, "app2")
	for _, want := range []string{"app1", "app2"} {
		r := a.get("/")
		expect(t, "home after login", r, http.StatusOK, want)
		if strings.Contains(r.body, `name="password"`) {
			t.Fatalf("session from app2 not known on %s", r.instance)
		}
	}
	grant := fmt.Sprintf("admin_opd:%d", opdID)
	for _, from := range []string{"app1", "app2"} {
		a.steer(from)
		tok, on := a.token("/")
		if on != from {
			t.Fatalf("token page on %s, want %s", on, from)
		}
		r := a.postForm("/peran", url.Values{"csrf_token": {tok}, "peran": {grant}})
		expect(t, "role switch with the other instance's token", r, http.StatusSeeOther, other(from))
		r = a.postForm("/peran", url.Values{"peran": {grant}}) // no token: refused by whichever answers
		expect(t, "role switch without a token", r, http.StatusForbidden, from)
	}

	// Login throttling and lockout are counted in the database: wrong
	// passwords alternating between the instances add up to one lock,
	// which both then apply to the right password.
	victim := logins[auth.RolePegawai][0]
	g := newLBClient(t, base)
	seen := map[string]int{}
	for i := range 5 { // pairAttempts
		tok, _ := g.token("/masuk")
		g.steer([]string{"app1", "app2"}[i%2])
		r := g.postForm("/masuk", url.Values{"csrf_token": {tok}, "nip": {victim.NIP}, "password": {"salah-" + strconv.Itoa(i)}})
		expect(t, "wrong password", r, http.StatusUnauthorized, "")
		seen[r.instance]++
	}
	if seen["app1"] == 0 || seen["app2"] == 0 {
		t.Fatalf("wrong passwords all went to one instance: %v", seen)
	}
	var failures int64
	db.Raw(`SELECT failures FROM login_throttle WHERE key = ?`, "pair:"+victim.NIP+"|127.0.0.1").Scan(&failures)
	if failures != 5 {
		t.Fatalf("failures counted on two instances: %d, want 5 in one row", failures)
	}
	// The sixth attempt, even with the right password, is over the limit:
	// refused on app1 (which locks), then on app2 (which reads the lock).
	for i, want := range []string{"app1", "app2"} {
		tok, _ := g.token("/masuk")
		g.steer(want)
		r := g.postForm("/masuk", url.Values{"csrf_token": {tok}, "nip": {victim.NIP}, "password": {victim.Password}})
		expect(t, "right password over the limit", r, http.StatusTooManyRequests, want)
		if i == 0 {
			var locked int64
			db.Raw(`SELECT count(*) FROM login_throttle WHERE key = ? AND locked_until > now()`, "pair:"+victim.NIP+"|127.0.0.1").Scan(&locked)
			if locked != 1 {
				t.Fatal("no lock row in the database after the sixth attempt")
			}
		}
	}

	// Refresh rotation: rotated on one instance, spent on the other; the
	// spent token presented again revokes the family everywhere.
	api := newLBClient(t, base)
	user := logins[auth.RoleAtasan][0]
	r, tk := api.postJSON("/api/v1/auth/token", map[string]string{"nip": user.NIP, "password": user.Password})
	expect(t, "API login", r, http.StatusOK, "")
	r1, _ := tk["refresh_token"].(string)
	api.steer("app1")
	r, tk = api.postJSON("/api/v1/auth/refresh", map[string]string{"refresh_token": r1})
	expect(t, "refresh on app1", r, http.StatusOK, "app1")
	r2, _ := tk["refresh_token"].(string)
	access, _ := tk["access_token"].(string)
	if r2 == "" || r2 == r1 || access == "" {
		t.Fatalf("refresh did not rotate: %v", tk)
	}
	me := func(want string) lbResponse {
		api.steer(want)
		req, _ := http.NewRequest(http.MethodGet, base+"/api/v1/me", nil)
		req.Header.Set("Authorization", "Bearer "+access)
		return api.do(req)
	}
	expect(t, "rotated access token on app2", me("app2"), http.StatusOK, "app2")
	api.steer("app2")
	r, tk = api.postJSON("/api/v1/auth/refresh", map[string]string{"refresh_token": r2})
	expect(t, "refresh on app2", r, http.StatusOK, "app2")
	r3, _ := tk["refresh_token"].(string)
	access, _ = tk["access_token"].(string)
	api.steer("app1")
	r, _ = api.postJSON("/api/v1/auth/refresh", map[string]string{"refresh_token": r1}) // spent twice over: a copy
	expect(t, "reused refresh token on app1", r, http.StatusUnauthorized, "app1")
	api.steer("app2")
	r, _ = api.postJSON("/api/v1/auth/refresh", map[string]string{"refresh_token": r3})
	expect(t, "newest refresh token after reuse (family revoked)", r, http.StatusUnauthorized, "app2")
	expect(t, "access token after reuse (family revoked)", me("app1"), http.StatusUnauthorized, "app1")

	// A computation started on app1 is held up in its transaction (the test
	// holds a SHARE lock on the result rows and on the settlements, which
	// every computation replaces, also one that finds no row changed): app1 answers "sedang dihitung"
	// after its wait, app2 shows the same and refuses a second computation;
	// released, the result shows on app2.
	hold := func() (*sql.Tx, func()) {
		sqlDB, _ := db.DB()
		tx, err := sqlDB.BeginTx(ctx, nil)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := tx.Exec(`LOCK TABLE tpp_claim_pegawai, tpp_selisih_pakai IN SHARE MODE`); err != nil {
			t.Fatal(err)
		}
		var once sync.Once
		return tx, func() { once.Do(func() { tx.Rollback() }) }
	}
	_, release := hold()
	defer release()
	bulan := month.Format("2006-01")
	a.steer("app1")
	tok, _ = a.token("/tpp/klaim?bulan=" + bulan)
	a.steer("app1")
	r = a.postForm("/tpp/klaim/hitung", url.Values{"csrf_token": {tok}, "opd_id": {strconv.FormatInt(opdID, 10)}, "bulan": {bulan}})
	if r.status != http.StatusOK && r.status != http.StatusSeeOther {
		t.Fatalf("compute on app1: %d\n%.2000s", r.status, r.body)
	}
	if r.instance != "app1" {
		t.Fatalf("compute answered by %s", r.instance)
	}
	var claimID int64
	db.Raw(`SELECT id FROM tpp_claim WHERE opd_id = ? AND period = ?::date`, opdID, month.Format(time.DateOnly)).Scan(&claimID)
	if claimID == 0 {
		t.Fatalf("no claim after compute:\n%.2000s", r.body)
	}
	claimPage := fmt.Sprintf("/tpp/klaim/%d", claimID)
	a.steer("app2")
	r = a.get(claimPage)
	expect(t, "claim page on app2 while computing", r, http.StatusOK, "app2")
	if !strings.Contains(r.body, "sedang dihitung") {
		t.Fatalf("app2 does not show the computation running on app1:\n%.3000s", r.body)
	}
	a.steer("app2")
	tok, _ = a.token(claimPage)
	a.steer("app2")
	r = a.postForm(claimPage+"/hitung-ulang", url.Values{"csrf_token": {tok}})
	expect(t, "second computation on app2", r, http.StatusConflict, "app2")
	release()
	for deadline := time.Now().Add(60 * time.Second); ; {
		a.steer("app2")
		r = a.get(claimPage)
		expect(t, "claim page on app2", r, http.StatusOK, "app2")
		if !strings.Contains(r.body, "sedang dihitung") {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("computation started on app1 never finished as seen from app2")
		}
		time.Sleep(100 * time.Millisecond)
	}
	var computed struct {
		Employees int64
		Done      bool
	}
	db.Raw(`SELECT employees, computed_at IS NOT NULL AS done FROM tpp_claim WHERE id = ?`, claimID).Scan(&computed)
	if !computed.Done || computed.Employees == 0 {
		t.Fatalf("claim after the computation: %+v", computed)
	}
	if !strings.Contains(r.body, strconv.FormatInt(computed.Employees, 10)) {
		t.Fatalf("app2's claim page lacks the %d employees computed on app1", computed.Employees)
	}

	// An instance killed (SIGKILL) in the middle of a request: a
	// recomputation on app1 is held up as above; app1 dies while its
	// request is open. Every request after that answers, from app2,
	// without an error, before and after the health check takes app1 out.
	_, release = hold()
	defer release()
	a.steer("app1")
	tok, _ = a.token(claimPage)
	a.steer("app1")
	inflight := make(chan lbResponse, 1)
	go func() {
		req, _ := http.NewRequest(http.MethodPost, base+claimPage+"/hitung-ulang", strings.NewReader(url.Values{"csrf_token": {tok}}.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		resp, err := a.c.Do(req)
		if err != nil {
			inflight <- lbResponse{status: -1, body: err.Error()}
			return
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		inflight <- lbResponse{status: resp.StatusCode, body: string(b), instance: resp.Header.Get("X-Ekinerja-Instance")}
	}()
	for deadline := time.Now().Add(20 * time.Second); ; {
		var waiting int64
		db.Raw(`SELECT count(*) FROM pg_stat_activity WHERE application_name = 'ekinerja-app1' AND wait_event_type = 'Lock'`).Scan(&waiting)
		if waiting > 0 {
			break
		}
		select {
		case r := <-inflight:
			t.Fatalf("recomputation answered before app1 was killed: %d %s\n%.2000s", r.status, r.instance, r.body)
		default:
		}
		if time.Now().After(deadline) {
			t.Fatal("the recomputation on app1 never reached the held lock")
		}
		time.Sleep(10 * time.Millisecond)
	}
	if err := apps["app1"].cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	<-apps["app1"].done
	cut := <-inflight
	t.Logf("the request open on app1 when it was killed: %d", cut.status) // a POST is not replayed: 502 is expected
	release()
	// Right after the kill (app1 still counted up by the balancer) and
	// after the health check has taken it out: every request answers.
	for i := range 12 {
		r := a.get(claimPage)
		expect(t, fmt.Sprintf("request %d after app1 was killed", i+1), r, http.StatusOK, "app2")
		if strings.Contains(r.body, `name="password"`) {
			t.Fatal("session lost with app1")
		}
		if i == 5 {
			tok, _ := a.token("/")
			expect(t, "a form after app1 was killed", a.postForm("/peran", url.Values{"csrf_token": {tok}, "peran": {grant}}), http.StatusSeeOther, "app2")
		}
		time.Sleep(250 * time.Millisecond)
	}
}
