package claim

import (
	"context"
	"strings"
	"testing"

	"github.com/ekinerja/ekinerja/internal/auth"
	"github.com/ekinerja/ekinerja/internal/kinerja"
	"github.com/ekinerja/ekinerja/internal/tpp"
)

// TestEveryKinerjaPredikatIsKnownToTPP: every predikat the kinerja area can
// give (all of kinerja.Predikats, and every one PredikatFor derives from the
// two ratings) has a factor in the TPP rules; and a code the rules do not
// know, computed through the claim, is refused on the employee's row (not
// paid as a silent 0%), while no rating at all is "tidak ada" with its
// warning.
func TestEveryKinerjaPredikatIsKnownToTPP(t *testing.T) {
	t.Parallel()
	rules := tpp.DemoRuleSet()
	known := func(p kinerja.Predikat) bool {
		_, ok := rules.Produktivitas.Predikat.Factor(tpp.Predikat(p))
		return ok
	}
	for _, p := range kinerja.Predikats {
		if !known(p) {
			t.Errorf("kinerja predikat %q is unknown to the TPP rules", p)
		}
	}
	ratings := []kinerja.Ekspektasi{kinerja.DiAtas, kinerja.Sesuai, kinerja.DiBawah}
	for _, h := range ratings {
		for _, b := range ratings {
			p, err := kinerja.PredikatFor(h, b)
			if err != nil {
				t.Fatalf("PredikatFor(%s, %s): %v", h, b, err)
			}
			if !known(p) {
				t.Errorf("PredikatFor(%s, %s) = %q, unknown to the TPP rules", h, b, p)
			}
		}
	}

	f := newFixture(t)
	ctx := context.Background()
	jab := f.mkJabatan(f.opd, "Analis", 9)
	odd := f.mkPegawai(f.opd, "Predikat Asing", "PNS", "III/c", "901")
	none := f.mkPegawai(f.opd, "Belum Dinilai", "PNS", "III/c", "902")
	good := f.mkPegawai(f.opd, "Dinilai Baik", "PNS", "III/c", "903")
	for _, p := range []int64{odd, none, good} {
		f.assign(p, jab, "definitif", "2020-01-01", nil)
	}
	s := NewService(f.db, fakeKinerja{odd: {Predikat: "istimewa"}, good: {Predikat: string(kinerja.Baik)}},
		&fakeAttendance{recaps: map[int64]AttendanceRecap{odd: {}, none: {}, good: {}}})
	v := f.actor(auth.RoleVerifikator, 0)
	c, err := s.Compute(ctx, v, f.opd, nov2026)
	if err != nil {
		t.Fatal(err)
	}
	rows, err := s.Rows(ctx, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	by := map[string]Row{}
	for _, r := range rows {
		by[r.Nama] = r
	}
	if r := by["Predikat Asing"]; r.Error == "" || !strings.Contains(r.Error, "predikat") || r.Net != 0 {
		t.Errorf("unknown predikat row: error %q, net %d; want refused", r.Error, r.Net)
	}
	if r := by["Belum Dinilai"]; r.Error != "" || !strings.Contains(r.Warnings, WarnNoPredikat) {
		t.Errorf("unrated row: error %q, warnings %v; want computed with the no-predikat warning", r.Error, r.Warnings)
	}
	if r := by["Dinilai Baik"]; r.Error != "" || r.Net <= 0 {
		t.Errorf("rated row: error %q, net %d", r.Error, r.Net)
	}
}
