package web

import (
	"context"
	"log/slog"

	"github.com/labstack/echo/v4"

	"github.com/ekinerja/ekinerja/internal/auth"
)

// Typed context keys: request-scoped values live in the request's
// context.Context, never under string keys in echo.Context.
type (
	principalKey struct{}
	requestIDKey struct{}
	loggerKey    struct{}
	csrfKey      struct{}
	actorKey     struct{}
)

func withValue(c echo.Context, key, val any) {
	r := c.Request()
	c.SetRequest(r.WithContext(context.WithValue(r.Context(), key, val)))
}

// principal returns the signed-in person, or nil.
func principal(c echo.Context) *auth.Principal {
	p, _ := c.Request().Context().Value(principalKey{}).(*auth.Principal)
	return p
}

// actorOf is the signed-in person as every domain sees them (auth.Actor:
// user, employee, NIP, active role and agency, client address). authenticate
// builds it once per request with the principal; without a signed-in person
// it is the zero Actor with the client address.
func actorOf(c echo.Context) auth.Actor {
	if a, ok := c.Request().Context().Value(actorKey{}).(auth.Actor); ok {
		return a
	}
	return principal(c).Actor(c.RealIP())
}

// logger returns the request-scoped logger.
func logger(c echo.Context) *slog.Logger {
	if l, ok := c.Request().Context().Value(loggerKey{}).(*slog.Logger); ok {
		return l
	}
	return slog.Default()
}

// csrfToken returns the CSRF token to embed in this response's forms.
func csrfToken(c echo.Context) string {
	t, _ := c.Request().Context().Value(csrfKey{}).(string)
	return t
}
