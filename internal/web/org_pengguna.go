package web

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/ekinerja/ekinerja/internal/auth"
	"github.com/ekinerja/ekinerja/internal/org"
	"github.com/ekinerja/ekinerja/views/pages"
)

func (s *Server) akunList(c echo.Context) error {
	q := c.QueryParam("q")
	if len(q) > 100 {
		q = q[:100]
	}
	rows, err := s.org.ListAkun(c.Request().Context(), q)
	if err != nil {
		return err
	}
	return s.render(c, http.StatusOK, pages.AkunListPage(s.chrome(c, "Pengguna"), pages.AkunList{Q: q, Rows: rows}))
}

func (s *Server) akunView(c echo.Context, id int64) (pages.AkunView, error) {
	a, err := s.org.GetAkun(c.Request().Context(), id)
	if err != nil {
		return pages.AkunView{}, err
	}
	v := pages.AkunView{A: a, Self: id == principal(c).UserID, Form: pages.OrgForm{Values: map[string]string{}}}
	if v.OPDs, err = s.opdOptions(c, org.All); err != nil {
		return v, err
	}
	for _, r := range auth.AllRoles {
		v.Roles = append(v.Roles, pages.Option{Value: string(r), Label: r.Label()})
	}
	return v, nil
}

func (s *Server) akunPage(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	v, err := s.akunView(c, id)
	if err != nil {
		return err
	}
	return s.render(c, http.StatusOK, pages.AkunPage(s.chrome(c, v.A.Nama), v))
}

// akunDone redirects after a change, or re-renders the page with the
// field messages of a refused one (422).
func (s *Server) akunDone(c echo.Context, id int64, err error, flashKey string) error {
	if fields, ok := fieldErrors(err); ok {
		v, err := s.akunView(c, id)
		if err != nil {
			return err
		}
		v.Form = formValues(c, "role", "opd_id")
		v.Form.Errors = fields
		return s.render(c, http.StatusUnprocessableEntity, pages.AkunPage(s.chrome(c, v.A.Nama), v))
	}
	if err != nil {
		return err
	}
	return redirectWith(c, "/pengguna/"+itoa(id), flashKey)
}

func (s *Server) akunGrant(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	err = s.org.GrantRole(c.Request().Context(), orgActor(c), id, c.FormValue("role"), formID(c, "opd_id"))
	return s.akunDone(c, id, err, "peran_diberi")
}

func (s *Server) akunRevoke(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	err = s.org.RevokeRole(c.Request().Context(), orgActor(c), id, formID(c, "role_id"))
	return s.akunDone(c, id, err, "peran_dicabut")
}

// akunReset shows the temporary password on this response only.
func (s *Server) akunReset(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	pw, err := s.org.ResetPassword(c.Request().Context(), orgActor(c), s.auth.Hasher(), id)
	if err != nil {
		return s.akunDone(c, id, err, "")
	}
	v, err := s.akunView(c, id)
	if err != nil {
		return err
	}
	v.TempPass = pw
	return s.render(c, http.StatusOK, pages.AkunPage(s.chrome(c, v.A.Nama), v))
}

func (s *Server) akunDisable(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	return s.akunDone(c, id, s.org.SetDisabled(c.Request().Context(), orgActor(c), id, true), "akun_nonaktif")
}

func (s *Server) akunEnable(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	return s.akunDone(c, id, s.org.SetDisabled(c.Request().Context(), orgActor(c), id, false), "akun_aktif")
}
