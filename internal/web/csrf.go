package web

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"mime"
	"net/http"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/ekinerja/ekinerja/internal/apperr"
	"github.com/ekinerja/ekinerja/internal/auth"
)

// CSRF: a synchronizer token bound to the session (HMAC of the session id),
// or, before login, to a random value in a host-only cookie. SameSite=Strict
// alone is not enough: sibling *.go.id sites count as same-site.

// errCSRF is shown when a form's token is missing or wrong.
var errCSRF = apperr.New(apperr.ErrForbidden, "Formulir kedaluwarsa atau tidak sah. Muat ulang halaman lalu coba lagi.")

func (s *Server) csrfFor(binding string) string {
	m := hmac.New(sha256.New, s.csrfKey)
	m.Write([]byte(binding))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

func isSafeMethod(m string) bool {
	return m == http.MethodGet || m == http.MethodHead || m == http.MethodOptions
}

// csrf issues the token for this response's forms and checks it on every
// state-changing request. Bearer-token API calls carry no ambient
// credential and are exempt.
func (s *Server) csrf(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		if _, bearer := bearerToken(c); bearer || isJSONAPI(c) {
			return next(c)
		}
		var binding string
		if p := principal(c); p != nil {
			binding = "sesi:" + p.SessionID
		} else {
			name := s.cookieName("csrf")
			if ck, err := c.Cookie(name); err == nil && len(ck.Value) >= 32 {
				binding = "anon:" + ck.Value
			} else if isSafeMethod(c.Request().Method) {
				v := auth.RandomID(32)
				c.SetCookie(s.newCookie("csrf", v, time.Time{}, 0))
				binding = "anon:" + v
			}
		}
		want := ""
		if binding != "" {
			want = s.csrfFor(binding)
		}
		withValue(c, csrfKey{}, want)
		if isSafeMethod(c.Request().Method) {
			return next(c)
		}
		if c.Request().Header.Get("Sec-Fetch-Site") == "cross-site" {
			return errCSRF
		}
		got := c.Request().Header.Get("X-CSRF-Token")
		if got == "" {
			got = c.FormValue("csrf_token")
		}
		if want == "" || !hmac.Equal([]byte(got), []byte(want)) {
			return errCSRF
		}
		return next(c)
	}
}

// isJSONAPI reports an API request with a JSON body. A browser cannot send
// one cross-origin without a CORS preflight, which ekinerja never grants, so
// it needs no token.
func isJSONAPI(c echo.Context) bool {
	ct, _, _ := mime.ParseMediaType(c.Request().Header.Get(echo.HeaderContentType))
	return strings.HasPrefix(c.Request().URL.Path, "/api/") && ct == echo.MIMEApplicationJSON
}
