package web

import (
	"errors"
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/ekinerja/ekinerja/internal/apperr"
	"github.com/ekinerja/ekinerja/internal/auth"
	"github.com/ekinerja/ekinerja/views/pages"
)

// lockRetryAfter is the Retry-After of a locked login: the lock's 15 minutes.
const lockRetryAfter = "900"

func (s *Server) loginPage(c echo.Context) error {
	if principal(c) != nil {
		return c.Redirect(http.StatusSeeOther, "/")
	}
	return s.render(c, http.StatusOK, pages.Login(s.chrome(c, "Masuk"), pages.LoginForm{Next: safeNext(c.QueryParam("next"))}))
}

func (s *Server) loginSubmit(c echo.Context) error {
	form := pages.LoginForm{NIP: auth.NormalizeNIP(c.FormValue("nip")), Next: safeNext(c.QueryParam("next"))}
	if len(form.NIP) > 18 {
		form.NIP = form.NIP[:18]
	}
	res, err := s.auth.Login(c.Request().Context(), auth.LoginRequest{
		NIP: c.FormValue("nip"), Password: c.FormValue("password"), IP: c.RealIP(), UserAgent: c.Request().UserAgent(),
	})
	if err != nil {
		var m *apperr.Message
		if !errors.As(err, &m) {
			return err
		}
		status := http.StatusUnauthorized
		switch {
		case errors.Is(err, auth.ErrLocked):
			c.Response().Header().Set("Retry-After", lockRetryAfter)
			status = http.StatusTooManyRequests
		case errors.Is(err, auth.ErrBusy):
			s.metrics.loginBusy.Inc()
			c.Response().Header().Set("Retry-After", "1")
			status = http.StatusTooManyRequests
		}
		form.Error = m.Text
		return s.render(c, status, pages.Login(s.chrome(c, "Masuk"), form))
	}
	if res.Challenge != "" { // password right; the TOTP code comes next
		c.SetCookie(s.newCookie("tantangan", res.Challenge, res.ChallengeExpires, 0))
		return c.Redirect(http.StatusSeeOther, "/masuk/kode")
	}
	s.setSessionCookie(c, res.Token, res.Expires)
	s.setRefreshCookie(c, res.Refresh, res.RefreshExpires)
	return c.Redirect(http.StatusSeeOther, form.Next)
}

func (s *Server) logout(c echo.Context) error {
	if err := s.auth.Logout(c.Request().Context(), principal(c), c.RealIP()); err != nil {
		return err
	}
	s.clearSessionCookie(c)
	return redirectWith(c, "/masuk", "keluar")
}

func (s *Server) switchRole(c echo.Context) error {
	g, ok := parseGrantValue(c.FormValue("peran"))
	if !ok {
		return apperr.Invalid("peran", "Peran tidak dikenal.")
	}
	if err := s.auth.SwitchRole(c.Request().Context(), principal(c), g, c.RealIP()); err != nil {
		return err
	}
	return redirectWith(c, "/", "peran")
}

// apiToken is the API's login: JSON credentials in, a bearer token out.
func (s *Server) apiToken(c echo.Context) error {
	var req struct {
		NIP      string `json:"nip"`
		Password string `json:"password"`
		OTP      string `json:"otp"`
	}
	if err := (&echo.DefaultBinder{}).BindBody(c, &req); err != nil {
		return apperr.Invalid("body", "Body harus JSON berisi nip dan password.")
	}
	res, err := s.auth.Login(c.Request().Context(), auth.LoginRequest{NIP: req.NIP, Password: req.Password, OTP: req.OTP, IP: c.RealIP(), UserAgent: c.Request().UserAgent()})
	if err != nil {
		if errors.Is(err, auth.ErrLocked) {
			c.Response().Header().Set("Retry-After", lockRetryAfter)
			return c.JSON(http.StatusTooManyRequests, map[string]problem{"error": {Status: http.StatusTooManyRequests, Message: auth.ErrLocked.Error()}})
		}
		if errors.Is(err, auth.ErrBusy) {
			s.metrics.loginBusy.Inc()
			c.Response().Header().Set("Retry-After", "1")
		}
		return err
	}
	if res.Challenge != "" {
		return apperr.Invalid("otp", "Akun ini memakai verifikasi dua langkah: kirim kode di kolom otp.")
	}
	return c.JSON(http.StatusOK, tokenResponse(res))
}

// apiMe returns who the token belongs to.
func (s *Server) apiMe(c echo.Context) error {
	p := principal(c)
	roles := make([]map[string]any, 0, len(p.Grants))
	for _, g := range p.Grants {
		roles = append(roles, map[string]any{"role": g.Role, "opd_id": g.OPDID})
	}
	return c.JSON(http.StatusOK, map[string]any{
		"nip": p.NIP, "nama": p.Nama, "opd_id": p.OPDID, "peran_aktif": p.Active.Role, "peran": roles,
	})
}
