package attendance

import (
	"bytes"
	"fmt"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/ekinerja/ekinerja/internal/tabular"
)

// A Scan is one raw fingerprint scan: who (the machine's own PIN) touched
// which machine when. At is the machine's wall clock as seconds since
// 1970-01-01 00:00 of that clock (no zone: the machine shows local time).
type Scan struct {
	Line int
	// Serial is the machine's serial number when the file names it per row
	// (a scan list of several machines); "" means the machine of the import.
	Serial string
	PIN    string
	At     int64
	// State is the machine's in/out state (0 check-in, 1 check-out, 2 break
	// out, 3 break in, 4 overtime in, 5 overtime out), or -1 when unknown. It
	// is a hint only: people press the wrong key.
	State  int16
	Verify int16
}

// Date is the scan's calendar date.
func (s Scan) Date() Date {
	t := time.Unix(s.At, 0).UTC()
	return Date{t.Year(), t.Month(), t.Day()}
}

// Clock is the scan's wall-clock time of day.
func (s Scan) Clock() Clock { return Clock(s.At % int64(clockDay)) }

// scanAt builds a Scan time from a date and a clock.
func scanAt(d Date, c Clock) int64 { return d.utc().Unix() + int64(c) }

// Column names the scan report uses.
const (
	ColPIN   = "pin"
	ColWaktu = "waktu"
)

var pinRe = regexp.MustCompile(`^[0-9A-Za-z]{1,24}$`)

// ParseAttlog reads a ZKTeco-style attlog export: one scan per line,
// `PIN <tab> YYYY-MM-DD HH:MM:SS <tab> verify <tab> state <tab> workcode ...`
// (tabs or runs of spaces; the PIN may be padded; the fields after the time
// are optional). Blank lines are skipped; a line that cannot be read is a
// RowError and the rest is read on.
func ParseAttlog(data []byte, fn func(Scan)) []RowError {
	var errs []RowError
	line := 0
	for len(data) > 0 {
		line++
		var l []byte
		if i := bytes.IndexByte(data, '\n'); i >= 0 {
			l, data = data[:i], data[i+1:]
		} else {
			l, data = data, nil
		}
		if line == 1 {
			l = bytes.TrimPrefix(l, []byte{0xEF, 0xBB, 0xBF})
		}
		f := bytes.Fields(l)
		if len(f) == 0 {
			continue
		}
		sc, reason := attlogLine(f)
		if reason != "" {
			errs = append(errs, RowError{Line: line, Reason: reason})
			continue
		}
		sc.Line = line
		fn(sc)
	}
	return errs
}

func attlogLine(f [][]byte) (Scan, string) {
	sc := Scan{State: -1}
	if len(f) < 3 {
		return sc, "baris harus memuat PIN, tanggal dan jam"
	}
	if !pinRe.Match(f[0]) {
		return sc, "PIN harus 1 sampai 24 huruf atau angka"
	}
	sc.PIN = string(f[0])
	d, ok := scanDate(f[1])
	if !ok {
		return sc, "tanggal tidak valid (format YYYY-MM-DD)"
	}
	c, ok := parseClock(f[2])
	if !ok {
		return sc, "jam tidak valid (format HH:MM:SS)"
	}
	sc.At = scanAt(d, c)
	if len(f) > 3 {
		if v, err := strconv.ParseInt(string(f[3]), 10, 16); err == nil {
			sc.Verify = int16(v)
		}
	}
	if len(f) > 4 {
		if v, err := strconv.ParseInt(string(f[4]), 10, 16); err == nil && v >= 0 {
			sc.State = int16(v)
		}
	}
	return sc, ""
}

// scanDate reads YYYY-MM-DD, YYYY/MM/DD or DD/MM/YYYY (2000-2099).
func scanDate(b []byte) (Date, bool) {
	if len(b) == 10 && b[4] == '/' && b[7] == '/' {
		c := append([]byte(nil), b...)
		c[4], c[7] = '-', '-'
		b = c
	}
	return parseCSVDate(b)
}

// Scan-list header aliases, matched after tabular.HeaderName: the columns of
// the desktop software of ZKTeco (Attendance Management, ZKTime), Solution
// and Fingerspot, in Indonesian and English.
var (
	hdrPIN    = []string{"pin", "acno", "noid", "userid", "enrollno", "enrollnumber", "idpegawai", "nopegawai", "idkaryawan", "id", "no"}
	hdrWaktu  = []string{"waktu", "time", "datetime", "tanggaljam", "tanggalwaktu", "waktuscan", "scantime", "checktime", "tanggalscan"}
	hdrTgl    = []string{"tanggal", "date", "tgl"}
	hdrJam    = []string{"jam", "jamscan", "pukul"}
	hdrState  = []string{"status", "state", "io", "inout", "checktype", "statusscan"}
	hdrSerial = []string{"sn", "serial", "serialnumber", "nomorseri", "noseri", "snmesin"}
	hdrVerify = []string{"verifikasi", "verify", "verifycode", "verifytype"}
)

func findCol(names []string, aliases []string) int {
	for _, a := range aliases {
		for i, n := range names {
			if n == a {
				return i
			}
		}
	}
	return -1
}

// ParseScanTable reads a scan list exported by a machine's desktop software
// (.xlsx, an ".xls" that is an HTML table or text, or CSV): a header row, then
// one scan per row, with a PIN column (PIN, AC-No., No. ID, User ID ...) and
// either one date-time column (Waktu, Time, Tanggal Scan ...) or a date
// (Tanggal) and a time (Jam) column; optional status (State, I/O: a number or
// C/In, C/Out, Masuk, Pulang), verification and serial number (SN) columns.
// Dates are YYYY-MM-DD, YYYY/MM/DD, DD/MM/YYYY or an Excel date cell.
// Rows above the header (a title, the period) are skipped: the header is the
// first row with a PIN and a time column. A FileError refuses the file.
func ParseScanTable(t *tabular.Table, fn func(Scan)) ([]RowError, error) {
	hdr := -1
	var iPIN, iWaktu, iTgl, iJam, iState, iSerial, iVerify int
	for r := 0; r < len(t.Rows) && r < 20; r++ {
		names := make([]string, len(t.Rows[r]))
		for i, c := range t.Rows[r] {
			names[i] = tabular.HeaderName(c)
		}
		iPIN = findCol(names, hdrPIN)
		iWaktu, iTgl, iJam = findCol(names, hdrWaktu), findCol(names, hdrTgl), findCol(names, hdrJam)
		if iPIN >= 0 && (iWaktu >= 0 || iTgl >= 0) {
			iState, iSerial, iVerify = findCol(names, hdrState), findCol(names, hdrSerial), findCol(names, hdrVerify)
			// "No." is a running number when a real PIN column is there too.
			if names[iPIN] == "no" || names[iPIN] == "id" {
				for _, a := range hdrPIN[:len(hdrPIN)-2] {
					if j := findCol(names, []string{a}); j >= 0 {
						iPIN = j
						break
					}
				}
			}
			hdr = r
			break
		}
	}
	if hdr < 0 {
		return nil, &tabular.FileError{Reason: "Judul kolom tidak ditemukan: berkas harus memuat kolom PIN (atau AC-No./No. ID) dan kolom waktu (atau Tanggal dan Jam)."}
	}
	var errs []RowError
	for r := hdr + 1; r < len(t.Rows); r++ {
		row, line := t.Rows[r], t.Lines[r]
		sc := Scan{Line: line, State: -1}
		pin := strings.TrimLeft(tabular.Cell(row, iPIN), "'")
		if f, err := strconv.ParseFloat(pin, 64); err == nil && strings.Contains(pin, ".") && f == float64(int64(f)) {
			pin = strconv.FormatInt(int64(f), 10) // an Excel number cell "25.0"
		}
		if !pinRe.MatchString(pin) {
			errs = append(errs, RowError{Line: line, Column: ColPIN, Reason: "PIN harus 1 sampai 24 huruf atau angka"})
			continue
		}
		sc.PIN = pin
		var at int64
		var ok bool
		if iWaktu >= 0 {
			at, ok = tableDateTime(tabular.Cell(row, iWaktu))
		} else {
			at, ok = tableDateAndTime(tabular.Cell(row, iTgl), tabular.Cell(row, iJam))
		}
		if !ok {
			errs = append(errs, RowError{Line: line, Column: ColWaktu, Reason: "tanggal dan jam tidak valid (format YYYY-MM-DD HH:MM:SS atau DD/MM/YYYY HH:MM)"})
			continue
		}
		sc.At = at
		sc.State = stateOf(tabular.Cell(row, iState))
		if v, err := strconv.ParseInt(tabular.Cell(row, iVerify), 10, 16); err == nil {
			sc.Verify = int16(v)
		}
		sc.Serial = tabular.Cell(row, iSerial)
		fn(sc)
	}
	return errs, nil
}

// tableDateTime reads one date-time cell: text "2026-10-01 07:25:13",
// "01/10/2026 07:25" or an Excel serial.
func tableDateTime(s string) (int64, bool) {
	s = strings.TrimSpace(s)
	if f := strings.Fields(s); len(f) == 2 {
		d, ok := scanDate([]byte(f[0]))
		c, ok2 := parseClock([]byte(f[1]))
		return scanAt(d, c), ok && ok2
	}
	if t, ok := tabular.ExcelDateTime(s); ok && strings.Contains(s, ".") {
		return t.Unix(), t.Year() >= 2000 && t.Year() <= 2099
	}
	return 0, false
}

// tableDateAndTime reads a date cell and a time cell (text or Excel serials).
func tableDateAndTime(ds, ts string) (int64, bool) {
	ds, ts = strings.TrimSpace(ds), strings.TrimSpace(ts)
	d, ok := scanDate([]byte(ds))
	if !ok {
		t, ok2 := tabular.ExcelDateTime(ds)
		if !ok2 || t.Year() < 2000 || t.Year() > 2099 {
			return 0, false
		}
		d = Date{t.Year(), t.Month(), t.Day()}
	}
	c, ok := parseClock([]byte(ts))
	if !ok {
		days, secs, ok2 := tabular.ExcelSerial(ts)
		if !ok2 || days != 0 {
			return 0, false
		}
		c = Clock(secs)
	}
	return scanAt(d, c), true
}

// stateOf reads a state cell: a number, or the words the desktop software
// writes (C/In, C/Out, Check In, Masuk, Pulang, Keluar).
func stateOf(s string) int16 {
	if v, err := strconv.ParseInt(strings.TrimSpace(s), 10, 16); err == nil && v >= 0 {
		return int16(v)
	}
	switch n := tabular.HeaderName(s); {
	case n == "":
		return -1
	case strings.Contains(n, "out") || strings.Contains(n, "pulang") || strings.Contains(n, "keluar"):
		return 1
	case strings.Contains(n, "in") || strings.Contains(n, "masuk") || strings.Contains(n, "datang"):
		return 0
	}
	return -1
}

// doubleTap is how close two scans must be to count as one touch: people
// press twice when the machine is slow to beep.
const doubleTap = 10 * 60

// PairScans turns one employee's scans into a record per working day.
// window gives the scheduled window of a date (zero for a day off; on a
// holiday the window that would have applied).
//
// A scan belongs to its calendar date, except that a scan before the middle
// of the off-duty gap after a night window (one ending past midnight) belongs
// to the previous date, its clock past 24:00. Per date the first scan is the
// time in and the last the time out. When all scans of a date lie within ten
// minutes of each other they count as one touch, placed by its time: before
// the window's start it is the time in, after its end the time out; inside
// the window the machine's state decides when it says in (0) or out (1), and
// otherwise the nearer edge of the window. On a day off one touch is a time in.
//
// scans need not be sorted; equal times count once. The result is by date.
func PairScans(scans []Scan, window func(Date) Window) map[Date]Record {
	sort.Slice(scans, func(i, j int) bool { return scans[i].At < scans[j].At })
	type slot struct {
		first, last Clock
		state       int16
		n           int
	}
	days := map[Date]*slot{}
	var order []Date
	for i, sc := range scans {
		if i > 0 && sc.At == scans[i-1].At {
			continue
		}
		d, c := sc.Date(), sc.Clock()
		prev := d.AddDays(-1)
		if w := window(prev); w.CrossesMidnight() && c < (w.End-clockDay+w.Start)/2 {
			d, c = prev, c+clockDay
		}
		s := days[d]
		if s == nil {
			s = &slot{first: c, state: sc.State}
			days[d] = s
			order = append(order, d)
		}
		s.last = c
		s.n++
	}
	out := make(map[Date]Record, len(days))
	for _, d := range order {
		s := days[d]
		if s.last-s.first > doubleTap {
			out[d] = Record{In: s.first, Out: s.last, HasIn: true, HasOut: true}
			continue
		}
		w := window(d)
		t := s.first
		isIn := true
		switch {
		case w.IsZero(), t <= w.Start:
		case t >= w.End:
			isIn = false
		case s.state == 0:
		case s.state == 1:
			isIn = false
		default:
			isIn = t-w.Start <= w.End-t
		}
		if isIn {
			out[d] = Record{In: t, HasIn: true}
		} else {
			out[d] = Record{Out: t, HasOut: true}
		}
	}
	return out
}

// attlogSerial finds a machine serial in an export's file name: ZKTeco
// names its USB export "<serial>_attlog.dat".
func attlogSerial(name string) string {
	base := name
	if i := strings.LastIndexAny(base, `/\`); i >= 0 {
		base = base[i+1:]
	}
	if i := strings.Index(strings.ToLower(base), "_attlog"); i > 0 {
		return base[:i]
	}
	return ""
}

func (s Scan) String() string {
	return fmt.Sprintf("%s %s %s", s.PIN, s.Date(), s.Clock())
}
