package pages

import (
	"strconv"
	"strings"

	"github.com/ekinerja/ekinerja/internal/attendance"
	"github.com/ekinerja/ekinerja/internal/kinerja"
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
	c := components.Chart{ID: "grafik-alur-klaim", Title: "Alur klaim TPP " + p.String() + " (jumlah OPD per tahap)", Unit: "Jumlah OPD", Shared: true}
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

// PaguChart is the year's TPP per OPD against its pagu: paid, approved
// (not yet paid) and what is left, stacked; the value is the pagu.
func PaguChart(r claim.PaguReport) components.Chart {
	c := components.Chart{ID: "grafik-pagu", Title: "TPP per OPD tahun " + strconv.Itoa(r.Tahun) + " terhadap pagu", Unit: "Pagu",
		Legend: []string{"Dibayar", "Disetujui", "Sisa pagu"}, Shared: true}
	for _, o := range r.Rows {
		b := components.Bar{Label: o.OPDNama, Value: max(o.Pagu, 0), Text: tpp.Rupiah(max(o.Pagu, 0)).String(),
			Parts: []components.Part{{Value: o.Paid, Text: tpp.Rupiah(o.Paid).String()}, {Value: o.Approved, Text: tpp.Rupiah(o.Approved).String()}}}
		if o.Pagu >= 0 {
			b.Parts = append(b.Parts, components.Part{Value: o.Left(), Text: tpp.Rupiah(o.Left()).String()})
		} else {
			b.Text = "belum ada pagu"
			b.Parts = append(b.Parts, components.Part{Value: 0, Text: "-"})
		}
		c.Bars = append(c.Bars, b)
	}
	return c
}

// PredikatChart is the month's predikat distribution per OPD.
func PredikatChart(p tpp.Period, rows []kinerja.OPDPredikat) components.Chart {
	c := components.Chart{ID: "grafik-predikat", Title: "Predikat kinerja " + p.String() + " per OPD (jumlah pegawai)", Unit: "Pegawai aktif", Note: SnapshotNote, Shared: true}
	for _, k := range kinerja.Predikats {
		c.Legend = append(c.Legend, k.Label())
	}
	c.Legend = append(c.Legend, "Belum dinilai")
	for _, r := range rows {
		b := components.Bar{Label: r.OPDNama}
		for _, n := range append(r.Counts[:], r.Belum) {
			b.Parts = append(b.Parts, components.Part{Value: n, Text: tpp.FormatNumber(n)})
			b.Value += n
		}
		b.Text = tpp.FormatNumber(b.Value)
		c.Bars = append(c.Bars, b)
	}
	return c
}

// SnapshotNote is said under a chart of a regency-wide snapshot
// (internal/snapshot): it may be up to a minute behind the tables.
const SnapshotNote = "Ringkasan seluruh OPD, dihitung ulang paling lama setiap 1 menit."

// DisciplineChart is the month's TK days and TL days per OPD, stacked.
func DisciplineChart(p tpp.Period, rows []attendance.OPDDiscipline) components.Chart {
	c := components.Chart{ID: "grafik-presensi", Title: "Tanpa keterangan (TK) dan terlambat (TL) " + p.String() + " per OPD (jumlah hari)",
		Unit: "Jumlah hari", Legend: []string{"TK (hari)", "TL (kali)"}, Note: SnapshotNote, Shared: true}
	for _, r := range rows {
		c.Bars = append(c.Bars, components.Bar{Label: r.OPDNama, Value: r.Total(), Text: tpp.FormatNumber(r.Total()),
			Parts: []components.Part{{Value: r.TK, Text: tpp.FormatNumber(r.TK)}, {Value: r.TL, Text: tpp.FormatNumber(r.TL)}}})
	}
	return c
}

// TeamMinutesChart is the atasan's team's minutes this month.
func TeamMinutesChart(p tpp.Period, team []kinerja.TeamMember) components.Chart {
	c := components.Chart{ID: "grafik-menit-tim", Title: "Menit kerja bawahan " + p.String(), Unit: "Jumlah menit",
		Legend: []string{"Disetujui", "Menunggu tinjauan"}}
	for _, m := range team {
		c.Bars = append(c.Bars, components.Bar{Label: m.Nama, Value: m.Approved + m.Submitted, Text: tpp.FormatNumber(m.Approved + m.Submitted),
			Parts: []components.Part{{Value: m.Approved, Text: tpp.FormatNumber(m.Approved)}, {Value: m.Submitted, Text: tpp.FormatNumber(m.Submitted)}}})
	}
	return c
}

// TeamPredikatChart counts the team's monthly predikat.
func TeamPredikatChart(p tpp.Period, team []kinerja.TeamMember) components.Chart {
	c := components.Chart{ID: "grafik-predikat-tim", Title: "Predikat bawahan " + p.String(), Unit: "Jumlah pegawai"}
	for _, k := range append(kinerja.Predikats, "") {
		var n int64
		for _, m := range team {
			if m.Predikat == k {
				n++
			}
		}
		label := k.Label()
		if k == "" {
			label = "Belum dinilai"
		}
		c.Bars = append(c.Bars, components.Bar{Label: label, Value: n, Text: tpp.FormatNumber(n)})
	}
	return c
}
