package web

import (
	"net/http"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"

	"gorm.io/gorm"

	"github.com/ekinerja/ekinerja/internal/auth"
)

// queryLog records every SQL statement the server's pool runs while on.
type queryLog struct {
	mu   sync.Mutex
	on   bool
	sqls []string
}

// watchQueries registers GORM callbacks on the harness's database (the
// server's pool) that record each statement while the log is on.
func watchQueries(t *testing.T, db *gorm.DB) *queryLog {
	t.Helper()
	q := &queryLog{}
	onEveryStatement(t, db, "test:query_count", func(tx *gorm.DB) {
		q.mu.Lock()
		defer q.mu.Unlock()
		if q.on {
			q.sqls = append(q.sqls, tx.Statement.SQL.String())
		}
	})
	return q
}

// onEveryStatement registers f, under name, after every kind of statement
// GORM runs on db (query, row, raw, create, update, delete): the one place
// that decides what counts as a statement, for this test and for
// BenchmarkHTTP's statements per request.
func onEveryStatement(tb testing.TB, db *gorm.DB, name string, f func(*gorm.DB)) {
	tb.Helper()
	aroundEveryStatement(tb, db, name, nil, f)
}

// aroundEveryStatement is onEveryStatement with, when before is not nil,
// before registered ahead of every kind of statement too.
func aroundEveryStatement(tb testing.TB, db *gorm.DB, name string, before, after func(*gorm.DB)) {
	tb.Helper()
	cb := db.Callback()
	var errs []error
	if before != nil {
		errs = append(errs,
			cb.Query().Before("*").Register(name+":before", before),
			cb.Row().Before("*").Register(name+":before", before),
			cb.Raw().Before("*").Register(name+":before", before),
			cb.Create().Before("*").Register(name+":before", before),
			cb.Update().Before("*").Register(name+":before", before),
			cb.Delete().Before("*").Register(name+":before", before))
	}
	errs = append(errs,
		cb.Query().After("*").Register(name, after),
		cb.Row().After("*").Register(name, after),
		cb.Raw().After("*").Register(name, after),
		cb.Create().After("*").Register(name, after),
		cb.Update().After("*").Register(name, after),
		cb.Delete().After("*").Register(name, after))
	for _, err := range errs {
		if err != nil {
			tb.Fatal(err)
		}
	}
}

// during returns the statements run while f runs.
func (q *queryLog) during(f func()) []string {
	q.mu.Lock()
	q.on, q.sqls = true, nil
	q.mu.Unlock()
	f()
	q.mu.Lock()
	defer q.mu.Unlock()
	q.on = false
	return q.sqls
}

// matching counts the statements that match re.
func matching(sqls []string, re *regexp.Regexp) int {
	n := 0
	for _, s := range sqls {
		if re.MatchString(s) {
			n++
		}
	}
	return n
}

var (
	sessionQuery     = regexp.MustCompile(`(?i)\bfrom\s+sessions\b`)
	userRolesQuery   = regexp.MustCompile(`(?i)\b(from|join)\s+user_roles\b`)
	identityQuery    = regexp.MustCompile(`(?i)\bfrom\s+identitas\b`)
	subordinateQuery = regexp.MustCompile(`(?i)WITH RECURSIVE down AS`)
	bawahanFact      = regexp.MustCompile(`Bawahan langsung[\s\S]{0,200}?(\d+) orang`)
)

// addSubordinates gives the atasan n new direct subordinates (a position
// under the atasan's own each, held definitively), each with an agreed SKP,
// one RHK and one submitted aktivitas waiting for review; tag keeps their
// positions and NIPs apart between calls.
func addSubordinates(t *testing.T, h *harness, atasanPegawaiID int64, tag, n int) {
	t.Helper()
	err := h.db.Exec(`
WITH boss AS (SELECT rj.jabatan_id AS id, j.opd_id FROM riwayat_jabatan rj JOIN jabatan j ON j.id = rj.jabatan_id
              WHERE rj.pegawai_id = ? AND rj.jenis = 'definitif' AND rj.selesai IS NULL ORDER BY rj.mulai DESC LIMIT 1),
sj AS (INSERT INTO jabatan (opd_id, kode, nama, jenis, kelas, atasan_jabatan_id)
       SELECT boss.opd_id, 'QC-' || ?::int || '-' || i, 'Staf Hitung Kueri ' || ?::int || '-' || i, 'pelaksana', 6, boss.id
       FROM boss, generate_series(1, ?::int) i RETURNING id, kode, opd_id),
sp AS (INSERT INTO pegawai (nip, nama, status_asn, golongan, opd_id)
       SELECT '1999123120240' || ?::int || lpad(split_part(kode, '-', 3), 4, '0'), 'Staf Hitung Kueri ' || substr(kode, 4), 'PNS', 'II/c', opd_id
       FROM sj RETURNING id, nama),
sr AS (INSERT INTO riwayat_jabatan (pegawai_id, jabatan_id, mulai)
       SELECT sp.id, sj.id, DATE '2024-01-01' FROM sp JOIN sj ON sp.nama = 'Staf Hitung Kueri ' || substr(sj.kode, 4)),
sk AS (INSERT INTO skp (pegawai_id, tahun, status) SELECT id, extract(year FROM current_date)::int, 'agreed' FROM sp RETURNING id, pegawai_id),
sh AS (INSERT INTO rhk (skp_id, uraian) SELECT sk.id, 'RHK hitung kueri' FROM sk RETURNING id, skp_id)
INSERT INTO aktivitas (pegawai_id, rhk_id, tanggal, uraian, output_jumlah, output_satuan, menit, status, submitted_at)
SELECT sk.pegawai_id, sh.id, current_date, 'Aktivitas hitung kueri', 1, 'dokumen', 30, 'submitted', now()
FROM sh JOIN sk ON sk.id = sh.skp_id`, atasanPegawaiID, tag, tag, n, tag).Error
	if err != nil {
		t.Fatalf("add subordinates: %v", err)
	}
}

// TestQueriesPerRequestAreConstant: a signed-in page costs a fixed number
// of statements, the session with its user, roles and agency names being
// one of them; the atasan home finds the subordinates once; and neither
// count grows when the atasan gets more subordinates with work waiting.
//
// The statements of GET /akun/sandi (any signed-in page's chrome): the
// session query (session, user, employee, roles, agency names and the
// unread-notification count): 1. The regency's identity for the header is
// read at most once per org.HeaderTTL, so it is not counted; no request
// reads it more than once.
//
// The statements of an atasan's GET /: the session query, org.Home's own
// record and subordinates (2), the bank-account notice (1), the kinerja
// landing and pending-per-subordinate (2), the pending leave count (1) and
// the team's month for the charts (1): 8. Each statement's text is the
// same whatever the number of subordinates (their ids travel as one array
// parameter).
func TestQueriesPerRequestAreConstant(t *testing.T) {
	t.Parallel()
	const (
		signedInPage = 1
		atasanHome   = 8
	)
	h := newHarness(t)
	q := watchQueries(t, h.db)
	atasan := h.count(`SELECT pegawai_id FROM users WHERE nip = ?`, login(t, auth.RoleAtasan).NIP)
	c := h.as(auth.RoleAtasan)

	type measure struct {
		sqls    []string
		bawahan int
		body    string
	}
	get := func(path string) measure {
		t.Helper()
		var res response
		sqls := q.during(func() { res = c.get(path) })
		if res.status != http.StatusOK {
			t.Fatalf("GET %s: %d", path, res.status)
		}
		m := measure{body: res.body}
		identity := 0
		for _, s := range sqls {
			if identityQuery.MatchString(s) {
				identity++
				continue
			}
			m.sqls = append(m.sqls, s)
		}
		if identity > 1 {
			t.Errorf("GET %s read the regency's identity %d times", path, identity)
		}
		if f := bawahanFact.FindStringSubmatch(res.body); f != nil {
			m.bawahan, _ = strconv.Atoi(f[1])
		}
		return m
	}
	check := func(stage, path string, m measure, want int) {
		t.Helper()
		if len(m.sqls) != want {
			t.Errorf("%s: GET %s ran %d statements, want %d:\n%s", stage, path, len(m.sqls), want, strings.Join(m.sqls, "\n---\n"))
		}
		if n := matching(m.sqls, sessionQuery); n != 1 {
			t.Errorf("%s: GET %s read sessions %d times, want once", stage, path, n)
		}
		if n := matching(m.sqls, userRolesQuery); n != 1 {
			t.Errorf("%s: GET %s read user_roles %d times, want once", stage, path, n)
		}
		for _, s := range m.sqls {
			if sessionQuery.MatchString(s) && !userRolesQuery.MatchString(s) {
				t.Errorf("%s: the session query does not bring the roles: %s", stage, s)
			}
		}
	}
	checkHome := func(stage string, m measure) {
		t.Helper()
		check(stage, "/", m, atasanHome)
		if n := matching(m.sqls, subordinateQuery); n != 1 {
			t.Errorf("%s: the atasan home looked the subordinates up %d times, want once", stage, n)
		}
	}

	before := get("/")
	checkHome("demo team", before)
	check("demo team", "/akun/sandi", get("/akun/sandi"), signedInPage)

	for i, add := range []int{5, 20} {
		addSubordinates(t, h, atasan, i+1, add)
		after := get("/")
		stage := strconv.Itoa(before.bawahan+add) + " subordinates"
		checkHome(stage, after)
		if after.bawahan != before.bawahan+add {
			t.Fatalf("%s: the home page counts %d direct subordinates, want %d", stage, after.bawahan, before.bawahan+add)
		}
		// The new subordinates' waiting aktivitas are on the page: the
		// counts stayed flat while the page grew with the team.
		if n := strings.Count(after.body, "Aktivitas Staf Hitung Kueri "+strconv.Itoa(i+1)+"-"); n != add {
			t.Errorf("%s: %d new subordinates' waiting aktivitas on the home page, want %d", stage, n, add)
		}
		if !slices.Equal(after.sqls, before.sqls) {
			t.Errorf("%s: the home page's statements changed with the team size:\n%s\n=== before ===\n%s", stage,
				strings.Join(after.sqls, "\n---\n"), strings.Join(before.sqls, "\n---\n"))
		}
		check(stage, "/akun/sandi", get("/akun/sandi"), signedInPage)
		before = after
	}
}
