// Package importreport keeps the report of an import that found problems
// in its rows, so a refused file of 40,000 bad rows is shown fifty rows at a
// time and downloaded as a workbook instead of one endless table (issue 12).
// Every importer (organisation, attendance CSV, scan logs, a machine's user
// list) hands its row problems here; the report belongs to the person who
// uploaded the file and nobody else reads it.
package importreport

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"gorm.io/gorm"

	"github.com/ekinerja/ekinerja/internal/apperr"
	"github.com/ekinerja/ekinerja/internal/tabular"
)

// MaxProblems is how many problems a report keeps; beyond it only their
// number is kept (Report.More). An importer collects up to this many.
const MaxProblems = 20000

// PageSize is the number of problems on one page.
const PageSize = 50

// Retention is how long a report is kept: a person's older reports are
// removed when they store a new one.
const Retention = 30 * 24 * time.Hour

// Problem is one thing wrong with one row of a file.
type Problem struct {
	Line   int    `json:"baris"`
	Column string `json:"kolom,omitempty"`
	Reason string `json:"alasan"`
}

// Report is one stored import report.
type Report struct {
	ID int64
	// Kind names the import (org.ImportPegawai, "presensi", "pindaian", ...).
	Kind     string
	UserID   int64
	OPDID    int64 // 0: regency-wide
	FileName string
	// Rows counts the file's data rows; BadRows those with a problem.
	Rows, BadRows int
	Applied       bool
	Problems      []Problem
	// More counts the problems beyond MaxProblems that were not kept.
	More      int
	CreatedAt time.Time
}

// Total is the number of problems found, kept or not.
func (r Report) Total() int { return len(r.Problems) + r.More }

// Page is one page of a report's problems.
type Page struct {
	Problems []Problem
	// Page is 1-based; First is the 1-based position of Problems[0].
	Page, Pages, First int
}

// PageOf returns page hal of r (clamped to the pages there are).
func (r Report) PageOf(hal int) Page {
	pages := max(1, (len(r.Problems)+PageSize-1)/PageSize)
	hal = min(max(hal, 1), pages)
	from := (hal - 1) * PageSize
	to := min(from+PageSize, len(r.Problems))
	return Page{Problems: r.Problems[from:to], Page: hal, Pages: pages, First: from + 1}
}

// Sheet is the report as one worksheet: line numbers as numbers (so the
// sheet sorts by them), column and reason as text.
func (r Report) Sheet(title string) tabular.Sheet {
	sh := tabular.Sheet{Name: "Laporan", Header: []string{"Baris", "Kolom", "Masalah"}}
	sh.Notes = []string{title, fmt.Sprintf("Berkas: %s", r.FileName),
		fmt.Sprintf("%d baris dibaca, %d baris bermasalah, %d masalah", r.Rows, r.BadRows, r.Total())}
	if r.Applied {
		sh.Notes = append(sh.Notes, "Baris yang benar telah diterapkan; baris berikut dilewati.")
	} else {
		sh.Notes = append(sh.Notes, "Berkas tidak diterapkan: perbaiki baris berikut lalu impor lagi.")
	}
	for _, p := range r.Problems {
		var line any
		if p.Line > 0 {
			line = int64(p.Line)
		}
		sh.Rows = append(sh.Rows, []any{line, p.Column, p.Reason})
	}
	if r.More > 0 {
		sh.Rows = append(sh.Rows, []any{nil, "", fmt.Sprintf("dan %d masalah lain yang tidak dicatat satu per satu", r.More)})
	}
	return sh
}

// Store keeps the reports.
type Store struct{ db *gorm.DB }

// NewStore returns a Store on db.
func NewStore(db *gorm.DB) *Store { return &Store{db: db} }

type row struct {
	ID          int64     `gorm:"column:id"`
	Jenis       string    `gorm:"column:jenis"`
	UserID      int64     `gorm:"column:user_id"`
	OPDID       *int64    `gorm:"column:opd_id"`
	Berkas      string    `gorm:"column:berkas"`
	Baris       int       `gorm:"column:baris"`
	BarisSalah  int       `gorm:"column:baris_salah"`
	Diterapkan  bool      `gorm:"column:diterapkan"`
	Masalah     string    `gorm:"column:masalah"`
	MasalahLain int       `gorm:"column:masalah_lain"`
	CreatedAt   time.Time `gorm:"column:created_at"`
}

// Save stores r for its UserID and returns its id; the person's reports
// older than Retention go. Problems beyond MaxProblems are counted in More.
func (s *Store) Save(ctx context.Context, r Report) (int64, error) {
	if r.UserID == 0 {
		return 0, errors.New("importreport: a report needs its uploader")
	}
	if len(r.Problems) > MaxProblems {
		r.More += len(r.Problems) - MaxProblems
		r.Problems = r.Problems[:MaxProblems]
	}
	probs := r.Problems
	if probs == nil {
		probs = []Problem{}
	}
	b, err := json.Marshal(probs)
	if err != nil {
		return 0, fmt.Errorf("importreport: %w", err)
	}
	var opd *int64
	if r.OPDID != 0 {
		opd = &r.OPDID
	}
	var id int64
	err = s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := tx.Exec(`DELETE FROM laporan_impor WHERE user_id = ? AND created_at < now() - make_interval(secs => ?)`,
			r.UserID, Retention.Seconds()).Error; err != nil {
			return err
		}
		return tx.Raw(`INSERT INTO laporan_impor (jenis, user_id, opd_id, berkas, baris, baris_salah, diterapkan, masalah, masalah_lain)
VALUES (?, ?, ?, ?, ?, ?, ?, ?::jsonb, ?) RETURNING id`,
			r.Kind, r.UserID, opd, truncate(r.FileName, 300), r.Rows, r.BadRows, r.Applied, string(b), r.More).Scan(&id).Error
	})
	if err != nil {
		return 0, fmt.Errorf("importreport: save: %w", err)
	}
	return id, nil
}

// Get returns report id when it belongs to userID; anyone else's report,
// and one that is gone, is apperr.ErrNotFound.
func (s *Store) Get(ctx context.Context, userID, id int64) (Report, error) {
	var rs []row
	if err := s.db.WithContext(ctx).Raw(`SELECT id, jenis, user_id, opd_id, berkas, baris, baris_salah, diterapkan,
       masalah::text AS masalah, masalah_lain, created_at FROM laporan_impor WHERE id = ? AND user_id = ?`, id, userID).
		Scan(&rs).Error; err != nil {
		return Report{}, fmt.Errorf("importreport: get: %w", err)
	}
	if len(rs) == 0 {
		return Report{}, fmt.Errorf("import report %d of user %d: %w", id, userID, apperr.ErrNotFound)
	}
	x := rs[0]
	r := Report{ID: x.ID, Kind: x.Jenis, UserID: x.UserID, FileName: x.Berkas, Rows: x.Baris, BadRows: x.BarisSalah,
		Applied: x.Diterapkan, More: x.MasalahLain, CreatedAt: x.CreatedAt}
	if x.OPDID != nil {
		r.OPDID = *x.OPDID
	}
	if err := json.Unmarshal([]byte(x.Masalah), &r.Problems); err != nil {
		return Report{}, fmt.Errorf("importreport: report %d: %w", id, err)
	}
	return r, nil
}

func truncate(s string, n int) string {
	s = strings.ToValidUTF8(s, "")
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8Start(s[n]) {
		n--
	}
	return s[:n]
}

func utf8Start(b byte) bool { return b&0xC0 != 0x80 }
