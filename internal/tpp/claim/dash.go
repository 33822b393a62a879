package claim

import (
	"context"
	"fmt"
	"time"

	"github.com/ekinerja/ekinerja/internal/tpp"
)

// TrendPoint is one month of an employee's TPP.
type TrendPoint struct {
	Period tpp.Period
	// Net sums the employee's net TPP over every claim of the month
	// (the monthly claim and its susulan; THR and gaji 13 excluded).
	Net int64
}

// TPPTrend returns pegawaiID's net TPP of the 12 months ending with to,
// oldest first; a month without any claim row is 0.
func (s *Service) TPPTrend(ctx context.Context, pegawaiID int64, to tpp.Period) ([]TrendPoint, error) {
	from := to.First().AddDate(0, -11, 0)
	var rows []struct {
		Period time.Time `gorm:"column:period"`
		Net    int64     `gorm:"column:net"`
	}
	if err := s.db.WithContext(ctx).Raw(`SELECT c.period, sum(r.net) AS net FROM tpp_claim_pegawai r JOIN tpp_claim c ON c.id = r.claim_id
WHERE r.pegawai_id = ? AND c.jenis = 'bulanan' AND c.period BETWEEN ?::date AND ?::date GROUP BY c.period`,
		pegawaiID, from.Format(time.DateOnly), periodDate(to)).Scan(&rows).Error; err != nil {
		return nil, fmt.Errorf("tpp trend: %w", err)
	}
	by := map[tpp.Period]int64{}
	for _, r := range rows {
		by[tpp.PeriodOf(r.Period)] = r.Net
	}
	out := make([]TrendPoint, 0, 12)
	for p := tpp.PeriodOf(from); !to.Before(p); p = p.Next() {
		out = append(out, TrendPoint{Period: p, Net: by[p]})
	}
	return out, nil
}

// Pipeline stage keys, in the order a claim moves.
const (
	StageNone     = "belum"
	StageBlocked  = "tertahan"
	StageDraft    = "draft"
	StageReturned = "returned"
)

// PipelineStage is how many OPDs' monthly claims of a month stand at one
// step, and which OPDs (with why, for a blocked claim).
type PipelineStage struct {
	Key   string
	Label string
	OPDs  []PipelineOPD
}

// PipelineOPD is one OPD at a stage.
type PipelineOPD struct {
	Nama string
	// Why is set for a blocked claim: its warnings count.
	Why string
}

// Pipeline is the month's monthly claims across every OPD the actor sees,
// by step: not computed, computed with warnings (blocked until they are
// checked), draft (not submitted), returned, submitted, verified,
// approved, paid. Supplementary claims are left out (each OPD counts once).
func (s *Service) Pipeline(ctx context.Context, a Actor, p tpp.Period) ([]PipelineStage, error) {
	entries, err := s.Month(ctx, a, p)
	if err != nil {
		return nil, err
	}
	stages := []PipelineStage{
		{Key: StageNone, Label: "Belum dihitung"},
		{Key: StageBlocked, Label: "Draf dengan peringatan"},
		{Key: StageDraft, Label: "Draf, belum diajukan"},
		{Key: StageReturned, Label: StatusReturned.Label()},
		{Key: string(StatusSubmitted), Label: StatusSubmitted.Label()},
		{Key: string(StatusVerified), Label: StatusVerified.Label()},
		{Key: string(StatusApproved), Label: StatusApproved.Label()},
		{Key: string(StatusPaid), Label: StatusPaid.Label()},
	}
	idx := map[string]int{}
	for i, st := range stages {
		idx[st.Key] = i
	}
	for _, e := range entries {
		if e.Susulan > 0 || (e.Jenis != "" && e.Jenis != JenisBulanan) {
			continue
		}
		key, why := StageNone, ""
		switch {
		case e.Status == nil:
		case *e.Status == StatusDraft && e.Warnings > 0:
			key, why = StageBlocked, fmt.Sprintf("%d peringatan", e.Warnings)
		default:
			key = string(*e.Status)
		}
		i := idx[key]
		stages[i].OPDs = append(stages[i].OPDs, PipelineOPD{Nama: e.OPDNama, Why: why})
	}
	return stages, nil
}
