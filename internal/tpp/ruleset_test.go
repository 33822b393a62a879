package tpp

import (
	"encoding/json"
	"errors"
	"reflect"
	"testing"

	"github.com/ekinerja/ekinerja/internal/apperr"
)

func TestDemoRuleSet(t *testing.T) {
	t.Parallel()
	rs := DemoRuleSet()
	if err := rs.Validate(); err != nil {
		t.Fatalf("demo rule set invalid: %v", err)
	}
	for k, want := range map[int]int64{1: 1_750_000, 9: 5_000_000, 15: 17_500_000} {
		if got, _ := rs.Base.KelasAmount(k); got != want {
			t.Errorf("kelas %d = %s, want %s", k, Rupiah(got), Rupiah(want))
		}
	}
	for k := 2; k <= KelasCount; k++ {
		if rs.Base.Table[k-1] <= rs.Base.Table[k-2] || rs.Base.Reference[k-1] <= rs.Base.Reference[k-2] {
			t.Errorf("kelas %d does not pay more than kelas %d", k, k-1)
		}
	}
	if _, err := rs.Base.KelasAmount(18); err == nil {
		t.Error("kelas 18 accepted")
	}
	// DemoRuleSet returns a fresh value: changing one must not change the next.
	rs.Leave.Besar[0] = 1
	rs.Base.Table[0] = 1
	if again := DemoRuleSet(); again.Leave.Besar[0] != 5000 || again.Base.Table[0] != 1_750_000 {
		t.Error("DemoRuleSet shares state between calls")
	}
}

func TestRuleSetJSONRoundTrip(t *testing.T) {
	t.Parallel()
	rs := DemoRuleSet()
	rs.EffectiveUntil = Period{2026, 12}
	b, err := json.Marshal(rs)
	if err != nil {
		t.Fatal(err)
	}
	var back RuleSet
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(rs, back) {
		t.Errorf("round trip changed the rule set:\n%s", b)
	}
	// An open-ended rule set omits effective_until and reads back as zero.
	b, _ = json.Marshal(DemoRuleSet())
	var m map[string]any
	_ = json.Unmarshal(b, &m)
	if _, ok := m["effective_until"]; ok {
		t.Errorf("open-ended rule set wrote effective_until: %v", m["effective_until"])
	}
	if m["base"].(map[string]any)["indeks_tpp"] != "0.59112978" {
		t.Errorf("indeks_tpp = %v, want the exact decimal text", m["base"].(map[string]any)["indeks_tpp"])
	}
}

func TestRuleSetValidate(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		mutate func(*RuleSet)
		field  string
	}{
		{"name", func(r *RuleSet) { r.Name = " " }, "name"},
		{"version", func(r *RuleSet) { r.Version = 0 }, "version"},
		{"effective from", func(r *RuleSet) { r.EffectiveFrom = Period{} }, "effective_from"},
		{"until before from", func(r *RuleSet) { r.EffectiveUntil = Period{2025, 12} }, "effective_until"},
		{"base mode", func(r *RuleSet) { r.Base.Mode = "lain" }, "base.mode"},
		{"table zero", func(r *RuleSet) { r.Base.Table[16] = 0 }, "base.table[16]"},
		{"table too big", func(r *RuleSet) { r.Base.Table[0] = Rupiah(MaxAmount) + 1 }, "base.table[0]"},
		{"reference zero in indeks mode", func(r *RuleSet) { r.Base.Mode = BaseModeIndeks; r.Base.Reference[3] = 0 }, "base.reference[3]"},
		{"indeks zero", func(r *RuleSet) { r.Base.Mode = BaseModeIndeks; r.Base.IndeksTPP = Ratio{0, 1} }, "base.indeks_tpp"},
		{"indeks no denominator", func(r *RuleSet) { r.Base.Mode = BaseModeIndeks; r.Base.IndeksTPP = Ratio{1, 0} }, "base.indeks_tpp"},
		{"indeks absurd", func(r *RuleSet) { r.Base.Mode = BaseModeIndeks; r.Base.IndeksTPP = Ratio{10, 1} }, "base.indeks_tpp"},
		{"extra criteria", func(r *RuleSet) { r.Base.MaxExtraCriteria = 10001 }, "base.max_extra_criteria"},
		{"cpns over 100%", func(r *RuleSet) { r.Status.CPNS = 10001 }, "status.cpns"},
		{"pppk negative", func(r *RuleSet) { r.Status.PPPK = -1 }, "status.pppk"},
		{"plt share", func(r *RuleSet) { r.Plt.EqualLevelShare = 20000 }, "plt.equal_level_share"},
		{"plt days", func(r *RuleSet) { r.Plt.MinWorkingDays = 32 }, "plt.min_working_days"},
		{"split not 100%", func(r *RuleSet) { r.Split.Disiplin = 3000 }, "split"},
		{"produktivitas mode", func(r *RuleSet) { r.Produktivitas.Mode = "" }, "produktivitas.mode"},
		{"predikat factor", func(r *RuleSet) { r.Produktivitas.Predikat.Kurang = 10001 }, "produktivitas.predikat.kurang"},
		{"minutes target", func(r *RuleSet) {
			r.Produktivitas.Mode = ProduktivitasMenit
			r.Produktivitas.MonthlyMinutesTarget = 0
		}, "produktivitas.monthly_minutes_target"},
		{"tk rate", func(r *RuleSet) { r.Disiplin.TKPerDay = -300 }, "disiplin.tk_per_day"},
		{"tl rate", func(r *RuleSet) { r.Disiplin.TL[3] = 10001 }, "disiplin.tl[3]"},
		{"psw rate", func(r *RuleSet) { r.Disiplin.PSW[0] = -1 }, "disiplin.psw[0]"},
		{"cap", func(r *RuleSet) { r.Disiplin.Cap = 10001 }, "disiplin.cap"},
		{"bands not rising", func(r *RuleSet) { r.Disiplin.BandMinutes = [3]int{30, 30, 90} }, "disiplin.band_minutes[1]"},
		{"sick empty", func(r *RuleSet) { r.Leave.Sick = nil }, "leave.sick"},
		{"sick gap", func(r *RuleSet) { r.Leave.Sick[1].MinDays = 4 }, "leave.sick[1]"},
		{"sick pay", func(r *RuleSet) { r.Leave.Sick[2].Pay = 10001 }, "leave.sick[2].pay"},
		{"besar empty", func(r *RuleSet) { r.Leave.Besar = nil }, "leave.besar"},
		{"maternity rate", func(r *RuleSet) { r.Leave.MelahirkanAnakKetiga[2] = -1 }, "leave.melahirkan_anak_ketiga[2]"},
		{"hukdis months", func(r *RuleSet) { r.Hukdis.Sedang.Months = 0 }, "hukdis.sedang.months"},
		{"hukdis rate", func(r *RuleSet) { r.Hukdis.Berat.Rate = 10001 }, "hukdis.berat.rate"},
		{"pph rate", func(r *RuleSet) { r.PPh21.GolonganIV = 10001 }, "pph21.golongan_iv"},
		{"pph plus bpjs over 100%", func(r *RuleSet) { r.PPh21.GolonganIII = 9950 }, "pph21.golongan_iii"},
		{"pppk gap", func(r *RuleSet) { r.PPh21.PPPK = r.PPh21.PPPK[:3] }, "pph21.pppk"},
		{"pppk overlap", func(r *RuleSet) { r.PPh21.PPPK[1].From = 4 }, "pph21.pppk"},
		{"pppk group", func(r *RuleSet) { r.PPh21.PPPK[0].Group = 5 }, "pph21.pppk[0].group"},
		{"pppk range", func(r *RuleSet) { r.PPh21.PPPK[3].To = 18 }, "pph21.pppk[3]"},
		{"bpjs rate", func(r *RuleSet) { r.BPJS.GovernmentRate = 10001 }, "bpjs.government_rate"},
		{"bpjs cap", func(r *RuleSet) { r.BPJS.Cap = 0 }, "bpjs.cap"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rs := DemoRuleSet()
			tt.mutate(&rs)
			err := rs.Validate()
			var ve *apperr.ValidationError
			if !errors.As(err, &ve) {
				t.Fatalf("Validate() = %v, want *apperr.ValidationError", err)
			}
			if ve.Fields[tt.field] == "" {
				t.Errorf("no message for %q; got %v", tt.field, ve.Fields)
			}
			// Calculate refuses the rule set and says it is the rule set's fault.
			_, err = Calculate(rs, DemoInput())
			if !errors.Is(err, ErrRuleSet) || !errors.As(err, &ve) {
				t.Errorf("Calculate error = %v, want ErrRuleSet wrapping *apperr.ValidationError", err)
			}
		})
	}
}

func TestBand(t *testing.T) {
	t.Parallel()
	d := DemoRuleSet().Disiplin
	for minutes, want := range map[int]int{-1: 0, 0: 0, 1: 1, 30: 1, 31: 2, 60: 2, 61: 3, 90: 3, 91: 4, 600: 4} {
		if got := d.Band(minutes); got != want {
			t.Errorf("Band(%d) = %d, want %d", minutes, got, want)
		}
	}
}
