package attendance

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"gorm.io/gorm"

	"github.com/ekinerja/ekinerja/internal/audit"
	"github.com/ekinerja/ekinerja/internal/importreport"
	"github.com/ekinerja/ekinerja/internal/tabular"
)

// MaxImportBytes is the largest fingerprint file accepted (10 MB: about
// 200,000 rows, a month of a 6,000-employee regency).
const MaxImportBytes = 10 << 20

// maxReportedErrors caps the row errors kept for the report (the stored
// report keeps as many); the count of all of them is kept regardless.
const maxReportedErrors = importreport.MaxProblems

// maxListedDays caps the paired days a scan import lists; DayCount counts them all.
const maxListedDays = 1000

// importBatch is how many rows go into one multi-row INSERT (4 parameters
// each, well under PostgreSQL's 65,535).
const importBatch = 5000

// ImportInput is one fingerprint file to import for an OPD.
type ImportInput struct {
	OPDID    int64
	Actor    Actor
	FileName string
	// SkipBadRows imports the good rows of a file that has bad ones; without
	// it a single bad row refuses the whole file (SPEC §5).
	SkipBadRows bool
	Body        io.Reader
}

// ImportReport says what an import did, or why it did nothing.
type ImportReport struct {
	// BatchID is the stored import (impor_kehadiran.id); 0 when nothing was applied.
	BatchID int64
	Applied bool
	// FileError is why the file as a whole was refused ("" if it was not).
	FileError string
	// Rows counts data rows read; Accepted those that passed every check.
	Rows, Accepted int
	// Errors are the bad rows' problems in file order, at most maxReportedErrors;
	// ErrorCount counts them all and BadRows the rows they are on.
	Errors     []RowError
	ErrorCount int
	BadRows    int
	// Inserted, Updated and Deleted count attendance records changed;
	// reimporting the same file gives zeros.
	Inserted, Updated, Deleted int
	// Days is the number of distinct dates in the file's good rows.
	Days   int
	SHA256 string
}

// errRefused rolls the import transaction back when the file has bad rows.
var errRefused = errors.New("attendance: import refused")

type pegawaiKey struct {
	ID    int64  `gorm:"column:id"`
	NIP   string `gorm:"column:nip"`
	OPDID int64  `gorm:"column:opd_id"`
}

// Import reads a fingerprint CSV (see ParseCSV and docs/attendance-csv.md)
// and applies it for one OPD in one transaction.
//
// Every row is checked: its NIP must be an employee of this OPD (an employee
// of another OPD is refused and the row named), its date not in the future.
// With any bad row nothing is applied unless SkipBadRows is set.
//
// The file replaces, for this OPD, every date it contains: records in the
// file are inserted or updated, and records of the OPD's employees on those
// dates that the file lacks are deleted (a corrected export of a day replaces
// the day). Unchanged records are not touched, so importing the same file
// again changes nothing. The rows go through a temporary table in multi-row
// INSERTs and reach kehadiran in one INSERT ... ON CONFLICT, so the time is
// dominated by PostgreSQL, not round trips.
func (s *Store) Import(ctx context.Context, in ImportInput) (ImportReport, error) {
	var rep ImportReport
	h := sha256.New()
	body := io.TeeReader(in.Body, h)
	today := s.today()
	// An Excel workbook (or Windows-1252 or UTF-16 text, an HTML ".xls") is
	// read by the one tabular reader and parsed as the CSV it holds; lineOf
	// maps the CSV's lines back to the workbook's rows.
	var lineOf []int
	data, err := io.ReadAll(io.LimitReader(body, MaxImportBytes+1))
	if err != nil {
		return rep, fmt.Errorf("read import: %w", err)
	}
	body = bytes.NewReader(data)
	if len(data) <= MaxImportBytes && tabular.NeedsConversion(data) {
		conv, lines, err := tabular.ToCSV(data, tabular.Options{MaxRows: 250000}, func(h string) tabular.CellKind {
			switch h {
			case "tanggal":
				return tabular.DateCell
			case "jammasuk", "jampulang":
				return tabular.ClockCell
			}
			return tabular.Text
		})
		var fe *tabular.FileError
		if errors.As(err, &fe) {
			rep.FileError = fe.Reason
			return rep, nil
		}
		if err != nil {
			return rep, err
		}
		body, lineOf = bytes.NewReader(conv), lines
	}
	defer func() {
		for i := range rep.Errors {
			if l := rep.Errors[i].Line; lineOf != nil && l >= 1 && l <= len(lineOf) {
				rep.Errors[i].Line = lineOf[l-1]
			}
		}
	}()

	err = s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var peg []pegawaiKey
		if err := tx.Raw(`SELECT id, nip, opd_id FROM pegawai`).Scan(&peg).Error; err != nil {
			return fmt.Errorf("employees: %w", err)
		}
		byNIP := make(map[string]pegawaiKey, len(peg))
		for _, p := range peg {
			byNIP[p.NIP] = p
		}
		if err := tx.Exec(`CREATE TEMP TABLE impor_tmp (
    pegawai_id bigint NOT NULL, tanggal date NOT NULL, jam_masuk integer, jam_pulang integer,
    PRIMARY KEY (pegawai_id, tanggal)) ON COMMIT DROP`).Error; err != nil {
			return fmt.Errorf("staging table: %w", err)
		}

		dates := map[Date]bool{}
		buf := make([]any, 0, importBatch*4)
		var sql strings.Builder
		flush := func() error {
			if len(buf) == 0 {
				return nil
			}
			sql.Reset()
			sql.WriteString("INSERT INTO impor_tmp (pegawai_id, tanggal, jam_masuk, jam_pulang) VALUES ")
			for i := 0; i < len(buf)/4; i++ {
				if i > 0 {
					sql.WriteByte(',')
				}
				sql.WriteString("(?,?::date,?,?)")
			}
			if err := tx.Exec(sql.String(), buf...).Error; err != nil {
				return fmt.Errorf("staging rows: %w", err)
			}
			buf = buf[:0]
			return nil
		}
		fail := func(row *Row, column, reason string) {
			row.Errors = append(row.Errors, RowError{Line: row.Line, Column: column, Reason: reason})
		}

		max := int64(MaxImportBytes)
		if lineOf != nil {
			max = 0 // converted from a bounded workbook: its CSV may be larger
		}
		perr := ParseCSV(body, CSVOptions{MaxBytes: max}, func(row Row) error {
			rep.Rows++
			if row.OK() {
				p, known := byNIP[row.NIP]
				switch {
				case !known:
					fail(&row, ColNIP, "NIP tidak terdaftar sebagai pegawai")
				case p.OPDID != in.OPDID:
					fail(&row, ColNIP, "NIP "+row.NIP+" adalah pegawai OPD lain; baris ditolak")
				}
				if row.Date.After(today) {
					fail(&row, ColTanggal, "tanggal di masa depan")
				}
				if row.OK() {
					rep.Accepted++
					dates[row.Date] = true
					var masuk, pulang any
					if row.Record.HasIn {
						masuk = int32(row.Record.In)
					}
					if row.Record.HasOut {
						pulang = int32(row.Record.Out)
					}
					buf = append(buf, p.ID, row.Date.String(), masuk, pulang)
					if len(buf) >= importBatch*4 {
						return flush()
					}
					return nil
				}
			}
			rep.BadRows++
			rep.ErrorCount += len(row.Errors)
			for _, e := range row.Errors {
				if len(rep.Errors) < maxReportedErrors {
					rep.Errors = append(rep.Errors, e)
				}
			}
			return nil
		})
		var fe *FileError
		if errors.As(perr, &fe) {
			rep.FileError = fe.Error()
			return errRefused
		}
		if perr != nil {
			return perr
		}
		if rep.BadRows > 0 && !in.SkipBadRows {
			return errRefused
		}
		if rep.Accepted == 0 {
			rep.FileError = "tidak ada baris data yang dapat diimpor"
			return errRefused
		}
		if err := flush(); err != nil {
			return err
		}
		rep.Days = len(dates)
		rep.SHA256 = hex.EncodeToString(h.Sum(nil))

		if err := tx.Raw(`INSERT INTO impor_kehadiran (opd_id, user_id, nama_berkas, sha256, baris, baris_ditolak)
VALUES (?, ?, ?, ?, ?, ?) RETURNING id`, in.OPDID, nullID(in.Actor.UserID), truncate(in.FileName, 200), rep.SHA256, rep.Rows, rep.BadRows).
			Scan(&rep.BatchID).Error; err != nil {
			return fmt.Errorf("import batch: %w", err)
		}
		var err error
		if rep.Inserted, rep.Updated, err = upsertStaged(tx, rep.BatchID); err != nil {
			return err
		}
		var deleted []struct {
			PegawaiID int64     `gorm:"column:pegawai_id"`
			Tanggal   time.Time `gorm:"column:tanggal"`
		}
		if err := tx.Raw(`
DELETE FROM kehadiran k USING pegawai p
WHERE p.id = k.pegawai_id AND p.opd_id = ?
  AND k.tanggal IN (SELECT DISTINCT tanggal FROM impor_tmp)
  AND NOT EXISTS (SELECT 1 FROM impor_tmp t WHERE t.pegawai_id = k.pegawai_id AND t.tanggal = k.tanggal)
RETURNING k.pegawai_id, k.tanggal`, in.OPDID).Scan(&deleted).Error; err != nil {
			return fmt.Errorf("replace days: %w", err)
		}
		rep.Deleted = len(deleted)
		touched, err := stagedMonths(tx, rep.BatchID)
		if err != nil {
			return err
		}
		for _, d := range deleted {
			touched = append(touched, MonthKey{PegawaiID: d.PegawaiID, Year: d.Tanggal.Year(), Month: d.Tanggal.Month()})
		}
		if err := s.refreshTouched(ctx, tx, touched); err != nil {
			return err
		}
		if err := tx.Exec(`UPDATE impor_kehadiran SET ditambah = ?, diubah = ?, dihapus = ? WHERE id = ?`,
			rep.Inserted, rep.Updated, rep.Deleted, rep.BatchID).Error; err != nil {
			return err
		}
		rep.Applied = true
		return audit.Record(ctx, tx, audit.Entry{ActorID: in.Actor.UserID, ActorNIP: in.Actor.NIP, IP: in.Actor.IP,
			Action: "presensi.impor", ObjectType: "impor_kehadiran", ObjectID: fmt.Sprint(rep.BatchID),
			Detail: map[string]any{"opd_id": in.OPDID, "berkas": truncate(in.FileName, 200), "sha256": rep.SHA256,
				"baris": rep.Rows, "baris_ditolak": rep.BadRows, "ditambah": rep.Inserted, "diubah": rep.Updated, "dihapus": rep.Deleted}})
	})
	if errors.Is(err, errRefused) {
		rep.BatchID, rep.Applied = 0, false
		return rep, nil
	}
	if err != nil {
		rep.BatchID, rep.Applied = 0, false
		return rep, err
	}
	return rep, nil
}

func nullID(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}

func truncate(s string, n int) string {
	r := []rune(s)
	if len(r) > n {
		return string(r[:n])
	}
	return s
}
