package kinerja

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"testing"

	"github.com/ekinerja/ekinerja/internal/apperr"
)

func TestRHKAndIndikatorEditDelete(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := context.Background()
	skp, rhk1, rhk2, ind1, ind2 := f.draftPlan()
	var agreedSKP int64
	f.db.Raw(`SELECT skp_id FROM rhk WHERE id = ?`, f.rhk).Scan(&agreedSKP)
	var agreedInd int64
	f.db.Raw(`SELECT min(id) FROM rhk_indikator WHERE rhk_id = ?`, f.rhk).Scan(&agreedInd)
	// An aktivitas logged against rhk2 (in a draft plan; logging does not wait for agreement).
	if err := f.db.Exec(`INSERT INTO aktivitas (pegawai_id, rhk_id, tanggal, uraian, output_jumlah, output_satuan, menit) VALUES (?, ?, current_date, 'x', 1, 'x', 10)`,
		f.pegawai.PegawaiID, rhk2).Error; err != nil {
		t.Fatal(err)
	}
	setStatus := func(st string) func() {
		return func() { f.db.Exec(`UPDATE skp SET status = ? WHERE id = ?`, st, skp) }
	}
	good := IndikatorInput{Aspek: "kualitas", Uraian: "Laporan tanpa revisi", Target: "90", Satuan: "persen"}
	cases := []struct {
		name   string
		setup  func()
		do     func() error
		kind   error  // expected error kind; nil = success
		field  string // expected validation field
		msg    string // part of the message
		action string // audit action written on success
	}{
		{"edit RHK", nil, func() error {
			return f.s.UpdateRHK(ctx, f.pegawai, skp, rhk1, RHKInput{Uraian: "Tersusunnya laporan triwulan"})
		}, nil, "", "", "kinerja.rhk_ubah"},
		{"edit RHK with no change", nil, func() error {
			return f.s.UpdateRHK(ctx, f.pegawai, skp, rhk1, RHKInput{Uraian: " Tersusunnya laporan triwulan "})
		}, apperr.ErrConflict, "", "Tidak ada perubahan", ""},
		{"edit RHK empty", nil, func() error { return f.s.UpdateRHK(ctx, f.pegawai, skp, rhk1, RHKInput{Uraian: "  "}) }, nil, "uraian", "Uraian RHK", ""},
		{"cascade to own RHK", nil, func() error {
			return f.s.UpdateRHK(ctx, f.pegawai, skp, rhk1, RHKInput{Uraian: "x", RHKAtasanID: strconv.FormatInt(rhk2, 10)})
		}, nil, "rhk_atasan_id", "SKP atasan langsung", ""},
		{"edit another's RHK", nil, func() error { return f.s.UpdateRHK(ctx, f.atasan, skp, rhk1, RHKInput{Uraian: "y"}) }, apperr.ErrForbidden, "", "", ""},
		{"RHK of another plan in the path", nil, func() error { return f.s.UpdateRHK(ctx, f.pegawai, agreedSKP, rhk1, RHKInput{Uraian: "y"}) }, apperr.ErrNotFound, "", "", ""},
		{"edit RHK of an agreed plan", nil, func() error { return f.s.UpdateRHK(ctx, f.pegawai, agreedSKP, f.rhk, RHKInput{Uraian: "y"}) }, apperr.ErrConflict, "", "tidak dapat diubah", ""},
		{"delete RHK with aktivitas", nil, func() error { return f.s.DeleteRHK(ctx, f.pegawai, skp, rhk2) }, apperr.ErrConflict, "", "dipakai oleh 1 aktivitas", ""},
		{"delete RHK of an agreed plan", nil, func() error { return f.s.DeleteRHK(ctx, f.pegawai, agreedSKP, f.rhk) }, apperr.ErrConflict, "", "", ""},
		{"edit indicator", nil, func() error { return f.s.UpdateIndikator(ctx, f.pegawai, skp, ind2, good) }, nil, "", "", "kinerja.indikator_ubah"},
		{"edit indicator with no change", nil, func() error { return f.s.UpdateIndikator(ctx, f.pegawai, skp, ind2, good) }, apperr.ErrConflict, "", "Tidak ada perubahan", ""},
		{"indicator target zero", nil, func() error {
			return f.s.UpdateIndikator(ctx, f.pegawai, skp, ind2, IndikatorInput{Aspek: "waktu", Uraian: "x", Target: "0", Satuan: "x"})
		}, nil, "target", "1 sampai", ""},
		{"indicator bad aspect", nil, func() error {
			return f.s.UpdateIndikator(ctx, f.pegawai, skp, ind2, IndikatorInput{Aspek: "biaya", Uraian: "x", Target: "1", Satuan: "x"})
		}, nil, "aspek", "Pilih aspek", ""},
		{"indicator of an agreed plan", nil, func() error { return f.s.UpdateIndikator(ctx, f.pegawai, agreedSKP, agreedInd, good) }, apperr.ErrConflict, "", "", ""},
		{"indicator through another plan", nil, func() error { return f.s.DeleteIndikator(ctx, f.pegawai, agreedSKP, ind1) }, apperr.ErrNotFound, "", "", ""},
		{"submitted plan is frozen", setStatus("submitted"), func() error { return f.s.DeleteIndikator(ctx, f.pegawai, skp, ind1) }, apperr.ErrConflict, "", "tidak dapat diubah", ""},
		{"returned plan may change", setStatus("returned"), func() error { return f.s.DeleteIndikator(ctx, f.pegawai, skp, ind1) }, nil, "", "", "kinerja.indikator_hapus"},
		{"delete indicator twice", nil, func() error { return f.s.DeleteIndikator(ctx, f.pegawai, skp, ind1) }, apperr.ErrNotFound, "", "", ""},
		{"delete RHK (and its indicators)", setStatus("draft"), func() error { return f.s.DeleteRHK(ctx, f.pegawai, skp, rhk1) }, nil, "", "", "kinerja.rhk_hapus"},
		{"delete RHK twice", nil, func() error { return f.s.DeleteRHK(ctx, f.pegawai, skp, rhk1) }, apperr.ErrNotFound, "", "", ""},
	}
	audits := func() (n int64) {
		f.db.Raw(`SELECT count(*) FROM audit_log`).Scan(&n)
		return
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if tc.setup != nil {
				tc.setup()
			}
			before := audits()
			err := tc.do()
			switch {
			case tc.field != "":
				fieldErr(t, err, tc.field, tc.msg)
			case tc.kind != nil:
				if !errors.Is(err, tc.kind) || !strings.Contains(err.Error(), tc.msg) {
					t.Fatalf("err = %v, want %v with %q", err, tc.kind, tc.msg)
				}
			case err != nil:
				t.Fatal(err)
			}
			after := audits()
			if tc.action == "" && after != before {
				t.Fatalf("refused change wrote %d audit rows", after-before)
			}
			if tc.action != "" {
				var last string
				f.db.Raw(`SELECT action FROM audit_log ORDER BY id DESC LIMIT 1`).Scan(&last)
				if after != before+1 || last != tc.action {
					t.Fatalf("audit: %d rows, last %q; want one %q", after-before, last, tc.action)
				}
			}
		})
	}
	// What is left: rhk1 and its indicator are gone; rhk2 keeps its edited indicator.
	var left struct {
		RHK int64  `gorm:"column:rhk"`
		Ind int64  `gorm:"column:ind"`
		Asp string `gorm:"column:asp"`
	}
	f.db.Raw(`SELECT (SELECT count(*) FROM rhk WHERE skp_id = ?) AS rhk, (SELECT count(*) FROM rhk_indikator WHERE rhk_id IN (?, ?)) AS ind,
(SELECT aspek FROM rhk_indikator WHERE id = ?) AS asp`, skp, rhk1, rhk2, ind2).Scan(&left)
	if left.RHK != 1 || left.Ind != 1 || left.Asp != "kualitas" {
		t.Fatalf("after the steps: %+v", left)
	}
}
