package claim

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/ekinerja/ekinerja/internal/apperr"
	"github.com/ekinerja/ekinerja/internal/auth"
	"github.com/ekinerja/ekinerja/internal/tpp"
)

// TestSimulationGainersLosersAndYear: budi (the worked example, kelas 9) and
// Ani (kelas 8, PNS III/a, no rating and no attendance data: only the
// disiplin share) are computed for October and November 2026. A draft pays
// kelas 9 Rp 4.000.000 and kelas 8 Rp 5.000.000. By hand, per month:
// budi 4.606.000 -> 2.400.000 + 1.600.000 - 48.000 - 32.000 = 3.920.000
// gross, - 196.000 PPh - 39.200 BPJS = 3.684.800 (-921.200); Ani 40% x
// 4.350.000 = 1.740.000 - 87.000 - 17.400 = 1.635.600 -> 2.000.000 -
// 100.000 - 20.000 = 1.880.000 (+244.400). Over a window of three months
// (September has no claim) the year is 12/2 of the two months with inputs.
func TestSimulationGainersLosersAndYear(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	budi := f.budi()
	ani := f.mkPegawai(f.opd, "Ani Lestari", "PNS", "III/a", "0099")
	f.assign(ani, f.mkJabatan(f.opd, "Pengadministrasi", 8), "definitif", "2024-01-01", nil)
	k, a := workedSources(budi)
	s := NewService(f.db, k, a)
	ctx := context.Background()
	for _, m := range []int{10, 11} {
		if _, err := s.Compute(ctx, f.actor(auth.RoleAdminOPD, f.opd), f.opd, tpp.Period{Year: 2026, Month: m}); err != nil {
			t.Fatal(err)
		}
	}
	super := f.actor(auth.RoleSuperadmin, 0)
	draft, err := s.NewRuleSetVersion(ctx, super, 1)
	if err != nil {
		t.Fatal(err)
	}
	rules := draft.Rules
	rules.Base.Table[8], rules.Base.Table[7] = 4_000_000, 5_000_000
	params, _ := json.Marshal(rules)
	f.exec(`UPDATE tpp_rule_set SET params = ?::jsonb WHERE id = ?`, string(params), draft.ID)

	sim, err := s.Simulate(ctx, super, SimulationInput{RuleSetID: draft.ID, End: nov2026, Months: 3})
	if err != nil {
		t.Fatal(err)
	}
	cur, neu := int64(2*(4_606_000+1_635_600)), int64(2*(3_684_800+1_880_000))
	tot := sim.Total
	if tot.Months != 2 || tot.EmployeeMonths != 4 || tot.Employees != 2 || tot.Current.Net != cur || tot.Draft.Net != neu ||
		tot.Difference() != -1_353_600 || tot.CurrentYear != 6*cur || tot.DraftYear != 6*neu || tot.Failed != 0 {
		t.Fatalf("regency %+v", tot)
	}
	if sim.From != (tpp.Period{Year: 2026, Month: 9}) || len(sim.Current) != 1 || sim.Current[0].Version != 1 {
		t.Fatalf("window %v, current %+v", sim.From, sim.Current)
	}
	if len(sim.Gainers) != 1 || sim.Gainers[0].PegawaiID != ani || sim.Gainers[0].Difference() != 488_800 || sim.Gainers[0].Months != 2 ||
		len(sim.Losers) != 1 || sim.Losers[0].PegawaiID != budi || sim.Losers[0].Difference() != -1_842_400 {
		t.Fatalf("gainers %+v losers %+v", sim.Gainers, sim.Losers)
	}
	for _, r := range sim.Rows {
		if r.OPDID == f.other && (r.EmployeeMonths != 0 || r.Pagu != -1) {
			t.Fatalf("other OPD %+v", r)
		}
	}
	// A window reaching before the first rule set says so; the rest runs.
	sim, err = s.Simulate(ctx, super, SimulationInput{RuleSetID: draft.ID, End: nov2026, Months: 12})
	if err != nil || sim.Total.Draft.Net != neu || len(sim.Notes) != 1 || !strings.Contains(sim.Notes[0], "Desember 2025") {
		t.Fatalf("12 months: %v %+v %v", err, sim.Total, sim.Notes)
	}
	if sim, err = s.Simulate(ctx, super, SimulationInput{RuleSetID: draft.ID, End: tpp.Period{Year: 2026, Month: 1}, Months: 2}); err != nil ||
		len(sim.Notes) != 2 || !strings.Contains(sim.Notes[1], "Tidak ada masukan") {
		t.Fatalf("before the rules: %v %v", err, sim.Notes)
	}
	if _, err := s.Simulate(ctx, f.actor(auth.RoleVerifikator, 0), SimulationInput{RuleSetID: draft.ID}); !errors.Is(err, apperr.ErrForbidden) {
		t.Fatalf("verifikator: %v", err)
	}
	if _, err := s.Simulate(ctx, super, SimulationInput{RuleSetID: 1, End: nov2026}); !strings.Contains(errMsg(err), "sudah berlaku") {
		t.Fatalf("version in force: %v", err)
	}
}

func errMsg(err error) string {
	var ve *apperr.ValidationError
	if errors.As(err, &ve) {
		return ve.Fields["aturan"]
	}
	if err == nil {
		return ""
	}
	return err.Error()
}
