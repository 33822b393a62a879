package kinerja

import (
	"context"
	"errors"
	"testing"

	"github.com/ekinerja/ekinerja/internal/apperr"
	"github.com/ekinerja/ekinerja/internal/auth"
)

func TestSetClosingDay(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := context.Background()
	super := Actor{UserID: 1, Role: auth.RoleSuperadmin, NIP: "s"}
	cases := []struct {
		name  string
		actor Actor
		day   int
		want  error // kind; nil = saved
		field string
	}{
		{"verifikator may not", Actor{Role: auth.RoleVerifikator}, 10, apperr.ErrForbidden, ""},
		{"zero", super, 0, nil, "hari"},
		{"29", super, 29, nil, "hari"},
		{"same as now", super, 5, apperr.ErrConflict, ""},
		{"ten", super, 10, nil, ""},
		{"one", super, 1, nil, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			before, _ := f.s.ClosingDay(ctx)
			err := f.s.SetClosingDay(ctx, tc.actor, tc.day)
			switch {
			case tc.field != "":
				fieldErr(t, err, tc.field, "1 sampai 28")
			case tc.want != nil:
				if !errors.Is(err, tc.want) {
					t.Fatalf("err = %v, want %v", err, tc.want)
				}
			case err != nil:
				t.Fatal(err)
			}
			got, _ := f.s.ClosingDay(ctx)
			if tc.want == nil && tc.field == "" {
				if got != tc.day {
					t.Fatalf("closing day %d, want %d", got, tc.day)
				}
			} else if got != before {
				t.Fatalf("refused change still changed the day to %d", got)
			}
		})
	}
}

func TestParseClosingDay(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]int{"1": 1, " 28 ": 28, "05": 5, "0": 0, "29": 0, "": 0, "x": 0, "-3": 0, "1e1": 0} {
		got, err := ParseClosingDay(in)
		if (want == 0) != (err != nil) || got != want {
			t.Errorf("ParseClosingDay(%q) = %d, %v; want %d", in, got, err, want)
		}
	}
}

// draftPlan makes the pegawai a draft SKP for next year with two RHK (one
// indicator each) and returns the plan and the RHK and indicator ids.
func (f *fixture) draftPlan() (skp, rhk1, rhk2, ind1, ind2 int64) {
	f.t.Helper()
	ctx := context.Background()
	skp, err := f.s.CreateSKP(ctx, f.pegawai, f.s.Today().Year()+1)
	if err != nil {
		f.t.Fatal(err)
	}
	mk := func(uraian string) (int64, int64) {
		id, err := f.s.AddRHK(ctx, f.pegawai, skp, RHKInput{Uraian: uraian, Indikator: IndikatorInput{Aspek: "kuantitas", Uraian: "Jumlah laporan", Target: "12", Satuan: "laporan"}})
		if err != nil {
			f.t.Fatal(err)
		}
		var ind int64
		f.db.Raw(`SELECT id FROM rhk_indikator WHERE rhk_id = ?`, id).Scan(&ind)
		return id, ind
	}
	rhk1, ind1 = mk("Tersusunnya laporan bulanan")
	rhk2, ind2 = mk("Terlaksananya pelayanan")
	return
}
