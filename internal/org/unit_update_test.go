package org_test

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/ekinerja/ekinerja/internal/apperr"
	"github.com/ekinerja/ekinerja/internal/org"
)

func TestUpdateUnit(t *testing.T) {
	t.Parallel()
	db, s := seeded(t)
	ctx := context.Background()
	dinkes := idOf(t, db, `SELECT id FROM opd WHERE kode = 'DINKES'`)
	bkpsdm := idOf(t, db, `SELECT id FROM opd WHERE kode = 'BKPSDM'`)
	mk := func(opd int64, kode string, parent int64) int64 {
		u, err := s.CreateUnit(ctx, org.All, actor, org.UnitInput{Kode: kode, Nama: "Unit " + kode, OPDID: opd, ParentID: parent})
		if err != nil {
			t.Fatal(err)
		}
		return u.ID
	}
	a := mk(dinkes, "T-A", 0)
	b := mk(dinkes, "T-B", a)  // A > B
	cc := mk(dinkes, "T-C", b) // A > B > C
	d := mk(dinkes, "T-D", 0)
	other := mk(bkpsdm, "T-X", 0)
	in := func(kode, nama string, parent int64) org.UnitInput {
		return org.UnitInput{Kode: kode, Nama: nama, ParentID: parent}
	}
	cases := []struct {
		name   string
		sc     org.Scope
		id     int64
		in     org.UnitInput
		kind   error
		field  string
		msg    string
		parent int64 // expected parent afterwards (when saved)
	}{
		{"rename", org.ScopeOPD(dinkes), b, in("T-B", "Bidang Baru", a), nil, "", "", a},
		{"no change", org.ScopeOPD(dinkes), b, in("t-b", "Bidang Baru", a), apperr.ErrConflict, "", "Tidak ada perubahan", 0},
		{"move under another unit", org.ScopeOPD(dinkes), b, in("T-B", "Bidang Baru", d), nil, "", "", d},
		{"move to the top", org.All, b, in("T-B", "Bidang Baru", 0), nil, "", "", 0},
		{"under itself", org.All, a, in("T-A", "Unit T-A", a), nil, "parent_id", "dirinya sendiri", 0},
		{"under its grandchild (cycle)", org.All, b, in("T-B", "Bidang Baru", cc), nil, "parent_id", "sub-unitnya", 0},
		{"under another OPD's unit", org.All, d, in("T-D", "Unit T-D", other), nil, "parent_id", "OPD yang sama", 0},
		{"under a unit that does not exist", org.All, d, in("T-D", "Unit T-D", 999999999), nil, "parent_id", "OPD yang sama", 0},
		{"empty name", org.All, d, in("T-D", " ", 0), nil, "nama", "wajib diisi", 0},
		{"code taken", org.All, d, in("T-A", "Unit T-D", 0), nil, "kode", "sudah dipakai", 0},
		{"admin of another OPD", org.ScopeOPD(bkpsdm), d, in("T-D", "Diambil", 0), apperr.ErrNotFound, "", "", 0},
		{"missing unit", org.All, 999999999, in("T-Z", "x", 0), apperr.ErrNotFound, "", "", 0},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var before int64
			db.Raw(`SELECT count(*) FROM audit_log WHERE action = 'org.unit_ubah'`).Scan(&before)
			_, err := s.UpdateUnit(ctx, tc.sc, actor, tc.id, tc.in)
			var ve *apperr.ValidationError
			switch {
			case tc.field != "":
				if !errors.As(err, &ve) || !strings.Contains(ve.Fields[tc.field], tc.msg) {
					t.Fatalf("err = %v, want %s containing %q", err, tc.field, tc.msg)
				}
			case tc.kind != nil:
				if !errors.Is(err, tc.kind) || !strings.Contains(err.Error(), tc.msg) {
					t.Fatalf("err = %v, want %v %q", err, tc.kind, tc.msg)
				}
			case err != nil:
				t.Fatal(err)
			default:
				var parent int64
				db.Raw(`SELECT coalesce(parent_id, 0) FROM unit_kerja WHERE id = ?`, tc.id).Scan(&parent)
				if parent != tc.parent {
					t.Fatalf("parent %d, want %d", parent, tc.parent)
				}
			}
			var after int64
			db.Raw(`SELECT count(*) FROM audit_log WHERE action = 'org.unit_ubah'`).Scan(&after)
			if want := before + map[bool]int64{true: 1, false: 0}[err == nil]; after != want {
				t.Fatalf("audit rows %d, want %d", after, want)
			}
		})
	}
	// The tree is still a tree: no unit reaches itself going up.
	var loops int64
	db.Raw(`WITH RECURSIVE up AS (SELECT id AS start, parent_id, 1 AS depth FROM unit_kerja
UNION ALL SELECT up.start, k.parent_id, up.depth + 1 FROM up JOIN unit_kerja k ON k.id = up.parent_id WHERE up.depth < 50)
SELECT count(*) FROM up WHERE parent_id = start`).Scan(&loops)
	if loops != 0 {
		t.Fatalf("%d cycles in unit_kerja", loops)
	}
}

// TestUpdateUnitConcurrentMovesMakeNoCycle moves A under B and B under A at
// once, many times: one move wins, the other is refused.
func TestUpdateUnitConcurrentMovesMakeNoCycle(t *testing.T) {
	t.Parallel()
	db, s := seeded(t)
	ctx := context.Background()
	dinkes := idOf(t, db, `SELECT id FROM opd WHERE kode = 'DINKES'`)
	for i := range 10 {
		ka, kb := "R-A"+strconv.Itoa(i), "R-B"+strconv.Itoa(i)
		a, err := s.CreateUnit(ctx, org.All, actor, org.UnitInput{Kode: ka, Nama: "A", OPDID: dinkes})
		if err != nil {
			t.Fatal(err)
		}
		b, err := s.CreateUnit(ctx, org.All, actor, org.UnitInput{Kode: kb, Nama: "B", OPDID: dinkes})
		if err != nil {
			t.Fatal(err)
		}
		var wg sync.WaitGroup
		errs := make([]error, 2)
		wg.Add(2)
		go func() {
			defer wg.Done()
			_, errs[0] = s.UpdateUnit(ctx, org.All, actor, a.ID, org.UnitInput{Kode: ka, Nama: "A", ParentID: b.ID})
		}()
		go func() {
			defer wg.Done()
			_, errs[1] = s.UpdateUnit(ctx, org.All, actor, b.ID, org.UnitInput{Kode: kb, Nama: "B", ParentID: a.ID})
		}()
		wg.Wait()
		if (errs[0] == nil) == (errs[1] == nil) {
			t.Fatalf("round %d: both or neither moved: %v / %v", i, errs[0], errs[1])
		}
	}
}
