package web

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"gorm.io/gorm"

	"github.com/ekinerja/ekinerja/internal/auth"
	"github.com/ekinerja/ekinerja/internal/config"
	"github.com/ekinerja/ekinerja/internal/demo"
	"github.com/ekinerja/ekinerja/internal/stores"
	"github.com/ekinerja/ekinerja/internal/testdb"
	"github.com/ekinerja/ekinerja/static"
)

var (
	dailyTableQuery  = regexp.MustCompile(`(?i)\b(from|join)\s+(kehadiran|koreksi_kehadiran|cuti)\b`)
	storedRecapQuery = regexp.MustCompile(`(?i)\b(from|join)\s+presensi_rekap_bulan\b`)
)

// addRecapEmployees adds n active employees to the agency opdID, each with
// a month of fingerprint records (every weekday of October 2026, minutes
// varied); tag keeps their NIPs apart between calls.
func addRecapEmployees(tb testing.TB, db *gorm.DB, opdID int64, tag, n int) {
	tb.Helper()
	err := db.Exec(`
WITH sp AS (INSERT INTO pegawai (nip, nama, status_asn, golongan, opd_id)
            SELECT '1998123120240' || ?::int || lpad(i::text, 4, '0'), 'Pegawai Rekap ' || ?::int || '-' || lpad(i::text, 4, '0'), 'PNS', 'II/c', ?
            FROM generate_series(1, ?::int) i RETURNING id)
INSERT INTO kehadiran (pegawai_id, tanggal, jam_masuk, jam_pulang)
SELECT sp.id, d::date, 7 * 3600 + ((sp.id * 7 + extract(day FROM d)::int * 13) % 90) * 60, 16 * 3600 + ((sp.id + extract(day FROM d)::int) % 40) * 60
FROM sp, generate_series(DATE '2026-10-01', DATE '2026-10-31', interval '1 day') d
WHERE extract(isodow FROM d) < 6`, tag, tag, opdID, n).Error
	if err != nil {
		tb.Fatalf("add employees: %v", err)
	}
}

// TestRecapPageReadsStoredRows: the OPD recap page (and its .xlsx and API)
// reads the stored monthly recaps, never the daily tables once they are
// stored, and runs the same statements whatever the number of employees:
// the first view of a month (or of new employees) judges the missing ones
// in a fixed number of statements and stores them, later views read.
func TestRecapPageReadsStoredRows(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	q := watchQueries(t, h.db)
	admin := h.as(auth.RoleAdminOPD)
	opd := h.count(`SELECT p.opd_id FROM users u JOIN pegawai p ON p.id = u.pegawai_id WHERE u.nip = ?`, login(t, auth.RoleAdminOPD).NIP)
	view := func(path string) []string {
		t.Helper()
		var res response
		sqls := q.during(func() { res = admin.get(path) })
		if res.status != http.StatusOK {
			t.Fatalf("GET %s: %d %s", path, res.status, res.body)
		}
		return sqls
	}
	const page = "/presensi/rekap?bulan=2026-10"
	var firstView, laterView []string
	for i, add := range []int{0, 10, 40} {
		if add > 0 {
			addRecapEmployees(t, h.db, opd, i, add)
		}
		employees := h.count(`SELECT count(*) FROM pegawai WHERE opd_id = ? AND keadaan = 'aktif'`, opd)
		stage := fmt.Sprintf("%d employees", employees)
		first := view(page)
		if n := matching(first, dailyTableQuery); n == 0 && i == 0 {
			t.Errorf("%s: the first view judged nothing", stage)
		}
		later := view(page)
		if n := matching(later, dailyTableQuery); n != 0 {
			t.Errorf("%s: a later view read the daily tables %d times:\n%s", stage, n, strings.Join(later, "\n---\n"))
		}
		if n := matching(later, storedRecapQuery); n != 1 {
			t.Errorf("%s: a later view read the stored recaps %d times, want once", stage, n)
		}
		if stored := h.count(`SELECT count(*) FROM presensi_rekap_bulan WHERE bulan = '2026-10-01' AND NOT basi`); stored != employees {
			t.Errorf("%s: %d stored recaps, want %d", stage, stored, employees)
		}
		if i == 0 {
			firstView, laterView = first, later
			continue
		}
		if !slices.Equal(first, firstView) {
			t.Errorf("%s: the first view's statements changed with the number of employees:\n%s\n=== before ===\n%s", stage,
				strings.Join(first, "\n---\n"), strings.Join(firstView, "\n---\n"))
		}
		if !slices.Equal(later, laterView) {
			t.Errorf("%s: a later view's statements changed with the number of employees:\n%s\n=== before ===\n%s", stage,
				strings.Join(later, "\n---\n"), strings.Join(laterView, "\n---\n"))
		}
	}
	for _, path := range []string{"/presensi/rekap.xlsx?bulan=2026-10", "/api/v1/presensi/rekap?bulan=2026-10"} {
		if n := matching(view(path), dailyTableQuery); n != 0 {
			t.Errorf("GET %s read the daily tables %d times", path, n)
		}
	}
	// A correction refreshes its employee's row in its own transaction: the
	// next view still reads only stored rows.
	pid := h.pegawaiID(auth.RolePegawai)
	res := admin.postForm(fmt.Sprintf("/presensi/pegawai/%d/koreksi?bulan=2026-10", pid),
		map[string][]string{"tanggal": {"2026-10-05"}, "jam_masuk": {"07:30"}, "jam_pulang": {"16:00"}, "alasan": {"Mesin sidik jari rusak"}})
	if res.status != http.StatusSeeOther {
		t.Fatalf("correction: %d %s", res.status, res.body)
	}
	if later := view(page); matching(later, dailyTableQuery) != 0 || !slices.Equal(later, laterView) {
		t.Errorf("the view after a correction judged again:\n%s", strings.Join(later, "\n---\n"))
	}
}

// BenchmarkRecapPage renders the OPD recap of October 2026 for an agency of
// 200 employees with a month of records each, the whole request against
// PostgreSQL: "judged" removes the stored rows before each view (what every
// view did before the recap was stored: judge each day of the month, plus
// storing the rows), "stored" reads the stored rows.
func BenchmarkRecapPage(b *testing.B) {
	ctx := context.Background()
	db := testdb.New(b)
	hasher := auth.NewHasher(fastArgon2, 1)
	if _, err := demo.Seed(ctx, db, hasher); err != nil {
		b.Fatal(err)
	}
	var opd int64
	if err := db.Raw(`SELECT id FROM opd WHERE kode = 'DINKES'`).Scan(&opd).Error; err != nil {
		b.Fatal(err)
	}
	var have int64
	if err := db.Raw(`SELECT count(*) FROM pegawai WHERE opd_id = ? AND keadaan = 'aktif'`, opd).Scan(&have).Error; err != nil {
		b.Fatal(err)
	}
	addRecapEmployees(b, db, opd, 9, 200-int(have))
	cfg, err := config.Load(func(k string) string { return map[string]string{"EKINERJA_ENV": "dev"}[k] })
	if err != nil {
		b.Fatal(err)
	}
	svc := auth.NewService(db, hasher, auth.NewTokens(cfg.Secret), cfg.SessionIdle, cfg.SessionMax)
	svc.Configure(auth.Options{Dev: cfg.Dev(), Secret: cfg.Secret, AdminOPDWithoutTOTP: true})
	srv, err := New(Deps{Config: cfg, Stores: testStores(b, db, cfg, stores.Sources{}), Log: slog.New(slog.NewJSONHandler(io.Discard, nil)), Auth: svc, Static: static.FS, Version: "bench"})
	if err != nil {
		b.Fatal(err)
	}
	var l demo.Login
	for _, x := range demo.Logins() {
		if x.Role == auth.RoleAdminOPD {
			l = x
		}
	}
	res, err := svc.Login(ctx, auth.LoginRequest{NIP: l.NIP, Password: l.Password, IP: "127.0.0.1"})
	if err != nil {
		b.Fatal(err)
	}
	get := func(b *testing.B) {
		req := httptest.NewRequest(http.MethodGet, "/presensi/rekap?bulan=2026-10", nil)
		req.Header.Set("Authorization", "Bearer "+res.Token)
		w := httptest.NewRecorder()
		srv.Handler().ServeHTTP(w, req)
		if w.Code != http.StatusOK || strings.Count(w.Body.String(), "Pegawai Rekap 9-") != 200-int(have) {
			b.Fatalf("recap: status %d", w.Code)
		}
	}
	for _, c := range []struct {
		name   string
		before func(b *testing.B)
	}{
		{"judged", func(b *testing.B) {
			if err := db.Exec(`DELETE FROM presensi_rekap_bulan`).Error; err != nil {
				b.Fatal(err)
			}
		}},
		{"stored", func(*testing.B) {}},
	} {
		b.Run(c.name, func(b *testing.B) {
			get(b)
			var spent time.Duration
			n := 0
			for b.Loop() {
				b.StopTimer()
				c.before(b)
				b.StartTimer()
				start := time.Now()
				get(b)
				spent += time.Since(start)
				n++
			}
			fmt.Printf("recap page, 200 employees, %s: %v per view\n", c.name, (spent / time.Duration(n)).Round(time.Microsecond))
		})
	}
}
