package org_test

import (
	"bytes"
	"context"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"

	"gorm.io/gorm"

	"github.com/ekinerja/ekinerja/internal/org"
)

func importString(t testing.TB, s *org.Store, sc org.Scope, kind org.ImportKind, body string, skip bool) org.ImportReport {
	t.Helper()
	rep, err := s.Import(context.Background(), sc, actor, strings.NewReader(body), org.ImportOptions{Kind: kind, SkipBad: skip, FileName: "t.csv"})
	if err != nil {
		t.Fatalf("import %s: %v", kind, err)
	}
	return rep
}

func TestImportTemplatesApplyAndAreIdempotent(t *testing.T) {
	t.Parallel()
	db, s := seeded(t)
	for _, k := range []org.ImportKind{org.ImportOPD, org.ImportJabatan, org.ImportPegawai} {
		rep := importString(t, s, org.All, k, org.ImportTemplate(k), false)
		if !rep.Applied || rep.Created != 3 || rep.BadRows != 0 || rep.FileError != "" {
			t.Fatalf("%s first import: %+v", k, rep)
		}
	}
	before := snapshot(t, db)
	for _, k := range []org.ImportKind{org.ImportOPD, org.ImportJabatan, org.ImportPegawai} {
		rep := importString(t, s, org.All, k, org.ImportTemplate(k), false)
		if !rep.Applied || rep.Created != 0 || rep.Updated != 0 || rep.Unchanged != 3 {
			t.Fatalf("%s second import changed something: %+v", k, rep)
		}
	}
	if after := snapshot(t, db); after != before {
		t.Fatalf("second import changed the database:\n%s\n%s", before, after)
	}
	// The employees hang under their positions and the tree is right.
	var atasan string
	db.Raw(`SELECT a.kode FROM jabatan j JOIN jabatan a ON a.id = j.atasan_jabatan_id WHERE j.kode = 'DISDIK-03'`).Scan(&atasan)
	if atasan != "DISDIK-02" {
		t.Fatalf("atasan of DISDIK-03 = %q", atasan)
	}
	var nama string
	db.Raw(`SELECT p.nama FROM pegawai p JOIN riwayat_jabatan rj ON rj.pegawai_id = p.id JOIN jabatan j ON j.id = rj.jabatan_id WHERE j.kode = 'DISDIK-01'`).Scan(&nama)
	if nama != "Dr. Ahmad Saputra, S.E., M.Si." {
		t.Fatalf("holder of DISDIK-01 = %q", nama)
	}
	// Changing one cell updates one employee and is audited.
	changed := strings.Replace(org.ImportTemplate(org.ImportPegawai), "III/b", "III/c", 1)
	rep := importString(t, s, org.All, org.ImportPegawai, changed, false)
	if rep.Updated != 1 || rep.Unchanged != 2 {
		t.Fatalf("one change: %+v", rep)
	}
	var n int64
	db.Raw(`SELECT count(*) FROM audit_log WHERE action = 'org.impor_pegawai'`).Scan(&n)
	if n != 2 {
		t.Fatalf("audit rows = %d, want 2 (first import and the change)", n)
	}
}

// snapshot summarises the org tables, updated_at included.
func snapshot(t *testing.T, db *gorm.DB) string {
	var s string
	db.Raw(`SELECT concat_ws('|',
  (SELECT count(*) || ':' || coalesce(max(updated_at)::text, '') FROM opd),
  (SELECT count(*) || ':' || coalesce(max(updated_at)::text, '') FROM unit_kerja),
  (SELECT count(*) || ':' || coalesce(max(updated_at)::text, '') FROM jabatan),
  (SELECT count(*) || ':' || coalesce(max(updated_at)::text, '') FROM pegawai),
  (SELECT count(*) || ':' || coalesce(max(id), 0) FROM riwayat_jabatan),
  (SELECT count(*) FROM audit_log))`).Scan(&s)
	return s
}

// employeeCSV writes n valid employee rows for the demo agency DINKES, with
// the rows in bad (1-based data row numbers) broken in one cell each.
func employeeCSV(n int, bad map[int]string) string {
	var b strings.Builder
	b.WriteString(strings.Join(org.ImportColumns(org.ImportPegawai), ",") + "\n")
	base := time.Date(1970, 1, 1, 0, 0, 0, 0, time.UTC)
	for i := 1; i <= n; i++ {
		lahir := base.AddDate(0, 0, i)
		nip := fmt.Sprintf("%s%d%02d%d%03d", lahir.Format("20060102"), lahir.Year()+24, i%12+1, i%2+1, i%1000)
		row := []string{nip, fmt.Sprintf("\"Pegawai Impor %d, S.E.\"", i), "PNS", "III/a", "DINKES", fmt.Sprintf("DINKES-%02d", i%21+1), "2025-01-02",
			"aktif", "tidak", "Bank Bengkulu", fmt.Sprintf("99%010d", i), fmt.Sprintf("Pegawai Impor %d", i), ""}
		switch bad[i] {
		case "nip":
			row[0] = nip[:17]
		case "golongan":
			row[3] = "V/z"
		case "formula":
			row[1] = "=1+2"
		}
		b.WriteString(strings.Join(row, ",") + "\n")
	}
	return b.String()
}

func TestImportWithThreeBadRowsIsRefusedWhole(t *testing.T) {
	t.Parallel()
	db, s := seeded(t)
	before := snapshot(t, db)
	body := employeeCSV(50, map[int]string{7: "nip", 20: "golongan", 33: "formula"})
	rep := importString(t, s, org.All, org.ImportPegawai, body, false)
	if rep.Applied {
		t.Fatal("a file with bad rows was applied")
	}
	// Data row i is on line i+1 (the header is line 1).
	if got := rep.BadLines(); !reflect.DeepEqual(got, []int{8, 21, 34}) {
		t.Fatalf("bad lines = %v, errors %+v", got, rep.Errors)
	}
	cols := map[int]string{}
	for _, e := range rep.Errors {
		cols[e.Line] = e.Column
		if e.Reason == "" {
			t.Fatalf("empty reason: %+v", e)
		}
	}
	if cols[8] != "nip" || cols[21] != "golongan" || cols[34] != "nama" {
		t.Fatalf("columns = %v", cols)
	}
	if after := snapshot(t, db); after != before {
		t.Fatal("refused import changed the database")
	}
	// Ticking "skip bad rows" applies the 47 good ones.
	rep = importString(t, s, org.All, org.ImportPegawai, body, true)
	if !rep.Applied || rep.Created != 47 || rep.BadRows != 3 {
		t.Fatalf("skip bad rows: %+v", rep)
	}
}

func TestImportFileLevelRefusals(t *testing.T) {
	t.Parallel()
	db, s := seeded(t)
	header := strings.Join(org.ImportColumns(org.ImportPegawai), ",")
	good := employeeCSV(2, nil)
	cases := []struct {
		name, body, want string
	}{
		{"empty", "", "kosong"},
		{"wrong header", "nip,nama\n1,2\n", "Baris judul harus"},
		{"header only", header + "\n", "tidak ada data"},
		{"utf-16", "\xff\xfe" + good, "UTF-16"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			rep := importString(t, s, org.All, org.ImportPegawai, tc.body, false)
			if rep.Applied || !strings.Contains(rep.FileError, tc.want) {
				t.Fatalf("report = %+v, want file error containing %q", rep, tc.want)
			}
		})
	}
	t.Run("too big", func(t *testing.T) {
		big := good + strings.Repeat(" \n", 600)
		rep, err := s.Import(context.Background(), org.All, actor, strings.NewReader(big), org.ImportOptions{Kind: org.ImportPegawai, MaxBytes: 1000})
		if err != nil || rep.Applied || !strings.Contains(rep.FileError, "10 MB") {
			t.Fatalf("rep=%+v err=%v", rep, err)
		}
	})
	t.Run("semicolons and BOM", func(t *testing.T) {
		body := "\xef\xbb\xbf" + strings.ReplaceAll(strings.ReplaceAll(good, ",", ";"), "\"Pegawai Impor 1; S.E.\"", "Pegawai Impor 1 S.E.")
		body = strings.ReplaceAll(body, "\"Pegawai Impor 2; S.E.\"", "Pegawai Impor 2 S.E.")
		rep := importString(t, s, org.All, org.ImportPegawai, body, false)
		if !rep.Applied || rep.Created != 2 {
			t.Fatalf("rep = %+v", rep)
		}
	})
	// Windows-1252 (Excel's plain "CSV" on Windows) is decoded, not refused
	// (issue 12): the byte 0xE9 is "é".
	t.Run("windows-1252", func(t *testing.T) {
		body := strings.Replace(good, "Pegawai Impor 1,", "Pegawai Impor 1 Jos\xe9,", 1)
		if !strings.Contains(body, "\xe9") {
			t.Fatal("fixture did not change")
		}
		rep := importString(t, s, org.All, org.ImportPegawai, body, false)
		var n int64
		if err := db.Raw(`SELECT count(*) FROM pegawai WHERE nama = 'Pegawai Impor 1 José, S.E.'`).Scan(&n).Error; err != nil || !rep.Applied || n != 1 {
			t.Fatalf("rep = %+v, decoded name stored %d times (%v)", rep, n, err)
		}
	})
	t.Run("formula cells", func(t *testing.T) {
		for _, lead := range []string{"=", "+", "-", "@"} {
			body := strings.Replace(good, "Bank Bengkulu", lead+"cmd|' /C calc'!A0", 1)
			rep := importString(t, s, org.All, org.ImportPegawai, body, false)
			if rep.Applied || len(rep.Errors) == 0 || rep.Errors[0].Column != "bank_nama" || !strings.Contains(rep.Errors[0].Reason, "injeksi formula") {
				t.Fatalf("lead %q: %+v", lead, rep)
			}
		}
	})
}

func TestImportScopeForAdminOPD(t *testing.T) {
	t.Parallel()
	db, s := seeded(t)
	dinkes := idOf(t, db, `SELECT id FROM opd WHERE kode = 'DINKES'`)
	// A DINKES admin cannot write BKPSDM rows, nor touch a BKPSDM employee by NIP.
	var bkNIP string
	db.Raw(`SELECT p.nip FROM pegawai p JOIN opd o ON o.id = p.opd_id WHERE o.kode = 'BKPSDM' LIMIT 1`).Scan(&bkNIP)
	body := strings.Join(org.ImportColumns(org.ImportPegawai), ",") + "\n" +
		bkNIP + ",Nama Baru,PNS,III/a,DINKES,,,aktif,tidak,,,,\n" +
		"199001012015031001,Orang Lain,PNS,III/a,BKPSDM,,,aktif,tidak,,,,\n"
	rep := importString(t, s, org.ScopeOPD(dinkes), org.ImportPegawai, body, false)
	if rep.Applied || !reflect.DeepEqual(rep.BadLines(), []int{2, 3}) {
		t.Fatalf("rep = %+v", rep)
	}
	if rep := importString(t, s, org.ScopeOPD(dinkes), org.ImportOPD, org.ImportTemplate(org.ImportOPD), false); rep.FileError == "" {
		t.Fatalf("admin_opd imported OPDs: %+v", rep)
	}
}

func TestImport5000Employees(t *testing.T) {
	t.Parallel()
	db, s := seeded(t)
	body := employeeCSV(5000, nil)
	start := time.Now()
	rep := importString(t, s, org.All, org.ImportPegawai, body, false)
	if !rep.Applied || rep.Created != 5000 || rep.BadRows != 0 {
		t.Fatalf("rep = %+v (first errors %v)", rep, rep.Errors[:min(3, len(rep.Errors))])
	}
	var n int64
	db.Raw(`SELECT count(*) FROM riwayat_jabatan WHERE nomor_sk = 'impor CSV'`).Scan(&n)
	if n != 5000 {
		t.Fatalf("assignments = %d", n)
	}
	t.Logf("5000 rows imported in %v", time.Since(start))
	rep = importString(t, s, org.All, org.ImportPegawai, body, false)
	if rep.Unchanged != 5000 {
		t.Fatalf("second import: %+v", rep)
	}
}

// BenchmarkImport5000Employees measures a 5,000-row employee import into a
// fresh database (the target is under 10 seconds, report included).
func BenchmarkImport5000Employees(b *testing.B) {
	body := []byte(employeeCSV(5000, nil))
	for b.Loop() {
		b.StopTimer()
		_, s := seeded(b)
		b.StartTimer()
		start := time.Now()
		rep, err := s.Import(context.Background(), org.All, actor, bytes.NewReader(body), org.ImportOptions{Kind: org.ImportPegawai})
		if err != nil || rep.Created != 5000 {
			b.Fatalf("rep=%+v err=%v", rep, err)
		}
		b.ReportMetric(time.Since(start).Seconds(), "s/import")
		fmt.Printf("impor 5000 pegawai: %v\n", time.Since(start).Round(time.Millisecond))
	}
}
