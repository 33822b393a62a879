// Package web is the HTTP side of ekinerja: one route table with each route's
// permission, middleware, thin handlers, and one error handler.
package web

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"net"
	"net/http"
	"strconv"
	"sync"
	"syscall"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"

	"github.com/ekinerja/ekinerja/internal/attendance"
	"github.com/ekinerja/ekinerja/internal/audit"
	"github.com/ekinerja/ekinerja/internal/auth"
	"github.com/ekinerja/ekinerja/internal/config"
	"github.com/ekinerja/ekinerja/internal/importreport"
	"github.com/ekinerja/ekinerja/internal/kinerja"
	"github.com/ekinerja/ekinerja/internal/notify"
	"github.com/ekinerja/ekinerja/internal/org"
	"github.com/ekinerja/ekinerja/internal/stores"
	"github.com/ekinerja/ekinerja/internal/tpp/claim"
)

// Server holds what the handlers need.
type Server struct {
	cfg     config.Config
	log     *slog.Logger
	auth    *auth.Service
	org     *org.Store
	kin     *kinerja.Store
	att     *attendance.Store
	audit   *audit.Log
	pool    *sql.DB
	assets  *Assets
	csrfKey []byte
	version string
	echo    *echo.Echo
	metrics *Metrics
	tpp     *claim.Service
	notes   *notify.Store
	reports *importreport.Store
	// computeWait is how long a compute request waits for its computation
	// before showing the claim as "sedang dihitung"; background counts the
	// computations still running, so shutdown can let them finish.
	computeWait time.Duration
	background  sync.WaitGroup
	// refusals rate-limits the log lines of anonymous refusals.
	refusals refusalLog
	// inflight holds one token per request being worked on (shed), and
	// overloadedPage is the page of the requests beyond it.
	inflight       chan struct{}
	overloadedPage []byte
}

// Deps are the Server's collaborators, built in main.
type Deps struct {
	Config config.Config
	// Stores are the domain stores and services, built once (stores.New).
	Stores  stores.Set
	Log     *slog.Logger
	Auth    *auth.Service
	Static  fs.FS
	Version string
}

// New builds the server and its Echo instance.
func New(d Deps) (*Server, error) {
	assets, err := LoadAssets(d.Static)
	if err != nil {
		return nil, err
	}
	st := d.Stores
	s := &Server{cfg: d.Config, log: d.Log, auth: d.Auth, assets: assets,
		org: st.Org, kin: st.Kinerja, att: st.Attendance, tpp: st.TPP, notes: st.Notify, reports: st.Reports, audit: st.Audit, pool: st.Pool,
		csrfKey: auth.DeriveKey(d.Config.Secret, "csrf"), version: d.Version, metrics: NewMetrics(st.Pool),
		computeWait: 2 * time.Second,
		inflight:    make(chan struct{}, inflightLimit(d.Config.MaxInflight))}
	if s.cfg.RequestTimeout <= 0 { // a Config not from config.Load (tests)
		s.cfg.RequestTimeout = 4 * time.Second
	}
	e := echo.New()
	e.HideBanner, e.HidePort = true, true
	e.Debug = false // never: debug mode leaks internals
	e.HTTPErrorHandler = s.handleError
	e.IPExtractor = ipExtractor(d.Config)
	e.Pre(refuseTrace)
	e.Use(s.requestContext)
	e.Use(middleware.RecoverWithConfig(middleware.RecoverConfig{DisableStackAll: true, DisablePrintStack: true,
		LogErrorFunc: func(c echo.Context, err error, stack []byte) error {
			logger(c).Error("panic", slog.String("error", err.Error()), slog.String("stack", string(stack)))
			return err
		}}))
	e.Use(s.metrics.middleware)
	e.Use(s.securityHeaders)
	// A month of scan logs (500,000 scans, about 22 MB of attlog) is larger
	// than any form: that one upload has its own, larger limit.
	bigUpload := func(c echo.Context) bool {
		return c.Request().Method == http.MethodPost && c.Request().URL.Path == scanImportPath
	}
	e.Use(middleware.BodyLimitWithConfig(middleware.BodyLimitConfig{Limit: d.Config.BodyLimit, Skipper: bigUpload}))
	e.Use(middleware.BodyLimitWithConfig(middleware.BodyLimitConfig{Limit: scanImportLimit,
		Skipper: func(c echo.Context) bool { return !bigUpload(c) }}))
	e.Use(rejectBadText)
	e.Use(s.deadline)
	e.Use(s.authenticate)
	e.Use(s.csrf)
	s.register(e)
	s.echo = e
	if s.overloadedPage, err = s.renderOverloaded(); err != nil {
		return nil, err
	}
	return s, nil
}

// inflightLimit is EKINERJA_MAX_INFLIGHT, 64 for a Config not from config.Load.
func inflightLimit(n int) int {
	if n < 1 {
		return 64
	}
	return n
}

// ipExtractor trusts X-Forwarded-For only from the configured proxies.
func ipExtractor(cfg config.Config) echo.IPExtractor {
	if len(cfg.TrustedProxies) == 0 {
		return echo.ExtractIPDirect()
	}
	opts := []echo.TrustOption{echo.TrustLoopback(false), echo.TrustLinkLocal(false), echo.TrustPrivateNet(false)}
	for _, p := range cfg.TrustedProxies {
		_, n, err := net.ParseCIDR(p.String())
		if err == nil {
			opts = append(opts, echo.TrustIPRange(n))
		}
	}
	return echo.ExtractIPFromXFFHeader(opts...)
}

// Handler returns the HTTP handler (for tests and for serving).
func (s *Server) Handler() http.Handler { return s.shed(headAsGet(s.echo)) }

// Metrics returns the Prometheus handler, for the internal metrics listener.
func (s *Server) Metrics() http.Handler { return s.metrics.Handler() }

// Echo returns the Echo instance (the route list, for tests).
func (s *Server) Echo() *echo.Echo { return s.echo }

// HTTPServer is the http.Server ekinerja listens with: every timeout set,
// so a slow client (slowloris) cannot hold connections open, and headers
// capped at 64 KiB.
func (s *Server) HTTPServer() *http.Server {
	return &http.Server{
		Addr:              s.cfg.Addr,
		Handler:           s.Handler(),
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       60 * time.Second,
		WriteTimeout:      120 * time.Second,
		IdleTimeout:       120 * time.Second,
		MaxHeaderBytes:    64 << 10,
	}
}

// Listeners are the sockets Serve uses: the application and, when
// EKINERJA_METRICS_ADDR is set, the internal metrics one.
type Listeners struct {
	App, Metrics net.Listener
}

// Addr is the application listener's address.
func (l Listeners) Addr() net.Addr { return l.App.Addr() }

// Listen binds the application and metrics addresses before anything is
// served, so a port already taken (a second instance, say) stops start-up
// with a message naming the port and the variable that sets it.
func (s *Server) Listen() (Listeners, error) {
	var l Listeners
	var err error
	if l.App, err = net.Listen("tcp", s.cfg.Addr); err != nil {
		return l, listenError(err, s.cfg.Addr, "EKINERJA_ADDR", "aplikasi", "mis. EKINERJA_ADDR=127.0.0.1:8081")
	}
	if s.cfg.MetricsAddr != "" {
		if l.Metrics, err = net.Listen("tcp", s.cfg.MetricsAddr); err != nil {
			l.App.Close()
			return l, listenError(err, s.cfg.MetricsAddr, "EKINERJA_METRICS_ADDR", "metrik", "mis. EKINERJA_METRICS_ADDR=127.0.0.1:9091, atau EKINERJA_METRICS_ADDR= (kosong) untuk mematikan metrik")
		}
	}
	return l, nil
}

// listenError says which address could not be bound and what to change.
func listenError(err error, addr, env, what, example string) error {
	if errors.Is(err, syscall.EADDRINUSE) {
		return fmt.Errorf("port %s %s sudah dipakai (instance ekinerja lain yang masih berjalan?): hentikan yang lain atau ubah %s (%s)", what, addr, env, example)
	}
	return fmt.Errorf("tidak dapat mendengarkan di %s (%s, port %s): %w", addr, env, what, err)
}

// ListenAndServe binds (Listen) and serves until ctx is cancelled.
func (s *Server) ListenAndServe(ctx context.Context) error {
	l, err := s.Listen()
	if err != nil {
		return err
	}
	return s.Serve(ctx, l)
}

// Serve serves on l until ctx is cancelled, then shuts down gracefully.
func (s *Server) Serve(ctx context.Context, l Listeners) error {
	srv := s.HTTPServer()
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(l.App) }()
	if l.Metrics != nil {
		ms := &http.Server{Handler: s.Metrics(), ReadHeaderTimeout: 5 * time.Second, ReadTimeout: 10 * time.Second, WriteTimeout: 30 * time.Second}
		go func() {
			// Metrics are not worth stopping payroll for: log and go on.
			if err := ms.Serve(l.Metrics); err != nil && !errors.Is(err, http.ErrServerClosed) {
				s.log.Error("metrics listener", slog.String("error", err.Error()))
			}
		}()
		defer ms.Close()
		s.log.Info("metrics serving", slog.String("addr", l.Metrics.Addr().String()))
	}
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	s.log.Info("shutting down")
	sctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		return err
	}
	s.waitBackground(sctx)
	if err := <-errc; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// waitBackground waits for the computations started by requests, at most
// until ctx ends; one cut off rolls back, and its claim is free again as
// soon as its holder connection closes.
func (s *Server) waitBackground(ctx context.Context) {
	done := make(chan struct{})
	go func() { s.background.Wait(); close(done) }()
	select {
	case <-done:
	case <-ctx.Done():
		s.log.Warn("shutting down with TPP computations still running")
	}
}

// recordForbidden records a refused request. A signed-in person's refusal
// is audited (fields bounded by package audit). An anonymous one (no CSRF
// token, a forged cookie, a scanner) goes to the log only, rate-limited
// and aggregated per source: anyone can send those by the thousand, and
// the permanent, hash-chained audit log must neither fill the disk nor
// bury the refusals of real accounts (issue 16).
func (s *Server) recordForbidden(c echo.Context, cause error) {
	p := principal(c)
	if p == nil {
		s.refusals.note(logger(c), c.RealIP(), c.Request().Method, c.Request().URL.Path, cause.Error())
		return
	}
	e := audit.Entry{Action: audit.ActionForbidden, IP: c.RealIP(), ObjectType: "route",
		ObjectID: c.Request().Method + " " + c.Request().URL.Path, Detail: map[string]any{"alasan": cause.Error()}}
	e.ActorID, e.ActorNIP = p.UserID, p.NIP
	e.Detail["peran"] = string(p.Active.Role)
	if err := s.audit.Record(context.WithoutCancel(c.Request().Context()), e); err != nil {
		logger(c).Error("audit forbidden", slog.String("error", err.Error()))
	}
}

// refusalLog logs at most refusalLogBurst anonymous refusals a minute, with
// the path cut short; the rest are counted per source and summarised once
// the minute is over.
type refusalLog struct {
	mu         sync.Mutex
	minute     time.Time
	logged     int
	suppressed map[string]int
}

const (
	refusalLogBurst   = 20
	refusalLogSources = 1000
)

func (r *refusalLog) note(log *slog.Logger, ip, method, path, reason string) {
	r.mu.Lock()
	now := time.Now().Truncate(time.Minute)
	var summary map[string]int
	if !now.Equal(r.minute) {
		summary, r.suppressed, r.minute, r.logged = r.suppressed, nil, now, 0
	}
	logIt := r.logged < refusalLogBurst
	if logIt {
		r.logged++
	} else {
		if r.suppressed == nil {
			r.suppressed = map[string]int{}
		}
		if _, ok := r.suppressed[ip]; ok || len(r.suppressed) < refusalLogSources {
			r.suppressed[ip]++
		} else {
			r.suppressed["lainnya"]++
		}
	}
	r.mu.Unlock()
	if len(summary) > 0 {
		refused := 0
		for _, n := range summary {
			refused += n
		}
		log.Warn("anonymous refusals not logged individually", slog.Int("total", refused), slog.Int("sources", len(summary)), slog.Any("per_source", topSources(summary, 10)))
	}
	if logIt {
		if len(path) > 200 {
			path = path[:200] + "…"
		}
		log.Warn("anonymous request refused", slog.String("ip", ip), slog.String("method", method), slog.String("path", path), slog.String("reason", reason))
	}
}

// topSources returns up to n sources with the most refusals.
func topSources(m map[string]int, n int) map[string]int {
	out := map[string]int{}
	for len(out) < n && len(out) < len(m) {
		best, bestN := "", -1
		for k, v := range m {
			if _, done := out[k]; !done && v > bestN {
				best, bestN = k, v
			}
		}
		out[best] = bestN
	}
	return out
}

// itoa formats an id for URLs and audit rows.
func itoa(id int64) string { return strconv.FormatInt(id, 10) }
