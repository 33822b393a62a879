package attendance

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"
	"time"

	"gorm.io/gorm"

	"github.com/ekinerja/ekinerja/internal/apperr"
	"github.com/ekinerja/ekinerja/internal/audit"
	"github.com/ekinerja/ekinerja/internal/auth"
	"github.com/ekinerja/ekinerja/internal/snapshot"
	"github.com/ekinerja/ekinerja/internal/tabular"
)

// MaxScanImportBytes is the largest scan file accepted: a month of a
// 5,000-employee regency at four scans a day is 500,000 lines, about 20 MB
// of attlog text.
const MaxScanImportBytes = 40 << 20

// scanBatch is how many scans go into one INSERT (one array parameter per
// column, so the statement size does not grow with it).
const scanBatch = 50000

// scanPhaseLog, when set (by the benchmark), receives the time of each
// phase of a scan import.
var scanPhaseLog io.Writer

// scanImportLock is the advisory lock class of scan imports (key: the OPD).
const scanImportLock = 12012

// ScanImportInput is one scan file to import for the admin's OPD.
type ScanImportInput struct {
	// MesinID is the machine the file comes from; 0 lets the file say it (a
	// serial-number column, or a ZKTeco "<serial>_attlog.dat" name).
	MesinID     int64
	FileName    string
	SkipBadRows bool
	Body        io.Reader
	// BandsFor returns the TL/PSW bands for a month, to judge the report's
	// days as the recap will; nil uses DemoBands.
	BandsFor func(year int, month time.Month) (Bands, error)
}

// PairedDay is one employee's working day as the scans paired it.
type PairedDay struct {
	NIP, Nama string
	Date      Date
	Record    Record
	Scans     int
	Day       Day
}

// UnmappedPIN is a PIN in the file without an employee.
type UnmappedPIN struct {
	Mesin string
	PIN   string
	Scans int
}

// ScanImportReport says what a scan import did, or why it did nothing.
type ScanImportReport struct {
	BatchID   int64
	Applied   bool
	FileError string
	Format    string
	// Lines counts the scans read; Errors are the unreadable or refused ones.
	Lines      int
	Errors     []RowError
	ErrorCount int
	// NewScans were not stored before; Duplicates repeat a scan in the file or
	// one already stored (from an earlier, overlapping file).
	NewScans, Duplicates int
	Unmapped             []UnmappedPIN
	UnmappedScans        int
	// Days are the paired days the file touched (at most 1000 listed);
	// DayCount counts them all.
	Days              []PairedDay
	DayCount          int
	Inserted, Updated int
	Employees, Dates  int
	SHA256            string
}

type mesinRef struct {
	ID        int64  `gorm:"column:id"`
	NomorSeri string `gorm:"column:nomor_seri"`
	Nama      string `gorm:"column:nama"`
}

type pinKey struct {
	mesin int64
	pin   string
}

// ImportScans imports a scan log (attlog text, or a scan list as .xlsx, an
// HTML/text ".xls" or CSV) into the admin's OPD: every scan is stored once
// (re-importing an overlapping file stores nothing twice), then for every
// employee and date the file touches the stored scans of all the OPD's
// machines are paired again (PairScans, against the employee's schedule) and
// written as that day's record, exactly the record the daily CSV import would
// write; the recap judges it the same way. Unchanged days are not touched.
// A PIN without an employee is listed, its scans kept for when it is mapped.
//
// With a bad row (unreadable line, future time, a serial number of another
// OPD's or no machine) nothing is applied unless SkipBadRows is set. One
// transaction; audited.
func (s *Store) ImportScans(ctx context.Context, p *auth.Principal, ip string, in ScanImportInput) (ScanImportReport, error) {
	var rep ScanImportReport
	opd, err := adminOPD(p)
	if err != nil {
		return rep, err
	}
	data, err := io.ReadAll(io.LimitReader(in.Body, MaxScanImportBytes+1))
	if err != nil {
		return rep, fmt.Errorf("read scans: %w", err)
	}
	if len(data) > MaxScanImportBytes {
		rep.FileError = fmt.Sprintf("Berkas lebih besar dari %d MB. Pecah per minggu.", MaxScanImportBytes>>20)
		return rep, nil
	}
	start := time.Now()
	sum := sha256.Sum256(data)
	rep.SHA256 = hex.EncodeToString(sum[:])
	db := s.db.WithContext(ctx)

	var machines []mesinRef
	if err := db.Raw(`SELECT id, nomor_seri, nama FROM mesin_presensi WHERE opd_id = ? ORDER BY id`, opd).Scan(&machines).Error; err != nil {
		return rep, fmt.Errorf("machines: %w", err)
	}
	bySerial := map[string]mesinRef{}
	byID := map[int64]mesinRef{}
	for _, m := range machines {
		bySerial[strings.ToUpper(m.NomorSeri)] = m
		byID[m.ID] = m
	}
	if in.MesinID != 0 {
		if _, ok := byID[in.MesinID]; !ok {
			var n int64
			if err := db.Raw(`SELECT count(*) FROM mesin_presensi WHERE id = ?`, in.MesinID).Scan(&n).Error; err != nil {
				return rep, err
			}
			if n > 0 {
				return rep, fmt.Errorf("machine %d: %w", in.MesinID, apperr.ErrOutOfScope)
			}
			return rep, apperr.Invalid("mesin_id", "Pilih mesin OPD ini.")
		}
	} else if m, ok := bySerial[strings.ToUpper(attlogSerial(in.FileName))]; ok {
		in.MesinID = m.ID
	}

	// Read the scans.
	today := s.today()
	scans := make([]Scan, 0, len(data)/40)
	var machineOf []int64
	fail := func(e RowError) {
		rep.ErrorCount++
		if len(rep.Errors) < maxReportedErrors {
			rep.Errors = append(rep.Errors, e)
		}
	}
	add := func(sc Scan) {
		rep.Lines++
		mid := in.MesinID
		if sc.Serial != "" {
			m, ok := bySerial[strings.ToUpper(sc.Serial)]
			if !ok {
				fail(RowError{Line: sc.Line, Column: "sn", Reason: "nomor seri mesin " + truncate(sc.Serial, 40) + " tidak terdaftar di OPD ini"})
				return
			}
			mid = m.ID
		}
		if mid == 0 {
			fail(RowError{Line: sc.Line, Column: "sn", Reason: "mesin tidak diketahui: pilih mesin asal berkas"})
			return
		}
		if d := sc.Date(); d.After(today) {
			fail(RowError{Line: sc.Line, Column: ColWaktu, Reason: "waktu di masa depan (periksa jam mesin)"})
			return
		} else if d.Year < 2000 {
			fail(RowError{Line: sc.Line, Column: ColWaktu, Reason: "tanggal sebelum tahun 2000 (jam mesin belum disetel?)"})
			return
		}
		scans = append(scans, sc)
		machineOf = append(machineOf, mid)
	}
	var lineErrs []RowError
	if isAttlog(data) {
		rep.Format = "attlog"
		lineErrs = ParseAttlog(data, func(sc Scan) { add(sc) })
	} else {
		t, err := tabular.Bytes(data, tabular.Options{})
		var fe *tabular.FileError
		if errors.As(err, &fe) {
			rep.FileError = fe.Reason
			return rep, nil
		}
		if err != nil {
			return rep, err
		}
		rep.Format = string(t.Format)
		lineErrs, err = ParseScanTable(t, add)
		if errors.As(err, &fe) {
			rep.FileError = fe.Reason
			return rep, nil
		}
		if err != nil {
			return rep, err
		}
	}
	rep.Lines += len(lineErrs)
	for _, e := range lineErrs {
		fail(e)
	}
	sort.SliceStable(rep.Errors, func(i, j int) bool { return rep.Errors[i].Line < rep.Errors[j].Line })
	if rep.ErrorCount > 0 && !in.SkipBadRows {
		return rep, nil
	}
	if len(scans) == 0 {
		rep.FileError = "tidak ada scan yang dapat diimpor"
		return rep, nil
	}

	phase := start
	lap := func(what string) {
		if scanPhaseLog != nil {
			fmt.Fprintf(scanPhaseLog, "  %s: %v\n", what, time.Since(phase).Round(time.Millisecond))
			phase = time.Now()
		}
	}
	lap("parse")
	err = db.Transaction(func(tx *gorm.DB) error {
		// Employees of the OPD by PIN, per machine.
		var maps []struct {
			MesinID   int64  `gorm:"column:mesin_id"`
			PIN       string `gorm:"column:pin"`
			PegawaiID *int64 `gorm:"column:pegawai_id"`
			NIP       string `gorm:"column:nip"`
			Nama      string `gorm:"column:nama"`
			OPDID     int64  `gorm:"column:opd_id"`
		}
		if err := tx.Raw(`SELECT mp.mesin_id, mp.pin, mp.pegawai_id, coalesce(pg.nip, '') AS nip, coalesce(pg.nama, '') AS nama, coalesce(pg.opd_id, 0) AS opd_id
FROM mesin_pin mp JOIN mesin_presensi m ON m.id = mp.mesin_id LEFT JOIN pegawai pg ON pg.id = mp.pegawai_id
WHERE m.opd_id = ?`, opd).Scan(&maps).Error; err != nil {
			return fmt.Errorf("pin map: %w", err)
		}
		type who struct {
			id        int64
			nip, nama string
		}
		pinTo := make(map[pinKey]who, len(maps))
		known := make(map[pinKey]bool, len(maps))
		people := map[int64]who{}
		for _, m := range maps {
			k := pinKey{m.MesinID, m.PIN}
			known[k] = true
			if m.PegawaiID != nil && m.OPDID == opd {
				w := who{*m.PegawaiID, m.NIP, m.Nama}
				pinTo[k] = w
				people[w.id] = w
			}
		}

		if err := tx.Raw(`INSERT INTO impor_kehadiran (opd_id, user_id, nama_berkas, sha256, baris, baris_ditolak, jenis)
VALUES (?, ?, ?, ?, ?, ?, 'scan') RETURNING id`, opd, nullID(p.UserID), truncate(in.FileName, 200), rep.SHA256, rep.Lines, rep.ErrorCount).
			Scan(&rep.BatchID).Error; err != nil {
			return fmt.Errorf("import batch: %w", err)
		}

		// The scans already stored for these days, on every machine of the OPD:
		// they tell the file's duplicates and are paired with its new scans.
		minD, maxD := scans[0].Date(), scans[0].Date()
		for _, sc := range scans {
			if d := sc.Date(); d.Before(minD) {
				minD = d
			} else if d.After(maxD) {
				maxD = d
			}
		}
		type scanKey struct {
			mesin, at int64
			pin       string
		}
		if err := tx.Exec(`SELECT pg_advisory_xact_lock(?, ?)`, scanImportLock, opd).Error; err != nil {
			return fmt.Errorf("scan import lock: %w", err)
		}
		stored := map[scanKey]bool{}
		byPeg := map[int64][]Scan{}
		rows, err := tx.Raw(`SELECT s.mesin_id, s.pin, extract(epoch FROM s.waktu)::bigint, coalesce(s.status, -1)
FROM scan_presensi s JOIN mesin_presensi m ON m.id = s.mesin_id
WHERE m.opd_id = ? AND s.waktu >= ?::date AND s.waktu < ?::date`, opd, sqlDate(minD.AddDays(-1)), sqlDate(maxD.AddDays(2))).Rows()
		if err != nil {
			return fmt.Errorf("stored scans: %w", err)
		}
		for rows.Next() {
			var k scanKey
			var st int16
			if err := rows.Scan(&k.mesin, &k.pin, &k.at, &st); err != nil {
				rows.Close()
				return fmt.Errorf("stored scans: %w", err)
			}
			stored[k] = true
			if w, ok := pinTo[pinKey{k.mesin, k.pin}]; ok {
				byPeg[w.id] = append(byPeg[w.id], Scan{At: k.at, State: st})
			}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return fmt.Errorf("stored scans: %w", err)
		}
		lap("read stored")

		// Store the new scans. Imports of one OPD take turns (the lock
		// below, taken before reading), so what was read is what is stored.
		unmapped := map[pinKey]int{}
		touched := map[int64]map[Date]bool{}
		mids := make([]string, 0, scanBatch)
		pins := make([]string, 0, scanBatch)
		waktu := make([]string, 0, scanBatch)
		states := make([]string, 0, scanBatch)
		verify := make([]string, 0, scanBatch)
		flush := func() error {
			if len(mids) == 0 {
				return nil
			}
			res := tx.Exec(`INSERT INTO scan_presensi (mesin_id, pin, waktu, status, verifikasi, impor_id)
SELECT m, p, to_timestamp(w) AT TIME ZONE 'UTC', nullif(s, -1), v, ? FROM unnest(?::bigint[], ?::text[], ?::bigint[], ?::smallint[], ?::smallint[]) AS t(m, p, w, s, v)`, rep.BatchID, pgArray(mids), pgArray(pins), pgArray(waktu), pgArray(states), pgArray(verify))
			if res.Error != nil {
				return fmt.Errorf("store scans: %w", res.Error)
			}
			rep.NewScans += int(res.RowsAffected)
			mids, pins, waktu, states, verify = mids[:0], pins[:0], waktu[:0], states[:0], verify[:0]
			return nil
		}
		for i, sc := range scans {
			mid := machineOf[i]
			k := pinKey{mid, sc.PIN}
			w, mapped := pinTo[k]
			if mapped {
				t := touched[w.id]
				if t == nil {
					t = map[Date]bool{}
					touched[w.id] = t
				}
				t[sc.Date()] = true
			} else {
				unmapped[k]++
				rep.UnmappedScans++
			}
			sk := scanKey{mid, sc.At, sc.PIN}
			if stored[sk] {
				continue
			}
			stored[sk] = true
			if mapped {
				byPeg[w.id] = append(byPeg[w.id], Scan{At: sc.At, State: sc.State})
			}
			mids = append(mids, strconv.FormatInt(mid, 10))
			pins = append(pins, sc.PIN)
			waktu = append(waktu, strconv.FormatInt(sc.At, 10))
			states = append(states, strconv.Itoa(int(sc.State)))
			verify = append(verify, strconv.Itoa(int(sc.Verify)))
			if len(mids) >= scanBatch {
				if err := flush(); err != nil {
					return err
				}
			}
		}
		if err := flush(); err != nil {
			return err
		}
		rep.Duplicates = len(scans) - rep.NewScans
		lap("store scans")

		// List unmapped PINs, and keep them on the machine's map page.
		for k, n := range unmapped {
			rep.Unmapped = append(rep.Unmapped, UnmappedPIN{Mesin: byID[k.mesin].Nama, PIN: k.pin, Scans: n})
			if !known[k] {
				if err := tx.Exec(`INSERT INTO mesin_pin (mesin_id, pin) VALUES (?, ?) ON CONFLICT DO NOTHING`, k.mesin, k.pin).Error; err != nil {
					return fmt.Errorf("unmapped pin: %w", err)
				}
			}
		}
		sort.Slice(rep.Unmapped, func(i, j int) bool {
			a, b := rep.Unmapped[i], rep.Unmapped[j]
			if a.Mesin != b.Mesin {
				return a.Mesin < b.Mesin
			}
			if len(a.PIN) != len(b.PIN) {
				return len(a.PIN) < len(b.PIN)
			}
			return a.PIN < b.PIN
		})
		if len(touched) == 0 {
			return s.finishScanImport(ctx, tx, p, ip, opd, in, &rep)
		}
		ids := make([]string, 0, len(touched))
		for id := range touched {
			ids = append(ids, strconv.FormatInt(id, 10))
		}

		weeks, err := s.schedulesByMonth(ctx, tx, ids, minD.AddDays(-1), maxD)
		if err != nil {
			return err
		}
		hs, err := s.Holidays(ctx, minD.AddDays(-1), maxD)
		if err != nil {
			return err
		}
		cal, err := NewHolidayCalendar(hs)
		if err != nil {
			return err
		}
		bandsOf := map[[2]int]Bands{}
		bandsFor := func(d Date) (Bands, error) {
			k := [2]int{d.Year, int(d.Month)}
			if b, ok := bandsOf[k]; ok {
				return b, nil
			}
			b := DemoBands()
			if in.BandsFor != nil {
				var err error
				if b, err = in.BandsFor(d.Year, d.Month); err != nil {
					return b, err
				}
			}
			bandsOf[k] = b
			return b, nil
		}

		if err := tx.Exec(`CREATE TEMP TABLE impor_tmp (
    pegawai_id bigint NOT NULL, tanggal date NOT NULL, jam_masuk integer, jam_pulang integer,
    PRIMARY KEY (pegawai_id, tanggal)) ON COMMIT DROP`).Error; err != nil {
			return fmt.Errorf("staging table: %w", err)
		}
		var sid, sdate, sin, sout []string
		pegIDs := make([]int64, 0, len(touched))
		for id := range touched {
			pegIDs = append(pegIDs, id)
		}
		sort.Slice(pegIDs, func(i, j int) bool { return people[pegIDs[i]].nip < people[pegIDs[j]].nip })
		dates := map[Date]bool{}
		for _, pid := range pegIDs {
			sched := func(d Date) *Schedule { return weeks.of(pid, d) }
			window := func(d Date) Window { return sched(d).Plan(d, nil).Window }
			st := byPeg[pid]
			count := map[Date]int{}
			for _, sc := range st {
				count[sc.Date()]++
			}
			paired := PairScans(st, window)
			days := make([]Date, 0, len(paired))
			for d := range paired {
				// Only the days this file's scans touch (a scan belongs to its
				// date or, after a night shift, the day before).
				if touched[pid][d] || (touched[pid][d.AddDays(1)] && window(d).CrossesMidnight()) {
					days = append(days, d)
				}
			}
			sort.Slice(days, func(i, j int) bool { return days[i].Before(days[j]) })
			for _, d := range days {
				r := paired[d]
				rep.DayCount++
				dates[d] = true
				sid = append(sid, strconv.FormatInt(pid, 10))
				sdate = append(sdate, sqlDate(d))
				sin = append(sin, clockCell(r.In, r.HasIn))
				sout = append(sout, clockCell(r.Out, r.HasOut))
				if len(rep.Days) < maxListedDays {
					b, err := bandsFor(d)
					if err != nil {
						return err
					}
					day, err := JudgeDay(DayInput{Date: d, Schedule: sched(d), Holidays: cal, Record: r}, b)
					if err != nil {
						return fmt.Errorf("judge %s: %w", d, err)
					}
					w := people[pid]
					rep.Days = append(rep.Days, PairedDay{NIP: w.nip, Nama: w.nama, Date: d, Record: r, Scans: count[d], Day: day})
				}
			}
		}
		rep.Employees, rep.Dates = len(pegIDs), len(dates)
		lap("pair")
		for start := 0; start < len(sid); start += scanBatch {
			end := min(start+scanBatch, len(sid))
			if err := tx.Exec(`INSERT INTO impor_tmp (pegawai_id, tanggal, jam_masuk, jam_pulang)
SELECT * FROM unnest(?::bigint[], ?::date[], ?::integer[], ?::integer[])`,
				pgArray(sid[start:end]), pgArray(sdate[start:end]), pgArray(sin[start:end]), pgArray(sout[start:end])).Error; err != nil {
				return fmt.Errorf("staging days: %w", err)
			}
		}
		lap("stage days")
		if rep.Inserted, rep.Updated, err = upsertStaged(tx, rep.BatchID); err != nil {
			return err
		}
		lap("upsert days")
		touchedMonths, err := stagedMonths(tx, rep.BatchID)
		if err != nil {
			return err
		}
		if err := s.refreshTouched(ctx, tx, touchedMonths); err != nil {
			return err
		}
		lap("refresh recaps")
		return s.finishScanImport(ctx, tx, p, ip, opd, in, &rep)
	})
	if err != nil {
		return ScanImportReport{FileError: rep.FileError}, err
	}
	rep.Applied = true
	return rep, nil
}

func (s *Store) finishScanImport(ctx context.Context, tx *gorm.DB, p *auth.Principal, ip string, opd int64, in ScanImportInput, rep *ScanImportReport) error {
	if err := tx.Exec(`UPDATE impor_kehadiran SET ditambah = ?, diubah = ?, scan_baru = ? WHERE id = ?`,
		rep.Inserted, rep.Updated, rep.NewScans, rep.BatchID).Error; err != nil {
		return err
	}
	return audit.Record(ctx, tx, audit.Entry{ActorID: p.UserID, ActorNIP: p.NIP, IP: ip,
		Action: "presensi.impor_scan", ObjectType: "impor_kehadiran", ObjectID: fmt.Sprint(rep.BatchID),
		Detail: map[string]any{"opd_id": opd, "mesin_id": in.MesinID, "berkas": truncate(in.FileName, 200), "sha256": rep.SHA256,
			"scan": rep.Lines, "scan_baru": rep.NewScans, "duplikat": rep.Duplicates, "baris_ditolak": rep.ErrorCount,
			"pin_belum_dipetakan": len(rep.Unmapped), "hari": rep.DayCount, "ditambah": rep.Inserted, "diubah": rep.Updated}})
}

// upsertStaged writes impor_tmp into kehadiran, touching only changed rows;
// the daily CSV import and the scan import share it.
func upsertStaged(tx *gorm.DB, batchID int64) (inserted, updated int, err error) {
	if err := tx.Exec(`ANALYZE impor_tmp`).Error; err != nil {
		return 0, 0, err
	}
	var up struct {
		Inserted int `gorm:"column:inserted"`
		Updated  int `gorm:"column:updated"`
	}
	if err := tx.Raw(`
WITH up AS (
    INSERT INTO kehadiran AS k (pegawai_id, tanggal, jam_masuk, jam_pulang, sumber, impor_id)
    SELECT pegawai_id, tanggal, jam_masuk, jam_pulang, 'import', ? FROM impor_tmp
    ON CONFLICT (pegawai_id, tanggal) DO UPDATE
        SET jam_masuk = EXCLUDED.jam_masuk, jam_pulang = EXCLUDED.jam_pulang, sumber = 'import',
            impor_id = EXCLUDED.impor_id, updated_at = now()
        WHERE (k.jam_masuk, k.jam_pulang) IS DISTINCT FROM (EXCLUDED.jam_masuk, EXCLUDED.jam_pulang)
    RETURNING (xmax = 0) AS baru)
SELECT count(*) FILTER (WHERE baru) AS inserted, count(*) FILTER (WHERE NOT baru) AS updated FROM up`, batchID).
		Scan(&up).Error; err != nil {
		return 0, 0, fmt.Errorf("apply records: %w", err)
	}
	return up.Inserted, up.Updated, nil
}

func clockCell(c Clock, has bool) string {
	if !has {
		return "NULL"
	}
	return strconv.Itoa(int(c))
}

// pgArray renders a PostgreSQL array literal for one bound parameter. The
// elements are digits, timestamps, dates or PINs (letters and digits), so
// none needs quoting; NULL stays a null element.
func pgArray(ss []string) string {
	n := 2
	for _, s := range ss {
		n += len(s) + 1
	}
	var b strings.Builder
	b.Grow(n)
	b.WriteByte('{')
	for i, s := range ss {
		if i > 0 {
			b.WriteByte(',')
		}
		if strings.ContainsAny(s, ` ,{}"\`) {
			b.WriteByte('"')
			b.WriteString(s)
			b.WriteByte('"')
		} else {
			b.WriteString(s)
		}
	}
	b.WriteByte('}')
	return b.String()
}

// isAttlog reports whether data is attlog text: its first non-blank line
// reads as a scan.
func isAttlog(data []byte) bool {
	data = bytes.TrimPrefix(data, []byte{0xEF, 0xBB, 0xBF})
	for len(data) > 0 {
		var l []byte
		if i := bytes.IndexByte(data, '\n'); i >= 0 {
			l, data = data[:i], data[i+1:]
		} else {
			l, data = data, nil
		}
		if f := bytes.Fields(l); len(f) > 0 {
			_, reason := attlogLine(f)
			return reason == ""
		}
	}
	return false
}

// monthWeeks gives each employee's schedule per month: the one in force on
// the month's last day, as judgeMonth uses.
type monthWeeks struct {
	by map[[2]int]map[int64]*Schedule
}

func (m monthWeeks) of(pid int64, d Date) *Schedule {
	if s := m.by[[2]int{d.Year, int(d.Month)}][pid]; s != nil {
		return s
	}
	fallback := FiveDayWeek()
	return &fallback
}

// schedulesByMonth resolves the schedules of employees ids for every month
// from..to, in one query per month.
func (s *Store) schedulesByMonth(ctx context.Context, tx *gorm.DB, ids []string, from, to Date) (monthWeeks, error) {
	schedules, err := loadSchedules(tx)
	if err != nil {
		return monthWeeks{}, err
	}
	mw := monthWeeks{by: map[[2]int]map[int64]*Schedule{}}
	for d := (Date{from.Year, from.Month, 1}); !d.After(to); d = NewDate(d.Year, d.Month+1, 1) {
		last := Date{d.Year, d.Month, daysIn(d.Year, d.Month)}
		var rows []struct {
			ID       int64 `gorm:"column:id"`
			JadwalID int64 `gorm:"column:jadwal_id"`
		}
		if err := tx.WithContext(ctx).Raw(`
SELECT p.id, coalesce(
         (SELECT a.jadwal_id FROM jadwal_kerja_penugasan a WHERE a.pegawai_id = p.id AND a.mulai <= ?::date ORDER BY a.mulai DESC, a.id DESC LIMIT 1),
         (SELECT a.jadwal_id FROM jadwal_kerja_penugasan a WHERE a.opd_id = p.opd_id AND a.mulai <= ?::date ORDER BY a.mulai DESC, a.id DESC LIMIT 1),
         (SELECT j.id FROM jadwal_kerja j WHERE j.bawaan)) AS jadwal_id
FROM pegawai p WHERE p.id = ANY(?::bigint[])`, sqlDate(last), sqlDate(last), pgArray(ids)).Scan(&rows).Error; err != nil {
			return mw, fmt.Errorf("schedules of employees: %w", err)
		}
		m := make(map[int64]*Schedule, len(rows))
		for _, r := range rows {
			m[r.ID] = schedules[r.JadwalID]
		}
		mw.by[[2]int{d.Year, int(d.Month)}] = m
	}
	return mw, nil
}

// loadSchedules reads every stored weekly schedule by id.
func loadSchedules(db *gorm.DB) (map[int64]*Schedule, error) {
	s, _, err := loadSchedulesRaw(db)
	return s, err
}

// schedulesKey is the request memo's key of the work schedules.
type schedulesKey struct{}

// scheduleRows reads every stored weekly schedule as stored, once per read
// request (db carries the request's context).
func scheduleRows(db *gorm.DB) ([]jadwalRow, error) {
	return snapshot.Once(db.Statement.Context, schedulesKey{}, func() ([]jadwalRow, error) {
		var jadwal []jadwalRow
		if err := db.Raw(`SELECT id, nama, array_to_json(pola)::text AS pola FROM jadwal_kerja`).Scan(&jadwal).Error; err != nil {
			return nil, fmt.Errorf("schedules: %w", err)
		}
		return jadwal, nil
	})
}

// loadSchedulesRaw reads every stored weekly schedule by id, and its
// pattern as stored (array_to_json(pola)::text, what recapKey digests).
func loadSchedulesRaw(db *gorm.DB) (map[int64]*Schedule, map[int64]string, error) {
	jadwal, err := scheduleRows(db)
	if err != nil {
		return nil, nil, err
	}
	schedules := make(map[int64]*Schedule, len(jadwal))
	raw := make(map[int64]string, len(jadwal))
	for _, j := range jadwal {
		var pola []string
		if err := json.Unmarshal([]byte(j.Pola), &pola); err != nil {
			return nil, nil, fmt.Errorf("schedule %d: %w", j.ID, err)
		}
		week, err := WeekFromPola(pola)
		if err != nil {
			return nil, nil, fmt.Errorf("schedule %d: %w", j.ID, err)
		}
		schedules[j.ID] = &Schedule{Name: j.Nama, Week: week}
		raw[j.ID] = j.Pola
	}
	return schedules, raw, nil
}
