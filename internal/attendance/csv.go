package attendance

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/ekinerja/ekinerja/internal/tabular"
)

// Column names of a fingerprint export, as RowError.Column reports them.
const (
	// ColNIP is the employee's NIP or NI PPPK column.
	ColNIP = "nip"
	// ColTanggal is the date column.
	ColTanggal = "tanggal"
	// ColJamMasuk is the time-in column.
	ColJamMasuk = "jam_masuk"
	// ColJamPulang is the time-out column.
	ColJamPulang = "jam_pulang"
)

// DefaultMaxLineBytes is the longest line ParseCSV accepts when
// CSVOptions.MaxLineBytes is 0; a real row is about 50 bytes.
const DefaultMaxLineBytes = 4096

// CSVOptions tunes ParseCSV; the zero value is a strict parser.
type CSVOptions struct {
	// MaxLineBytes caps one line, line ending excluded (0: DefaultMaxLineBytes).
	// A longer data line is a row error; a longer header line ends the parse.
	MaxLineBytes int
	// MaxBytes, when positive, caps the whole input: ParseCSV fails with a
	// FileError once more arrives. Prefer it (or http.MaxBytesReader) to an
	// io.LimitReader, which ends the input silently mid-line: a file cut right
	// after "07:30," would read as a valid row with no time out.
	MaxBytes int64
	// AllowOvernight accepts a time out earlier than the time in, meaning the
	// next morning, for units with night shifts; JudgeDay then places the time
	// by the shift. Without it such a row is refused.
	AllowOvernight bool
}

// Row is one data row of a fingerprint export. Fields that could not be read
// are left zero and Errors says why; a row without Errors is complete.
type Row struct {
	// Line is the 1-based line number in the file (the header is line 1).
	Line   int
	NIP    string
	Date   Date
	Record Record
	Errors []RowError
}

// OK reports whether the row has no errors.
func (r Row) OK() bool { return len(r.Errors) == 0 }

func (r *Row) fail(column, reason string) {
	r.Errors = append(r.Errors, RowError{Line: r.Line, Column: column, Reason: reason})
}

// RowError is one problem in one row, with a Bahasa Indonesia reason fit for
// the import report. It never quotes the cell, so the report cannot carry a
// formula or script from the file.
type RowError struct {
	Line int
	// Column is one of the Col constants, another header name, or "" for the
	// whole line.
	Column string
	Reason string
}

// Error formats e as "baris 12, kolom tanggal: tanggal tidak valid".
func (e RowError) Error() string {
	if e.Column == "" {
		return fmt.Sprintf("baris %d: %s", e.Line, e.Reason)
	}
	return fmt.Sprintf("baris %d, kolom %s: %s", e.Line, e.Column, e.Reason)
}

// FileError is a problem with the file as a whole (encoding, header, size),
// with a Bahasa Indonesia reason; nothing in such a file can be imported.
type FileError struct {
	Line   int
	Reason string
}

// Error formats e as "baris 1: kolom wajib tidak ada: jam_pulang".
func (e *FileError) Error() string { return fmt.Sprintf("baris %d: %s", e.Line, e.Reason) }

// ParseCSV streams a fingerprint export from r and calls fn once per data row
// in file order, rows with errors included; blank rows are skipped. It stops
// with fn's error, unwrapped, as soon as fn returns one.
//
// Format: a header naming the columns nip, tanggal, jam_masuk and jam_pulang in
// any order (case and a space for "_" do not matter; other columns are
// allowed and ignored, but checked for formulas), separated by commas,
// semicolons (Excel in an Indonesian locale) or tabs, as the header shows.
// Fields may be quoted as in RFC 4180 but may not span lines. tanggal is
// YYYY-MM-DD or DD/MM/YYYY (one-digit day and month allowed) in 2000-2099; the
// times are HH:MM or HH:MM:SS (also "07.30"), and either may be empty or "-".
// The row's date is the date the working day or shift starts. The NIP may
// carry its display spaces ("19900101 201503 1 001"). Each (NIP, tanggal)
// may appear once; remembering them costs about 40 bytes per row, bounded by
// the file size limit.
//
// The input must be UTF-8; a UTF-8 byte order mark is skipped and a UTF-16 one
// refused. A cell that starts with = + - or @ (other than a lone "-") is
// refused: opened in a spreadsheet it could run as a formula. ParseCSV returns
// a *FileError for a bad file (empty, bad header, UTF-16, too large), a wrapped
// read error, fn's error, or nil.
func ParseCSV(r io.Reader, opts CSVOptions, fn func(Row) error) error {
	p := &csvParser{
		maxLine:   opts.MaxLineBytes,
		maxBytes:  opts.MaxBytes,
		overnight: opts.AllowOvernight,
		seen:      make(map[rowKey]int32),
	}
	if p.maxLine <= 0 {
		p.maxLine = DefaultMaxLineBytes
	}
	if p.maxBytes > 0 {
		r = &maxBytesReader{r: r, n: p.maxBytes}
	}
	p.br = bufio.NewReaderSize(r, p.maxLine+2)
	if err := p.readHeader(); err != nil {
		return err
	}
	for {
		row, ok, err := p.next()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
		if !ok {
			continue
		}
		if err := fn(row); err != nil {
			return err
		}
	}
}

type rowKey struct {
	nip  uint64 // 18 digits fit: 10^18 < 2^64
	date int32  // YYYYMMDD
}

type csvParser struct {
	br        *bufio.Reader
	maxLine   int
	maxBytes  int64
	overnight bool
	line      int
	delim     byte
	names     []string // normalised header names, by field index
	col       [4]int   // field index of nip, tanggal, jam_masuk, jam_pulang
	fields    [][]byte
	seen      map[rowKey]int32
	lastNIP   string // exports group rows by employee: reuse the string
}

var errTooLarge = errors.New("attendance: input larger than MaxBytes")

func (p *csvParser) ioErr(err error) error {
	if errors.Is(err, errTooLarge) {
		return &FileError{Line: p.line, Reason: fmt.Sprintf("ukuran file melebihi batas %d byte", p.maxBytes)}
	}
	return fmt.Errorf("attendance: reading CSV line %d: %w", p.line, err)
}

// readLine returns the next physical line without its line ending. tooLong
// reports a line over maxLine bytes, whose content is discarded.
func (p *csvParser) readLine() (line []byte, tooLong bool, err error) {
	p.line++
	b, err := p.br.ReadSlice('\n')
	if errors.Is(err, bufio.ErrBufferFull) {
		for errors.Is(err, bufio.ErrBufferFull) {
			_, err = p.br.ReadSlice('\n')
		}
		if err != nil && err != io.EOF {
			return nil, true, err
		}
		return nil, true, nil
	}
	if err != nil && (err != io.EOF || len(b) == 0) {
		return nil, false, err
	}
	b = bytes.TrimSuffix(b, []byte{'\n'})
	b = bytes.TrimSuffix(b, []byte{'\r'})
	return b, len(b) > p.maxLine, nil
}

var requiredColumns = [4]string{ColNIP, ColTanggal, ColJamMasuk, ColJamPulang}

func (p *csvParser) readHeader() error {
	switch lead, err := p.br.Peek(3); {
	case err != nil && err != io.EOF:
		return p.ioErr(err)
	case bytes.HasPrefix(lead, []byte{0xEF, 0xBB, 0xBF}):
		_, _ = p.br.Discard(3)
	case bytes.HasPrefix(lead, []byte{0xFF, 0xFE}), bytes.HasPrefix(lead, []byte{0xFE, 0xFF}):
		return &FileError{Line: 1, Reason: `file berformat UTF-16; simpan ulang sebagai "CSV UTF-8"`}
	}
	line, tooLong, err := p.readLine()
	switch {
	case err == io.EOF:
		return &FileError{Line: 1, Reason: "file kosong"}
	case err != nil:
		return p.ioErr(err)
	case tooLong:
		return &FileError{Line: 1, Reason: fmt.Sprintf("baris judul lebih dari %d byte", p.maxLine)}
	case !utf8.Valid(line) || bytes.IndexByte(line, 0) >= 0:
		return &FileError{Line: 1, Reason: "file bukan teks UTF-8 yang sah"}
	}

	var best []string
	bestFound := -1
	for _, delim := range []byte{',', ';', '\t'} {
		cells, bad := splitFields(line, delim, nil)
		if bad != "" {
			continue
		}
		names := make([]string, len(cells))
		col := [4]int{-1, -1, -1, -1}
		found := 0
		for i, c := range cells {
			names[i] = headerName(c)
			for k, req := range requiredColumns {
				if names[i] != req {
					continue
				}
				if col[k] >= 0 {
					return &FileError{Line: 1, Reason: fmt.Sprintf("kolom %s muncul lebih dari sekali", req)}
				}
				col[k] = i
				found++
			}
		}
		if found == len(requiredColumns) {
			for _, c := range cells {
				if isFormula(bytes.TrimSpace(c)) {
					return &FileError{Line: 1, Reason: "judul kolom diawali =, +, - atau @ ditolak (dicurigai formula)"}
				}
			}
			p.delim, p.names, p.col = delim, names, col
			return nil
		}
		if found > bestFound {
			bestFound = found
			best = best[:0]
			for k, req := range requiredColumns {
				if col[k] < 0 {
					best = append(best, req)
				}
			}
		}
	}
	return &FileError{Line: 1, Reason: "kolom wajib tidak ada: " + strings.Join(best, ", ") +
		" (judul harus memuat nip, tanggal, jam_masuk, jam_pulang)"}
}

// headerName normalises a header cell: trimmed, lower case, "_" for spaces
// and hyphens ("Jam Masuk" and "jam-masuk" are jam_masuk).
func headerName(c []byte) string {
	s := strings.ToLower(string(bytes.TrimSpace(c)))
	return strings.NewReplacer(" ", "_", "-", "_").Replace(s)
}

// next reads one data row; ok is false for a blank row.
func (p *csvParser) next() (row Row, ok bool, err error) {
	line, tooLong, err := p.readLine()
	if err == io.EOF {
		return Row{}, false, io.EOF
	}
	if err != nil {
		return Row{}, false, p.ioErr(err)
	}
	row.Line = p.line
	if tooLong {
		row.fail("", fmt.Sprintf("baris lebih dari %d byte", p.maxLine))
		return row, true, nil
	}
	if !utf8.Valid(line) || bytes.IndexByte(line, 0) >= 0 {
		row.fail("", "baris bukan teks UTF-8 yang sah")
		return row, true, nil
	}
	fields, bad := splitFields(line, p.delim, p.fields)
	p.fields = fields
	if bad != "" {
		row.fail("", bad)
		return row, true, nil
	}
	blank := true
	for i := range fields {
		fields[i] = bytes.TrimSpace(fields[i])
		blank = blank && len(fields[i]) == 0
	}
	if blank {
		return Row{}, false, nil
	}
	if len(fields) != len(p.names) {
		row.fail("", fmt.Sprintf("jumlah kolom %d, seharusnya %d seperti baris judul", len(fields), len(p.names)))
		return row, true, nil
	}
	var refused [4]bool
	for i, f := range fields {
		if !isFormula(f) {
			continue
		}
		row.fail(p.names[i], "sel diawali =, +, - atau @ ditolak (dicurigai formula)")
		for k, c := range p.col {
			refused[k] = refused[k] || c == i
		}
	}

	nipOK, dateOK := false, false
	if f := fields[p.col[0]]; !refused[0] {
		nipOK = p.readNIP(&row, f)
	}
	if f := fields[p.col[1]]; !refused[1] {
		dateOK = p.readDate(&row, f)
	}
	inOK := !refused[2] && p.readClock(&row, fields[p.col[2]], ColJamMasuk, "jam masuk", &row.Record.In, &row.Record.HasIn)
	outOK := !refused[3] && p.readClock(&row, fields[p.col[3]], ColJamPulang, "jam pulang", &row.Record.Out, &row.Record.HasOut)
	if inOK && outOK && row.Record.HasIn && row.Record.HasOut && row.Record.Out < row.Record.In && !p.overnight {
		row.fail(ColJamPulang, "jam pulang lebih awal dari jam masuk")
	}
	if nipOK && dateOK {
		n, _ := atoi(row.NIP[:9])
		m, _ := atoi(row.NIP[9:])
		k := rowKey{nip: uint64(n)*1_000_000_000 + uint64(m), date: int32(row.Date.Year*10000 + int(row.Date.Month)*100 + row.Date.Day)}
		if first, dup := p.seen[k]; dup {
			row.fail(ColTanggal, fmt.Sprintf("NIP dan tanggal ini sudah ada di baris %d", first))
		} else {
			p.seen[k] = int32(row.Line)
		}
	}
	return row, true, nil
}

func (p *csvParser) readNIP(row *Row, f []byte) bool {
	if len(f) == 0 {
		row.fail(ColNIP, "NIP wajib diisi")
		return false
	}
	if string(f) == p.lastNIP && p.lastNIP != "" {
		row.NIP = p.lastNIP
		return true
	}
	var nip string
	if bytes.IndexByte(f, ' ') >= 0 {
		nip = strings.ReplaceAll(string(f), " ", "")
	} else {
		nip = string(f)
	}
	if err := ValidNIP(nip); err != nil {
		if tabular.LooksExcelNumber(string(f)) {
			// The cell is a number in scientific notation, safe to quote.
			row.fail(ColNIP, tabular.NumberAsTextMessage("NIP", string(f)))
		} else {
			row.fail(ColNIP, err.Error())
		}
		return false
	}
	row.NIP, p.lastNIP = nip, nip
	return true
}

func (p *csvParser) readDate(row *Row, f []byte) bool {
	if len(f) == 0 {
		row.fail(ColTanggal, "tanggal wajib diisi")
		return false
	}
	d, ok := parseCSVDate(f)
	if !ok {
		row.fail(ColTanggal, "tanggal tidak valid (format YYYY-MM-DD atau DD/MM/YYYY)")
		return false
	}
	row.Date = d
	return true
}

func (p *csvParser) readClock(row *Row, f []byte, column, label string, dst *Clock, has *bool) bool {
	if len(f) == 0 || (len(f) == 1 && f[0] == '-') {
		return true
	}
	c, ok := parseClock(f)
	if !ok {
		row.fail(column, label+" tidak valid (format 07:30 atau 07:30:00)")
		return false
	}
	*dst, *has = c, true
	return true
}

// parseCSVDate accepts YYYY-MM-DD and D/M/YYYY or DD/MM/YYYY, years 2000-2099.
func parseCSVDate(b []byte) (Date, bool) {
	d, ok := parseISODate(b)
	if !ok {
		d, ok = parseDMY(b)
	}
	return d, ok && d.Year >= 2000 && d.Year <= 2099
}

func parseDMY(b []byte) (Date, bool) {
	i := bytes.IndexByte(b, '/')
	if i < 1 || i > 2 {
		return Date{}, false
	}
	rest := b[i+1:]
	j := bytes.IndexByte(rest, '/')
	if j < 1 || j > 2 || len(rest)-j-1 != 4 {
		return Date{}, false
	}
	day, ok1 := atoi(b[:i])
	month, ok2 := atoi(rest[:j])
	year, ok3 := atoi(rest[j+1:])
	d := Date{year, time.Month(month), day}
	return d, ok1 && ok2 && ok3 && d.Valid()
}

// isFormula reports whether a trimmed cell could run as a spreadsheet formula.
// A lone "-", the usual "no value" mark, cannot and is allowed.
func isFormula(c []byte) bool {
	if len(c) == 0 || (len(c) == 1 && c[0] == '-') {
		return false
	}
	switch c[0] {
	case '=', '+', '-', '@':
		return true
	}
	return false
}

// splitFields splits one line on delim into dst (reused), honouring RFC 4180
// quotes within the line. Fields alias line unless a doubled quote had to be
// unescaped. A non-empty reason says why the line cannot be split.
func splitFields(line []byte, delim byte, dst [][]byte) (fields [][]byte, reason string) {
	dst = dst[:0]
	i := 0
	for {
		j := i
		for j < len(line) && line[j] == ' ' {
			j++
		}
		if j == len(line) || line[j] != '"' {
			k := bytes.IndexByte(line[i:], delim)
			if k < 0 {
				return append(dst, line[i:]), ""
			}
			dst = append(dst, line[i:i+k])
			i += k + 1
			continue
		}
		var unescaped []byte
		k, start, closed := j+1, j+1, false
		for k < len(line) {
			if line[k] != '"' {
				k++
				continue
			}
			if k+1 < len(line) && line[k+1] == '"' {
				unescaped = append(unescaped, line[start:k+1]...)
				k += 2
				start = k
				continue
			}
			closed = true
			break
		}
		if !closed {
			return dst, `tanda kutip (") tidak ditutup`
		}
		field := line[start:k]
		if unescaped != nil {
			field = append(unescaped, field...)
		}
		k++
		for k < len(line) && line[k] == ' ' {
			k++
		}
		dst = append(dst, field)
		if k == len(line) {
			return dst, ""
		}
		if line[k] != delim {
			return dst, `ada teks setelah tanda kutip (") penutup`
		}
		i = k + 1
	}
}

// maxBytesReader passes at most n bytes of r through and then fails with
// errTooLarge, so an oversized file is refused rather than cut short.
type maxBytesReader struct {
	r   io.Reader
	n   int64
	err error
}

func (l *maxBytesReader) Read(p []byte) (int, error) {
	if l.err != nil {
		return 0, l.err
	}
	if len(p) == 0 {
		return 0, nil
	}
	if int64(len(p)) > l.n+1 {
		p = p[:l.n+1]
	}
	n, err := l.r.Read(p)
	if int64(n) <= l.n {
		l.n -= int64(n)
		l.err = err
		return n, err
	}
	n = int(l.n)
	l.n = 0
	l.err = errTooLarge
	return n, l.err
}
