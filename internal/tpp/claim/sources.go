package claim

import (
	"context"
	"time"

	"gorm.io/gorm"

	"github.com/ekinerja/ekinerja/internal/attendance"
	"github.com/ekinerja/ekinerja/internal/kinerja"
)

// StoreSources returns the kinerja and attendance stores as the computation's
// sources: the same functions their own recap pages use.
func StoreSources(db *gorm.DB, loc *time.Location) (KinerjaSource, AttendanceSource) {
	return SourcesOf(kinerja.NewStore(db, loc), attendance.NewStore(db, loc))
}

// SourcesOf returns the given kinerja and attendance stores (the server's,
// built once by stores.New) as the computation's sources.
func SourcesOf(k *kinerja.Store, a *attendance.Store) (KinerjaSource, AttendanceSource) {
	return kinerjaStore{k}, attendanceStore{a}
}

type kinerjaStore struct{ s *kinerja.Store }

func (k kinerjaStore) MonthlySummaries(ctx context.Context, w Scope, year int, month time.Month) (map[int64]KinerjaMonth, error) {
	in, err := k.s.MonthlySummariesOf(ctx, w.OPDID, w.PegawaiID, year, month)
	if err != nil {
		return nil, err
	}
	out := make(map[int64]KinerjaMonth, len(in))
	for id, m := range in {
		out[id] = KinerjaMonth{Predikat: m.Predikat, PredikatBKN: m.PredikatBKN, ApprovedMinutes: m.ApprovedMinutes}
	}
	return out, nil
}

type attendanceStore struct{ s *attendance.Store }

func (a attendanceStore) MonthlyRecaps(ctx context.Context, w Scope, year int, month time.Month, b Bands) (map[int64]AttendanceRecap, error) {
	in, leave, err := a.s.MonthlyRecapsAndLeave(ctx, w.OPDID, w.PegawaiID, year, month, attendance.Bands{Late: b.Late, Early: b.Early})
	if err != nil {
		return nil, err
	}
	out := make(map[int64]AttendanceRecap, len(in))
	for id, r := range in {
		ar := AttendanceRecap{TK: r.TK, TL: r.TL, PSW: r.PSW, MissingBoth: r.MissingBoth, NoPresence: r.Hadir == 0 && r.TK > 0}
		for _, l := range leave[id] {
			ar.Leave = append(ar.Leave, Leave{Kind: l.Kind, Days: l.Days, MonthIndex: l.MonthIndex})
		}
		out[id] = ar
	}
	return out, nil
}

func (a attendanceStore) SanctionsInForce(ctx context.Context, w Scope, year int, month time.Month) (map[int64]Sanction, error) {
	in, err := a.s.SanctionsInForceOf(ctx, w.OPDID, w.PegawaiID, year, month)
	if err != nil {
		return nil, err
	}
	out := make(map[int64]Sanction, len(in))
	for id, s := range in {
		out[id] = Sanction{Kind: s.Kind, MonthIndex: s.MonthIndex, DecreeNumber: s.DecreeNumber, Months: s.Months}
	}
	return out, nil
}
