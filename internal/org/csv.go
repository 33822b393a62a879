package org

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"github.com/ekinerja/ekinerja/internal/csvsafe"
)

// MaxImportBytes is the largest CSV file accepted (10 MB).
const MaxImportBytes = 10 << 20

// maxLineBytes caps one line: a real employee row is about 200 bytes.
const maxLineBytes = 8 << 10

// RowError is one problem in one cell of a CSV file.
type RowError struct {
	Line   int    `json:"baris"`
	Column string `json:"kolom"`
	Reason string `json:"alasan"`
}

// FileError refuses a whole file (size, encoding, header); its text is for people.
type FileError struct{ Reason string }

// Error returns the reason.
func (e *FileError) Error() string { return e.Reason }

var errTooBig = errors.New("too big")

// capReader fails once more than max bytes arrive, unlike io.LimitReader
// which would silently cut the last row in half.
type capReader struct {
	r   io.Reader
	n   int64
	max int64
}

func (c *capReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	if c.n > c.max {
		return n, errTooBig
	}
	return n, err
}

// scanCSV streams a CSV file with the given columns and calls each for every
// data row with its 1-based line number, its cells (trimmed) and the problems
// found in it so far. It accepts ',' or ';' as separator (spreadsheets in
// Indonesian locales write ';') and a UTF-8 byte-order mark. It returns a
// *FileError when the whole file must be refused.
func scanCSV(r io.Reader, cols []string, maxBytes int64, each func(line int, cells []string, errs []RowError)) error {
	br := bufio.NewReaderSize(&capReader{r: r, max: maxBytes}, 64<<10)
	head, err := br.Peek(4096)
	if err != nil && !errors.Is(err, io.EOF) && !errors.Is(err, bufio.ErrBufferFull) {
		if errors.Is(err, errTooBig) {
			return &FileError{Reason: "Berkas lebih besar dari 10 MB. Pecah menjadi beberapa berkas."}
		}
		return fmt.Errorf("read csv: %w", err)
	}
	switch {
	case len(head) == 0:
		return &FileError{Reason: "Berkas kosong."}
	case bytes.HasPrefix(head, []byte{0xFF, 0xFE}) || bytes.HasPrefix(head, []byte{0xFE, 0xFF}):
		return &FileError{Reason: "Berkas tersimpan sebagai UTF-16. Simpan ulang sebagai \"CSV UTF-8\"."}
	case bytes.HasPrefix(head, []byte{0xEF, 0xBB, 0xBF}):
		br.Discard(3)
		head = head[3:]
	}
	first := head
	if i := bytes.IndexByte(first, '\n'); i >= 0 {
		first = first[:i]
	}
	cr := csv.NewReader(br)
	if bytes.Count(first, []byte{';'}) > bytes.Count(first, []byte{','}) {
		cr.Comma = ';'
	}
	cr.FieldsPerRecord = -1
	cr.ReuseRecord = true
	headerDone := false
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if errors.Is(err, errTooBig) {
			return &FileError{Reason: "Berkas lebih besar dari 10 MB. Pecah menjadi beberapa berkas."}
		}
		var pe *csv.ParseError
		if err != nil && !errors.As(err, &pe) {
			return fmt.Errorf("read csv: %w", err)
		}
		if pe != nil {
			line := pe.StartLine
			if !headerDone {
				return &FileError{Reason: fmt.Sprintf("Baris judul tidak dapat dibaca: %s.", csvReason(pe))}
			}
			each(line, nil, []RowError{{Line: line, Column: "-", Reason: "Baris tidak dapat dibaca: " + csvReason(pe) + "."}})
			continue
		}
		line, _ := cr.FieldPos(0)
		for _, c := range rec {
			if !utf8.ValidString(c) {
				return &FileError{Reason: fmt.Sprintf("Berkas bukan UTF-8 (baris %d). Simpan ulang sebagai \"CSV UTF-8\".", line)}
			}
			if len(c) > maxLineBytes {
				return &FileError{Reason: fmt.Sprintf("Baris %d terlalu panjang.", line)}
			}
		}
		if !headerDone {
			if !headerMatches(rec, cols) {
				got := make([]string, len(rec))
				for i, c := range rec {
					got[i] = strings.TrimSpace(c)
				}
				return &FileError{Reason: fmt.Sprintf("Baris judul harus tepat: %s (ditemukan: %s). Unduh templat untuk contoh.",
					strings.Join(cols, ","), truncate(strings.Join(got, ","), 300))}
			}
			headerDone = true
			continue
		}
		if isBlank(rec) {
			continue
		}
		var errs []RowError
		if len(rec) != len(cols) {
			errs = append(errs, RowError{Line: line, Column: "-", Reason: fmt.Sprintf("Jumlah kolom %d, seharusnya %d.", len(rec), len(cols))})
		}
		cells := make([]string, len(cols))
		for i := range cols {
			if i >= len(rec) {
				break
			}
			raw := rec[i]
			if csvsafe.IsFormula(raw) {
				t := strings.TrimLeft(raw, " ")
				errs = append(errs, RowError{Line: line, Column: cols[i],
					Reason: fmt.Sprintf("Isi sel diawali %q ditolak (mencegah injeksi formula). Hapus karakter awal itu.", t[:1])})
			}
			cells[i] = strings.TrimSpace(raw)
		}
		each(line, cells, errs)
	}
	if !headerDone {
		return &FileError{Reason: "Berkas kosong."}
	}
	return nil
}

func csvReason(pe *csv.ParseError) string {
	switch {
	case errors.Is(pe.Err, csv.ErrQuote), errors.Is(pe.Err, csv.ErrBareQuote):
		return "tanda kutip tidak berpasangan"
	case errors.Is(pe.Err, csv.ErrFieldCount):
		return "jumlah kolom salah"
	}
	return "format CSV salah"
}

func headerMatches(rec, cols []string) bool {
	if len(rec) != len(cols) {
		return false
	}
	for i, c := range rec {
		if !strings.EqualFold(strings.TrimSpace(c), cols[i]) {
			return false
		}
	}
	return true
}

func isBlank(rec []string) bool {
	for _, c := range rec {
		if strings.TrimSpace(c) != "" {
			return false
		}
	}
	return true
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n] + "…"
}
