package claim

import (
	"context"
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	"gorm.io/gorm"

	"github.com/ekinerja/ekinerja/internal/auth"
	"github.com/ekinerja/ekinerja/internal/testdb"
)

// countQueries counts every statement GORM sends on db.
func countQueries(b *testing.B, db *gorm.DB) *atomic.Int64 {
	var n atomic.Int64
	inc := func(*gorm.DB) { n.Add(1) }
	cb := db.Callback()
	for _, err := range []error{
		cb.Query().After("gorm:query").Register("bench:count_query", inc),
		cb.Raw().After("gorm:raw").Register("bench:count_raw", inc),
		cb.Row().After("gorm:row").Register("bench:count_row", inc),
		cb.Create().After("gorm:create").Register("bench:count_create", inc),
		cb.Update().After("gorm:update").Register("bench:count_update", inc),
		cb.Delete().After("gorm:delete").Register("bench:count_delete", inc),
	} {
		if err != nil {
			b.Fatal(err)
		}
	}
	return &n
}

// BenchmarkComputeClaim computes (recomputes) one OPD's claim of 5.000 and
// 20.000 employees with full kinerja and attendance data, and reports the
// time and the number of SQL statements per claim. Run with `make bench` or
//
//	go test -run '^$' -bench ComputeClaim -benchtime 3x ./internal/tpp/claim/
func BenchmarkComputeClaim(b *testing.B) {
	sizes := []int{5000, 20000}
	if testing.Short() { // make test runs every benchmark once, small, so none rots
		sizes = []int{500}
	}
	for _, n := range sizes {
		b.Run(fmt.Sprintf("pegawai=%d", n), func(b *testing.B) {
			db := testdb.New(b)
			opd, k, a := seedBigOPD(b, db, n)
			s := NewService(db, k, a)
			actor := Actor{Role: auth.RoleVerifikator}
			queries := countQueries(b, db)
			ctx := context.Background()
			b.ResetTimer()
			start := time.Now()
			var c Claim
			for range b.N {
				queries.Store(0)
				var err error
				if c, err = s.Compute(ctx, actor, opd, nov2026); err != nil {
					b.Fatal(err)
				}
			}
			b.StopTimer()
			per := time.Since(start) / time.Duration(b.N)
			if c.Employees != n {
				b.Fatalf("employees = %d", c.Employees)
			}
			// What approval adds: the digest recomputed from the stored rules and inputs.
			t0 := time.Now()
			d, err := storedDigest(db.WithContext(ctx), c)
			if err != nil || d != c.InputsDigest {
				b.Fatalf("stored digest %s (%v), claim %s", d, err, c.InputsDigest)
			}
			b.ReportMetric(time.Since(t0).Seconds(), "s/approval-digest")
			b.ReportMetric(float64(queries.Load()), "queries/claim")
			b.ReportMetric(per.Seconds(), "s/claim")
			b.Logf("%d pegawai: %v per klaim, %d query per klaim, bersih %d", n, per.Round(time.Millisecond), queries.Load(), c.TotalNet)
		})
	}
}

// seedBigOPD makes one OPD of n employees (200 positions, mixed statuses and
// golongan, every one with an account) and kinerja and attendance data
// touching every rule: predikat, TK, TL, PSW, a sanction and sick leave.
func seedBigOPD(tb testing.TB, db *gorm.DB, n int) (int64, fakeKinerja, *fakeAttendance) {
	tb.Helper()
	var opd int64
	db.Raw(`INSERT INTO opd (kode, nama) VALUES ('BESAR', 'Dinas Besar') RETURNING id`).Scan(&opd)
	if err := db.Exec(`
INSERT INTO jabatan (opd_id, kode, nama, jenis, kelas)
SELECT ?, 'BJ' || g, 'Jabatan ' || g, 'pelaksana', 1 + g % 15 FROM generate_series(1, 200) g`, opd).Error; err != nil {
		tb.Fatal(err)
	}
	// NIPs must be unique: vary the birth date and serial.
	if err := db.Exec(`
INSERT INTO pegawai (nip, nama, status_asn, golongan, opd_id, bank_nama, bank_rekening, bank_atas_nama)
SELECT to_char(DATE '1970-01-01' + (g / 900), 'YYYYMMDD') || '200501' || '1' || lpad((g % 900 + 1)::text, 3, '0'),
       'Pegawai ' || g, (ARRAY['PNS','PNS','PNS','CPNS','PPPK'])[1 + g % 5],
       CASE WHEN g % 5 = 4 THEN 'IX' ELSE (ARRAY['II/c','III/a','III/c','IV/a'])[1 + g % 4] END,
       ?, 'Bank Bengkulu', lpad(g::text, 12, '0'), 'Pegawai ' || g
FROM generate_series(1, ?) g`, opd, n).Error; err != nil {
		tb.Fatal(err)
	}
	if err := db.Exec(`
INSERT INTO riwayat_jabatan (pegawai_id, jabatan_id, jenis, mulai)
SELECT p.id, (SELECT min(id) FROM jabatan WHERE opd_id = ?) + p.id % 200, 'definitif', DATE '2024-01-01'
FROM pegawai p WHERE p.opd_id = ?`, opd, opd).Error; err != nil {
		tb.Fatal(err)
	}
	var ids []int64
	db.Raw(`SELECT id FROM pegawai WHERE opd_id = ?`, opd).Scan(&ids)
	k := fakeKinerja{}
	a := &fakeAttendance{recaps: map[int64]AttendanceRecap{}, sanctions: map[int64]Sanction{}, leave: map[int64][]Leave{}}
	preds := []string{"sangat_baik", "baik", "butuh_perbaikan", "kurang", "sangat_kurang", ""}
	for i, id := range ids {
		k[id] = KinerjaMonth{Predikat: preds[i%len(preds)], ApprovedMinutes: int64(i % 8000)}
		a.recaps[id] = AttendanceRecap{TK: i % 3, TL: [4]int{i % 2, i % 3, 0, i % 4 / 3}, PSW: [4]int{0, i % 2}}
		if i%97 == 0 {
			a.sanctions[id] = Sanction{Kind: "ringan", MonthIndex: 1}
		}
		if i%31 == 0 {
			a.leave[id] = []Leave{{Kind: "sakit", Days: 3}}
		}
	}
	// Statistics, as autovacuum keeps them on a database in use.
	if err := db.Exec("ANALYZE").Error; err != nil {
		tb.Fatal(err)
	}
	return opd, k, a
}
