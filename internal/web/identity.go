package web

import (
	"errors"
	"io"
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/ekinerja/ekinerja/internal/apperr"
	"github.com/ekinerja/ekinerja/internal/auth"
	"github.com/ekinerja/ekinerja/internal/org"
	"github.com/ekinerja/ekinerja/views/pages"
)

// identityRoutes: the regency's name and logo (superadmin), and the logo
// itself, which every page's header shows (also before login).
func (s *Server) identityRoutes() []Route {
	return []Route{
		{http.MethodGet, "/identitas", Only(auth.RoleSuperadmin), s.identityPage},
		{http.MethodPost, "/identitas", Only(auth.RoleSuperadmin), s.identitySave},
		{http.MethodGet, "/identitas/logo.png", Public, s.identityLogo},
	}
}

func (s *Server) identityPage(c echo.Context) error {
	id, err := s.org.Identity(c.Request().Context())
	if err != nil {
		return err
	}
	return s.render(c, http.StatusOK, pages.IdentitasPage(s.chrome(c, "Identitas Pemerintah Daerah"), pages.IdentitasView{Identity: id, Nama: id.Nama}))
}

func (s *Server) identitySave(c echo.Context) error {
	nama := c.FormValue("nama")
	var logo []byte
	fh, err := c.FormFile("logo")
	switch {
	case errors.Is(err, http.ErrMissingFile):
	case err != nil:
		return apperr.Invalid("logo", "Berkas logo tidak dapat dibaca.")
	default:
		f, err := fh.Open()
		if err != nil {
			return apperr.Invalid("logo", "Berkas logo tidak dapat dibaca.")
		}
		logo, err = io.ReadAll(io.LimitReader(f, org.LogoMaxBytes+1))
		f.Close()
		if err != nil {
			return apperr.Invalid("logo", "Berkas logo tidak dapat dibaca.")
		}
		if len(logo) == 0 {
			logo = nil
		}
	}
	err = s.org.SetIdentity(c.Request().Context(), orgActor(c), nama, logo)
	if fe, ok := fieldErrors(err); ok {
		id, ierr := s.org.Identity(c.Request().Context())
		if ierr != nil {
			return ierr
		}
		return s.render(c, http.StatusUnprocessableEntity, pages.IdentitasPage(s.chrome(c, "Identitas Pemerintah Daerah"), pages.IdentitasView{Identity: id, Nama: nama, Errors: fe}))
	}
	if err != nil {
		return err
	}
	return redirectWith(c, "/identitas", "identitas_simpan")
}

// identityLogo serves the stored logo: always the PNG ekinerja encoded,
// as image/png, never sniffed, sandboxed.
func (s *Server) identityLogo(c echo.Context) error {
	b, err := s.org.LogoPNG(c.Request().Context())
	if err != nil {
		return err
	}
	h := c.Response().Header()
	h.Set("Content-Security-Policy", "default-src 'none'; sandbox")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Cache-Control", "public, max-age=3600")
	h.Set("Cross-Origin-Resource-Policy", "same-origin")
	return c.Blob(http.StatusOK, "image/png", b)
}
