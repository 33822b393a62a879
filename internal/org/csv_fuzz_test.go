package org

import (
	"errors"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/ekinerja/ekinerja/internal/csvsafe"
)

// FuzzScanCSV feeds arbitrary bytes to the CSV reader: it must never panic,
// every row it yields has the header's width, a line number after the
// header, valid UTF-8, and no cell that starts a formula without an error.
func FuzzScanCSV(f *testing.F) {
	cols := importColumns[ImportPegawai]
	f.Add([]byte(ImportTemplate(ImportPegawai)))
	f.Add([]byte(ImportTemplate(ImportJabatan)))
	f.Add([]byte(strings.ReplaceAll(ImportTemplate(ImportPegawai), ",", ";")))
	f.Add([]byte("\xef\xbb\xbf" + strings.Join(cols, ",") + "\n=1,\"a\nb\",+x\n"))
	f.Add([]byte(strings.Join(cols, ",") + "\n\"unterminated\n"))
	f.Add([]byte("\xff\xfe\x00n"))
	f.Add([]byte(strings.Join(cols, ",") + "\nJos\xe9,x\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		err := scanCSV(strings.NewReader(string(data)), cols, 1<<16, func(line int, cells []string, errs []RowError) {
			if line < 2 {
				t.Fatalf("data row on line %d", line)
			}
			if cells == nil {
				if len(errs) == 0 {
					t.Fatal("unreadable row without an error")
				}
				return
			}
			if len(cells) != len(cols) {
				t.Fatalf("row width %d", len(cells))
			}
			flagged := map[string]bool{}
			for _, e := range errs {
				if e.Line != line || e.Reason == "" {
					t.Fatalf("bad error %+v on line %d", e, line)
				}
				flagged[e.Column] = true
			}
			for i, c := range cells {
				if !utf8.ValidString(c) {
					t.Fatalf("invalid UTF-8 cell %q", c)
				}
				if csvsafe.IsFormula(c) && !flagged[cols[i]] {
					t.Fatalf("formula cell %q in %s not flagged", c, cols[i])
				}
			}
		})
		var fe *FileError
		if err != nil && !errors.As(err, &fe) {
			t.Fatalf("non-file error from an in-memory reader: %v", err)
		}
	})
}
