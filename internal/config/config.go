// Package config reads ekinerja's settings from environment variables only.
package config

import (
	"errors"
	"fmt"
	"net"
	"net/netip"
	"strconv"
	"strings"
	"time"
)

// DevSecret is the well-known secret used in development; production refuses it.
const DevSecret = "ekinerja-dev-secret-do-not-use-in-production" // #nosec G101 -- a public dev-only value; Load refuses it in production

// DefaultDatabaseURL is used when DATABASE_URL is unset: the local PostgreSQL.
const DefaultDatabaseURL = "postgres://postgres@127.0.0.1:5432/ekinerja?sslmode=disable"

// Env is the deployment mode.
type Env string

// The deployment modes.
const (
	EnvDev        Env = "dev"
	EnvProduction Env = "production"
)

// Config is everything ekinerja reads from its environment.
type Config struct {
	DatabaseURL string
	Addr        string
	// MetricsAddr is the internal listener for Prometheus metrics; empty disables it.
	MetricsAddr    string
	Secret         string
	Env            Env
	LogLevel       string
	TrustedProxies []netip.Prefix
	// AdminOPDTOTP: admin_opd needs two-factor outside dev mode
	// (EKINERJA_2FA_ADMIN_OPD, default ya).
	AdminOPDTOTP bool
	// SessionIdle and SessionMax bound a login: idle time between requests
	// and total lifetime.
	SessionIdle time.Duration
	SessionMax  time.Duration
	// BodyLimit is the largest request body accepted, e.g. "12M".
	BodyLimit string
	// Location is the regency's time zone (Asia/Jakarta, Asia/Makassar, Asia/Jayapura).
	Location *time.Location
	// RequestTimeout is every request's deadline (EKINERJA_REQUEST_TIMEOUT,
	// default 4s): a database that does not answer within it gets the
	// person "Sistem sedang gangguan" (503), not a hung page.
	RequestTimeout time.Duration
	// MaxInflight bounds the requests one instance works on at once
	// (EKINERJA_MAX_INFLIGHT, default 64); beyond it the answer is 503 with
	// Retry-After instead of a queue.
	MaxInflight int
	// PreviousSecret is the secret before a rotation (EKINERJA_SECRET_PREVIOUS):
	// only to open two-factor secrets and recovery codes sealed with it, which
	// serve re-seals with Secret at start. Sessions and tokens never use it.
	PreviousSecret string
}

// MetricsOff as EKINERJA_METRICS_ADDR disables the metrics listener. An
// EKINERJA_METRICS_ADDR set to the empty string means the same: main turns it
// into MetricsOff, because getenv cannot tell "unset" from "set empty".
const MetricsOff = "off"

// Dev reports whether ekinerja runs in development mode (plain HTTP on localhost).
func (c Config) Dev() bool { return c.Env == EnvDev }

// Load reads the configuration through getenv (os.Getenv in main, a map in
// tests). In production it requires EKINERJA_SECRET: use it for the server
// and for whatever signs or derives keys from the secret.
func Load(getenv func(string) string) (Config, error) { return load(getenv, true) }

// LoadNoSecret reads the configuration for a command that needs no secret
// (restore, audit verify, backup, tpp verify --pubkey, ...): in production
// an unset EKINERJA_SECRET leaves Secret empty instead of failing. Such a
// command that ends up needing the secret calls RequireSecret first.
func LoadNoSecret(getenv func(string) string) (Config, error) { return load(getenv, false) }

// RequireSecret reports, in the words Load uses, why c has no usable secret.
func RequireSecret(c Config) error {
	switch {
	case c.Secret == "" || c.Env == EnvProduction && c.Secret == DevSecret:
		return errSecretMissing
	case c.Env == EnvProduction && len(c.Secret) < 32:
		return errSecretShort
	}
	return nil
}

var (
	errSecretMissing = errors.New("EKINERJA_SECRET wajib diisi dengan rahasia acak minimal 32 karakter di mode production (contoh: openssl rand -base64 48)")
	errSecretShort   = errors.New("EKINERJA_SECRET terlalu pendek: minimal 32 karakter")
)

func load(getenv func(string) string, needSecret bool) (Config, error) {
	get := func(key, def string) string {
		if v := strings.TrimSpace(getenv(key)); v != "" {
			return v
		}
		return def
	}
	c := Config{
		DatabaseURL: get("DATABASE_URL", DefaultDatabaseURL),
		Addr:        get("EKINERJA_ADDR", ":8080"),
		MetricsAddr: get("EKINERJA_METRICS_ADDR", "127.0.0.1:9090"),
		Secret:      getenv("EKINERJA_SECRET"),
		AdminOPDTOTP: !strings.EqualFold(strings.TrimSpace(getenv("EKINERJA_2FA_ADMIN_OPD")), "tidak") &&
			!strings.EqualFold(strings.TrimSpace(getenv("EKINERJA_2FA_ADMIN_OPD")), "false"),
		Env:       Env(get("EKINERJA_ENV", string(EnvProduction))),
		LogLevel:  get("EKINERJA_LOG_LEVEL", "info"),
		BodyLimit: get("EKINERJA_BODY_LIMIT", "12M"),
	}
	// "off" (what main passes for a variable set to the empty string, see
	// cmd/ekinerja) disables the metrics listener, as does an explicit empty value.
	if strings.EqualFold(c.MetricsAddr, MetricsOff) {
		c.MetricsAddr = ""
	}
	var errs []error
	if _, _, err := net.SplitHostPort(c.Addr); err != nil {
		errs = append(errs, fmt.Errorf("EKINERJA_ADDR harus host:port (contoh :8080 atau 127.0.0.1:8080), bukan %q", c.Addr))
	}
	if c.MetricsAddr != "" {
		if _, _, err := net.SplitHostPort(c.MetricsAddr); err != nil {
			errs = append(errs, fmt.Errorf("EKINERJA_METRICS_ADDR harus host:port (contoh 127.0.0.1:9090) atau kosong untuk mematikan metrik, bukan %q", c.MetricsAddr))
		}
	}
	switch c.Env {
	case EnvDev:
		if c.Secret == "" {
			c.Secret = DevSecret
		}
	case EnvProduction:
		if err := RequireSecret(c); err != nil {
			if needSecret {
				errs = append(errs, err)
			} else {
				c.Secret = "" // never used half-valid
			}
		}
	default:
		errs = append(errs, fmt.Errorf("EKINERJA_ENV harus 'dev' atau 'production', bukan %q", c.Env))
	}
	var err error
	if c.SessionIdle, err = time.ParseDuration(get("EKINERJA_SESSION_IDLE", "30m")); err != nil || c.SessionIdle <= 0 {
		errs = append(errs, errors.New("EKINERJA_SESSION_IDLE bukan durasi yang valid (contoh: 30m)"))
	}
	if c.SessionMax, err = time.ParseDuration(get("EKINERJA_SESSION_MAX", "8h")); err != nil || c.SessionMax <= 0 {
		errs = append(errs, errors.New("EKINERJA_SESSION_MAX bukan durasi yang valid (contoh: 8h)"))
	}
	if c.RequestTimeout, err = time.ParseDuration(get("EKINERJA_REQUEST_TIMEOUT", "4s")); err != nil || c.RequestTimeout <= 0 {
		errs = append(errs, errors.New("EKINERJA_REQUEST_TIMEOUT bukan durasi yang valid (contoh: 4s)"))
	}
	if c.MaxInflight, err = strconv.Atoi(get("EKINERJA_MAX_INFLIGHT", "64")); err != nil || c.MaxInflight < 1 {
		errs = append(errs, errors.New("EKINERJA_MAX_INFLIGHT harus bilangan bulat positif (contoh: 64)"))
	}
	if c.PreviousSecret = getenv("EKINERJA_SECRET_PREVIOUS"); c.PreviousSecret != "" {
		switch {
		case c.PreviousSecret == c.Secret:
			c.PreviousSecret = "" // nothing was rotated
		case c.Env == EnvProduction && len(c.PreviousSecret) < 32:
			errs = append(errs, errors.New("EKINERJA_SECRET_PREVIOUS terlalu pendek: rahasia lama minimal 32 karakter"))
		}
	}
	if c.Location, err = time.LoadLocation(get("EKINERJA_TZ", "Asia/Jakarta")); err != nil {
		errs = append(errs, errors.New("EKINERJA_TZ bukan zona waktu yang dikenal (contoh: Asia/Jakarta)"))
	}
	for _, p := range strings.Split(getenv("EKINERJA_TRUSTED_PROXIES"), ",") {
		p = strings.TrimSpace(p)
		if p == "" {
			continue
		}
		if !strings.Contains(p, "/") {
			if a, err := netip.ParseAddr(p); err == nil {
				c.TrustedProxies = append(c.TrustedProxies, netip.PrefixFrom(a, a.BitLen()))
				continue
			}
		}
		pre, err := netip.ParsePrefix(p)
		if err != nil {
			errs = append(errs, fmt.Errorf("EKINERJA_TRUSTED_PROXIES: %q bukan alamat atau CIDR", p))
			continue
		}
		c.TrustedProxies = append(c.TrustedProxies, pre)
	}
	return c, errors.Join(errs...)
}

// BrowseURL is the address a person types into the browser to reach a
// server listening on addr (host:port as in EKINERJA_ADDR or a listener's
// address): an empty or wildcard host becomes localhost, an IPv6 host gets
// its brackets, the port stays as it is. An addr that is not host:port is
// returned after "http://" unchanged.
func BrowseURL(addr string) string {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return "http://" + addr
	}
	switch host {
	case "", "0.0.0.0", "::", "[::]":
		host = "localhost"
	}
	if port == "80" {
		if strings.Contains(host, ":") {
			return "http://[" + host + "]/"
		}
		return "http://" + host + "/"
	}
	return "http://" + net.JoinHostPort(host, port) + "/"
}
