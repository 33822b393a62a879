package pages

import (
	"strconv"
	"time"

	"github.com/ekinerja/ekinerja/internal/kinerja"
)

// KinerjaEvaluasiView is the periodic evaluation page.
type KinerjaEvaluasiView struct {
	E kinerja.EvaluasiPage
	// Input is the form as sent back with Errors.
	Input   kinerja.EvaluasiInput
	Errors  map[string]string
	Periods []kinerja.EvalPeriod
}

// KinerjaDistribusiView is the distribution of predikat of every unit the actor may see.
type KinerjaDistribusiView struct {
	D       kinerja.DistribusiPage
	Errors  map[string]string
	Periods []kinerja.EvalPeriod
}

// Chart geometry of the distribution bar chart (SVG user units).
const (
	chartBase = 110 // y of the bars' base line; 100 units = 100%
	chartBarW = 40
	chartStep = 58
)

// BarX is the x of bar i.
func BarX(i int) string { return strconv.Itoa(16 + i*chartStep) }

// BarMid is the middle of bar i, for its label.
func BarMid(i int) string { return strconv.Itoa(16 + i*chartStep + chartBarW/2) }

// BarW is the width of a bar.
func BarW() string { return strconv.Itoa(chartBarW) }

// BarY is the top of a bar of share bp (basis points).
func BarY(bp int) string { return strconv.Itoa(chartBase - bp/100) }

// BarH is the height of a bar of share bp.
func BarH(bp int) string { return strconv.Itoa(bp / 100) }

// LimitY is the y of the pattern's limit of pct percent.
func LimitY(pct int) string { return strconv.Itoa(chartBase - pct) }

// BarLeft and BarRight are the ends of the limit mark over bar i.
func BarLeft(i int) string  { return strconv.Itoa(16 + i*chartStep - 4) }
func BarRight(i int) string { return strconv.Itoa(16 + i*chartStep + chartBarW + 4) }

// ShortLabel is a predikat's label short enough for the chart.
func ShortLabel(p kinerja.Predikat) string {
	switch p {
	case kinerja.SangatBaik:
		return "Sgt Baik"
	case kinerja.ButuhPerbaikan:
		return "Butuh Pb."
	case kinerja.Kurang:
		return "Kurang"
	case kinerja.SangatKurang:
		return "Sgt Kurang"
	}
	return p.Label()
}

// PctBP prints a share in basis points as a percentage.
func PctBP(bp int) string { return strconv.Itoa(bp/100) + "," + strconv.Itoa(bp%100/10) + "%" }

// BarClass colours a bar by whether the pattern's limit for it is broken.
func BarClass(r kinerja.DistribusiRow) string {
	if r.MaxPct >= 0 && r.PctBP > r.MaxPct*100 {
		return "#b42318"
	}
	return "#1d4ed8"
}

// QuarterParam is the evaluation period of the quarter month falls in.
func QuarterParam(month time.Time) string {
	return kinerja.EvalPeriod{Tahun: month.Year(), Periode: kinerja.Periodes[(int(month.Month())-1)/3]}.Param()
}
