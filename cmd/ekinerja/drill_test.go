package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/base64"
	"fmt"
	"html"
	"io"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"gorm.io/gorm"

	"github.com/ekinerja/ekinerja/internal/attendance"
	"github.com/ekinerja/ekinerja/internal/auth"
	"github.com/ekinerja/ekinerja/internal/database"
	"github.com/ekinerja/ekinerja/internal/demo"
	"github.com/ekinerja/ekinerja/internal/testdb"
	"github.com/ekinerja/ekinerja/internal/tpp"
	"github.com/ekinerja/ekinerja/internal/tpp/claim"
)

// drillEmployees is the regency size of the drill: EKINERJA_DRILL_EMPLOYEES
// (make drill sets 5000), else a small regency so `go test` stays quick.
func drillEmployees(t *testing.T) int {
	if v := os.Getenv("EKINERJA_DRILL_EMPLOYEES"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			t.Fatalf("EKINERJA_DRILL_EMPLOYEES=%q", v)
		}
		return n
	}
	return 300
}

// TestRecoveryDrill runs the README's recovery runbook in the order written,
// with the commands an operator types: a regency with a month of attendance
// and a paid month is backed up and its audit head anchored; then, timed:
// a new empty database owned by a non-superuser role, restore, audit verify
// against the anchored head, a new EKINERJA_SECRET, serve, log in, and the
// next month computed and submitted for every agency, then verified,
// approved and paid, through the web server.
func TestRecoveryDrill(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	n := drillEmployees(t)
	srcURL := testdb.NewURL(t)
	src, err := database.Open(ctx, srcURL)
	if err != nil {
		t.Fatal(err)
	}
	defer database.Close(src)
	loc, _ := time.LoadLocation("Asia/Jakarta")
	now := time.Now().In(loc)
	paidMonth := time.Date(now.Year(), now.Month()-2, 1, 0, 0, 0, 0, loc)
	nextMonth := paidMonth.AddDate(0, 1, 0)
	setupStart := time.Now()
	res, err := demo.Generate(ctx, src, auth.NewHasher(auth.Argon2Params{MemoryKiB: 64, Time: 1, Threads: 1, KeyLen: 32, SaltLen: 16}, 2), demo.GenerateOptions{Employees: n, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	// Both months of attendance for every agency, through the import finance uses.
	var opds []struct {
		ID   int64
		Kode string
	}
	src.Raw(`SELECT id, kode FROM opd ORDER BY id`).Scan(&opds)
	as := attendance.NewStore(src, loc)
	for _, m := range []time.Time{paidMonth, nextMonth} {
		for _, o := range opds {
			var csv bytes.Buffer
			if err := as.DemoCSV(ctx, &csv, o.ID, m.Year(), m.Month()); err != nil {
				t.Fatal(err)
			}
			if _, err := as.Import(ctx, attendance.ImportInput{OPDID: o.ID, Actor: attendance.Actor{NIP: "drill", IP: "127.0.0.1"}, FileName: "presensi.csv", Body: &csv, SkipBadRows: true}); err != nil {
				t.Fatalf("import %s: %v", o.Kode, err)
			}
		}
	}
	// The month before is paid for every agency.
	k, at := claim.StoreSources(src, loc)
	s := claim.NewService(src, k, at)
	verif := claim.Actor{NIP: "drill", IP: "127.0.0.1", Role: auth.RoleVerifikator}
	pm := tpp.Period{Year: paidMonth.Year(), Month: int(paidMonth.Month())}
	for _, o := range opds {
		c, err := s.Compute(ctx, verif, o.ID, pm)
		if err != nil {
			t.Fatalf("compute %s: %v", o.Kode, err)
		}
		for _, step := range []func() (claim.Claim, error){
			func() (claim.Claim, error) {
				return s.Submit(ctx, claim.Actor{NIP: "drill", Role: auth.RoleAdminOPD, OPDID: o.ID}, c.ID, claim.Ack{Confirmed: true})
			},
			func() (claim.Claim, error) { return s.Verify(ctx, verif, c.ID, claim.Ack{Confirmed: true}) },
			func() (claim.Claim, error) { return s.Approve(ctx, verif, c.ID, claim.Ack{Confirmed: true}) },
			func() (claim.Claim, error) {
				return s.Pay(ctx, verif, c.ID, claim.Payment{Date: time.Now(), SP2D: "SP2D-" + o.Kode}, claim.Ack{Confirmed: true})
			},
		} {
			if _, err := step(); err != nil {
				t.Fatalf("%s: %v", o.Kode, err)
			}
		}
	}
	// One admin account holds every agency's admin_opd grant, so the drill
	// can compute and submit each agency's claim as its admin would.
	for _, lg := range res.Logins {
		if lg.Role == auth.RoleAdminOPD {
			if err := src.Exec(`INSERT INTO user_roles (user_id, role, opd_id) SELECT u.id, 'admin_opd', o.id FROM users u CROSS JOIN opd o
				WHERE u.nip = ? ON CONFLICT DO NOTHING`, lg.NIP).Error; err != nil {
				t.Fatal(err)
			}
		}
	}
	// The verifikator has two-factor, enrolled under the old host's secret.
	oldRaw := make([]byte, 48)
	rand.Read(oldRaw)
	oldSecret := base64.StdEncoding.EncodeToString(oldRaw)
	var verifLogin demo.Login
	for _, lg := range res.Logins {
		if lg.Role == auth.RoleVerifikator {
			verifLogin = lg
		}
	}
	totpSeed := enrolTOTP(t, src, oldSecret, verifLogin.NIP)

	var counts struct{ Pegawai, Kehadiran, Lines int64 }
	src.Raw(`SELECT (SELECT count(*) FROM pegawai) AS pegawai, (SELECT count(*) FROM kehadiran) AS kehadiran, (SELECT count(*) FROM tpp_claim_pegawai) AS lines`).Scan(&counts)

	keys := t.TempDir()
	file := filepath.Join(t.TempDir(), "ekinerja.backup")
	envFor := func(dbURL string, extra ...string) func(string) string {
		env := map[string]string{"EKINERJA_ENV": "production", "DATABASE_URL": dbURL, "EKINERJA_METRICS_ADDR": "off"}
		for i := 0; i+1 < len(extra); i += 2 {
			env[extra[i]] = extra[i+1]
		}
		return func(k string) string { return env[k] }
	}
	cli := func(getenv func(string) string, args ...string) string {
		t.Helper()
		var out, errb bytes.Buffer
		if code := run(args, getenv, &out, &errb); code != 0 {
			t.Fatalf("ekinerja %s: exit %d\n%s%s", strings.Join(args, " "), code, out.String(), errb.String())
		}
		return out.String() + errb.String()
	}
	cli(envFor(srcURL), "backup", "keygen", "--out", keys)
	key := func(n string) string { return filepath.Join(keys, n) }
	cli(envFor(srcURL), "backup", "--out", file, "--sign-key", key("backup-sign.key"), "--recipient", key("backup-age.pub"))
	anchor := regexp.MustCompile(`jangkar: (\d+:[0-9a-f]{64})`).FindStringSubmatch(cli(envFor(srcURL), "audit", "head"))
	if anchor == nil {
		t.Fatal("no anchor from audit head")
	}
	fi, _ := os.Stat(file)
	setup := time.Since(setupStart)

	// The runbook, timed step by step.
	var steps []string
	start := time.Now()
	last := start
	lap := func(name string) {
		steps = append(steps, fmt.Sprintf("%-34s %6.2fs", name, time.Since(last).Seconds()))
		last = time.Now()
	}
	// 1. A new, empty database owned by the owner role (no superuser).
	dstURL := emptyDatabaseURL(t)
	lap("1. basis data kosong baru")
	// 2. backup --check, 3. restore: with the offline keys, no EKINERJA_SECRET.
	cli(envFor(dstURL), "backup", "--check", file, "--identity", key("backup-age.key"), "--verify-key", key("backup-verify.pub"))
	lap("2. backup --check")
	cli(envFor(dstURL), "restore", "--identity", key("backup-age.key"), "--verify-key", key("backup-verify.pub"), file)
	lap("3. restore")
	// 4. audit verify against the anchored head.
	if out := cli(envFor(dstURL), "audit", "verify", "--expect-head", anchor[1]); !strings.Contains(out, "cocok dengan kepala") {
		t.Fatalf("audit verify: %s", out)
	}
	lap("4. audit verify --expect-head")
	// 5. a new secret (openssl rand -base64 48), the old one as
	// EKINERJA_SECRET_PREVIOUS for the first start.
	raw := make([]byte, 48)
	rand.Read(raw)
	secret := base64.StdEncoding.EncodeToString(raw)
	lap("5. EKINERJA_SECRET baru (+ _PREVIOUS)")
	// 6. serve. The demo logins work in dev mode only (outside it they must
	// change their password and enrol two-factor first), so the drill's
	// server runs in dev mode with the new secret.
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	sctx, stop := context.WithCancel(ctx)
	served := make(chan int, 1)
	var serveLog bytes.Buffer
	go func() {
		served <- runWith([]string{"serve"}, envFor(dstURL, "EKINERJA_SECRET", secret, "EKINERJA_SECRET_PREVIOUS", oldSecret, "EKINERJA_ENV", "dev", "EKINERJA_ADDR", addr, "EKINERJA_LOG_LEVEL", "error"),
			io.Discard, &serveLog, options{ctx: sctx})
	}()
	defer func() {
		stop()
		select {
		case <-served:
		case <-time.After(15 * time.Second):
			t.Error("serve did not stop")
		}
	}()
	base := "http://" + addr
	for deadline := time.Now().Add(30 * time.Second); ; {
		r, err := http.Get(base + "/readyz")
		if err == nil {
			r.Body.Close()
			if r.StatusCode == http.StatusOK {
				break
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("server not ready: %v\n%s", err, serveLog.String())
		}
		time.Sleep(50 * time.Millisecond)
	}
	lap("6. serve (siap)")

	// 7. log in, compute, submit, verify, approve and pay the next month.
	dst, err := database.Open(ctx, dstURL)
	if err != nil {
		t.Fatal(err)
	}
	defer database.Close(dst)
	var admin, verifikator demo.Login
	for _, lg := range res.Logins {
		switch lg.Role {
		case auth.RoleAdminOPD:
			admin = lg
		case auth.RoleVerifikator:
			verifikator = lg
		}
	}
	bulan := nextMonth.Format("2006-01")
	a := newBrowser(t, base)
	a.login(admin.NIP, admin.Password)
	v := newBrowser(t, base)
	v.loginTOTP(verifikator.NIP, verifikator.Password, totpSeed) // enrolled under the old secret
	if n := countRows(t, dst, `SELECT count(*) FROM audit_log WHERE action = ?`, auth.ActionTOTPRewrap); n != 1 {
		t.Fatalf("two-factor re-seal audited %d times", n)
	}
	v.post("/", "/peran", url.Values{"peran": {"verifikator"}})
	lap("7a. masuk (admin OPD; verifikator 2FA)")
	svc := claim.NewService(dst, nil, nil)
	ids := map[int64]int64{}
	for _, o := range opds { // every agency's admin (here one account holding every grant)
		a.post("/", "/peran", url.Values{"peran": {fmt.Sprintf("admin_opd:%d", o.ID)}})
		page := a.post("/tpp/klaim?bulan="+bulan, "/tpp/klaim/hitung", url.Values{"opd_id": {strconv.FormatInt(o.ID, 10)}, "bulan": {bulan}})
		var id int64
		dst.Raw(`SELECT id FROM tpp_claim WHERE opd_id = ? AND period = ?::date`, o.ID, nextMonth.Format(time.DateOnly)).Scan(&id)
		if id == 0 {
			t.Fatalf("%s: no claim computed:\n%s", o.Kode, page)
		}
		for deadline := time.Now().Add(60 * time.Second); ; {
			rs, err := svc.RunState(ctx, id)
			if err != nil {
				t.Fatal(err)
			}
			if !rs.Running {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("%s: computation did not finish", o.Kode)
			}
			time.Sleep(50 * time.Millisecond)
		}
		p := fmt.Sprintf("/tpp/klaim/%d", id)
		a.ackPost(p+"/ajukan", url.Values{})
		ids[o.ID] = id
	}
	lap(fmt.Sprintf("7b. hitung dan ajukan %d OPD", len(opds)))
	for _, o := range opds {
		p := fmt.Sprintf("/tpp/klaim/%d", ids[o.ID])
		v.ackPost(p+"/verifikasi", url.Values{})
		v.ackPost(p+"/setujui", url.Values{})
		v.ackPost(p+"/bayar", url.Values{"sp2d": {"SP2D-PULIH/" + o.Kode + "/" + bulan}, "tanggal": {time.Now().In(loc).Format(time.DateOnly)}})
	}
	lap("7c. verifikasi, setujui, bayar")
	total := time.Since(start)

	var st struct {
		Claims, Paid, Payments, Employees int64
	}
	dst.Raw(`SELECT count(*) AS claims, count(*) FILTER (WHERE status = 'paid') AS paid,
		(SELECT count(*) FROM tpp_payment y JOIN tpp_claim c2 ON c2.id = y.claim_id WHERE c2.period = ?::date) AS payments,
		coalesce(sum(employees), 0) AS employees FROM tpp_claim WHERE period = ?::date`, nextMonth.Format(time.DateOnly), nextMonth.Format(time.DateOnly)).Scan(&st)
	var paidBefore int64
	dst.Raw(`SELECT coalesce(sum(employees), 0) FROM tpp_claim WHERE period = ?::date`, paidMonth.Format(time.DateOnly)).Scan(&paidBefore)
	if st.Claims != int64(len(opds)) || st.Paid != st.Claims || st.Payments != st.Claims || st.Employees == 0 || st.Employees != paidBefore {
		t.Fatalf("next month after the drill: %+v (the month before paid %d employees)", st, paidBefore)
	}
	// The chain is whole and still starts with the anchored history.
	cli(envFor(dstURL), "audit", "verify", "--expect-head", anchor[1])

	report := fmt.Sprintf("LATIHAN PEMULIHAN: %d pegawai, %d OPD, %d baris kehadiran, %d baris klaim, cadangan %.1f MB (persiapan %.1fs, tidak dihitung)\n%s\nJUMLAH %.1fs (target < 120s)",
		counts.Pegawai, len(opds), counts.Kehadiran, counts.Lines, float64(fi.Size())/1e6, setup.Seconds(), strings.Join(steps, "\n"), total.Seconds())
	fmt.Println(report) // make drill runs go test -v, which prints it
	if os.Getenv("EKINERJA_DRILL_EMPLOYEES") != "" && total > 2*time.Minute {
		t.Errorf("drill took %s, target under 2 minutes", total.Round(time.Second))
	}
}

// browser is a logged-in HTTP client that sends forms the way a browser
// does: with the page's CSRF token, following redirects.
type browser struct {
	t    *testing.T
	base string
	c    *http.Client
}

func newBrowser(t *testing.T, base string) *browser {
	jar, _ := cookiejar.New(nil)
	return &browser{t: t, base: base, c: &http.Client{Jar: jar, Timeout: 60 * time.Second}}
}

var csrfField = regexp.MustCompile(`name="csrf_token" value="([^"]+)"`)

func (b *browser) get(path string) string {
	b.t.Helper()
	r, err := b.c.Get(b.base + path)
	if err != nil {
		b.t.Fatal(err)
	}
	defer r.Body.Close()
	body, _ := io.ReadAll(r.Body)
	if r.StatusCode != http.StatusOK {
		b.t.Fatalf("GET %s: %d\n%s", path, r.StatusCode, body)
	}
	return string(body)
}

// post opens page, takes its CSRF token and posts form to action; the page
// it lands on must answer 200.
func (b *browser) post(page, action string, form url.Values) string {
	b.t.Helper()
	m := csrfField.FindStringSubmatch(b.get(page))
	if m == nil {
		b.t.Fatalf("no CSRF token on %s", page)
	}
	form.Set("csrf_token", html.UnescapeString(m[1]))
	r, err := b.c.PostForm(b.base+action, form)
	if err != nil {
		b.t.Fatal(err)
	}
	defer r.Body.Close()
	body, _ := io.ReadAll(r.Body)
	if r.StatusCode != http.StatusOK {
		b.t.Fatalf("POST %s: %d\n%s", action, r.StatusCode, body)
	}
	return string(body)
}

// ackPost takes a money step through its confirmation page: it reads the
// claim's fingerprint there, ticks the acknowledgement and posts.
func (b *browser) ackPost(action string, form url.Values) string {
	b.t.Helper()
	m := ackField.FindStringSubmatch(b.get(action))
	if m == nil {
		b.t.Fatalf("no confirmation on %s", action)
	}
	form.Set("setuju", "ya")
	form.Set("konfirmasi", m[1])
	return b.post(action, action, form)
}

var ackField = regexp.MustCompile(`name="konfirmasi" value="([^"]+)"`)

// loginTOTP logs in an account with two-factor: password, then the code
// of the current 30-second step from seed.
func (b *browser) loginTOTP(nip, password, seed string) {
	b.t.Helper()
	page := b.post("/masuk", "/masuk", url.Values{"nip": {nip}, "password": {password}})
	if !strings.Contains(page, `name="kode"`) {
		b.t.Fatalf("login %s: no two-factor step", nip)
	}
	b.post("/masuk/kode", "/masuk/kode", url.Values{"kode": {auth.CodeAt(seed, time.Now())}})
	if body := b.get("/"); strings.Contains(body, `name="password"`) || strings.Contains(body, `name="kode"`) {
		b.t.Fatalf("login %s with two-factor did not take", nip)
	}
}

// enrolTOTP enrols nip's account in two-factor under secret, as the
// security page does (pending secret, then a code confirms it), and
// returns the seed the person's phone would hold.
func enrolTOTP(t *testing.T, db *gorm.DB, secret, nip string) string {
	t.Helper()
	ctx := context.Background()
	svc := auth.NewService(db, auth.NewHasher(auth.Argon2Params{MemoryKiB: 64, Time: 1, Threads: 1, KeyLen: 32, SaltLen: 16}, 1), auth.NewTokens(secret), time.Hour, time.Hour)
	svc.Configure(auth.Options{Dev: true, Secret: secret})
	var id int64
	if err := db.Raw(`SELECT id FROM users WHERE nip = ?`, nip).Scan(&id).Error; err != nil || id == 0 {
		t.Fatalf("user %s: %v", nip, err)
	}
	p := &auth.Principal{UserID: id, NIP: nip}
	e, err := svc.BeginEnrolment(ctx, p)
	if err != nil {
		t.Fatal(err)
	}
	// The code of the step before: the login's code (this step) is newer.
	if _, err := svc.ConfirmEnrolment(ctx, p, auth.CodeAt(e.Secret, time.Now().Add(-30*time.Second)), "127.0.0.1"); err != nil {
		t.Fatal(err)
	}
	return e.Secret
}

func countRows(t *testing.T, db *gorm.DB, q string, args ...any) int64 {
	t.Helper()
	var n int64
	if err := db.Raw(q, args...).Scan(&n).Error; err != nil {
		t.Fatal(err)
	}
	return n
}

func (b *browser) login(nip, password string) {
	b.t.Helper()
	b.post("/masuk", "/masuk", url.Values{"nip": {nip}, "password": {password}})
	if body := b.get("/"); strings.Contains(body, `name="password"`) {
		b.t.Fatalf("login %s did not take", nip)
	}
}
