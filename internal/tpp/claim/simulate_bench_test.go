package claim

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/ekinerja/ekinerja/internal/auth"
	"github.com/ekinerja/ekinerja/internal/testdb"
	"github.com/ekinerja/ekinerja/internal/tpp"
)

// BenchmarkSimulation5000x12 simulates a draft rule set (every kelas paid
// 10% more) for a regency of 5.000 employees over the 12 months of 2026, each
// computed and stored as that month's claim, and prints the time per simulation
// (target: under 10 s). Run with `make bench` or
//
//	go test -run '^$' -bench Simulation5000x12 -benchtime 1x ./internal/tpp/claim/
func BenchmarkSimulation5000x12(b *testing.B) {
	n := 5000
	if testing.Short() { // make test runs every benchmark once, small, so none rots
		n = 300
	}
	db := testdb.New(b)
	opd, k, a := seedBigOPD(b, db, n)
	s := NewService(db, k, a)
	ctx := context.Background()
	dec := tpp.Period{Year: 2026, Month: 12}
	// Every month of 2026 computed and stored as that month's claim.
	var c Claim
	for m := 1; m <= 12; m++ {
		var err error
		if c, err = s.Compute(ctx, Actor{Role: auth.RoleVerifikator}, opd, tpp.Period{Year: 2026, Month: m}); err != nil {
			b.Fatal(err)
		}
	}
	super := Actor{Role: auth.RoleSuperadmin}
	draft, err := s.NewRuleSetVersion(ctx, super, c.RuleSetID)
	if err != nil {
		b.Fatal(err)
	}
	rules := draft.Rules
	for i := range rules.Base.Table {
		rules.Base.Table[i] = rules.Base.Table[i] * 11 / 10
	}
	params, _ := json.Marshal(rules)
	if err := db.Exec(`UPDATE tpp_rule_set SET params = ?::jsonb WHERE id = ?`, string(params), draft.ID).Error; err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	start := time.Now()
	var sim Simulation
	for range b.N {
		if sim, err = s.Simulate(ctx, super, SimulationInput{RuleSetID: draft.ID, End: dec, Months: 12}); err != nil {
			b.Fatal(err)
		}
	}
	b.StopTimer()
	per := time.Since(start) / time.Duration(b.N)
	if sim.Total.EmployeeMonths+sim.Total.Failed != 12*n || sim.Total.Months != 12 || sim.Total.Draft.Net <= sim.Total.Current.Net {
		b.Fatalf("simulation = %+v", sim.Total)
	}
	b.ReportMetric(per.Seconds(), "s/simulation")
	b.Logf("simulasi %d pegawai x 12 bulan: %v per simulasi (target < 10 s); bersih aturan berlaku %s, aturan baru %s",
		n, per.Round(time.Millisecond), tpp.Rupiah(sim.Total.Current.Net), tpp.Rupiah(sim.Total.Draft.Net))
}
