package config

import (
	"strings"
	"testing"
)

func TestLoad(t *testing.T) {
	t.Parallel()
	long := strings.Repeat("x", 40)
	cases := []struct {
		name    string
		env     map[string]string
		wantErr string
		check   func(t *testing.T, c Config)
	}{
		{name: "production without secret refuses", env: map[string]string{}, wantErr: "EKINERJA_SECRET wajib"},
		{name: "production with dev secret refuses", env: map[string]string{"EKINERJA_SECRET": DevSecret}, wantErr: "EKINERJA_SECRET wajib"},
		{name: "production with short secret refuses", env: map[string]string{"EKINERJA_SECRET": "short"}, wantErr: "terlalu pendek"},
		{name: "production with long secret", env: map[string]string{"EKINERJA_SECRET": long}, check: func(t *testing.T, c Config) {
			if c.Dev() || c.Addr != ":8080" || c.DatabaseURL != DefaultDatabaseURL {
				t.Errorf("unexpected defaults: %+v", c)
			}
		}},
		{name: "dev gets dev secret", env: map[string]string{"EKINERJA_ENV": "dev"}, check: func(t *testing.T, c Config) {
			if !c.Dev() || c.Secret != DevSecret {
				t.Errorf("dev config: %+v", c)
			}
		}},
		{name: "metrics default", env: map[string]string{"EKINERJA_ENV": "dev"}, check: func(t *testing.T, c Config) {
			if c.MetricsAddr != "127.0.0.1:9090" {
				t.Errorf("MetricsAddr = %q, want the default 127.0.0.1:9090", c.MetricsAddr)
			}
		}},
		{name: "metrics off disables", env: map[string]string{"EKINERJA_ENV": "dev", "EKINERJA_METRICS_ADDR": MetricsOff}, check: func(t *testing.T, c Config) {
			if c.MetricsAddr != "" {
				t.Errorf("MetricsAddr = %q, want empty (disabled)", c.MetricsAddr)
			}
		}},
		{name: "unknown env", env: map[string]string{"EKINERJA_ENV": "staging", "EKINERJA_SECRET": long}, wantErr: "EKINERJA_ENV"},
		{name: "trusted proxies", env: map[string]string{"EKINERJA_ENV": "dev", "EKINERJA_TRUSTED_PROXIES": "10.0.0.1, 192.168.0.0/16"}, check: func(t *testing.T, c Config) {
			if len(c.TrustedProxies) != 2 || c.TrustedProxies[0].String() != "10.0.0.1/32" {
				t.Errorf("proxies: %v", c.TrustedProxies)
			}
		}},
		{name: "bad proxy", env: map[string]string{"EKINERJA_ENV": "dev", "EKINERJA_TRUSTED_PROXIES": "nonsense"}, wantErr: "EKINERJA_TRUSTED_PROXIES"},
		{name: "request deadline, in-flight bound: defaults", env: map[string]string{"EKINERJA_ENV": "dev"}, check: func(t *testing.T, c Config) {
			if c.RequestTimeout.String() != "4s" || c.MaxInflight != 64 || c.PreviousSecret != "" {
				t.Errorf("RequestTimeout %s, MaxInflight %d, PreviousSecret %q", c.RequestTimeout, c.MaxInflight, c.PreviousSecret)
			}
		}},
		{name: "request deadline, in-flight bound, previous secret set", env: map[string]string{"EKINERJA_SECRET": long, "EKINERJA_REQUEST_TIMEOUT": "2500ms",
			"EKINERJA_MAX_INFLIGHT": "16", "EKINERJA_SECRET_PREVIOUS": strings.Repeat("y", 40)}, check: func(t *testing.T, c Config) {
			if c.RequestTimeout.String() != "2.5s" || c.MaxInflight != 16 || c.PreviousSecret != strings.Repeat("y", 40) {
				t.Errorf("RequestTimeout %s, MaxInflight %d, PreviousSecret %q", c.RequestTimeout, c.MaxInflight, c.PreviousSecret)
			}
		}},
		{name: "previous secret equal to the secret is no rotation", env: map[string]string{"EKINERJA_SECRET": long, "EKINERJA_SECRET_PREVIOUS": long}, check: func(t *testing.T, c Config) {
			if c.PreviousSecret != "" {
				t.Errorf("PreviousSecret %q", c.PreviousSecret)
			}
		}},
		{name: "short previous secret", env: map[string]string{"EKINERJA_SECRET": long, "EKINERJA_SECRET_PREVIOUS": "short"}, wantErr: "EKINERJA_SECRET_PREVIOUS"},
		{name: "bad request deadline", env: map[string]string{"EKINERJA_ENV": "dev", "EKINERJA_REQUEST_TIMEOUT": "0s"}, wantErr: "EKINERJA_REQUEST_TIMEOUT"},
		{name: "bad in-flight bound", env: map[string]string{"EKINERJA_ENV": "dev", "EKINERJA_MAX_INFLIGHT": "-1"}, wantErr: "EKINERJA_MAX_INFLIGHT"},
		{name: "bad duration", env: map[string]string{"EKINERJA_ENV": "dev", "EKINERJA_SESSION_IDLE": "soon"}, wantErr: "EKINERJA_SESSION_IDLE"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c, err := Load(func(k string) string { return tc.env[k] })
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("want error containing %q, got %v", tc.wantErr, err)
				}
				return
			}
			if err != nil {
				t.Fatalf("unexpected error: %v", err)
			}
			if tc.check != nil {
				tc.check(t, c)
			}
		})
	}
}

// TestBrowseURL: the URL serve prints is built from the listen address, for
// every form EKINERJA_ADDR takes (make run used to print
// "http://localhost127.0.0.1:18410").
func TestBrowseURL(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ addr, want string }{
		{":8080", "http://localhost:8080/"},
		{"127.0.0.1:18410", "http://127.0.0.1:18410/"},
		{"0.0.0.0:8080", "http://localhost:8080/"},
		{"[::]:8080", "http://localhost:8080/"},
		{"[::1]:8080", "http://[::1]:8080/"},
		{"ekinerja.local:443", "http://ekinerja.local:443/"},
		{"192.168.1.5:80", "http://192.168.1.5/"},
		{"[fe80::1]:80", "http://[fe80::1]/"},
	} {
		if got := BrowseURL(tc.addr); got != tc.want {
			t.Errorf("BrowseURL(%q) = %q, want %q", tc.addr, got, tc.want)
		}
	}
}

// TestAddrMustBeHostPort: a malformed EKINERJA_ADDR or EKINERJA_METRICS_ADDR
// is refused at start-up with the variable's name.
func TestAddrMustBeHostPort(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ key, val, want string }{
		{"EKINERJA_ADDR", "8080", "EKINERJA_ADDR harus host:port"},
		{"EKINERJA_ADDR", "localhost", "EKINERJA_ADDR harus host:port"},
		{"EKINERJA_METRICS_ADDR", "9090", "EKINERJA_METRICS_ADDR harus host:port"},
	} {
		env := map[string]string{"EKINERJA_ENV": "dev", tc.key: tc.val}
		_, err := Load(func(k string) string { return env[k] })
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s=%q: err %v, want %q", tc.key, tc.val, err, tc.want)
		}
	}
	env := map[string]string{"EKINERJA_ENV": "dev", "EKINERJA_ADDR": "127.0.0.1:18410"}
	if _, err := Load(func(k string) string { return env[k] }); err != nil {
		t.Errorf("valid address refused: %v", err)
	}
}
