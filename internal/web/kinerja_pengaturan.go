package web

import (
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"

	"github.com/ekinerja/ekinerja/internal/kinerja"
	"github.com/ekinerja/ekinerja/views/pages"
)

// kinerjaSettingsPage shows the superadmin's kinerja settings (the closing day).
func (s *Server) kinerjaSettingsPage(c echo.Context) error {
	day, err := s.kinerja().ClosingDay(c.Request().Context())
	if err != nil {
		return err
	}
	return s.render(c, http.StatusOK, pages.KinerjaPengaturanPage(s.chrome(c, "Pengaturan Kinerja"),
		pages.KinerjaPengaturan{Hari: strconv.Itoa(day), Current: day}))
}

// kinerjaSettingsSave changes the closing day.
func (s *Server) kinerjaSettingsSave(c echo.Context) error {
	ctx := c.Request().Context()
	k := s.kinerja()
	v := pages.KinerjaPengaturan{Hari: c.FormValue("hari")}
	day, err := kinerja.ParseClosingDay(v.Hari)
	if err == nil {
		err = k.SetClosingDay(ctx, actor(c), day)
	}
	if fe, ok := fieldErrors(err); ok {
		if v.Current, err = k.ClosingDay(ctx); err != nil {
			return err
		}
		v.Errors = fe
		return s.render(c, http.StatusUnprocessableEntity, pages.KinerjaPengaturanPage(s.chrome(c, "Pengaturan Kinerja"), v))
	}
	if err != nil {
		return err
	}
	return redirectWith(c, "/kinerja/pengaturan", "pengaturan_simpan")
}
