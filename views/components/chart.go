package components

import "strconv"

// Chart is a server-rendered bar chart: one horizontal bar per Bar, each
// bar optionally stacked from Parts. Its numbers are also a table (for
// screen readers and print). Values are plain numbers; Text is how the
// page writes each one (a count, "Rp 1.234.567").
type Chart struct {
	ID    string
	Title string
	// Unit names the value column of the table ("Jumlah OPD", "TPP bersih").
	Unit string
	Bars []Bar
	// Legend names the stacked parts, in order (empty: plain bars).
	Legend []string
	// Note, when set, is one line under the chart (how fresh it is).
	Note string
	// Shared marks a chart that everyone who sees it sees alike (the
	// regency-wide ones): pages draw it with SharedBarChart, which keeps
	// the drawing by content. It changes nothing drawn.
	Shared bool
}

// Bar is one labelled bar.
type Bar struct {
	Label string
	Value int64
	Text  string
	// Parts stack the bar (their values add up to Value); nil: one part.
	Parts []Part
}

// Part is one stacked segment.
type Part struct {
	Value int64
	Text  string
}

const (
	chartWidth  = 600
	chartLabel  = 190 // label column
	chartValue  = 130 // value text column
	chartRow    = 28
	chartBarH   = 18
	chartMargin = 6
)

// Height is the SVG's height.
func (c Chart) Height() string { return strconv.Itoa(len(c.Bars)*chartRow + 2*chartMargin) }

// ViewBox is the SVG's viewBox.
func (c Chart) ViewBox() string { return "0 0 " + strconv.Itoa(chartWidth) + " " + c.Height() }

func (c Chart) max() int64 {
	var m int64
	for _, b := range c.Bars {
		m = max(m, b.Value)
		var sum int64
		for _, p := range b.Parts {
			sum += p.Value
		}
		m = max(m, sum)
	}
	return m
}

// Segment is a drawn rectangle.
type Segment struct {
	X, Y, W, H string
	Class      string
	Title      string
}

// Row is one bar as drawn.
type Row struct {
	Bar
	LabelY   string
	LabelX   string
	ValueX   string
	Segments []Segment
}

// Rows lays the bars out; widths are proportional to the largest value.
func (c Chart) Rows() []Row {
	span := int64(chartWidth - chartLabel - chartValue)
	mx := c.max()
	out := make([]Row, 0, len(c.Bars))
	for i, b := range c.Bars {
		y := chartMargin + i*chartRow
		r := Row{Bar: b, LabelY: strconv.Itoa(y + chartBarH - 4), LabelX: strconv.Itoa(chartLabel - 6)}
		parts := b.Parts
		if parts == nil {
			parts = []Part{{Value: b.Value, Text: b.Text}}
		}
		x := int64(chartLabel)
		for j, p := range parts {
			w := int64(0)
			if mx > 0 {
				w = p.Value * span / mx
			}
			if p.Value > 0 && w == 0 {
				w = 1
			}
			title := b.Label + ": " + p.Text
			if j < len(c.Legend) {
				title = b.Label + ", " + c.Legend[j] + ": " + p.Text
			}
			r.Segments = append(r.Segments, Segment{X: strconv.FormatInt(x, 10), Y: strconv.Itoa(y), W: strconv.FormatInt(w, 10), H: strconv.Itoa(chartBarH),
				Class: "bar bar-" + strconv.Itoa(j%6), Title: title})
			x += w
		}
		r.ValueX = strconv.FormatInt(x+4, 10)
		out = append(out, r)
	}
	return out
}

// Short cuts a label to n runes for the SVG (the table has it in full).
func Short(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}

// PartClass is the legend swatch class of part j.
func PartClass(j int) string { return "swatch bar-" + strconv.Itoa(j%6) }

// Itoa64 formats an int64 for an attribute.
func Itoa64(v int64) string { return strconv.FormatInt(v, 10) }
