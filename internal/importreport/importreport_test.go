package importreport_test

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/ekinerja/ekinerja/internal/apperr"
	"github.com/ekinerja/ekinerja/internal/auth"
	"github.com/ekinerja/ekinerja/internal/demo"
	"github.com/ekinerja/ekinerja/internal/importreport"
	"github.com/ekinerja/ekinerja/internal/testdb"
)

func problems(n int) []importreport.Problem {
	out := make([]importreport.Problem, n)
	for i := range out {
		out[i] = importreport.Problem{Line: i + 2, Column: "nip", Reason: fmt.Sprintf("masalah %d", i)}
	}
	return out
}

// TestStore: a report is read back whole by its uploader only, problems
// beyond importreport.MaxProblems are counted, and a person's reports older than the
// retention go when they store a new one (nobody else's do).
func TestStore(t *testing.T) {
	t.Parallel()
	db := testdb.New(t)
	ctx := context.Background()
	hasher := auth.NewHasher(auth.Argon2Params{MemoryKiB: 64, Time: 1, Threads: 1, KeyLen: 32, SaltLen: 16}, 2)
	if _, err := demo.Seed(ctx, db, hasher); err != nil {
		t.Fatal(err)
	}
	var users []int64
	if err := db.Raw(`SELECT id FROM users ORDER BY id LIMIT 2`).Scan(&users).Error; err != nil || len(users) < 2 {
		t.Fatalf("two demo users: %v %v", users, err)
	}
	a, b := users[0], users[1]
	s := importreport.NewStore(db)

	if _, err := s.Save(ctx, importreport.Report{Kind: "pegawai"}); err == nil {
		t.Errorf("a report without its uploader was stored")
	}
	id, err := s.Save(ctx, importreport.Report{Kind: "pegawai", UserID: a, FileName: "x.csv", Rows: importreport.MaxProblems + 10, BadRows: importreport.MaxProblems + 5,
		Problems: problems(importreport.MaxProblems + 5), More: 7})
	if err != nil {
		t.Fatal(err)
	}
	r, err := s.Get(ctx, a, id)
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Problems) != importreport.MaxProblems || r.More != 12 || r.Total() != importreport.MaxProblems+12 || r.Problems[0].Line != 2 || r.FileName != "x.csv" {
		t.Errorf("read back: %d problems, more %d, first %+v", len(r.Problems), r.More, r.Problems[0])
	}
	if _, err := s.Get(ctx, b, id); !errors.Is(err, apperr.ErrNotFound) {
		t.Errorf("another user reads the report: %v", err)
	}

	// Retention: a's old report goes when a stores a new one; b's stays.
	old, _ := s.Save(ctx, importreport.Report{Kind: "presensi", UserID: a, Problems: problems(1)})
	bOld, _ := s.Save(ctx, importreport.Report{Kind: "presensi", UserID: b, Problems: problems(1)})
	db.Exec(`UPDATE laporan_impor SET created_at = now() - interval '31 days' WHERE id IN (?, ?)`, old, bOld)
	if _, err := s.Save(ctx, importreport.Report{Kind: "presensi", UserID: a, Problems: problems(1)}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Get(ctx, a, old); !errors.Is(err, apperr.ErrNotFound) {
		t.Errorf("a's report of 31 days ago kept: %v", err)
	}
	if _, err := s.Get(ctx, a, id); err != nil {
		t.Errorf("a's new report removed: %v", err)
	}
	if _, err := s.Get(ctx, b, bOld); err != nil {
		t.Errorf("b's report removed by a's save: %v", err)
	}
}

func TestPageOf(t *testing.T) {
	t.Parallel()
	r := importreport.Report{Problems: problems(2*importreport.PageSize + 3)}
	tests := []struct {
		hal, page, n, first int
	}{
		{1, 1, importreport.PageSize, 1}, {2, 2, importreport.PageSize, importreport.PageSize + 1}, {3, 3, 3, 2*importreport.PageSize + 1},
		{0, 1, importreport.PageSize, 1}, {-4, 1, importreport.PageSize, 1}, {99, 3, 3, 2*importreport.PageSize + 1},
	}
	for _, tt := range tests {
		p := r.PageOf(tt.hal)
		if p.Page != tt.page || len(p.Problems) != tt.n || p.First != tt.first || p.Pages != 3 ||
			p.Problems[0].Line != tt.first+1 {
			t.Errorf("hal %d: page %d of %d, %d problems from %d", tt.hal, p.Page, p.Pages, len(p.Problems), p.First)
		}
	}
	if p := (importreport.Report{}).PageOf(1); p.Pages != 1 || len(p.Problems) != 0 {
		t.Errorf("empty report: %+v", p)
	}
}
