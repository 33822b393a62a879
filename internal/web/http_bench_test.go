package web

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"runtime/pprof"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/labstack/echo/v4"
	"gorm.io/gorm"

	"github.com/ekinerja/ekinerja/internal/auth"
	"github.com/ekinerja/ekinerja/internal/config"
	"github.com/ekinerja/ekinerja/internal/database"
	"github.com/ekinerja/ekinerja/internal/demo"
	"github.com/ekinerja/ekinerja/internal/kinerja"
	"github.com/ekinerja/ekinerja/internal/loadgen"
	"github.com/ekinerja/ekinerja/internal/stores"
	"github.com/ekinerja/ekinerja/internal/testdb"
	"github.com/ekinerja/ekinerja/internal/tpp"
	"github.com/ekinerja/ekinerja/internal/tpp/claim"
	"github.com/ekinerja/ekinerja/static"
)

// httpBenchSize is how big BenchmarkHTTP's regency and run are.
type httpBenchSize struct {
	employees int // the whole regency
	opd       int // DINKES, the agency of the claim and the recap
	staff     int // the review-queue atasan's direct subordinates
	sessions  int // signed-in sessions per account (workers share them in turn)
	pending   int // their submitted aktivitas waiting for review
	conns     int
	rounds    int
	round     time.Duration
}

var (
	httpBenchFull  = httpBenchSize{employees: 5000, opd: 200, staff: 30, sessions: 8, pending: 1000, conns: 32, rounds: 4, round: 1500 * time.Millisecond}
	httpBenchShort = httpBenchSize{employees: demo.DefaultEmployees + 60 - demoDinkes, opd: 60, staff: 8, sessions: 1, pending: 300, conns: 4, rounds: 1, round: 150 * time.Millisecond}
)

// The demo DINKES has 21 employees; BenchmarkHTTP adds the review-queue
// atasan and staff and fills the rest up to httpBenchSize.opd.
const demoDinkes = 21

// benchPassword is the password of the accounts BenchmarkHTTP adds.
const benchPassword = "Beban!Uji2026"

// BenchmarkHTTP is `make bench-http`: the real server, wired as `ekinerja
// serve` wires it (ServeLimits pool, production Argon2 hasher, the stores
// and TPP sources of stores.FromStores), on a seeded 5,000-employee regency,
// beside a bare Echo route in the same process, driven by internal/loadgen
// over loopback at 32 keep-alive connections: each scenario alternates
// with the bare route in short rounds, and the table gives req/s, p50, p99,
// errors, the ratio to the bare route in the same round, GORM statements
// per request and PASS/MISS against the targets. One run, whatever b.N: the
// table is the result. With -short (make test) everything is small.
func BenchmarkHTTP(b *testing.B) {
	size := httpBenchFull
	if testing.Short() {
		size = httpBenchShort
	}
	ctx := context.Background()
	out := io.Writer(os.Stdout)
	fmt.Fprintf(out, "uptime (awal): %s\n", uptime())

	// The database, seeded as an owner would.
	dbURL := testdb.NewURL(b)
	owner, err := database.Open(ctx, dbURL)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { database.Close(owner) })
	hasher := auth.NewHasher(auth.DefaultArgon2, 4)
	t0 := time.Now()
	seed := seedHTTPBench(b, ctx, owner, hasher, size)

	// The server, as cmd/ekinerja's serve builds it.
	cfg, err := config.Load(func(k string) string {
		return map[string]string{"EKINERJA_ENV": "dev", "EKINERJA_ADDR": "127.0.0.1:0", "EKINERJA_METRICS_ADDR": config.MetricsOff}[k]
	})
	if err != nil {
		b.Fatal(err)
	}
	db, err := database.OpenLimited(ctx, dbURL, database.ServeLimits)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { database.Close(db) })
	if err := database.CheckUpToDate(ctx, db); err != nil {
		b.Fatal(err)
	}
	svc := auth.NewService(db, hasher, auth.NewTokens(cfg.Secret), cfg.SessionIdle, cfg.SessionMax)
	var banned []string
	for _, l := range demo.Logins() {
		banned = append(banned, l.Password)
	}
	svc.Configure(auth.Options{Dev: cfg.Dev(), BannedPasswords: banned, Secret: cfg.Secret, PreviousSecret: cfg.PreviousSecret, AdminOPDWithoutTOTP: !cfg.AdminOPDTOTP})
	st, err := stores.FromStores(db, cfg.Location)
	if err != nil {
		b.Fatal(err)
	}
	// The claim of the month, computed by the server's own TPP service.
	c, err := st.TPP.Compute(ctx, claim.Actor{UserID: seed.verifikatorUser, Role: auth.RoleVerifikator, IP: "127.0.0.1"}, seed.dinkes, seed.month)
	if err != nil {
		b.Fatalf("compute claim: %v", err)
	}
	if c.Employees != seed.dinkesEmployees {
		b.Fatalf("claim of %d employees, want %d", c.Employees, seed.dinkesEmployees)
	}
	seed.claimID = c.ID
	// Statistics, as autovacuum keeps them on a database in use: without
	// them the planner takes the freshly seeded tables for a dozen rows.
	if err := owner.WithContext(ctx).Exec("ANALYZE").Error; err != nil {
		b.Fatal(err)
	}
	fmt.Fprintf(out, "data: %d pegawai; DINKES %d pegawai, presensi, aktivitas dan penilaian %s, klaim %d dihitung; %d aktivitas menunggu tinjauan (%s)\n",
		seed.employees, seed.dinkesEmployees, seed.month.Param(), seed.claimID, len(seed.pendingItems), time.Since(t0).Round(time.Millisecond))
	// The request log is formatted as in production and thrown away.
	srv, err := New(Deps{Config: cfg, Stores: st, Log: slog.New(slog.NewJSONHandler(io.Discard, nil)), Auth: svc, Static: static.FS, Version: "bench"})
	if err != nil {
		b.Fatal(err)
	}
	// Statements and their time (from before GORM's first callback to after
	// its last: waiting for a pool connection included), counted on the
	// server's pool.
	// With EKINERJA_BENCH_TRACE=1 the statements of each scenario's
	// second request are printed with their time, slowest first.
	var statements, sqlNanos atomic.Int64
	var traceMu sync.Mutex
	var trace []tracedStatement
	tracing := os.Getenv("EKINERJA_BENCH_TRACE") == "1"
	aroundEveryStatement(b, db, "bench:http",
		func(tx *gorm.DB) { tx.InstanceSet("bench:t0", time.Now()) },
		func(tx *gorm.DB) {
			statements.Add(1)
			if t, ok := tx.InstanceGet("bench:t0"); ok {
				d := time.Since(t.(time.Time))
				sqlNanos.Add(int64(d))
				if tracing {
					traceMu.Lock()
					trace = append(trace, tracedStatement{d, tx.Statement.SQL.String(), slices.Clone(tx.Statement.Vars)})
					traceMu.Unlock()
				}
			}
		})
	lns, err := srv.Listen()
	if err != nil {
		b.Fatal(err)
	}
	sctx, stop := context.WithCancel(ctx)
	served := make(chan error, 1)
	go func() { served <- srv.Serve(sctx, lns) }()
	b.Cleanup(func() {
		stop()
		if err := <-served; err != nil {
			b.Errorf("serve: %v", err)
		}
	})
	base := "http://" + lns.Addr().String()

	// The bare route: a plain Echo in the same process.
	bareURL := startBare(b)

	tr := loadgen.NewTransport(size.conns)
	bareTr := loadgen.NewTransport(size.conns)
	b.Cleanup(tr.CloseIdleConnections)
	b.Cleanup(bareTr.CloseIdleConnections)
	bare := loadgen.NewSession(bareURL, bareTr)
	bareOp := func(ctx context.Context, _, _ int) error {
		return bare.Do(ctx, loadgen.Request{Method: http.MethodGet, Path: "/bare"})
	}

	// Signed-in sessions, each its own cookie jar: size.sessions for each
	// demo account and the review-queue atasan, one per staff member.
	sessions := func(nip, password string, n int) []*loadgen.Session {
		out := make([]*loadgen.Session, n)
		var wg sync.WaitGroup
		errs := make([]error, n)
		slots := make(chan struct{}, 4) // the hasher's own bound: more would be refused as a full queue
		for i := range out {
			wg.Add(1)
			go func() {
				defer wg.Done()
				slots <- struct{}{}
				defer func() { <-slots }()
				out[i] = loadgen.NewSession(base, tr)
				errs[i] = out[i].Login(ctx, nip, password)
			}()
		}
		wg.Wait()
		if err := errors.Join(errs...); err != nil {
			b.Fatal(err)
		}
		return out
	}
	t0 = time.Now()
	role := map[auth.Role][]*loadgen.Session{}
	for _, r := range auth.AllRoles {
		l := demoLogin(b, r)
		role[r] = sessions(l.NIP, l.Password, size.sessions)
	}
	reviewer := sessions(seed.reviewerNIP, benchPassword, size.sessions)
	var loggers []*loadgen.Session
	for _, nip := range seed.staffNIP {
		loggers = append(loggers, sessions(nip, benchPassword, 1)...)
	}
	anon := make([]*loadgen.Session, size.conns)
	for i := range anon {
		anon[i] = loadgen.NewSession(base, tr)
	}
	fmt.Fprintf(out, "sesi: %d masuk lewat /masuk (%s)\n", (len(auth.AllRoles)+1)*size.sessions+len(loggers), time.Since(t0).Round(time.Millisecond))

	get := func(ss []*loadgen.Session, path string) loadgen.Op {
		return func(ctx context.Context, w, _ int) error {
			return ss[w%len(ss)].Do(ctx, loadgen.Request{Method: http.MethodGet, Path: path})
		}
	}
	month := seed.month.Param()
	claimPath := "/tpp/klaim/" + strconv.FormatInt(seed.claimID, 10)
	type named struct {
		name     string
		op       loadgen.Op
		minRatio float64
	}
	const page200, light = 0.08, 0.20
	reads := []named{
		{"beranda pegawai", get(role[auth.RolePegawai], "/"), light},
		{"beranda atasan", get(role[auth.RoleAtasan], "/"), light},
		{"beranda admin_opd", get(role[auth.RoleAdminOPD], "/"), light},
		{"beranda verifikator", get(role[auth.RoleVerifikator], "/"), light},
		{"beranda superadmin", get(role[auth.RoleSuperadmin], "/"), light},
		{fmt.Sprintf("antrean tinjau (%d bawahan, %d; halaman 1)", size.staff, size.pending), get(reviewer, "/kinerja/tinjau"), light},
		{"daftar aktivitas (sebulan)", get(role[auth.RolePegawai], "/kinerja/aktivitas?bulan="+month), 0},
		{fmt.Sprintf("klaim TPP (%d pegawai)", seed.dinkesEmployees), get(role[auth.RoleVerifikator], claimPath), page200},
		{fmt.Sprintf("rekap presensi (%d)", seed.dinkesEmployees), get(role[auth.RoleAdminOPD], "/presensi/rekap?bulan="+month), page200},
		{"API klaim /api/v1/tpp/klaim/:id", get(role[auth.RoleVerifikator], "/api/v1/"+strings.TrimPrefix(claimPath, "/")), page200},
	}
	scenarios := []loadgen.Scenario{{Name: "halaman masuk", Op: get(anon, "/masuk")}}
	for _, r := range reads {
		scenarios = append(scenarios, loadgen.Scenario{Name: r.name, Op: r.op, MinRatio: r.minRatio})
	}

	// Month end: 60% reads (the read scenarios in turn), 30% aktivitas
	// logged and submitted by the staff, 10% approvals by their atasan, each
	// approving one waiting aktivitas it saw (id:versi).
	today := time.Now().In(cfg.Location).Format(time.DateOnly)
	var next atomic.Int64
	mixed := func(ctx context.Context, w, i int) error {
		switch k := i % 10; {
		case k < 6:
			return reads[(i/10+k)%len(reads)].op(ctx, w, i)
		case k < 9:
			s := i % len(loggers)
			return loggers[s].Do(ctx, loadgen.Request{Method: http.MethodPost, Path: "/kinerja/aktivitas", Want: http.StatusSeeOther, Form: url.Values{
				"tanggal": {today}, "rhk_id": {strconv.FormatInt(seed.staffRHK[s], 10)}, "uraian": {"Aktivitas uji beban akhir bulan " + strconv.Itoa(i)},
				"output_jumlah": {"1"}, "output_satuan": {"dokumen"}, "menit": {"1"}, "aksi": {"ajukan"}}})
		default:
			n := int(next.Add(1)) - 1
			if n >= len(seed.pendingItems) {
				return errors.New("antrean tinjau habis: perbesar pending")
			}
			return reviewer[w%len(reviewer)].Do(ctx, loadgen.Request{Method: http.MethodPost, Path: "/kinerja/tinjau/setujui", Want: http.StatusSeeOther,
				Form: url.Values{"satu": {seed.pendingItems[n]}}})
		}
	}
	scenarios = append(scenarios, loadgen.Scenario{Name: "campuran akhir bulan (60/30/10)", Op: mixed, MinRatio: 0.10, MaxP99: 50 * time.Millisecond})

	// EKINERJA_BENCH_ONLY (a substring of a scenario name) measures just
	// the scenarios it names, e.g. while working on one page.
	if only := os.Getenv("EKINERJA_BENCH_ONLY"); only != "" {
		var kept []loadgen.Scenario
		for _, sc := range scenarios {
			if strings.Contains(sc.Name, only) {
				kept = append(kept, sc)
			}
		}
		scenarios = kept
	}
	// Each scenario once before measuring: a wrong setup fails here, loudly.
	// With tracing, the traced request is the second: the first may store
	// what later requests read (a recap judged for the first time).
	for _, sc := range scenarios {
		if tracing {
			if err := sc.Op(ctx, 0, 0); err != nil {
				b.Fatalf("%s: %v", sc.Name, err)
			}
		}
		traceMu.Lock()
		trace = nil
		traceMu.Unlock()
		t0 := time.Now()
		if err := sc.Op(ctx, 0, 0); err != nil {
			b.Fatalf("%s: %v", sc.Name, err)
		}
		if tracing {
			printTrace(out, sc.Name, time.Since(t0), trace)
			if v := os.Getenv("EKINERJA_BENCH_EXPLAIN"); v != "" {
				// "1": statements of 5 ms or more; a number > 1 is the threshold in µs.
				min := 5 * time.Millisecond
				if n, err := strconv.Atoi(v); err == nil && n > 1 {
					min = time.Duration(n) * time.Microsecond
				}
				explainSlow(out, owner, trace, min)
			}
		}
	}
	tracing = false
	// The measured pages are the whole pages: every row is there.
	filler := fmt.Sprintf("Pelaksana Uji %03d", size.opd-demoDinkes-1-size.staff)
	for _, chk := range []struct {
		s         *loadgen.Session
		path      string
		mark      string
		atLeast   int
		alsoHolds string
	}{
		// The queue's first page: QueuePeoplePerPage of the staff, each
		// with an equal share of the pending items (pending is dealt
		// round-robin, so a share is at least pending/staff).
		{reviewer[0], "/kinerja/tinjau", `name="pilih"`, size.pending / size.staff * min(size.staff, kinerja.QueuePeoplePerPage), "<h2>Staf Uji"},
		{role[auth.RoleVerifikator][0], claimPath, "Pelaksana Uji ", size.opd - demoDinkes - 1 - size.staff, filler},
		{role[auth.RoleAdminOPD][0], "/presensi/rekap?bulan=" + month, "Pelaksana Uji ", size.opd - demoDinkes - 1 - size.staff, filler},
		{role[auth.RoleVerifikator][0], "/api/v1/" + strings.TrimPrefix(claimPath, "/"), "Pelaksana Uji ", size.opd - demoDinkes - 1 - size.staff, filler},
		{role[auth.RolePegawai][0], "/kinerja/aktivitas?bulan=" + month, "Menyusun laporan harian uji beban", 15, ""},
	} {
		st, body, err := chk.s.Get(ctx, chk.path)
		if err != nil || st != http.StatusOK || strings.Count(body, chk.mark) < chk.atLeast || !strings.Contains(body, chk.alsoHolds) {
			b.Fatalf("GET %s: status %d (%v), %d x %q (want >= %d), holds %q: %v", chk.path, st, err, strings.Count(body, chk.mark), chk.mark, chk.atLeast, chk.alsoHolds, strings.Contains(body, chk.alsoHolds))
		}
	}
	run := loadgen.Config{Conns: size.conns, Rounds: size.rounds, Round: size.round, Queries: statements.Load,
		SQLTime: func() time.Duration { return time.Duration(sqlNanos.Load()) }}
	// EKINERJA_BENCH_CPUPROFILE=file writes this process's CPU profile of
	// the measured rounds (server, load generator and bare route; the
	// database's own CPU is not in it).
	if f := os.Getenv("EKINERJA_BENCH_CPUPROFILE"); f != "" {
		pf, err := os.Create(f)
		if err != nil {
			b.Fatal(err)
		}
		if err := pprof.StartCPUProfile(pf); err != nil {
			b.Fatal(err)
		}
		defer func() {
			pprof.StopCPUProfile()
			pf.Close()
		}()
	}
	results := loadgen.Run(ctx, run, bareOp, scenarios)
	fmt.Fprintln(out)
	loadgen.Print(out, run, results)
	if sqlDB, err := db.DB(); err == nil {
		ps := sqlDB.Stats()
		fmt.Fprintf(out, "pool server: maks %d koneksi, %d kali menunggu koneksi (%v seluruhnya), %d koneksi ditutup karena melebihi batas idle, %d dibuka saat ini\n",
			ps.MaxOpenConnections, ps.WaitCount, ps.WaitDuration.Round(time.Millisecond), ps.MaxIdleClosed, ps.OpenConnections)
	}
	fmt.Fprintf(out, "uptime (akhir): %s\n", uptime())
	if last := results[len(results)-1]; last.RPS > 0 {
		b.ReportMetric(last.RPS, "mixed-req/s")
		b.ReportMetric(float64(last.P99.Microseconds())/1000, "mixed-p99-ms")
	}
	// Only a broken setup fails the benchmark; MISS is a result, reported.
	for _, r := range results {
		if r.Requests == 0 {
			b.Errorf("%s: no request completed", r.Name)
		}
	}
}

// tracedStatement is one statement of a traced request.
type tracedStatement struct {
	d    time.Duration
	sql  string
	vars []any
}

// explainSlow prints the plan (EXPLAIN ANALYZE, on the owner's pool) of
// each SELECT among the traced statements that took min or more.
func explainSlow(w io.Writer, db *gorm.DB, ts []tracedStatement, min time.Duration) {
	for _, t := range ts {
		q := strings.TrimSpace(t.sql)
		if t.d < min || !(strings.HasPrefix(strings.ToUpper(q), "SELECT") || strings.HasPrefix(strings.ToUpper(q), "WITH")) {
			continue
		}
		var plan []string
		if err := db.Raw("EXPLAIN (ANALYZE, BUFFERS) "+q, t.vars...).Scan(&plan).Error; err != nil {
			fmt.Fprintf(w, "  explain: %v\n", err)
			continue
		}
		fmt.Fprintf(w, "  --- %s\n", q)
		for _, l := range plan {
			fmt.Fprintf(w, "      %s\n", l)
		}
	}
}

// printTrace prints a request's statements, slowest first.
func printTrace(w io.Writer, name string, total time.Duration, ts []tracedStatement) {
	slices.SortFunc(ts, func(a, b tracedStatement) int { return cmp.Compare(b.d, a.d) })
	var sum time.Duration
	for _, t := range ts {
		sum += t.d
	}
	fmt.Fprintf(w, "\n%s: %s, %d pernyataan, %s SQL\n", name, total.Round(time.Microsecond), len(ts), sum.Round(time.Microsecond))
	for _, t := range ts {
		q := strings.Join(strings.Fields(t.sql), " ")
		if len(q) > 220 {
			q = q[:220] + "..."
		}
		fmt.Fprintf(w, "  %9s  %s\n", t.d.Round(time.Microsecond), q)
	}
}

// demoLogin is the demo account of role.
func demoLogin(tb testing.TB, role auth.Role) demo.Login {
	for _, l := range demo.Logins() {
		if l.Role == role {
			return l
		}
	}
	tb.Fatalf("no demo login for %s", role)
	return demo.Login{}
}

// startBare serves GET /bare ("ok") from a plain Echo on loopback.
func startBare(tb testing.TB) string {
	tb.Helper()
	e := echo.New()
	e.HideBanner, e.HidePort = true, true
	e.GET("/bare", func(c echo.Context) error { return c.String(http.StatusOK, "ok") })
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	hs := &http.Server{Handler: e, ReadHeaderTimeout: 10 * time.Second, IdleTimeout: 120 * time.Second}
	go func() { _ = hs.Serve(ln) }()
	tb.Cleanup(func() { hs.Close() })
	return "http://" + ln.Addr().String()
}

// uptime is `uptime`'s line (the machine's load), or why it is missing.
func uptime() string {
	b, err := exec.Command("uptime").Output()
	if err != nil {
		return "(uptime: " + err.Error() + ")"
	}
	return strings.TrimSpace(string(b))
}

// httpBenchSeed is what the scenarios need to know of the seeded data.
type httpBenchSeed struct {
	employees, dinkesEmployees int
	dinkes                     int64
	month                      tpp.Period
	claimID                    int64
	verifikatorUser            int64
	reviewerNIP                string
	staffNIP                   []string
	staffRHK                   []int64
	pendingItems               []string // "id:versi" of the submitted aktivitas
}

// seedHTTPBench seeds the regency: demo.Generate for the regency, then in
// DINKES an atasan with size.staff direct subordinates (accounts, agreed
// SKP, one RHK each) and size.pending submitted aktivitas of this month
// spread over them, employees to bring DINKES to size.opd, and for every
// DINKES employee last month's attendance (each working day, some late),
// one approved aktivitas per working day and a rated monthly assessment.
func seedHTTPBench(tb testing.TB, ctx context.Context, db *gorm.DB, hasher *auth.Hasher, size httpBenchSize) httpBenchSeed {
	tb.Helper()
	added := size.opd - demoDinkes
	filler := added - 1 - size.staff
	if filler < 0 {
		tb.Fatalf("DINKES of %d cannot hold %d staff", size.opd, size.staff)
	}
	if _, err := demo.Generate(ctx, db, hasher, demo.GenerateOptions{Employees: size.employees - added, Seed: 1}); err != nil {
		tb.Fatal(err)
	}
	hash, err := hasher.Hash(ctx, benchPassword)
	if err != nil {
		tb.Fatal(err)
	}
	now := time.Now()
	last := time.Date(now.Year(), now.Month(), 1, 0, 0, 0, 0, time.UTC).AddDate(0, -1, 0)
	month, err := tpp.ParsePeriod(last.Format("2006-01"))
	if err != nil {
		tb.Fatal(err)
	}
	run := func(q string, args ...any) {
		tb.Helper()
		if err := db.WithContext(ctx).Exec(q, args...).Error; err != nil {
			tb.Fatalf("seed: %v\n%s", err, q)
		}
	}
	// The review-queue atasan (a Kepala Bidang under the head) and staff.
	run(`
WITH o AS (SELECT id FROM opd WHERE kode = 'DINKES'),
top AS (SELECT id FROM jabatan WHERE kode = 'DINKES-01'),
bj AS (INSERT INTO jabatan (opd_id, kode, nama, jenis, kelas, atasan_jabatan_id)
       SELECT o.id, 'BENCH-00', 'Kepala Bidang Uji Beban', 'struktural', 11, top.id FROM o, top RETURNING id, opd_id),
bp AS (INSERT INTO pegawai (nip, nama, status_asn, golongan, opd_id) SELECT '199912312024011000', 'Kepala Uji Beban', 'PNS', 'IV/a', opd_id FROM bj RETURNING id),
br AS (INSERT INTO riwayat_jabatan (pegawai_id, jabatan_id, mulai) SELECT bp.id, bj.id, DATE '2024-01-01' FROM bp, bj),
sj AS (INSERT INTO jabatan (opd_id, kode, nama, jenis, kelas, atasan_jabatan_id)
       SELECT bj.opd_id, 'BENCH-' || lpad(i::text, 3, '0'), 'Staf Uji ' || i, 'pelaksana', 6, bj.id FROM bj, generate_series(1, ?::int) i RETURNING id, kode, opd_id),
sp AS (INSERT INTO pegawai (nip, nama, status_asn, golongan, opd_id, bank_nama, bank_rekening, bank_atas_nama)
       SELECT '199912312024011' || substr(kode, 7), 'Staf Uji ' || substr(kode, 7), 'PNS', 'II/c', opd_id, 'Bank Bengkulu', '9' || substr(kode, 7), 'Staf Uji ' || substr(kode, 7)
       FROM sj RETURNING id, nip)
INSERT INTO riwayat_jabatan (pegawai_id, jabatan_id, mulai)
SELECT sp.id, sj.id, DATE '2024-01-01' FROM sp JOIN sj ON right(sp.nip, 3) = right(sj.kode, 3)`, size.staff)
	run(`
WITH u AS (INSERT INTO users (pegawai_id, nip, password_hash) SELECT id, nip, ? FROM pegawai WHERE nama = 'Kepala Uji Beban' OR nama LIKE 'Staf Uji %' RETURNING id, pegawai_id)
INSERT INTO user_roles (user_id, role) SELECT u.id, x FROM u JOIN pegawai p ON p.id = u.pegawai_id,
  unnest(CASE WHEN p.nama = 'Kepala Uji Beban' THEN ARRAY['pegawai', 'atasan'] ELSE ARRAY['pegawai'] END) x`, hash)
	// The rest of DINKES: pelaksana under the head.
	run(`
WITH o AS (SELECT id FROM opd WHERE kode = 'DINKES'),
top AS (SELECT id FROM jabatan WHERE kode = 'DINKES-01'),
fj AS (INSERT INTO jabatan (opd_id, kode, nama, jenis, kelas, atasan_jabatan_id)
       SELECT o.id, 'BENCHF-' || lpad(i::text, 3, '0'), 'Pelaksana Uji ' || i, 'pelaksana', 5 + i % 4, top.id FROM o, top, generate_series(1, ?::int) i RETURNING id, kode, opd_id),
fp AS (INSERT INTO pegawai (nip, nama, status_asn, golongan, opd_id, bank_nama, bank_rekening, bank_atas_nama)
       SELECT '199912302024011' || substr(kode, 8), 'Pelaksana Uji ' || substr(kode, 8), 'PNS', 'II/d', opd_id, 'Bank Bengkulu', '8' || substr(kode, 8), 'Pelaksana Uji ' || substr(kode, 8)
       FROM fj RETURNING id, nip)
INSERT INTO riwayat_jabatan (pegawai_id, jabatan_id, mulai)
SELECT fp.id, fj.id, DATE '2024-01-01' FROM fp JOIN fj ON right(fp.nip, 3) = right(fj.kode, 3)`, filler)
	// An agreed SKP with one RHK for every DINKES employee, this year and
	// last month's year.
	for _, year := range []int{now.Year(), last.Year()} {
		run(`INSERT INTO skp (pegawai_id, tahun, status) SELECT p.id, ?, 'agreed' FROM pegawai p JOIN opd o ON o.id = p.opd_id WHERE o.kode = 'DINKES'
ON CONFLICT (pegawai_id, tahun) DO NOTHING`, year)
		run(`INSERT INTO rhk (skp_id, uraian) SELECT k.id, 'RHK uji beban' FROM skp k JOIN pegawai p ON p.id = k.pegawai_id JOIN opd o ON o.id = p.opd_id
WHERE o.kode = 'DINKES' AND k.tahun = ? AND NOT EXISTS (SELECT 1 FROM rhk r WHERE r.skp_id = k.id)`, year)
	}
	// The queue: size.pending submitted aktivitas of this month (up to
	// today), each staff member's spread over the days (item i is staff
	// i % staff's (i / staff)-th) and short enough that a day stays far
	// below the 1,440-minute cap even when all land on the 1st: the
	// month-end mix logs more of them today.
	run(`
INSERT INTO aktivitas (pegawai_id, rhk_id, tanggal, uraian, output_jumlah, output_satuan, menit, status, submitted_at)
SELECT s.pegawai_id, s.rhk_id, date_trunc('month', current_date)::date + ((i / ?::int) % extract(day FROM current_date)::int), 'Aktivitas uji beban nomor ' || i,
       1 + i % 5, 'dokumen', 10 + i % 20, 'submitted', now()
FROM generate_series(1, ?::int) i
JOIN (SELECT row_number() OVER (ORDER BY k.pegawai_id) - 1 AS n, k.pegawai_id, min(r.id) AS rhk_id FROM skp k JOIN rhk r ON r.skp_id = k.id
      JOIN pegawai p ON p.id = k.pegawai_id WHERE p.nama LIKE 'Staf Uji %' AND k.tahun = extract(year FROM current_date)::int
      GROUP BY k.pegawai_id) s ON s.n = i % ?::int`, size.staff, size.pending, size.staff)
	// Last month: attendance, approved aktivitas and a rating for everyone.
	from, to := last, last.AddDate(0, 1, 0)
	run(`
INSERT INTO kehadiran (pegawai_id, tanggal, jam_masuk, jam_pulang)
SELECT p.id, d::date, CASE WHEN (p.id + extract(day FROM d)::int) % 11 = 0 THEN 27900 ELSE 26400 + (p.id % 10) * 60 END,
       CASE WHEN (p.id + extract(day FROM d)::int) % 13 = 0 THEN 54000 ELSE 57900 END
FROM pegawai p JOIN opd o ON o.id = p.opd_id, generate_series(?::date, ?::date - 1, interval '1 day') d
WHERE o.kode = 'DINKES' AND extract(isodow FROM d) < 6`, from, to)
	run(`
INSERT INTO aktivitas (pegawai_id, rhk_id, tanggal, uraian, output_jumlah, output_satuan, menit, status, reviewer_id, submitted_at, reviewed_at)
SELECT p.id, (SELECT min(r.id) FROM rhk r JOIN skp k ON k.id = r.skp_id WHERE k.pegawai_id = p.id AND k.tahun = ?), d::date,
       'Menyusun laporan harian uji beban', 1, 'laporan', 300 + (p.id % 4) * 30, 'approved',
       (SELECT rj.pegawai_id FROM riwayat_jabatan rj JOIN jabatan j ON j.id = rj.jabatan_id WHERE j.kode = 'DINKES-01'), now(), now()
FROM pegawai p JOIN opd o ON o.id = p.opd_id, generate_series(?::date, ?::date - 1, interval '1 day') d
WHERE o.kode = 'DINKES' AND extract(isodow FROM d) < 6`, last.Year(), from, to)
	run(`
INSERT INTO penilaian_bulanan (pegawai_id, tahun, bulan, status, ringkasan, hasil_kerja, perilaku_kerja, predikat, umpan_balik, penilai_id, submitted_at, rated_at)
SELECT p.id, ?, ?, 'rated', 'Laporan harian tersusun.', 'sesuai', 'sesuai', 'baik', 'Pertahankan.',
       (SELECT rj.pegawai_id FROM riwayat_jabatan rj JOIN jabatan j ON j.id = rj.jabatan_id WHERE j.kode = 'DINKES-01'), now(), now()
FROM pegawai p JOIN opd o ON o.id = p.opd_id WHERE o.kode = 'DINKES'
ON CONFLICT DO NOTHING`, last.Year(), int(last.Month()))

	var s httpBenchSeed
	s.month = month
	scan := func(dst any, q string, args ...any) {
		tb.Helper()
		if err := db.WithContext(ctx).Raw(q, args...).Scan(dst).Error; err != nil {
			tb.Fatalf("seed: %v\n%s", err, q)
		}
	}
	var n int64
	scan(&n, `SELECT count(*) FROM pegawai`)
	s.employees = int(n)
	scan(&n, `SELECT count(*) FROM pegawai p JOIN opd o ON o.id = p.opd_id WHERE o.kode = 'DINKES'`)
	s.dinkesEmployees = int(n)
	scan(&s.dinkes, `SELECT id FROM opd WHERE kode = 'DINKES'`)
	scan(&s.verifikatorUser, `SELECT id FROM users WHERE nip = ?`, demoLogin(tb, auth.RoleVerifikator).NIP)
	s.reviewerNIP = "199912312024011000"
	var staff []struct {
		NIP string `gorm:"column:nip"`
		RHK int64  `gorm:"column:rhk"`
	}
	scan(&staff, `SELECT p.nip, min(r.id) AS rhk FROM pegawai p JOIN skp k ON k.pegawai_id = p.id AND k.tahun = ? JOIN rhk r ON r.skp_id = k.id
WHERE p.nama LIKE 'Staf Uji %' GROUP BY p.nip ORDER BY p.nip`, now.Year())
	for _, x := range staff {
		s.staffNIP = append(s.staffNIP, x.NIP)
		s.staffRHK = append(s.staffRHK, x.RHK)
	}
	scan(&s.pendingItems, `SELECT a.id::text || ':' || a.versi FROM aktivitas a JOIN pegawai p ON p.id = a.pegawai_id
WHERE p.nama LIKE 'Staf Uji %' AND a.status = 'submitted' ORDER BY a.id`)
	if s.employees != size.employees || s.dinkesEmployees != size.opd || len(s.staffNIP) != size.staff || len(s.pendingItems) != size.pending {
		tb.Fatalf("seeded %d employees (want %d), DINKES %d (want %d), %d staff (want %d), %d pending (want %d)",
			s.employees, size.employees, s.dinkesEmployees, size.opd, len(s.staffNIP), size.staff, len(s.pendingItems), size.pending)
	}
	return s
}
