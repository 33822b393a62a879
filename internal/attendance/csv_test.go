package attendance

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"
	"unicode/utf8"
)

const nipA, nipB = "199001012015031001", "198501012023211001"

func parseAll(t testing.TB, input string, opts CSVOptions) ([]Row, error) {
	t.Helper()
	var rows []Row
	err := ParseCSV(strings.NewReader(input), opts, func(r Row) error {
		rows = append(rows, r)
		return nil
	})
	return rows, err
}

func TestParseCSVValid(t *testing.T) {
	t.Parallel()
	input := "\xEF\xBB\xBFNIP;Tanggal;Jam Masuk;jam-pulang;nama\r\n" +
		nipA + ";2026-04-06;07:25;16:05;Siti\r\n" +
		"\r\n" +
		";;;;\r\n" +
		`"19850101 202321 1 001";06/04/2026;7.31;;"Budi ""Bud"" S"` + "\r\n" +
		nipA + ";7/4/2026;07:29:59;-;-\r\n" +
		nipB + ";2026-04-07;;16:00:30;\n" +
		nipB + ";2026-04-08;;;"
	rows, err := parseAll(t, input, CSVOptions{})
	if err != nil {
		t.Fatal(err)
	}
	want := []Row{
		{Line: 2, NIP: nipA, Date: date(2026, 4, 6), Record: rec("07:25", "16:05")},
		{Line: 5, NIP: nipB, Date: date(2026, 4, 6), Record: rec("07:31", "")},
		{Line: 6, NIP: nipA, Date: date(2026, 4, 7), Record: rec("07:29:59", "")},
		{Line: 7, NIP: nipB, Date: date(2026, 4, 7), Record: rec("", "16:00:30")},
		{Line: 8, NIP: nipB, Date: date(2026, 4, 8)},
	}
	if len(rows) != len(want) {
		t.Fatalf("got %d rows: %+v", len(rows), rows)
	}
	for i := range want {
		if fmt.Sprint(rows[i]) != fmt.Sprint(want[i]) {
			t.Errorf("row %d\n got %+v\nwant %+v", i, rows[i], want[i])
		}
	}
}

func TestParseCSVDelimiters(t *testing.T) {
	t.Parallel()
	for _, delim := range []string{",", ";", "\t"} {
		input := strings.Join([]string{"jam_pulang", "nip", "tanggal", "jam_masuk"}, delim) + "\n" +
			strings.Join([]string{"16:00", nipA, "2026-04-06", "07:30"}, delim) + "\n"
		rows, err := parseAll(t, input, CSVOptions{})
		if err != nil || len(rows) != 1 || !rows[0].OK() || rows[0].Record != rec("07:30", "16:00") || rows[0].NIP != nipA {
			t.Errorf("delimiter %q: rows %+v, err %v", delim, rows, err)
		}
	}
}

func TestParseCSVRowErrors(t *testing.T) {
	t.Parallel()
	const head = "nip,tanggal,jam_masuk,jam_pulang,keterangan\n"
	type cell struct{ column, reason string }
	tests := []struct {
		name string
		line string
		opts CSVOptions
		want []cell
	}{
		{"short NIP", "19900101201503100,2026-04-06,07:30,16:00,", CSVOptions{},
			[]cell{{ColNIP, "NIP harus 18 digit angka"}}},
		{"NIP as scientific number", "1.99001E+17,2026-04-06,07:30,16:00,", CSVOptions{},
			[]cell{{ColNIP, `NIP terbaca sebagai angka "1.99001E+17": Excel mengubah NIP 18 digit menjadi angka dan digit terakhirnya hilang. Format kolom NIP sebagai Teks, ketik ulang, lalu simpan.`}}},
		{"NIP bad birth date", "199002302015031001,2026-04-06,07:30,16:00,", CSVOptions{},
			[]cell{{ColNIP, "8 digit pertama NIP harus tanggal lahir yang valid (TTTTBBHH)"}}},
		{"empty NIP", ",2026-04-06,07:30,16:00,", CSVOptions{}, []cell{{ColNIP, "NIP wajib diisi"}}},
		{"bad date", nipA + ",2026-02-30,07:30,16:00,", CSVOptions{},
			[]cell{{ColTanggal, "tanggal tidak valid (format YYYY-MM-DD atau DD/MM/YYYY)"}}},
		{"US date", nipA + ",04/30/2026,07:30,16:00,", CSVOptions{},
			[]cell{{ColTanggal, "tanggal tidak valid (format YYYY-MM-DD atau DD/MM/YYYY)"}}},
		{"year out of range", nipA + ",1999-12-31,07:30,16:00,", CSVOptions{},
			[]cell{{ColTanggal, "tanggal tidak valid (format YYYY-MM-DD atau DD/MM/YYYY)"}}},
		{"empty date", nipA + ",,07:30,16:00,", CSVOptions{}, []cell{{ColTanggal, "tanggal wajib diisi"}}},
		{"bad time in", nipA + ",2026-04-06,7:3,16:00,", CSVOptions{},
			[]cell{{ColJamMasuk, "jam masuk tidak valid (format 07:30 atau 07:30:00)"}}},
		{"bad time out", nipA + ",2026-04-06,07:30,24:00,", CSVOptions{},
			[]cell{{ColJamPulang, "jam pulang tidak valid (format 07:30 atau 07:30:00)"}}},
		{"out before in", nipA + ",2026-04-06,16:00,07:30,", CSVOptions{},
			[]cell{{ColJamPulang, "jam pulang lebih awal dari jam masuk"}}},
		{"out before in, overnight allowed", nipA + ",2026-04-06,20:50,07:05,", CSVOptions{AllowOvernight: true}, nil},
		{"formula in NIP", "=HYPERLINK(\"http://x\"),2026-04-06,07:30,16:00,", CSVOptions{},
			[]cell{{ColNIP, "sel diawali =, +, - atau @ ditolak (dicurigai formula)"}}},
		{"formula in time", nipA + ",2026-04-06,+07:30,-1+1,", CSVOptions{}, []cell{
			{ColJamMasuk, "sel diawali =, +, - atau @ ditolak (dicurigai formula)"},
			{ColJamPulang, "sel diawali =, +, - atau @ ditolak (dicurigai formula)"}}},
		{"formula in extra column", nipA + ",2026-04-06,07:30,16:00, @SUM(A1)", CSVOptions{},
			[]cell{{"keterangan", "sel diawali =, +, - atau @ ditolak (dicurigai formula)"}}},
		{"quoted formula", nipA + ",2026-04-06,07:30,16:00,\"=1+1\"", CSVOptions{},
			[]cell{{"keterangan", "sel diawali =, +, - atau @ ditolak (dicurigai formula)"}}},
		{"too few columns", nipA + ",2026-04-06,07:30", CSVOptions{},
			[]cell{{"", "jumlah kolom 3, seharusnya 5 seperti baris judul"}}},
		{"unclosed quote", nipA + ",\"2026-04-06,07:30,16:00,", CSVOptions{},
			[]cell{{"", `tanda kutip (") tidak ditutup`}}},
		{"text after quote", nipA + ",\"2026-04-06\"x,07:30,16:00,", CSVOptions{},
			[]cell{{"", `ada teks setelah tanda kutip (") penutup`}}},
		{"invalid UTF-8", nipA + ",2026-04-06,07:30,16:00,Sit\xff", CSVOptions{},
			[]cell{{"", "baris bukan teks UTF-8 yang sah"}}},
		{"NUL byte", nipA + ",2026-04-06,07:30,16:00,\x00", CSVOptions{},
			[]cell{{"", "baris bukan teks UTF-8 yang sah"}}},
		{"line too long", nipA + ",2026-04-06,07:30,16:00," + strings.Repeat("x", 100), CSVOptions{MaxLineBytes: 64},
			[]cell{{"", "baris lebih dari 64 byte"}}},
		{"several errors in one row", "123,2026-13-01,25:00,16:00,", CSVOptions{}, []cell{
			{ColNIP, "NIP harus 18 digit angka"},
			{ColTanggal, "tanggal tidak valid (format YYYY-MM-DD atau DD/MM/YYYY)"},
			{ColJamMasuk, "jam masuk tidak valid (format 07:30 atau 07:30:00)"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			good := nipB + ",2026-04-06,07:30,16:00,ok"
			rows, err := parseAll(t, head+tt.line+"\n"+good+"\n", tt.opts)
			if err != nil {
				t.Fatal(err)
			}
			if len(rows) != 2 || rows[0].Line != 2 || rows[1].Line != 3 || !rows[1].OK() {
				t.Fatalf("parsing did not go on past the bad row: %+v", rows)
			}
			var got []cell
			for _, e := range rows[0].Errors {
				if e.Line != 2 {
					t.Errorf("error line %d, want 2", e.Line)
				}
				got = append(got, cell{e.Column, e.Reason})
			}
			if fmt.Sprint(got) != fmt.Sprint(tt.want) {
				t.Errorf("errors\n got %q\nwant %q", got, tt.want)
			}
		})
	}
}

func TestParseCSVDuplicate(t *testing.T) {
	t.Parallel()
	input := "nip,tanggal,jam_masuk,jam_pulang\n" +
		nipA + ",2026-04-06,07:30,16:00\n" +
		nipA + ",2026-04-07,07:30,16:00\n" +
		nipA + ",06/04/2026,07:31,16:00\n"
	rows, err := parseAll(t, input, CSVOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if !rows[0].OK() || !rows[1].OK() || len(rows[2].Errors) != 1 ||
		rows[2].Errors[0].Error() != "baris 4, kolom tanggal: NIP dan tanggal ini sudah ada di baris 2" {
		t.Errorf("rows %+v", rows)
	}
}

func TestParseCSVFileErrors(t *testing.T) {
	t.Parallel()
	head := "nip,tanggal,jam_masuk,jam_pulang\n"
	tests := []struct {
		name, input string
		opts        CSVOptions
		reason      string
	}{
		{"empty", "", CSVOptions{}, "file kosong"},
		{"BOM only", "\xEF\xBB\xBF", CSVOptions{}, "file kosong"},
		{"UTF-16", "\xFF\xFEn\x00i\x00p\x00", CSVOptions{}, `file berformat UTF-16; simpan ulang sebagai "CSV UTF-8"`},
		{"not UTF-8", "nip,tanggal,jam_masuk,jam_pulang,n\xe9ma\n", CSVOptions{}, "file bukan teks UTF-8 yang sah"},
		{"missing columns", "nip;tanggal;masuk\n", CSVOptions{},
			"kolom wajib tidak ada: jam_masuk, jam_pulang (judul harus memuat nip, tanggal, jam_masuk, jam_pulang)"},
		{"no header", nipA + ",2026-04-06,07:30,16:00\n", CSVOptions{},
			"kolom wajib tidak ada: nip, tanggal, jam_masuk, jam_pulang (judul harus memuat nip, tanggal, jam_masuk, jam_pulang)"},
		{"duplicate column", "nip,tanggal,jam_masuk,jam_pulang,NIP\n", CSVOptions{}, "kolom nip muncul lebih dari sekali"},
		{"formula header", "nip,tanggal,jam_masuk,jam_pulang,=cmd|' /C calc'!A0\n", CSVOptions{},
			"judul kolom diawali =, +, - atau @ ditolak (dicurigai formula)"},
		{"header too long", head[:len(head)-1] + strings.Repeat(",x", 40) + "\n", CSVOptions{MaxLineBytes: 64}, "baris judul lebih dari 64 byte"},
		{"too large", head + strings.Repeat(nipA+",2026-04-06,07:30,16:00\n", 10), CSVOptions{MaxBytes: 200},
			"ukuran file melebihi batas 200 byte"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := parseAll(t, tt.input, tt.opts)
			var fe *FileError
			if !errors.As(err, &fe) || fe.Reason != tt.reason {
				t.Errorf("err = %v, want FileError %q", err, tt.reason)
			}
		})
	}
	// Exactly at the limit is fine.
	input := head + nipA + ",2026-04-06,07:30,16:00\n"
	if _, err := parseAll(t, input, CSVOptions{MaxBytes: int64(len(input))}); err != nil {
		t.Errorf("file of exactly MaxBytes: %v", err)
	}
}

func TestParseCSVStopsOnCallbackError(t *testing.T) {
	t.Parallel()
	stop := errors.New("stop")
	input := "nip,tanggal,jam_masuk,jam_pulang\n" + nipA + ",2026-04-06,07:30,16:00\n" + nipA + ",2026-04-07,07:30,16:00\n"
	calls := 0
	err := ParseCSV(strings.NewReader(input), CSVOptions{}, func(Row) error { calls++; return stop })
	if err != stop || calls != 1 {
		t.Errorf("err %v, calls %d", err, calls)
	}
}

type failingReader struct{}

func (failingReader) Read([]byte) (int, error) { return 0, io.ErrUnexpectedEOF }

func TestParseCSVReadError(t *testing.T) {
	t.Parallel()
	r := io.MultiReader(strings.NewReader("nip,tanggal,jam_masuk,jam_pulang\n"), failingReader{})
	err := ParseCSV(r, CSVOptions{}, func(Row) error { return nil })
	if !errors.Is(err, io.ErrUnexpectedEOF) {
		t.Errorf("err = %v", err)
	}
}

func FuzzParseCSV(f *testing.F) {
	head := "nip,tanggal,jam_masuk,jam_pulang\n"
	for _, s := range []string{
		head + nipA + ",2026-04-06,07:30,16:00\n",
		"\xEF\xBB\xBFNIP;Tanggal;Jam Masuk;Jam Pulang\r\n" + nipB + ";6/4/2026;7.30;-\r\n",
		head + `"` + nipA + `","2026-04-06","07:30",""` + "\n" + nipA + ",2026-04-06,16:00,07:00\n",
		head + "=1+1,@x,+1,-1\n" + nipA + ",\"2026-04-06,07:30,16:00\n",
		head + nipA + ",2026-04-06,07:30:00,16:00:00\n" + nipA + ",2026-04-06,07:30:00,16:00:00\n",
		"\xFF\xFEn\x00",
		"nip\ttanggal\tjam_masuk\tjam_pulang\tx\n\t\t\t\t\n" + nipA + "\t2026-02-29\t7:30\t16:0\t\xff\n",
		head + strings.Repeat("x", 200) + "\n" + ",,,\n\n",
		"",
	} {
		f.Add([]byte(s), false)
	}
	f.Add([]byte(head+nipA+",2026-04-06,20:50,07:05\n"), true)
	f.Fuzz(func(t *testing.T, data []byte, overnight bool) {
		last := 1
		err := ParseCSV(bytes.NewReader(data), CSVOptions{MaxLineBytes: 128, AllowOvernight: overnight}, func(r Row) error {
			if r.Line <= last {
				t.Fatalf("line %d after %d", r.Line, last)
			}
			last = r.Line
			for _, e := range r.Errors {
				if e.Line != r.Line || e.Reason == "" || !utf8.ValidString(e.Error()) {
					t.Fatalf("bad row error %+v on line %d", e, r.Line)
				}
			}
			if !r.OK() {
				return nil
			}
			if err := ValidNIP(r.NIP); err != nil {
				t.Fatalf("accepted NIP %q: %v", r.NIP, err)
			}
			if !r.Date.Valid() || r.Date.Year < 2000 || r.Date.Year > 2099 {
				t.Fatalf("accepted date %v", r.Date)
			}
			for _, c := range []Clock{r.Record.In, r.Record.Out} {
				if c < 0 || c >= clockDay {
					t.Fatalf("accepted time %d", c)
				}
			}
			if !r.Record.HasIn && r.Record.In != 0 || !r.Record.HasOut && r.Record.Out != 0 {
				t.Fatalf("missing time with a value: %+v", r.Record)
			}
			if !overnight && r.Record.HasIn && r.Record.HasOut && r.Record.Out < r.Record.In {
				t.Fatalf("accepted out %s before in %s", r.Record.Out, r.Record.In)
			}
			return nil
		})
		var fe *FileError
		if err != nil && !errors.As(err, &fe) {
			t.Fatalf("unexpected error type %T: %v", err, err)
		}
	})
}

// benchCSV is a 150.000-row export: 5.000 employees for 30 days.
func benchCSV(b *testing.B) []byte {
	b.Helper()
	var buf bytes.Buffer
	buf.WriteString("nip,tanggal,jam_masuk,jam_pulang\n")
	for e := 0; e < 5000; e++ {
		nip := fmt.Sprintf("19%02d%02d%02d20%02d%02d%d%03d", 60+e%40, 1+e%12, 1+e%28, 5+e%20, 1+e%12, 1+e%2, e%1000)
		for d := 1; d <= 30; d++ {
			fmt.Fprintf(&buf, "%s,2026-04-%02d,07:%02d:%02d,16:%02d\n", nip, d, 10+(e+d)%40, e%60, d%60)
		}
	}
	return buf.Bytes()
}

func BenchmarkParseCSV150k(b *testing.B) {
	data := benchCSV(b)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		rows, bad := 0, 0
		err := ParseCSV(bytes.NewReader(data), CSVOptions{}, func(r Row) error {
			rows++
			if !r.OK() {
				bad++
			}
			return nil
		})
		if err != nil || rows != 150_000 || bad != 0 {
			b.Fatalf("rows %d, bad %d, err %v", rows, bad, err)
		}
	}
}
