package main

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"github.com/ekinerja/ekinerja/internal/attendance"
	"github.com/ekinerja/ekinerja/internal/database"
	"github.com/ekinerja/ekinerja/internal/testdb"
)

// TestSeedImportsDemoAttendance: `ekinerja seed` (what `make run` runs)
// imports the demo fingerprint data of last month and of this month up to
// yesterday for every active OPD, through the import the route uses (batch
// rows, audit rows, stored recaps), nothing dated today or later; seeding
// again imports nothing more.
func TestSeedImportsDemoAttendance(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	url := testdb.NewURL(t)
	seed := func() string {
		t.Helper()
		var out, errb bytes.Buffer
		if code := run([]string{"seed"}, func(k string) string { return map[string]string{"EKINERJA_ENV": "dev", "DATABASE_URL": url}[k] }, &out, &errb); code != 0 {
			t.Fatalf("seed: %d %s %s", code, out.String(), errb.String())
		}
		return out.String()
	}
	out := seed()
	if !strings.Contains(out, "Presensi demo diimpor") {
		t.Errorf("seed does not say it imported attendance:\n%s", out)
	}
	db, err := database.Open(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer database.Close(db)
	loc := attendance.DefaultLocation() // the config default, Asia/Jakarta
	now := time.Now().In(loc)
	this := time.Date(now.Year(), now.Month(), 1, 0, 0, 0, 0, time.UTC)
	last := this.AddDate(0, -1, 0)
	today := now.Format(time.DateOnly)
	count := func(q string, args ...any) int64 {
		t.Helper()
		var n int64
		if err := db.Raw(q, args...).Scan(&n).Error; err != nil {
			t.Fatal(err)
		}
		return n
	}
	opds := count(`SELECT count(*) FROM opd WHERE aktif`)
	months := int64(2)
	if now.Day() == 1 {
		months = 1 // nothing of this month before today
	}
	state := func() [4]int64 {
		return [4]int64{count(`SELECT count(*) FROM kehadiran`), count(`SELECT count(*) FROM impor_kehadiran`),
			count(`SELECT count(*) FROM audit_log WHERE action = 'presensi.impor'`), count(`SELECT count(*) FROM presensi_rekap_bulan`)}
	}
	before := state()
	if before[1] != opds*months || before[2] != opds*months {
		t.Errorf("%d import batches and %d audit rows, want %d (each of %d OPDs, %d months)", before[1], before[2], opds*months, opds, months)
	}
	if n := count(`SELECT count(*) FROM audit_log WHERE action = 'presensi.impor' AND actor_nip <> 'seed'`); n != 0 {
		t.Errorf("%d imports not audited as the seed", n)
	}
	if n := count(`SELECT count(*) FROM impor_kehadiran WHERE user_id IS NOT NULL`); n != 0 {
		t.Errorf("%d imports ascribed to a user account", n)
	}
	if n := count(`SELECT count(*) FROM kehadiran WHERE tanggal >= ?::date`, today); n != 0 {
		t.Errorf("%d attendance rows dated today or later", n)
	}
	// Every active OPD has last month, and most of its employees' working
	// days have a record (the generator leaves out about 3%).
	emps := count(`SELECT count(*) FROM pegawai WHERE keadaan = 'aktif'`)
	for _, o := range []string{"BKPSDM", "DINKES", "BPKAD"} {
		if n := count(`SELECT count(*) FROM kehadiran k JOIN pegawai p ON p.id = k.pegawai_id JOIN opd o ON o.id = p.opd_id
WHERE o.kode = ? AND k.tanggal >= ?::date AND k.tanggal < ?::date`, o, last.Format(time.DateOnly), this.Format(time.DateOnly)); n == 0 {
			t.Errorf("%s has no attendance last month", o)
		}
	}
	recs := count(`SELECT count(*) FROM kehadiran WHERE tanggal >= ?::date AND tanggal < ?::date`, last.Format(time.DateOnly), this.Format(time.DateOnly))
	tk := count(`SELECT coalesce(sum(tk), 0) FROM presensi_rekap_bulan WHERE bulan = ?::date`, last.Format(time.DateOnly))
	if stored := count(`SELECT count(*) FROM presensi_rekap_bulan WHERE bulan = ?::date`, last.Format(time.DateOnly)); stored != emps {
		t.Errorf("%d stored recaps of last month, want one per active employee (%d)", stored, emps)
	}
	if tk*10 > recs {
		t.Errorf("last month: %d TK days against %d records; the demo is mostly present", tk, recs)
	}
	if out := seed(); !strings.Contains(out, "tidak ada yang diubah") {
		t.Errorf("seed again: %s", out)
	}
	if after := state(); after != before {
		t.Errorf("seeding again changed attendance, batches, audit, recaps: %v -> %v", before, after)
	}
}

func TestBeforeDay(t *testing.T) {
	csv := "nip,tanggal,jam_masuk,jam_pulang\n1,2026-12-01,07:00,16:00\n1,2026-12-07,07:00,16:00\n1,2026-12-08,07:00,\n2,2026-11-30,07:10,16:10\n"
	for _, tc := range []struct {
		day  string
		want string
		n    int
	}{
		{"2026-12-07", "nip,tanggal,jam_masuk,jam_pulang\n1,2026-12-01,07:00,16:00\n2,2026-11-30,07:10,16:10\n", 2},
		{"2026-12-01", "nip,tanggal,jam_masuk,jam_pulang\n2,2026-11-30,07:10,16:10\n", 1},
		{"2026-11-01", "nip,tanggal,jam_masuk,jam_pulang\n", 0},
		{"2027-01-01", csv, 4},
	} {
		got, n := beforeDay([]byte(csv), tc.day)
		if string(got) != tc.want || n != tc.n {
			t.Errorf("before %s: %d rows\n%s\nwant %d\n%s", tc.day, n, got, tc.n, tc.want)
		}
	}
}
