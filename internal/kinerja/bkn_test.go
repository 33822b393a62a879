package kinerja

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ekinerja/ekinerja/internal/apperr"
	"github.com/ekinerja/ekinerja/internal/auth"
	"github.com/ekinerja/ekinerja/internal/tabular"
	"github.com/ekinerja/ekinerja/internal/tpp"
)

var nov = tpp.Period{Year: 2026, Month: 11}

func TestMapBKNHeader(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name string
		row  []string
		ok   bool
		want map[BKNField]int
	}{
		{"export", []string{"NO", "NIP", "NAMA", "PERIODE", "RATING_HASIL_KERJA", "RATING_PERILAKU_KERJA", "PREDIKAT_KINERJA"}, true,
			map[BKNField]int{BKNNIP: 1, BKNNama: 2, BKNPeriode: 3, BKNHasilKerja: 4, BKNPerilakuKerja: 5, BKNPredikat: 6}},
		{"hand-made", []string{"Nip Pegawai", "Nama Pegawai", "Bulan", "Tahun", "Predikat"}, true,
			map[BKNField]int{BKNNIP: 0, BKNNama: 1, BKNBulan: 2, BKNTahun: 3, BKNPredikat: 4}},
		{"NIP_BARU over NIP, predikat kinerja over predikat", []string{"NIP", "NIP_BARU", "Predikat", "Predikat Kinerja"}, true,
			map[BKNField]int{BKNNIP: 1, BKNPredikat: 3}},
		{"no predikat", []string{"NIP", "NAMA", "NILAI"}, false, nil},
		{"no NIP", []string{"NAMA", "PREDIKAT"}, false, nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			h, ok := MapBKNHeader(tc.row)
			if ok != tc.ok {
				t.Fatalf("ok = %v, want %v", ok, tc.ok)
			}
			for f, col := range tc.want {
				if h.Col[f] != col {
					t.Errorf("%s in column %d, want %d", f.Label(), h.Col[f], col)
				}
			}
		})
	}
}

func TestParseBKNRows(t *testing.T) {
	t.Parallel()
	const nip = "198101152006041001"
	cases := []struct {
		name    string
		row     string
		want    Predikat
		hasil   Ekspektasi
		refused string // part of the reason; "" means accepted
	}{
		{"label", nip + ";Sangat Baik;2026-11;Di Atas Ekspektasi;Sesuai Ekspektasi", SangatBaik, DiAtas, ""},
		{"upper case, no space", nip + ";BUTUH PERBAIKAN;11/2026;DIBAWAH EKSPEKTASI;", ButuhPerbaikan, DiBawah, ""},
		{"misconduct", nip + ";Kurang/Misconduct;November 2026;;", Kurang, "", ""},
		{"our code", nip + ";sangat_kurang;;;", SangatKurang, "", ""},
		{"not rated yet", nip + ";Belum Dinilai;2026-11;;", "", "", ""},
		{"dash is not rated", nip + ";-;2026-11;;", "", "", ""},
		{"unknown predikat", nip + ";Istimewa;2026-11;;", "", "", "tidak dikenal"},
		{"other month", nip + ";Baik;2026-10;;", "", "", "Oktober 2026, bukan November 2026"},
		{"unreadable month", nip + ";Baik;bulan lalu;;", "", "", "Periode tidak dapat dibaca"},
		{"excel number", "1,98101E+17;Baik;;;", "", "", "Excel mengubah NIP"},
		{"short nip", "19810115;Baik;;;", "", "", "18 digit"},
		{"formula", nip + ";=HYPERLINK(\"x\");;;", "", "", "rumus"},
		{"bad rating", nip + ";Baik;;Luar biasa;", "", "", "Rating hasil kerja"},
		{"NIP with spaces as printed", "19810115 200604 1 001;Baik;;;", Baik, "", ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			data := "NIP;PREDIKAT;PERIODE;RATING_HASIL_KERJA;RATING_PERILAKU_KERJA\n" + tc.row + "\n"
			tb, err := tabular.Bytes([]byte(data), tabular.Options{})
			if err != nil {
				t.Fatal(err)
			}
			p, err := ParseBKN(tb, nov)
			if err != nil {
				t.Fatal(err)
			}
			if tc.refused != "" {
				if len(p.Refused) == 0 || !strings.Contains(p.Refused[0].Reason, tc.refused) {
					t.Fatalf("refused %+v, want a reason with %q", p.Refused, tc.refused)
				}
				if len(p.Records) != 0 {
					t.Fatalf("a refused row is also a record: %+v", p.Records)
				}
				return
			}
			if len(p.Refused) != 0 || len(p.Records) != 1 {
				t.Fatalf("refused %+v records %+v", p.Refused, p.Records)
			}
			if r := p.Records[0]; r.Predikat != tc.want || r.HasilKerja != tc.hasil || r.NIP != nip || r.Line != 2 {
				t.Fatalf("record %+v, want predikat %q hasil %q", r, tc.want, tc.hasil)
			}
		})
	}
}

func TestParseBKNFile(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ name, data, want string }{
		{"no header", "a;b\n1;2\n", "Baris judul tidak dikenali"},
		{"empty", "", "Berkas kosong"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tb, err := tabular.Bytes([]byte(tc.data), tabular.Options{})
			if err == nil {
				_, err = ParseBKN(tb, nov)
			}
			var fe *tabular.FileError
			if !errors.As(err, &fe) || !strings.Contains(fe.Reason, tc.want) {
				t.Fatalf("err %v, want a file error with %q", err, tc.want)
			}
		})
	}
	// A repeated NIP is refused on its second line.
	tb, _ := tabular.Bytes([]byte("NIP,PREDIKAT\n198101152006041001,Baik\n198101152006041001,Baik\n"), tabular.Options{})
	p, _ := ParseBKN(tb, nov)
	if len(p.Refused) != 1 || p.Refused[0].Line != 3 || !strings.Contains(p.Refused[0].Reason, "baris 2") {
		t.Fatalf("duplicate: %+v", p.Refused)
	}
}

func FuzzParseBKN(f *testing.F) {
	f.Add([]byte("NIP;PREDIKAT;PERIODE\n198101152006041001;Baik;2026-11\n"))
	f.Add([]byte("Judul\nNIP,NAMA,BULAN,TAHUN,PREDIKAT_KINERJA\n198101152006041001,A,11,2026,Sangat Baik\n"))
	f.Add([]byte("\xef\xbb\xbfnip\tpredikat\n1,98E+17\t-\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		tb, err := tabular.Bytes(data, tabular.Options{MaxRows: 1000})
		if err != nil {
			return
		}
		p, err := ParseBKN(tb, nov)
		if err != nil {
			return
		}
		seen := map[string]bool{}
		for _, r := range p.Records {
			if len(r.NIP) != 18 || seen[r.NIP] {
				t.Fatalf("record with a bad or repeated NIP: %+v", r)
			}
			seen[r.NIP] = true
			if r.Predikat != "" && r.Predikat.Label() == "" {
				t.Fatalf("unknown predikat accepted: %+v", r)
			}
		}
	})
}

// bknFile is an .xlsx export of the demo's DINKES staff with a title above
// the header, as the national system writes it.
func bknFile(t *testing.T, rows [][]any) []byte {
	t.Helper()
	b, err := tabular.WriteXLSX(tabular.Sheet{Name: "Predikat", Notes: []string{"REKAP PREDIKAT KINERJA PEGAWAI"},
		Header: []string{"NO", "NIP_BARU", "NAMA", "PERIODE", "RATING_HASIL_KERJA", "RATING_PERILAKU_KERJA", "PREDIKAT_KINERJA"}, Rows: rows})
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestImportBKN goes through the store the import route calls: scope,
// a refused file changes nothing, matched/unknown/missing, the same file
// again changes nothing, and two identical uploads at once apply once.
func TestImportBKN(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := context.Background()
	var opd int64
	if err := f.db.Raw(`SELECT opd_id FROM pegawai WHERE id = ?`, f.pegawai.PegawaiID).Scan(&opd).Error; err != nil {
		t.Fatal(err)
	}
	var staff []struct {
		NIP  string `gorm:"column:nip"`
		Nama string `gorm:"column:nama"`
	}
	f.db.Raw(`SELECT nip, nama FROM pegawai WHERE opd_id = ? AND keadaan = 'aktif' ORDER BY nip`, opd).Scan(&staff)
	if len(staff) < 3 {
		t.Fatalf("demo OPD has %d staff", len(staff))
	}
	s := f.at(time.Date(2026, 12, 3, 9, 0, 0, 0, jakarta))
	admin := Actor{UserID: 1, NIP: "admin", Role: auth.RoleAdminOPD, OPDID: opd, IP: "127.0.0.1"}
	rows := [][]any{
		{int64(1), staff[0].NIP, staff[0].Nama, "2026-11", "Di Atas Ekspektasi", "Di Atas Ekspektasi", "Sangat Baik"},
		{int64(2), staff[1].NIP, staff[1].Nama, "2026-11", "", "", "Baik"},
		{int64(3), "199912312020121001", "Bukan Pegawai", "2026-11", "", "", "Baik"},
		{int64(4), staff[2].NIP, staff[2].Nama, "2026-11", "", "", "Belum Dinilai"},
	}
	good := bknFile(t, rows)

	// Scope and form errors change nothing.
	for _, tc := range []struct {
		name string
		a    Actor
		opd  int64
		p    tpp.Period
		kind error
		fld  string
	}{
		{"pegawai", f.pegawai, 0, nov, apperr.ErrForbidden, ""},
		{"verifikator", Actor{UserID: 1, Role: auth.RoleVerifikator}, opd, nov, apperr.ErrForbidden, ""},
		{"admin of another OPD's id", admin, opd + 1000, nov, apperr.ErrForbidden, ""},
		{"superadmin without OPD", Actor{UserID: 1, Role: auth.RoleSuperadmin}, 0, nov, nil, "opd_id"},
		{"month not begun", admin, 0, tpp.Period{Year: 2027, Month: 1}, nil, "bulan"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := s.ImportBKN(ctx, tc.a, tc.opd, tc.p, "x.xlsx", bytes.NewReader(good))
			if tc.kind != nil && !errors.Is(err, tc.kind) {
				t.Fatalf("err %v, want %v", err, tc.kind)
			}
			if tc.fld != "" {
				var ve *apperr.ValidationError
				if !errors.As(err, &ve) || ve.Fields[tc.fld] == "" {
					t.Fatalf("err %v, want a message on %s", err, tc.fld)
				}
			}
		})
	}
	if n := count(t, f.db, `SELECT count(*) FROM predikat_bkn_impor`); n != 0 {
		t.Fatalf("%d imports stored by refused calls", n)
	}

	// One unreadable row refuses the file: stored as refused, nothing applied.
	bad := bknFile(t, append(append([][]any{}, rows...), []any{int64(5), staff[0].NIP[:10], "X", "2026-11", "", "", "Istimewa"}))
	imp, err := s.ImportBKN(ctx, admin, 0, nov, "salah.xlsx", bytes.NewReader(bad))
	if err != nil {
		t.Fatal(err)
	}
	if imp.Applied() || len(imp.Report.Refused) != 2 || imp.Report.Refused[0].Line != 7 {
		t.Fatalf("bad file: status %s refused %+v", imp.Status, imp.Report.Refused)
	}
	if n := count(t, f.db, `SELECT count(*) FROM predikat_bkn`); n != 0 {
		t.Fatalf("refused file stored %d predikat", n)
	}

	imp, err = s.ImportBKN(ctx, admin, 0, nov, "predikat.xlsx", bytes.NewReader(good))
	if err != nil {
		t.Fatal(err)
	}
	r := imp.Report
	if !imp.Applied() || len(r.Applied) != 2 || len(r.Unknown) != 1 || len(r.NotRated) != 1 || len(r.Missing) != len(staff)-3 {
		t.Fatalf("report: applied %d unknown %d not rated %d missing %d (staff %d)", len(r.Applied), len(r.Unknown), len(r.NotRated), len(r.Missing), len(staff))
	}
	if r.Applied[0].NIP != staff[0].NIP || r.Applied[0].Predikat != SangatBaik || r.Unknown[0].Line != 5 {
		t.Fatalf("applied %+v unknown %+v", r.Applied[0], r.Unknown[0])
	}
	sum, err := s.MonthlySummaries(ctx, opd, 2026, time.November)
	if err != nil {
		t.Fatal(err)
	}
	var got int
	for _, m := range sum {
		if m.PredikatBKN != "" {
			got++
		}
	}
	if got != 2 {
		t.Fatalf("%d summaries carry an imported predikat, want 2", got)
	}
	back, err := s.BKNImportByID(ctx, admin, imp.ID)
	if err != nil || len(back.Report.Applied) != 2 || back.OPDNama == "" {
		t.Fatalf("stored report: %v %+v", err, back.Report)
	}
	if _, err := s.BKNImportByID(ctx, Actor{Role: auth.RoleAdminOPD, OPDID: opd + 1}, imp.ID); !errors.Is(err, apperr.ErrNotFound) {
		t.Fatalf("another OPD's admin read the report: %v", err)
	}

	// The same file again, twice at once: nothing changes, nothing audited.
	audits := count(t, f.db, `SELECT count(*) FROM audit_log WHERE action = 'kinerja.predikat_bkn'`)
	if audits != 2 {
		t.Fatalf("%d predikat audit rows, want 2", audits)
	}
	var wg sync.WaitGroup
	res := make([]BKNImport, 2)
	errs := make([]error, 2)
	for i := range res {
		wg.Add(1)
		go func() {
			defer wg.Done()
			res[i], errs[i] = s.ImportBKN(ctx, admin, 0, nov, "lagi.xlsx", bytes.NewReader(good))
		}()
	}
	wg.Wait()
	for i := range res {
		if errs[i] != nil || len(res[i].Report.Applied) != 0 || res[i].Report.Unchanged != 2 {
			t.Fatalf("re-import %d: %v applied %d unchanged %d", i, errs[i], len(res[i].Report.Applied), res[i].Report.Unchanged)
		}
	}
	if n := count(t, f.db, `SELECT count(*) FROM audit_log WHERE action = 'kinerja.predikat_bkn'`); n != audits {
		t.Fatalf("re-import audited %d more changes", n-audits)
	}

	// A changed predikat is one change, with the one before in the report and the audit.
	rows[1][6] = "Butuh Perbaikan"
	imp, err = s.ImportBKN(ctx, admin, 0, nov, "koreksi.xlsx", bytes.NewReader(bknFile(t, rows)))
	if err != nil || len(imp.Report.Applied) != 1 || imp.Report.Applied[0].Sebelum != Baik || imp.Report.Applied[0].Predikat != ButuhPerbaikan {
		t.Fatalf("change: %v %+v", err, imp.Report.Applied)
	}
	if n := count(t, f.db, `SELECT count(*) FROM audit_log WHERE action = 'kinerja.predikat_bkn' AND detail::jsonb->>'predikat_lama' = 'baik'
AND detail::jsonb->>'predikat' = 'butuh_perbaikan'`); n != 1 {
		t.Fatalf("%d audit rows of the change", n)
	}
	list, err := s.BKNImports(ctx, admin, 10)
	if err != nil || len(list) != 5 || list[0].ID != imp.ID || list[len(list)-1].Applied() {
		t.Fatalf("imports list: %v %d", err, len(list))
	}
	if pg := back.Report.Page(BKNTidakAda, 1); pg.List != BKNTidakAda || pg.Total != len(staff)-3 {
		t.Fatalf("missing page %+v", pg)
	}
}
