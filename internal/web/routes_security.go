package web

import (
	"net/http"

	"github.com/ekinerja/ekinerja/internal/auth"
)

// securityRoutes are the account-security routes (password change, two-factor).
func (s *Server) securityRoutes() []Route {
	return []Route{
		{http.MethodGet, "/masuk/kode", Public, s.loginCodePage},
		{http.MethodPost, "/masuk/kode", Public, s.loginCodeSubmit},
		{http.MethodGet, "/akun/sandi", AnyRole, s.passwordPage},
		{http.MethodPost, "/akun/sandi", AnyRole, s.passwordSubmit},
		{http.MethodGet, "/akun/2fa", AnyRole, s.totpPage},
		{http.MethodGet, "/akun/2fa/qr.png", AnyRole, s.totpQR},
		{http.MethodPost, "/akun/2fa", AnyRole, s.totpSubmit},
		{http.MethodPost, "/akun/2fa/nonaktif", AnyRole, s.totpDisable},
		{http.MethodPost, "/akun/2fa/pemulihan", AnyRole, s.totpRegenerate},
		{http.MethodPost, "/akun/2fa/ganti", AnyRole, s.totpReenrol},
		{http.MethodPost, "/api/v1/auth/refresh", Public, s.apiRefresh},
	}
}

// securityFlashes are the security area's flash messages.
var securityFlashes = map[string]string{
	"sandi":        "Kata sandi telah diganti. Sesi lain pada perangkat mana pun telah diakhiri.",
	"2fa_nonaktif": "Verifikasi dua langkah telah dinonaktifkan.",
	"2fa_ganti":    "Pindai kunci baru dengan aplikasi di ponsel baru, lalu masukkan kodenya.",
}

// forcedStepOpen lists the routes a person may use while a forced step
// (password change, two-factor enrolment) is pending: the step's own pages,
// logout, and what needs no login anyway.
var forcedStepOpen = map[string]bool{
	"GET /akun/sandi":      true,
	"POST /akun/sandi":     true,
	"GET /akun/2fa":        true,
	"GET /akun/2fa/qr.png": true,
	"POST /akun/2fa":       true,
	"POST /keluar":         true,
	"GET /api/v1/me":       true,
}

// forcedStep returns where p must go first, or "" when nothing is pending.
// It is checked in guard, so it covers every route, including ones added
// later: until the step is done, every other route redirects there.
func forcedStep(p *auth.Principal, r Route) string {
	if forcedStepOpen[r.Method+" "+r.Path] {
		return ""
	}
	switch {
	case p.MustChangePassword:
		return "/akun/sandi"
	case p.NeedsTOTPEnrolment:
		return "/akun/2fa"
	}
	return ""
}
