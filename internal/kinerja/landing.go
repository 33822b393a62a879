package kinerja

import (
	"context"
	"errors"
	"time"

	"github.com/ekinerja/ekinerja/internal/apperr"

	"github.com/ekinerja/ekinerja/internal/auth"
)

// MonthWork is what waits in one month still open for the employee or the
// atasan: the landing page lists every such month, not only the current one.
type MonthWork struct {
	Month time.Time // first day of the month (UTC)
	// ClosesAt is when the month closes for the employee (zero: not
	// relevant, e.g. for an atasan's review queue).
	ClosesAt time.Time
	// Reopened: closed, but a verifikator's reopening still runs.
	Reopened  bool
	Returned  int64 // returned aktivitas to correct and resubmit (pegawai)
	Draft     int64 // drafts not yet submitted (pegawai)
	Submitted int64 // aktivitas waiting for the atasan's review (atasan)
}

// MonthLabel is the month in Indonesian ("November 2026").
func (m MonthWork) MonthLabel() string { return monthName(m.Month) }

// Landing is what the kinerja area puts on a role's landing page.
type Landing struct {
	// Months lists the open months with something waiting, oldest first.
	Months []MonthWork
	// ToReview is every aktivitas waiting for the atasan, over all months.
	ToReview int64
	// CurrentOpen: today's month accepts aktivitas (always true unless the
	// employee has no pegawai record); the pegawai's primary action.
	CurrentOpen bool
}

// LandingFor gathers the work waiting for actor a in every month still
// open: for a pegawai the returned and draft aktivitas of the current and
// the previous month (until its closing day) and of months a verifikator
// reopened; for an atasan the subordinates' submitted aktivitas per month.
func (s *Store) LandingFor(ctx context.Context, a Actor) (Landing, error) {
	subs, err := s.subordinates(ctx, s.db, a)
	if err != nil {
		return Landing{}, err
	}
	return s.LandingForTeam(ctx, a, subs)
}

// LandingForTeam is LandingFor with an atasan's direct subordinates today
// already known (subs, from org.Store.SubordinateIDs or org.HomePage, the
// same lookup): the home page finds them once for all its parts. subs is
// ignored for the other roles.
func (s *Store) LandingForTeam(ctx context.Context, a Actor, subs []int64) (Landing, error) {
	var l Landing
	switch a.Role {
	case auth.RolePegawai:
		day, err := s.ClosingDay(ctx)
		if err != nil {
			return l, err
		}
		now := s.now()
		today := s.Today()
		from := time.Date(today.Year(), today.Month(), 1, 0, 0, 0, 0, time.UTC).AddDate(-1, 0, 0)
		var rows []struct {
			Bulan    time.Time `gorm:"column:bulan"`
			Returned int64     `gorm:"column:returned"`
			Draft    int64     `gorm:"column:draft"`
			Reopened bool      `gorm:"column:reopened"`
		}
		if err := s.db.WithContext(ctx).Raw(`SELECT date_trunc('month', a.tanggal)::date AS bulan,
  count(*) FILTER (WHERE a.status = 'returned') AS returned,
  count(*) FILTER (WHERE a.status = 'draft') AS draft,
  EXISTS (SELECT 1 FROM bulan_dibuka d WHERE d.pegawai_id = a.pegawai_id AND d.tahun = extract(year FROM a.tanggal)
          AND d.bulan = extract(month FROM a.tanggal) AND d.berlaku_sampai > ?) AS reopened
FROM aktivitas a WHERE a.pegawai_id = ? AND a.status IN ('returned', 'draft') AND a.tanggal >= ?
GROUP BY 1, 4 ORDER BY 1`, now, a.PegawaiID, from).Scan(&rows).Error; err != nil {
			return l, err
		}
		for _, r := range rows {
			closes := ClosesAt(r.Bulan.Year(), r.Bulan.Month(), day, s.loc)
			if now.Before(closes) || r.Reopened {
				l.Months = append(l.Months, MonthWork{Month: r.Bulan, ClosesAt: closes, Reopened: !now.Before(closes), Returned: r.Returned, Draft: r.Draft})
			}
		}
		l.CurrentOpen = a.PegawaiID != 0
	case auth.RoleAtasan:
		if len(subs) == 0 {
			return l, nil
		}
		var rows []struct {
			Bulan time.Time `gorm:"column:bulan"`
			N     int64     `gorm:"column:n"`
		}
		if err := s.db.WithContext(ctx).Raw(`SELECT date_trunc('month', tanggal)::date AS bulan, count(*) AS n
FROM aktivitas WHERE pegawai_id = ANY(?::bigint[]) AND status = 'submitted' GROUP BY 1 ORDER BY 1`, pgInts(subs)).Scan(&rows).Error; err != nil {
			return l, err
		}
		for _, r := range rows {
			l.Months = append(l.Months, MonthWork{Month: r.Bulan, Submitted: r.N})
			l.ToReview += r.N
		}
	}
	return l, nil
}

// MonthState is whether the employee may still log aktivitas in a month.
type MonthState struct {
	Open     bool
	Reopened bool      // closed, but a verifikator's reopening still runs
	ClosesAt time.Time // when the month closes (closed since, if past)
	Label    string    // "November 2026"
	// Request is the employee's latest request to reopen the (closed) month.
	Request *ReopenRequest
}

// MonthStateFor tells whether actor a may log aktivitas dated in month:
// before its closing day, or while a verifikator's reopening runs (the
// rule monthOpen enforces on save), so a page offers no form the save
// would refuse.
func (s *Store) MonthStateFor(ctx context.Context, a Actor, month time.Time) (MonthState, error) {
	day, err := s.ClosingDay(ctx)
	if err != nil {
		return MonthState{}, err
	}
	st := MonthState{ClosesAt: ClosesAt(month.Year(), month.Month(), day, s.loc), Label: monthName(month)}
	if s.now().Before(st.ClosesAt) {
		st.Open = true
		return st, nil
	}
	err = s.monthOpen(ctx, s.db, a.PegawaiID, month)
	if err == nil {
		st.Open, st.Reopened = true, true
		return st, nil
	}
	var ve *apperr.ValidationError
	if errors.As(err, &ve) {
		st.Request, err = s.LatestRequest(ctx, a.PegawaiID, month)
		return st, err
	}
	return st, err
}
