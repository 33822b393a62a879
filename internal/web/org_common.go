package web

import (
	"strconv"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/ekinerja/ekinerja/internal/auth"
	"github.com/ekinerja/ekinerja/internal/org"
	"github.com/ekinerja/ekinerja/views/pages"
)

// orgScope is how much of the organisation the active role reaches, as
// package org decides it.
func orgScope(p *auth.Principal) org.Scope { return org.ScopeOf(p.Active) }

// orgActor is actorOf(c) (the name stays for callers).
func orgActor(c echo.Context) org.Actor { return actorOf(c) }

// today is the date in the regency's time zone.
func (s *Server) today() time.Time {
	n := time.Now().In(s.cfg.Location)
	return time.Date(n.Year(), n.Month(), n.Day(), 0, 0, 0, 0, time.UTC)
}

// formID reads an optional numeric form field (0 when empty or bad).
func formID(c echo.Context, name string) int64 {
	id, err := strconv.ParseInt(c.FormValue(name), 10, 64)
	if err != nil || id < 0 {
		return 0
	}
	return id
}

// formValues copies the named fields of the request into a form.
func formValues(c echo.Context, names ...string) pages.OrgForm {
	f := pages.OrgForm{Values: map[string]string{}}
	for _, n := range names {
		v := c.FormValue(n)
		if len(v) > 400 {
			v = v[:400]
		}
		f.Values[n] = v
	}
	return f
}

// opdOptions lists the agencies in scope for a select; nil for an admin_opd,
// whose forms have no OPD choice.
func (s *Server) opdOptions(c echo.Context, sc org.Scope) ([]pages.Option, error) {
	if sc.OPDID != 0 {
		return nil, nil
	}
	rows, err := s.org.ListOPD(c.Request().Context(), sc)
	if err != nil {
		return nil, err
	}
	out := make([]pages.Option, len(rows))
	for i, r := range rows {
		out[i] = pages.Option{Value: itoa(r.ID), Label: r.Kode + " · " + r.Nama}
	}
	return out, nil
}

// jabatanOptions lists the positions in scope for a select.
func (s *Server) jabatanOptions(c echo.Context, sc org.Scope, opdID int64) ([]pages.Option, error) {
	rows, err := s.org.ListJabatan(c.Request().Context(), sc, org.JabatanFilter{OPDID: opdID}, s.today())
	if err != nil {
		return nil, err
	}
	out := make([]pages.Option, len(rows))
	for i, r := range rows {
		label := r.OPDKode + " · " + r.Nama + " (kelas " + strconv.Itoa(r.Kelas) + ")"
		if r.Pemangku == "" {
			label += " · kosong"
		}
		out[i] = pages.Option{Value: itoa(r.ID), Label: label}
	}
	return out, nil
}
