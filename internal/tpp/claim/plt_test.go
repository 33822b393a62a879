package claim

import (
	"context"
	"strings"
	"testing"

	"github.com/ekinerja/ekinerja/internal/auth"
	"github.com/ekinerja/ekinerja/internal/tpp"
)

// TestPltLevelThroughTheClaim: the level of an acting post (Plt/Plh) comes
// from the positions' kelas as the claim gathers them, and is labelled and
// paid by it (spec 4.1): a lower post adds nothing (issue 18: it was labelled
// "setingkat" and paid 20% of the lower post), an equal one adds the rule
// set's share, a higher one pays the higher post's base. Own post kelas 9
// (Rp 5.000.000), Plt the whole of November 2026 (21 working days).
func TestPltLevelThroughTheClaim(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := context.Background()
	tests := []struct {
		name   string
		opd    int64
		kelas  int
		mulai  string
		level  tpp.PltLevel
		base   int64
		amount int64
		label  string
		reason string
	}{
		{"lower post", f.opd, 6, "2026-10-01", tpp.PltLebihRendah, 5_000_000, 0, "Plt jabatan lebih rendah (tanpa tambahan)",
			"Plt jabatan lebih rendah kelas 6"},
		{"lower post in another OPD", f.other, 7, "2026-11-01", tpp.PltLebihRendah, 5_000_000, 0, "Plt jabatan lebih rendah (tanpa tambahan)",
			"tetap menerima TPP jabatan sendiri Rp 5.000.000, tidak ada tambahan"},
		{"equal post", f.opd, 9, "2026-11-01", tpp.PltSetingkat, 6_000_000, 1_000_000, "Tambahan Plt jabatan setingkat",
			"Plt jabatan setingkat kelas 9"},
		{"higher post", f.opd, 12, "2026-11-01", tpp.PltLebihTinggi, 9_500_000, 4_500_000, "Tambahan Plt jabatan lebih tinggi",
			"Plt jabatan lebih tinggi kelas 12"},
		{"lower post, too short", f.opd, 6, "2026-11-20", tpp.PltLebihRendah, 5_000_000, 0, "Plt jabatan lebih rendah (tanpa tambahan)",
			"kurang dari 20 hari kerja"},
	}
	ids := make([]int64, len(tests))
	k := fakeKinerja{}
	att := &fakeAttendance{recaps: map[int64]AttendanceRecap{}}
	for i, tt := range tests {
		p := f.mkPegawai(f.opd, "Plt "+tt.name, "PNS", "III/c", "9000"+itoa(int64(i)))
		f.assign(p, f.mkJabatan(f.opd, "Analis", 9), "definitif", "2024-01-01", nil)
		f.assign(p, f.mkJabatan(tt.opd, "Jabatan Plt", tt.kelas), "plt", tt.mulai, nil)
		ids[i] = p
		k[p] = KinerjaMonth{Predikat: "baik"}
		att.recaps[p] = AttendanceRecap{}
	}
	s := NewService(f.db, k, att)
	v := f.actor(auth.RoleVerifikator, 0)
	c, err := s.Compute(ctx, v, f.opd, nov2026)
	if err != nil {
		t.Fatal(err)
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sl, err := s.Slip(ctx, v, c.ID, ids[i])
			if err != nil {
				t.Fatal(err)
			}
			if sl.Row.Error != "" || sl.Input.Plt == nil || sl.Input.Plt.Level != tt.level {
				t.Fatalf("error %q plt %+v, want level %s", sl.Row.Error, sl.Input.Plt, tt.level)
			}
			l, ok := lineCode(sl.Lines, tpp.CodePlt)
			if !ok || l.Amount != tt.amount || l.Label != tt.label || !strings.Contains(l.Reason, tt.reason) {
				t.Fatalf("plt line %+v, want %d %q %q", l, tt.amount, tt.label, tt.reason)
			}
			if sl.Row.Base != tt.base {
				t.Fatalf("base %d, want %d", sl.Row.Base, tt.base)
			}
			// Baik, clean month: gross is the base.
			if sl.Row.Gross != tt.base {
				t.Fatalf("gross %d, want %d", sl.Row.Gross, tt.base)
			}
		})
	}
}
