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

// BenchmarkComputeClaim computes one OPD's claim of 5.000 and 20.000
// employees with full kinerja and attendance data, and reports per claim
// the time and SQL statements of three computations, each b.N times:
//
//   - s/claim: the first computation of the month's claim (a fresh claim
//     each iteration: the previous one is deleted outside the timer);
//   - s/recompute-same: computing it again with nothing changed (every
//     employee's stored figures still right, so none is written again);
//   - s/recompute-all: computing it again after every employee's attendance
//     changed (every row and line deleted and written again).
//
// Run with `make bench` or
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
			var first, same, all time.Duration
			var qFirst, qSame, qAll int64
			var c Claim
			timed := func(d *time.Duration, q *int64) {
				b.Helper()
				queries.Store(0)
				t0 := time.Now()
				var err error
				if c, err = s.Compute(ctx, actor, opd, nov2026); err != nil {
					b.Fatal(err)
				}
				*d += time.Since(t0)
				*q = queries.Load()
			}
			b.ResetTimer()
			for i := range b.N {
				if i > 0 {
					b.StopTimer()
					dropClaim(b, db, c.ID)
					b.StartTimer()
				}
				timed(&first, &qFirst)
				timed(&same, &qSame)
				b.StopTimer()
				for id, r := range a.recaps {
					r.TK = (r.TK + 1) % 3
					a.recaps[id] = r
				}
				b.StartTimer()
				timed(&all, &qAll)
			}
			b.StopTimer()
			if c.Employees != n {
				b.Fatalf("employees = %d", c.Employees)
			}
			// What approval adds: the digest recomputed from the stored rules and inputs.
			t0 := time.Now()
			d, err := storedDigest(db.WithContext(ctx), c)
			if err != nil || d != c.InputsDigest {
				b.Fatalf("stored digest %s (%v), claim %s", d, err, c.InputsDigest)
			}
			per := func(d time.Duration) time.Duration { return d / time.Duration(b.N) }
			b.ReportMetric(time.Since(t0).Seconds(), "s/approval-digest")
			b.ReportMetric(float64(qFirst), "queries/claim")
			b.ReportMetric(float64(qAll), "queries/recompute")
			b.ReportMetric(per(first).Seconds(), "s/claim")
			b.ReportMetric(per(same).Seconds(), "s/recompute-same")
			b.ReportMetric(per(all).Seconds(), "s/recompute-all")
			b.ReportMetric(float64(per(first+same+all).Nanoseconds()), "ns/op")
			b.Logf("%d pegawai: hitung pertama %v (%d query), hitung ulang tanpa perubahan %v (%d query), hitung ulang semua berubah %v (%d query); bersih %d",
				n, per(first).Round(time.Millisecond), qFirst, per(same).Round(time.Millisecond), qSame, per(all).Round(time.Millisecond), qAll, c.TotalNet)
		})
	}
}

// dropClaim removes a draft claim and what hangs off it, so the next
// iteration computes the month's claim for the first time again.
func dropClaim(tb testing.TB, db *gorm.DB, id int64) {
	tb.Helper()
	for _, q := range []string{
		`DELETE FROM tpp_claim_line WHERE claim_id = ?`,
		`DELETE FROM tpp_claim_pegawai WHERE claim_id = ?`,
		`DELETE FROM tpp_selisih_pakai WHERE claim_id = ?`,
		`DELETE FROM tpp_claim_run WHERE claim_id = ?`,
		`DELETE FROM tpp_claim WHERE id = ?`,
	} {
		if err := db.Exec(q, id).Error; err != nil {
			tb.Fatalf("%s: %v", q, err)
		}
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
