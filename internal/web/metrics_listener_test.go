package web

import (
	"bytes"
	"context"
	"log/slog"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ekinerja/ekinerja/internal/config"
)

// lockedBuffer is a log sink the serving goroutines and the test share.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// TestMetricsListenerStartPath runs the real ListenAndServe: with
// EKINERJA_METRICS_ADDR "off" (what main passes for an empty value) no metrics
// listener starts; with an address it binds and serves /metrics.
func TestMetricsListenerStartPath(t *testing.T) {
	free := func() string {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		defer l.Close()
		return l.Addr().String()
	}
	for _, tc := range []struct {
		name    string
		metrics string
		want    bool
	}{
		{"disabled", config.MetricsOff, false},
		{"enabled", free(), true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := newHarnessEnv(t, map[string]string{"EKINERJA_ENV": "dev", "EKINERJA_ADDR": free(), "EKINERJA_METRICS_ADDR": tc.metrics})
			if !tc.want && h.srv.cfg.MetricsAddr != "" {
				t.Fatalf("MetricsAddr = %q, want disabled", h.srv.cfg.MetricsAddr)
			}
			var logs lockedBuffer
			h.srv.log = slog.New(slog.NewJSONHandler(&logs, nil))
			ctx, cancel := context.WithCancel(context.Background())
			done := make(chan error, 1)
			go func() { done <- h.srv.ListenAndServe(ctx) }()
			// Wait until the main listener answers, so start-up is over.
			deadline := time.Now().Add(5 * time.Second)
			for {
				c, err := net.Dial("tcp", h.srv.cfg.Addr)
				if err == nil {
					c.Close()
					break
				}
				if time.Now().After(deadline) {
					t.Fatal("server did not start")
				}
				time.Sleep(20 * time.Millisecond)
			}
			if tc.want {
				var err error
				for time.Now().Before(deadline) {
					var c net.Conn
					if c, err = net.Dial("tcp", tc.metrics); err == nil {
						c.Close()
						break
					}
					time.Sleep(20 * time.Millisecond)
				}
				if err != nil {
					t.Errorf("metrics listener not bound at %s: %v", tc.metrics, err)
				}
			}
			if got := strings.Contains(logs.String(), "metrics serving"); got != tc.want {
				t.Errorf("metrics listener started = %v, want %v; logs: %s", got, tc.want, logs.String())
			}
			cancel()
			if err := <-done; err != nil {
				t.Errorf("ListenAndServe: %v", err)
			}
		})
	}
}
