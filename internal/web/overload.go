package web

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"time"

	"github.com/labstack/echo/v4"
)

// StatusClientClosedRequest is what a request whose client went away before
// the answer is logged and counted as (nginx's 499): it is not a server
// error, and nobody reads the answer.
const StatusClientClosedRequest = 499

// importTimeout is the deadline of the routes that load a whole file into
// the database (employee and attendance imports): their body is already
// read when the deadline starts, but thousands of rows take longer than a
// page.
const importTimeout = 60 * time.Second

// errRequestDeadline is the cause of a request context that ran out of time.
var errRequestDeadline = errors.New("request deadline (EKINERJA_REQUEST_TIMEOUT)")

// errOverloaded is the answer beyond EKINERJA_MAX_INFLIGHT requests.
var errOverloaded = echo.NewHTTPError(http.StatusServiceUnavailable, "overloaded")

// exemptFromLimits are the paths neither the in-flight bound nor the
// request deadline applies to: the probes (readyz has its own 2 s) and the
// embedded assets, which touch no database.
func exemptFromLimits(path string) bool {
	return path == "/healthz" || path == "/readyz" || strings.HasPrefix(path, "/static/")
}

// limitInflight sheds load instead of queueing it: at most cfg.MaxInflight
// requests are worked on at once; one more is answered 503 with
// Retry-After at once, so the people already inside keep a fast service
// and the rest are told to come back, not left waiting behind a pool of 20
// database connections.
func (s *Server) limitInflight(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		if exemptFromLimits(c.Request().URL.Path) {
			return next(c)
		}
		select {
		case s.inflight <- struct{}{}:
		default:
			s.metrics.shed.Inc()
			return errOverloaded
		}
		defer func() { <-s.inflight }()
		return next(c)
	}
}

// deadline gives the request a deadline (EKINERJA_REQUEST_TIMEOUT; the
// imports importTimeout). It runs after the body has been read (rejectBadText
// parses every form and JSON body), so a slow upload does not eat the
// budget. Every database call of the request inherits it: a database that
// hangs yields "Sistem sedang gangguan" (503) when it ends, and the wait for
// a pool connection is bounded by it too. The error is rendered here, while
// the context still tells a deadline from a client that went away.
func (s *Server) deadline(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		if exemptFromLimits(c.Request().URL.Path) {
			return next(c)
		}
		d := s.cfg.RequestTimeout
		if p := c.Path(); p == "/presensi/impor" || p == "/impor/:jenis" || p == scanImportPath {
			d = max(d, importTimeout)
		}
		parent := c.Request()
		ctx, cancel := context.WithTimeoutCause(parent.Context(), d, errRequestDeadline)
		defer cancel()
		c.SetRequest(parent.WithContext(ctx))
		// Whatever runs after this middleware (a panic's error page, the
		// log line) sees the request's own context again.
		defer func() { c.SetRequest(c.Request().WithContext(parent.Context())) }()
		if err := next(c); err != nil {
			c.Error(err)
		}
		return nil
	}
}

// contextEnd says why the request's context ended, if it did: its deadline
// passed (503), or the client went away (499).
func contextEnd(ctx context.Context) (status int, ended bool) {
	if ctx.Err() == nil {
		return 0, false
	}
	if errors.Is(context.Cause(ctx), errRequestDeadline) || errors.Is(ctx.Err(), context.DeadlineExceeded) {
		return http.StatusServiceUnavailable, true
	}
	return StatusClientClosedRequest, true
}
