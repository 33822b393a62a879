package attendance

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/logger"

	"github.com/ekinerja/ekinerja/internal/testdb"
)

// benchNIP is a valid, distinct NIP for the i-th generated employee.
func benchNIP(i int) string {
	birth := time.Date(1970, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, i%9000)
	return fmt.Sprintf("%s%04d%02d%d%03d", birth.Format("20060102"), 1995+i/9000, 1+i%12, 1+i%2, i%1000)
}

// seedEmployees creates one OPD with n employees in multi-row inserts.
func seedEmployees(tb testing.TB, db *gorm.DB, n int) (opdID int64, nips []string) {
	tb.Helper()
	if err := db.Raw(`INSERT INTO opd (kode, nama) VALUES ('BENCH', 'OPD Uji Beban') RETURNING id`).Scan(&opdID).Error; err != nil {
		tb.Fatal(err)
	}
	seen := map[string]bool{}
	for i := 0; len(nips) < n; i++ {
		nip := benchNIP(i)
		if ValidNIP(nip) != nil || seen[nip] {
			continue
		}
		seen[nip] = true
		nips = append(nips, nip)
	}
	for start := 0; start < n; start += 1000 {
		end := min(start+1000, n)
		var sb strings.Builder
		args := make([]any, 0, 3*(end-start))
		sb.WriteString("INSERT INTO pegawai (nip, nama, status_asn, golongan, opd_id) VALUES ")
		for i := start; i < end; i++ {
			if i > start {
				sb.WriteByte(',')
			}
			sb.WriteString("(?, ?, 'PNS', 'III/a', ?)")
			args = append(args, nips[i], fmt.Sprintf("Pegawai Uji %d", i), opdID)
		}
		if err := db.Exec(sb.String(), args...).Error; err != nil {
			tb.Fatal(err)
		}
	}
	return opdID, nips
}

// monthCSV is a whole month (every calendar day) of records for nips.
func monthCSV(nips []string, year int, month time.Month) []byte {
	var b bytes.Buffer
	b.WriteString("nip,tanggal,jam_masuk,jam_pulang\n")
	days := daysIn(year, month)
	for i, nip := range nips {
		for d := 1; d <= days; d++ {
			fmt.Fprintf(&b, "%s,%04d-%02d-%02d,07:%02d,16:%02d\n", nip, year, int(month), d, (i+d)%45, (i*d)%50)
		}
	}
	return b.Bytes()
}

// BenchmarkImport150k imports 150,000 rows (5,000 employees x 30 days of
// September 2026) into an empty table ("fresh") and again unchanged
// ("reimport"), and prints the wall time of each run; the bar is 20 s.
func BenchmarkImport150k(b *testing.B) {
	db := testdb.New(b)
	ctx := context.Background()
	opdID, nips := seedEmployees(b, db, benchEmployees())
	data := monthCSV(nips, 2026, time.September)
	s := NewStore(db, DefaultLocation()).WithClock(func() time.Time { return fixedNow })
	run := func(b *testing.B) ImportReport {
		start := time.Now()
		rep, err := s.Import(ctx, ImportInput{OPDID: opdID, FileName: "bench.csv", Body: bytes.NewReader(data)})
		if err != nil || !rep.Applied || rep.Accepted != 30*len(nips) {
			b.Fatalf("import: %v %+v", err, rep.Errors)
		}
		b.Logf("%d baris (%d KB): %v (ditambah %d, diubah %d, dihapus %d)", rep.Accepted, len(data)>>10, time.Since(start).Round(time.Millisecond), rep.Inserted, rep.Updated, rep.Deleted)
		fmt.Printf("import %d rows: %v inserted=%d updated=%d\n", rep.Accepted, time.Since(start).Round(time.Millisecond), rep.Inserted, rep.Updated)
		return rep
	}
	b.Run("fresh", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			b.StopTimer()
			if err := db.Exec(`DELETE FROM kehadiran`).Error; err != nil {
				b.Fatal(err)
			}
			b.StartTimer()
			run(b)
		}
	})
	b.Run("reimport", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			if rep := run(b); rep.Inserted+rep.Updated+rep.Deleted != 0 {
				b.Fatalf("reimport changed data: %+v", rep)
			}
		}
	})
	b.Run("MonthlyRecaps", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			start := time.Now()
			r, err := s.MonthlyRecaps(ctx, opdID, 2026, time.September, DemoBands())
			if err != nil || len(r) != len(nips) {
				b.Fatal(err, len(r))
			}
			fmt.Printf("MonthlyRecaps %d employees: %v\n", len(r), time.Since(start).Round(time.Millisecond))
		}
	})
}

// countingLogger counts the SQL statements GORM runs.
type countingLogger struct {
	logger.Interface
	n *int
}

func (c countingLogger) Trace(ctx context.Context, begin time.Time, fc func() (string, int64), err error) {
	*c.n++
}

// TestMonthlyRecapsSetBased checks the contract: the number of queries does
// not grow with the number of employees.
func TestMonthlyRecapsSetBased(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	counts := map[int]int{}
	for _, n := range []int{3, 60} {
		db := testdb.New(t)
		opdID, nips := seedEmployees(t, db, n)
		s := NewStore(db, DefaultLocation()).WithClock(func() time.Time { return fixedNow })
		if rep, err := s.Import(ctx, ImportInput{OPDID: opdID, Body: bytes.NewReader(monthCSV(nips, 2026, time.September))}); err != nil || !rep.Applied {
			t.Fatalf("import: %v %+v", err, rep)
		}
		q := 0
		counted := NewStore(db.Session(&gorm.Session{Logger: countingLogger{Interface: logger.Discard, n: &q}}), DefaultLocation()).
			WithClock(func() time.Time { return fixedNow })
		r, err := counted.MonthlyRecaps(ctx, opdID, 2026, time.September, DemoBands())
		if err != nil || len(r) != n {
			t.Fatal(err, len(r))
		}
		if _, err := counted.SanctionsInForce(ctx, opdID, 2026, time.September); err != nil {
			t.Fatal(err)
		}
		if _, err := counted.LeaveInMonth(ctx, opdID, 2026, time.September); err != nil {
			t.Fatal(err)
		}
		counts[n] = q
	}
	if counts[3] != counts[60] || counts[3] > 20 {
		t.Errorf("queries for 3 employees: %d, for 60: %d; want equal and few", counts[3], counts[60])
	}
}
