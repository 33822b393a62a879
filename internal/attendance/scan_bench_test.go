package attendance

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"testing"
	"time"

	"gorm.io/gorm"

	"github.com/ekinerja/ekinerja/internal/auth"
	"github.com/ekinerja/ekinerja/internal/testdb"
)

// seedMachine registers one machine for opdID whose PIN i+1 is nips[i].
func seedMachine(tb testing.TB, db *gorm.DB, opdID int64, nips []string) int64 {
	tb.Helper()
	var id int64
	if err := db.Raw(`INSERT INTO mesin_presensi (opd_id, nomor_seri, nama) VALUES (?, 'BENCH0001', 'Mesin uji') RETURNING id`, opdID).Scan(&id).Error; err != nil {
		tb.Fatal(err)
	}
	if err := db.Exec(`INSERT INTO mesin_pin (mesin_id, pin, pegawai_id)
SELECT ?, (row_number() OVER (ORDER BY array_position(?::text[], p.nip)))::text, p.id FROM pegawai p WHERE p.nip = ANY(?::text[])`,
		id, pgArray(nips), pgArray(nips)).Error; err != nil {
		tb.Fatal(err)
	}
	return id
}

// monthAttlog is a month of attlog for PINs 1..n: four scans (in, break out,
// break in, out) on every working day of the demo week, varied minutes.
func monthAttlog(n int, year int, month time.Month) []byte {
	var b bytes.Buffer
	sch := SixDayWeek()
	for d := (Date{year, month, 1}); d.Month == month; d = d.AddDays(1) {
		p := sch.Plan(d, nil)
		if !p.Work {
			continue
		}
		for i := 1; i <= n; i++ {
			for k, c := range [4]Clock{NewClock(7, 30, 0) - Clock(60*((i+d.Day)%40)), NewClock(12, i%30, 0), NewClock(13, i%20, 5), NewClock(16, 0, 0) + Clock(60*((i*d.Day)%50))} {
				fmt.Fprintf(&b, "%9d\t%s %s\t1\t%d\t0\t0\n", i, d, hhmmss(c), []int{0, 2, 3, 1}[k])
			}
		}
	}
	return b.Bytes()
}

func hhmmss(c Clock) string { return fmt.Sprintf("%02d:%02d:%02d", c/3600, c/60%60, c%60) }

// BenchmarkImportScans500k imports a month of raw scans of 5,000 employees
// (about 500,000 lines of attlog) and prints the wall time; the bar
// is 10 s. "reimport" imports the same file again, which must change nothing.
func BenchmarkImportScans500k(b *testing.B) {
	db := testdb.New(b)
	ctx := context.Background()
	n := benchEmployees()
	opdID, nips := seedEmployees(b, db, n)
	mesin := seedMachine(b, db, opdID, nips)
	data := monthAttlog(n, 2026, time.September)
	lines := bytes.Count(data, []byte{'\n'})
	if lines < 80*n {
		b.Fatalf("only %d scans", lines)
	}
	scanPhaseLog = os.Stdout
	defer func() { scanPhaseLog = nil }()
	s := NewStore(db, DefaultLocation()).WithClock(func() time.Time { return fixedNow })
	p := &auth.Principal{Active: auth.Grant{Role: auth.RoleAdminOPD, OPDID: opdID}}
	run := func(b *testing.B) ScanImportReport {
		start := time.Now()
		rep, err := s.ImportScans(ctx, p, "127.0.0.1", ScanImportInput{MesinID: mesin, FileName: "bench_attlog.dat", Body: bytes.NewReader(data)})
		if err != nil || !rep.Applied || rep.Lines != lines {
			b.Fatalf("import: %v %s %+v", err, rep.FileError, rep.Errors)
		}
		fmt.Printf("import %d scans (%d MB): %v new=%d days=%d inserted=%d updated=%d\n", lines, len(data)>>20,
			time.Since(start).Round(time.Millisecond), rep.NewScans, rep.DayCount, rep.Inserted, rep.Updated)
		return rep
	}
	b.Run("fresh", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			b.StopTimer()
			for _, q := range []string{`DELETE FROM kehadiran`, `DELETE FROM scan_presensi`} {
				if err := db.Exec(q).Error; err != nil {
					b.Fatal(err)
				}
			}
			b.StartTimer()
			if rep := run(b); rep.NewScans != lines || rep.Inserted != lines/4 {
				b.Fatalf("fresh import: %d new scans, %d days inserted", rep.NewScans, rep.Inserted)
			}
		}
	})
	b.Run("reimport", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			if rep := run(b); rep.NewScans+rep.Inserted+rep.Updated != 0 {
				b.Fatalf("reimport changed data: %d scans, %d+%d days", rep.NewScans, rep.Inserted, rep.Updated)
			}
		}
	})
}

// benchEmployees is the benchmarks' regency size: 5,000 employees, or 500
// under -short (make test runs every benchmark once, small, so none rots;
// make bench gives the real numbers).
func benchEmployees() int {
	if testing.Short() {
		return 500
	}
	return 5000
}
