package claim

import (
	"context"

	"github.com/ekinerja/ekinerja/internal/tpp"
)

// WaitingClaim is a claim of any month whose next money step is the
// actor's: what the landing page lists besides the default month.
type WaitingClaim struct {
	ID      int64
	OPDNama string
	Period  tpp.Period
	Susulan int
	Status  Status
}

// Waiting lists every claim the actor sees, of any month, that waits for
// one of the actor's money steps (by the one table actionRules, as
// MonthPage counts them): for a verifikator the submitted, verified and
// approved claims, for an admin_opd its OPD's drafts and returned claims.
// Oldest month first.
func (s *Service) Waiting(ctx context.Context, a Actor) ([]WaitingClaim, error) {
	q := `SELECT c.id, o.nama AS opd_nama, c.period, c.susulan, c.status FROM tpp_claim c JOIN opd o ON o.id = c.opd_id WHERE c.status <> ?`
	args := []any{StatusPaid}
	clause, scope, ferr := opdFilter(a, "c.opd_id")
	if ferr != nil {
		return nil, ferr
	}
	q += clause
	args = append(args, scope...)
	var rows []Claim
	if err := s.db.WithContext(ctx).Raw(q+` ORDER BY c.period, o.kode, c.susulan`, args...).Scan(&rows).Error; err != nil {
		return nil, err
	}
	var out []WaitingClaim
	for _, c := range rows {
		st := c.Status
		if waitsFor(a, &st) {
			out = append(out, WaitingClaim{ID: c.ID, OPDNama: c.OPDNama, Period: tpp.PeriodOf(c.PeriodDate), Susulan: c.Susulan, Status: c.Status})
		}
	}
	return out, nil
}
