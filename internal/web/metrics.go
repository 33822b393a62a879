package web

import (
	"database/sql"
	"net/http"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// Metrics are the Prometheus series ekinerja exports. They live in their own
// registry and are served on a separate, internal listener
// (EKINERJA_METRICS_ADDR), never on the public port.
type Metrics struct {
	reg      *prometheus.Registry
	requests *prometheus.CounterVec
	duration *prometheus.HistogramVec
	// shed counts requests answered 503 beyond EKINERJA_MAX_INFLIGHT, and
	// loginBusy logins answered 429 because the password-hashing queue was full.
	shed      prometheus.Counter
	loginBusy prometheus.Counter
}

// NewMetrics registers the HTTP, Go runtime and connection-pool series.
func NewMetrics(pool *sql.DB) *Metrics {
	m := &Metrics{
		reg: prometheus.NewRegistry(),
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "ekinerja_http_requests_total", Help: "HTTP requests by route and status.",
		}, []string{"method", "route", "status"}),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "ekinerja_http_request_duration_seconds", Help: "HTTP request latency by route.",
			Buckets: []float64{.005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10},
		}, []string{"method", "route"}),
	}
	m.shed = prometheus.NewCounter(prometheus.CounterOpts{Name: "ekinerja_http_shed_total", Help: "Requests answered 503 because the instance was at EKINERJA_MAX_INFLIGHT."})
	m.loginBusy = prometheus.NewCounter(prometheus.CounterOpts{Name: "ekinerja_login_busy_total", Help: "Logins answered 429 because the password-hashing queue was full."})
	m.reg.MustRegister(m.requests, m.duration, m.shed, m.loginBusy, collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	if pool != nil {
		m.reg.MustRegister(collectors.NewDBStatsCollector(pool, "ekinerja"))
	}
	return m
}

// middleware counts every request under its route pattern (not its raw
// path, so IDs do not explode the series).
func (m *Metrics) middleware(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		start := time.Now()
		err := next(c)
		route := c.Path()
		if route == "" {
			route = "unmatched"
		}
		status := c.Response().Status
		if err != nil {
			if he, ok := err.(*echo.HTTPError); ok {
				status = he.Code
			} else {
				status = classify(err).Status
			}
		}
		m.requests.WithLabelValues(c.Request().Method, route, strconv.Itoa(status)).Inc()
		m.duration.WithLabelValues(c.Request().Method, route).Observe(time.Since(start).Seconds())
		return err
	}
}

// Handler serves the metrics in the Prometheus text format.
func (m *Metrics) Handler() http.Handler {
	return promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{})
}
