package web

import (
	"bytes"
	"errors"
	"io"
	"log/slog"
	"mime"
	"net/http"
	"net/url"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/labstack/echo/v4"

	"github.com/ekinerja/ekinerja/internal/auth"
	"github.com/ekinerja/ekinerja/internal/snapshot"
)

// ContentSecurityPolicy allows nothing inline and nothing off-origin.
const ContentSecurityPolicy = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'"

// requestContext gives every request an id and a logger carrying it, and
// writes one JSON log line when the request ends.
func (s *Server) requestContext(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		id := auth.RandomID(12)
		c.Response().Header().Set(echo.HeaderXRequestID, id)
		l := s.log.With(slog.String("request_id", id))
		withValue(c, requestIDKey{}, id)
		withValue(c, loggerKey{}, l)
		if m := c.Request().Method; m == http.MethodGet || m == http.MethodHead {
			// A read reads each piece of reference data once (snapshot.Once).
			c.SetRequest(c.Request().WithContext(snapshot.WithMemo(c.Request().Context())))
		}
		start := time.Now()
		err := next(c)
		if err != nil {
			c.Error(err) // render the error now, so the status below is final
		}
		attrs := []slog.Attr{
			slog.String("method", c.Request().Method),
			slog.String("path", c.Request().URL.Path),
			slog.Int("status", c.Response().Status),
			slog.Duration("duration", time.Since(start)),
			slog.String("ip", c.RealIP()),
		}
		if p := principal(c); p != nil {
			attrs = append(attrs, slog.Int64("user_id", p.UserID), slog.String("role", string(p.Active.Role)))
		}
		l.LogAttrs(c.Request().Context(), slog.LevelInfo, "request", attrs...)
		return nil
	}
}

// securityHeaders sets the headers every response carries.
func (s *Server) securityHeaders(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		h := c.Response().Header()
		h.Set("Content-Security-Policy", ContentSecurityPolicy)
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Referrer-Policy", "same-origin")
		h.Set("Permissions-Policy", "camera=(), microphone=(), geolocation=(), payment=(), usb=(), interest-cohort=()")
		h.Set("Cross-Origin-Opener-Policy", "same-origin")
		h.Set("Cross-Origin-Resource-Policy", "same-origin")
		if !s.cfg.Dev() {
			h.Set("Strict-Transport-Security", "max-age=63072000; includeSubDomains")
		}
		if !strings.HasPrefix(c.Request().URL.Path, "/static/") {
			h.Set("Cache-Control", "no-store")
		}
		return next(c)
	}
}

// refuseTrace answers TRACE and TRACK with 405 before any routing.
func refuseTrace(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		if m := c.Request().Method; m == http.MethodTrace || m == "TRACK" {
			return echo.ErrMethodNotAllowed
		}
		return next(c)
	}
}

// headAsGet routes HEAD like GET (load balancers and uptime monitors probe
// with HEAD). Echo routes on the request it was given, so this wraps it from
// outside: the handler sees a GET clone, while net/http still answers the
// original HEAD and discards the body.
func headAsGet(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodHead {
			g := r.Clone(r.Context())
			g.Method = http.MethodGet
			next.ServeHTTP(w, g)
			return
		}
		next.ServeHTTP(w, r)
	})
}

// bearerToken returns the token of an "Authorization: Bearer" header.
func bearerToken(c echo.Context) (string, bool) {
	h := c.Request().Header.Get(echo.HeaderAuthorization)
	if len(h) > 7 && strings.EqualFold(h[:7], "bearer ") {
		return strings.TrimSpace(h[7:]), true
	}
	return "", false
}

// authenticate loads the principal from the bearer token (API clients) or
// the session cookie (browsers). A browser whose short access token has
// expired is renewed with its refresh cookie (rotated on every use). It
// never rejects: routes decide.
func (s *Server) authenticate(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		if p := c.Request().URL.Path; p == "/healthz" || p == "/readyz" || strings.HasPrefix(p, "/static/") {
			return next(c) // probes and assets must answer even when the database cannot
		}
		tok, bearer := bearerToken(c)
		if !bearer {
			if ck, err := c.Cookie(s.sessionCookie()); err == nil {
				tok = ck.Value
			}
		}
		if tok == "" && !bearer && !s.tryRefresh(c, &tok) {
			return next(c)
		}
		a, err := s.auth.Authenticate(c.Request().Context(), tok)
		if err != nil && !bearer && !isUnavailable(err) && s.tryRefresh(c, &tok) {
			a, err = s.auth.Authenticate(c.Request().Context(), tok)
		}
		if err != nil {
			if !errors.Is(err, auth.ErrSessionInvalid) {
				return err // e.g. the database is down: keep the cookie, say so
			}
			if !bearer {
				s.clearSessionCookie(c)
			}
			return next(c)
		}
		withValue(c, principalKey{}, a.Principal)
		withValue(c, actorKey{}, a.Principal.Actor(c.RealIP()))
		if a.Renewed != "" {
			if bearer {
				c.Response().Header().Set("X-Access-Token", a.Renewed)
			} else {
				s.setSessionCookie(c, a.Renewed, a.RenewedExp)
			}
		}
		return next(c)
	}
}

// tryRefresh trades the refresh cookie for new tokens and sets both
// cookies; *tok becomes the new access token. Static assets never refresh,
// so parallel asset loads cannot race a rotation into a false reuse alarm.
func (s *Server) tryRefresh(c echo.Context, tok *string) bool {
	if strings.HasPrefix(c.Request().URL.Path, "/static/") {
		return false
	}
	ck, err := c.Cookie(s.cookieName("refresh"))
	if err != nil || ck.Value == "" {
		return false
	}
	res, err := s.auth.Refresh(c.Request().Context(), ck.Value, c.RealIP())
	if err != nil {
		logger(c).Info("refresh refused", slog.String("error", err.Error()))
		return false
	}
	s.setSessionCookie(c, res.Token, res.Expires)
	s.setRefreshCookie(c, res.Refresh, res.RefreshExpires)
	*tok = res.Token
	return true
}

func (s *Server) cookieName(base string) string {
	if s.cfg.Dev() {
		return "ekinerja_" + base
	}
	return "__Host-ekinerja_" + base // Secure, Path=/, no Domain: bound to this host
}

func (s *Server) sessionCookie() string { return s.cookieName("sesi") }

// newCookie is the one place cookies are made: HttpOnly, SameSite=Strict,
// Path=/, and Secure with the __Host- prefix outside dev mode. maxAge < 0
// deletes the cookie; exp zero makes a browser-session cookie.
func (s *Server) newCookie(base, value string, exp time.Time, maxAge int) *http.Cookie {
	// #nosec G124 -- Secure is off only in dev mode (plain HTTP on localhost); TestProductionCookiesAreHostSecure asserts it outside dev.
	return &http.Cookie{Name: s.cookieName(base), Value: value, Path: "/", Expires: exp, MaxAge: maxAge,
		HttpOnly: true, Secure: !s.cfg.Dev(), SameSite: http.SameSiteStrictMode}
}

func (s *Server) setSessionCookie(c echo.Context, token string, exp time.Time) {
	c.SetCookie(s.newCookie("sesi", token, exp, 0))
}

func (s *Server) setRefreshCookie(c echo.Context, token string, exp time.Time) {
	c.SetCookie(s.newCookie("refresh", token, exp, 0))
}

// clearSessionCookie ends the browser's login: access and refresh cookie.
func (s *Server) clearSessionCookie(c echo.Context) {
	c.SetCookie(s.newCookie("sesi", "", time.Time{}, -1))
	c.SetCookie(s.newCookie("refresh", "", time.Time{}, -1))
}

// validText reports whether s may reach the database as text: valid UTF-8
// and no NUL (PostgreSQL refuses both, which would surface as a 500).
func validText(s string) bool { return utf8.ValidString(s) && !strings.ContainsRune(s, 0) }

// rejectBadText answers 400 to a request whose query, form or JSON body
// carries text no column can hold, before any handler sees it.
func rejectBadText(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		r := c.Request()
		vals := []url.Values{c.QueryParams()}
		if !isSafeMethod(r.Method) {
			ct, _, _ := mime.ParseMediaType(r.Header.Get(echo.HeaderContentType))
			switch ct {
			case echo.MIMEApplicationForm, echo.MIMEMultipartForm:
				if _, err := c.FormParams(); err == nil {
					vals = append(vals, r.PostForm)
				}
			case echo.MIMEApplicationJSON:
				body, err := io.ReadAll(r.Body)
				if err != nil {
					return err // the body limit's 413, among others
				}
				r.Body = io.NopCloser(bytes.NewReader(body))
				if !utf8.Valid(body) || bytes.Contains(body, []byte(`\u0000`)) {
					return echo.NewHTTPError(http.StatusBadRequest)
				}
			}
		}
		for _, v := range vals {
			for k, vs := range v {
				if !validText(k) {
					return echo.NewHTTPError(http.StatusBadRequest)
				}
				for _, x := range vs {
					if !validText(x) {
						return echo.NewHTTPError(http.StatusBadRequest)
					}
				}
			}
		}
		return next(c)
	}
}
