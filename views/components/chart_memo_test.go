package components

import (
	"bytes"
	"context"
	"reflect"
	"strconv"
	"testing"
)

func sampleChart() Chart {
	return Chart{ID: "grafik-x", Title: "Judul", Unit: "Jumlah", Note: "Catatan", Legend: []string{"A", "B"},
		Bars: []Bar{
			{Label: "Dinas Kesehatan", Value: 7, Text: "7", Parts: []Part{{Value: 3, Text: "3"}, {Value: 4, Text: "4"}}},
			{Label: "Dinas Pendidikan", Value: 5, Text: "5", Parts: []Part{{Value: 5, Text: "5"}, {Value: 0, Text: "0"}}},
		}}
}

// mutations returns one copy of v per leaf field reachable from it (in
// slices: the first element), each with that one field changed, named by
// its path; and one copy per slice with an element added.
func mutations(v reflect.Value, path string, set func(func(reflect.Value))) []string {
	var out []string
	switch v.Kind() {
	case reflect.String:
		set(func(f reflect.Value) { f.SetString(f.String() + "x") })
		out = append(out, path)
	case reflect.Int64:
		set(func(f reflect.Value) { f.SetInt(f.Int() + 1) })
		out = append(out, path)
	case reflect.Bool:
		set(func(f reflect.Value) { f.SetBool(!f.Bool()) })
		out = append(out, path)
	case reflect.Struct:
		for i := range v.NumField() {
			i := i
			out = append(out, mutations(v.Field(i), path+"."+v.Type().Field(i).Name, func(m func(reflect.Value)) {
				set(func(f reflect.Value) { m(f.Field(i)) })
			})...)
		}
	case reflect.Slice:
		set(func(f reflect.Value) { f.Set(reflect.Append(f, reflect.New(f.Type().Elem()).Elem())) })
		out = append(out, path+"+")
		if v.Len() > 0 {
			out = append(out, mutations(v.Index(0), path+"[0]", func(m func(reflect.Value)) {
				set(func(f reflect.Value) {
					// Copy the slice first: the base chart's backing array stays as it is.
					c := reflect.MakeSlice(f.Type(), f.Len(), f.Len())
					reflect.Copy(c, f)
					f.Set(c)
					m(f.Index(0))
				})
			})...)
		}
	default:
		panic("chart field of kind " + v.Kind().String() + " at " + path + ": add it to Chart.key and to this test")
	}
	return out
}

// TestChartKeyCoversEveryField: changing any one field of a chart (found by
// reflection, so a field added later is covered or fails here) changes its
// key, except Shared, which draws nothing; and text moved from one field to
// the next does too.
func TestChartKeyCoversEveryField(t *testing.T) {
	base := sampleChart()
	k0 := base.key()
	var changes []func(reflect.Value)
	paths := mutations(reflect.ValueOf(base), "Chart", func(m func(reflect.Value)) { changes = append(changes, m) })
	if len(paths) < 12 {
		t.Fatalf("only %d fields found: %v", len(paths), paths)
	}
	for i, p := range paths {
		c := sampleChart()
		changes[i](reflect.ValueOf(&c).Elem())
		if reflect.DeepEqual(c, base) {
			t.Fatalf("%s: the mutation changed nothing", p)
		}
		same := c.key() == k0
		if p == "Chart.Shared" {
			if !same {
				t.Errorf("%s changes the key but draws nothing", p)
			}
			continue
		}
		if same {
			t.Errorf("%s changed, the key did not", p)
		}
	}
	a, b := sampleChart(), sampleChart()
	a.Title, a.Unit = "ab", "c"
	b.Title, b.Unit = "a", "bc"
	if a.key() == b.key() {
		t.Error("text moved between Title and Unit keeps the key")
	}
}

// TestSharedBarChartDrawsWhatBarChartDraws: the kept drawing is byte for
// byte BarChart's, on the first view and on the next, and a chart whose
// numbers changed is drawn anew.
func TestSharedBarChartDrawsWhatBarChartDraws(t *testing.T) {
	empty := sampleChart()
	empty.Bars = nil
	changed := sampleChart()
	changed.Bars[0].Parts[1] = Part{Value: 9, Text: "9"}
	changed.Bars[0].Value, changed.Bars[0].Text = 12, "12"
	for _, tc := range []struct {
		name string
		c    Chart
	}{{"bars", sampleChart()}, {"empty", empty}, {"changed", changed}} {
		t.Run(tc.name, func(t *testing.T) {
			var want bytes.Buffer
			if err := BarChart(tc.c).Render(context.Background(), &want); err != nil {
				t.Fatal(err)
			}
			for i := range 2 {
				var got bytes.Buffer
				if err := SharedBarChart(tc.c).Render(context.Background(), &got); err != nil {
					t.Fatal(err)
				}
				if got.String() != want.String() {
					t.Errorf("view %d:\n%s\nBarChart:\n%s", i+1, got.String(), want.String())
				}
			}
		})
	}
	// Bounded: many different charts keep at most sharedChartsMax drawings.
	for i := range 3 * sharedChartsMax {
		c := sampleChart()
		c.Title = "Judul " + strconv.Itoa(i)
		if err := SharedBarChart(c).Render(context.Background(), &bytes.Buffer{}); err != nil {
			t.Fatal(err)
		}
	}
	sharedCharts.mu.Lock()
	n := len(sharedCharts.m)
	sharedCharts.mu.Unlock()
	if n > sharedChartsMax || n == 0 {
		t.Errorf("%d drawings kept, bound %d", n, sharedChartsMax)
	}
}
