package web

import (
	"errors"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/ekinerja/ekinerja/internal/apperr"
	"github.com/ekinerja/ekinerja/internal/auth"
	"github.com/ekinerja/ekinerja/views/pages"
)

func (s *Server) passwordPage(c echo.Context) error {
	p := principal(c)
	return s.render(c, http.StatusOK, pages.ChangePassword(s.chrome(c, "Ganti Kata Sandi"), pages.PasswordForm{Forced: p.MustChangePassword}))
}

func (s *Server) passwordSubmit(c echo.Context) error {
	p := principal(c)
	form := pages.PasswordForm{Forced: p.MustChangePassword}
	next := c.FormValue("sandi_baru")
	var res *auth.LoginResult
	err := error(apperr.Invalid("sandi_ulang", "Ulangan kata sandi baru tidak sama."))
	if next == c.FormValue("sandi_ulang") {
		res, err = s.auth.ChangePassword(c.Request().Context(), p, c.FormValue("sandi_lama"), next, c.RealIP(), c.Request().UserAgent())
	}
	var ve *apperr.ValidationError
	if errors.As(err, &ve) {
		form.Errors = ve.Fields
		return s.render(c, http.StatusUnprocessableEntity, pages.ChangePassword(s.chrome(c, "Ganti Kata Sandi"), form))
	}
	if err != nil {
		return err
	}
	// The old session is revoked; this device continues on the new one.
	s.setSessionCookie(c, res.Token, res.Expires)
	s.setRefreshCookie(c, res.Refresh, res.RefreshExpires)
	return redirectWith(c, "/", "sandi")
}

func (s *Server) loginCodePage(c echo.Context) error {
	if ck, err := c.Cookie(s.cookieName("tantangan")); err != nil || ck.Value == "" {
		return c.Redirect(http.StatusSeeOther, "/masuk")
	}
	return s.render(c, http.StatusOK, pages.LoginCode(s.chrome(c, "Verifikasi Dua Langkah"), pages.CodeForm{}))
}

func (s *Server) loginCodeSubmit(c echo.Context) error {
	ck, err := c.Cookie(s.cookieName("tantangan"))
	if err != nil || ck.Value == "" {
		return c.Redirect(http.StatusSeeOther, "/masuk")
	}
	res, err := s.auth.CompleteLogin(c.Request().Context(), ck.Value, c.FormValue("kode"), c.RealIP(), c.Request().UserAgent())
	if err != nil {
		var m *apperr.Message
		if !errors.As(err, &m) {
			return err
		}
		if errors.Is(err, auth.ErrChallengeInvalid) {
			c.SetCookie(s.newCookie("tantangan", "", time.Time{}, -1))
			return c.Redirect(http.StatusSeeOther, "/masuk")
		}
		status := http.StatusUnauthorized
		switch {
		case errors.Is(err, auth.ErrCodeLocked):
			status = http.StatusTooManyRequests
		case errors.Is(err, auth.ErrTOTPUnreadable):
			status = http.StatusConflict
		}
		return s.render(c, status, pages.LoginCode(s.chrome(c, "Verifikasi Dua Langkah"), pages.CodeForm{Error: m.Text}))
	}
	c.SetCookie(s.newCookie("tantangan", "", time.Time{}, -1))
	s.setSessionCookie(c, res.Token, res.Expires)
	s.setRefreshCookie(c, res.Refresh, res.RefreshExpires)
	return c.Redirect(http.StatusSeeOther, "/")
}

func (s *Server) totpView(c echo.Context, p *auth.Principal) (pages.TOTPView, auth.Enrolment, error) {
	v := pages.TOTPView{Required: s.auth.TOTPRequired(p.Grants)}
	enabled, left, err := s.auth.TOTPStatus(c.Request().Context(), p.UserID)
	if err != nil {
		return v, auth.Enrolment{}, err
	}
	v.Enabled, v.RecoveryLeft = enabled, left
	if enabled { // a re-enrolment (new phone) may be pending
		e, ok, err := s.auth.PendingEnrolment(c.Request().Context(), p)
		v.Reenrolling, v.Secret = ok, e.Secret
		return v, e, err
	}
	e, err := s.auth.BeginEnrolment(c.Request().Context(), p)
	v.Secret = e.Secret
	return v, e, err
}

func (s *Server) totpPage(c echo.Context) error {
	v, _, err := s.totpView(c, principal(c))
	if err != nil {
		return err
	}
	return s.render(c, http.StatusOK, pages.TOTP(s.chrome(c, "Verifikasi Dua Langkah"), v))
}

// totpQR serves the pending enrolment's QR code; never cached.
func (s *Server) totpQR(c echo.Context) error {
	v, e, err := s.totpView(c, principal(c))
	if err != nil {
		return err
	}
	if v.Enabled && !v.Reenrolling {
		return echo.ErrNotFound
	}
	return c.Blob(http.StatusOK, "image/png", e.QRPNG)
}

func (s *Server) totpSubmit(c echo.Context) error {
	p := principal(c)
	codes, err := s.auth.ConfirmEnrolment(c.Request().Context(), p, c.FormValue("kode"), c.RealIP())
	var ve *apperr.ValidationError
	if errors.As(err, &ve) {
		v, _, verr := s.totpView(c, p)
		if verr != nil {
			return verr
		}
		v.Error = ve.Fields["kode"]
		return s.render(c, http.StatusUnprocessableEntity, pages.TOTP(s.chrome(c, "Verifikasi Dua Langkah"), v))
	}
	if err != nil {
		return err
	}
	return s.render(c, http.StatusOK, pages.TOTP(s.chrome(c, "Verifikasi Dua Langkah"), pages.TOTPView{Enabled: true, NewCodes: codes}))
}

// totpManageError re-renders the two-factor page with form's field errors
// (422), or returns err for the one error handler.
func (s *Server) totpManageError(c echo.Context, form string, err error) error {
	var ve *apperr.ValidationError
	if !errors.As(err, &ve) {
		return err
	}
	v, _, verr := s.totpView(c, principal(c))
	if verr != nil {
		return verr
	}
	v.Form, v.Errors = form, ve.Fields
	return s.render(c, http.StatusUnprocessableEntity, pages.TOTP(s.chrome(c, "Verifikasi Dua Langkah"), v))
}

// totpDisable turns two-factor off (password and a current code; refused
// where a role requires it).
func (s *Server) totpDisable(c echo.Context) error {
	err := s.auth.DisableTOTP(c.Request().Context(), principal(c), c.FormValue("sandi"), c.FormValue("kode"), c.RealIP())
	if err != nil {
		return s.totpManageError(c, "nonaktif", err)
	}
	return redirectWith(c, "/akun/2fa", "2fa_nonaktif")
}

// totpRegenerate replaces the recovery codes and shows the new ones once.
func (s *Server) totpRegenerate(c echo.Context) error {
	codes, err := s.auth.RegenerateRecoveryCodes(c.Request().Context(), principal(c), c.FormValue("kode"), c.RealIP())
	if err != nil {
		return s.totpManageError(c, "pemulihan", err)
	}
	return s.render(c, http.StatusOK, pages.TOTP(s.chrome(c, "Verifikasi Dua Langkah"), pages.TOTPView{Enabled: true, NewCodes: codes, Regenerated: true}))
}

// totpReenrol starts enrolling a new secret; the page then shows it.
func (s *Server) totpReenrol(c echo.Context) error {
	err := s.auth.BeginReenrolment(c.Request().Context(), principal(c), c.FormValue("sandi"), c.FormValue("kode"), c.RealIP())
	if err != nil {
		return s.totpManageError(c, "ganti", err)
	}
	return redirectWith(c, "/akun/2fa", "2fa_ganti")
}

// apiRefresh rotates an API client's refresh token.
func (s *Server) apiRefresh(c echo.Context) error {
	var req struct {
		RefreshToken string `json:"refresh_token"`
	}
	if err := (&echo.DefaultBinder{}).BindBody(c, &req); err != nil {
		return apperr.Invalid("body", "Body harus JSON berisi refresh_token.")
	}
	res, err := s.auth.Refresh(c.Request().Context(), req.RefreshToken, c.RealIP())
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, tokenResponse(res))
}

// tokenResponse is the API's answer to a login or refresh.
func tokenResponse(res *auth.LoginResult) map[string]any {
	return map[string]any{
		"access_token":       res.Token,
		"token_type":         "Bearer",
		"expires_at":         res.Expires.UTC(),
		"refresh_token":      res.Refresh,
		"refresh_expires_at": res.RefreshExpires.UTC(),
	}
}
