package pages

import (
	"strconv"
	"strings"

	"github.com/ekinerja/ekinerja/internal/tpp"
	"github.com/ekinerja/ekinerja/internal/tpp/claim"
	"github.com/ekinerja/ekinerja/views/components"
)

// TrendChart is the employee's net TPP of the last 12 months.
func TrendChart(points []claim.TrendPoint) components.Chart {
	c := components.Chart{ID: "grafik-tpp-12", Title: "TPP bersih Anda, 12 bulan terakhir", Unit: "TPP bersih"}
	for _, p := range points {
		c.Bars = append(c.Bars, components.Bar{Label: p.Period.String(), Value: p.Net, Text: tpp.Rupiah(p.Net).String()})
	}
	return c
}

// PipelineChart is the month's claims of every OPD by step.
func PipelineChart(p tpp.Period, stages []claim.PipelineStage) components.Chart {
	c := components.Chart{ID: "grafik-alur-klaim", Title: "Alur klaim TPP " + p.String() + " (jumlah OPD per tahap)", Unit: "Jumlah OPD"}
	for _, st := range stages {
		n := int64(len(st.OPDs))
		c.Bars = append(c.Bars, components.Bar{Label: st.Label, Value: n, Text: strconv.FormatInt(n, 10)})
	}
	return c
}

// StageOPDs names a stage's OPDs (with why, when blocked) for the list under
// the pipeline chart.
func StageOPDs(st claim.PipelineStage) string {
	names := make([]string, 0, len(st.OPDs))
	for _, o := range st.OPDs {
		if o.Why != "" {
			names = append(names, o.Nama+" ("+o.Why+")")
			continue
		}
		names = append(names, o.Nama)
	}
	return strings.Join(names, ", ")
}
