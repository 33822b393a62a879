package tpp

import (
	"bytes"
	"encoding/json"
	"fmt"
	"testing"
)

// jsonLeaves lists the scalar paths of a JSON document in order.
func jsonLeaves(t *testing.T, v any) []string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var tree any
	if err := dec.Decode(&tree); err != nil {
		t.Fatal(err)
	}
	var out []string
	var walk func(path string, n any)
	walk = func(path string, n any) {
		switch x := n.(type) {
		case map[string]any:
			// encoding/json writes struct fields in declaration order, but a
			// decoded map has none; the order is checked apart below.
			for k, v := range x {
				p := k
				if path != "" {
					p = path + "." + k
				}
				walk(p, v)
			}
		case []any:
			if len(x) == 0 {
				out = append(out, path)
			}
			for i, v := range x {
				walk(fmt.Sprintf("%s[%d]", path, i), v)
			}
		default:
			out = append(out, path)
		}
	}
	walk("", tree)
	return out
}

// TestRuleFieldsCoverRuleSet: the form's field table covers every parameter
// of the rule set's JSON (the version excepted), each with the kind of its
// Go type: money as rupiah, rates as percentages, counts as numbers.
func TestRuleFieldsCoverRuleSet(t *testing.T) {
	t.Parallel()
	rs := DemoRuleSet()
	rs.EffectiveUntil = Period{2027, 12}
	fields, err := RuleFields(rs)
	if err != nil {
		t.Fatal(err)
	}
	byPath := map[string]RuleField{}
	for _, f := range fields {
		byPath[f.Path] = f
		if f.Label == "" || f.Group == "" {
			t.Errorf("%s has no label or group", f.Path)
		}
	}
	for _, p := range jsonLeaves(t, rs) {
		if _, ok := byPath[p]; !ok && p != "version" {
			t.Errorf("parameter %s is not on the form", p)
		}
	}
	if _, ok := byPath["version"]; ok {
		t.Error("version is on the form")
	}
	for path, want := range map[string]FieldKind{
		"base.table[0]": KindMoney, "base.table[16]": KindMoney, "base.reference[3]": KindMoney, "bpjs.cap": KindMoney,
		"status.pns": KindBP, "disiplin.tl[1]": KindBP, "leave.sick[0].pay": KindBP, "bpjs.employee_rate": KindBP,
		"disiplin.band_minutes[0]": KindInt, "produktivitas.monthly_minutes_target": KindInt, "pph21.pppk[0].group": KindInt,
		"name": KindText, "effective_from": KindText, "effective_until": KindText, "base.indeks_tpp": KindText, "base.mode": KindText,
		"pph21.borne_by_budget": KindBool,
	} {
		if got := byPath[path].Kind; got != want {
			t.Errorf("%s kind %q, want %q", path, got, want)
		}
	}
	if f := byPath["bpjs.cap"]; f.Int != int64(rs.BPJS.Cap) || f.Format() != FormatNumber(int64(rs.BPJS.Cap)) {
		t.Errorf("bpjs.cap = %+v", f)
	}
	if f := byPath["effective_until"]; f.Text != "2027-12" {
		t.Errorf("effective_until = %q", f.Text)
	}
	// Declaration order: the name first, the BPJS cap last.
	if fields[0].Path != "name" || fields[len(fields)-1].Path != "bpjs.cap" {
		t.Errorf("order: first %s, last %s", fields[0].Path, fields[len(fields)-1].Path)
	}
	// Every value reads back as itself.
	for _, f := range fields {
		if f.Kind == KindList {
			continue
		}
		v, err := f.Kind.Parse(f.Format())
		if err != nil {
			t.Errorf("%s: %q does not read back: %v", f.Path, f.Format(), err)
			continue
		}
		switch f.Kind {
		case KindMoney, KindBP, KindInt:
			if v != f.Int {
				t.Errorf("%s: %q reads back as %v, want %d", f.Path, f.Format(), v, f.Int)
			}
		}
	}
}

// TestNewMoneyFieldIsReadAsRupiah: a money parameter added to the rules
// (here in a rule type of the test's own) is shown and read as whole
// rupiah because of its Go type, not read as a percentage (x100), and a
// parameter of a type the form cannot show is refused, not guessed.
func TestNewMoneyFieldIsReadAsRupiah(t *testing.T) {
	t.Parallel()
	type newRules struct {
		BPJS      BPJSRule `json:"bpjs"`
		Allowance Rupiah   `json:"tunjangan_baru"`
		Rate      BasisPoints
		Days      int `json:"hari"`
	}
	fields, err := FieldsOf(newRules{Allowance: 250_000, Rate: 50, Days: 3})
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]RuleField{}
	for _, f := range fields {
		got[f.Path] = f
	}
	f := got["tunjangan_baru"]
	if f.Kind != KindMoney || f.Format() != "250.000" || f.Label != "tunjangan baru (Rp)" {
		t.Fatalf("new money field = %+v (shown %q)", f, f.Format())
	}
	for _, tc := range []struct {
		raw  string
		want int64
	}{{"250.000", 250_000}, {"Rp 1.500.000", 1_500_000}, {"75000", 75_000}} {
		v, err := f.Kind.Parse(tc.raw)
		if err != nil || v != tc.want {
			t.Errorf("Parse(%q) = %v, %v, want %d rupiah", tc.raw, v, err, tc.want)
		}
	}
	if _, err := f.Kind.Parse("2,5"); err == nil {
		t.Error("a decimal rupiah amount was accepted")
	}
	if r := got["Rate"]; r.Kind != KindBP || r.Format() != "0,5" {
		t.Errorf("rate = %+v", r)
	}
	if v, err := KindBP.Parse("0,5"); err != nil || v != int64(50) {
		t.Errorf("percentage 0,5 = %v, %v", v, err)
	}
	if d := got["hari"]; d.Kind != KindInt || d.Int != 3 {
		t.Errorf("days = %+v", d)
	}
	if _, err := FieldsOf(struct {
		Ratio float64 `json:"rasio"`
	}{}); err == nil {
		t.Error("a parameter of a type with no form kind was accepted")
	}
}
