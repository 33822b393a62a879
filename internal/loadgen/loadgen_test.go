package loadgen

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

func TestPercentileAndMedian(t *testing.T) {
	t.Parallel()
	ms := func(xs ...int) []time.Duration {
		var out []time.Duration
		for _, x := range xs {
			out = append(out, time.Duration(x)*time.Millisecond)
		}
		return out
	}
	tests := []struct {
		name string
		lat  []time.Duration
		q    float64
		want time.Duration
	}{
		{"empty", nil, 0.5, 0},
		{"one", ms(7), 0.99, 7 * time.Millisecond},
		{"p50 of 1..10", ms(10, 9, 8, 7, 6, 5, 4, 3, 2, 1), 0.50, 5 * time.Millisecond},
		{"p99 of 1..100 is 99", ms(seq(100)...), 0.99, 99 * time.Millisecond},
		{"p99 of 1..10 is the slowest", ms(seq(10)...), 0.99, 10 * time.Millisecond},
	}
	for _, tt := range tests {
		if got := percentile(tt.lat, tt.q); got != tt.want {
			t.Errorf("%s: percentile %v = %v, want %v", tt.name, tt.q, got, tt.want)
		}
	}
	for _, tt := range []struct {
		xs   []float64
		want float64
	}{{nil, 0}, {[]float64{3, 1, 2}, 2}, {[]float64{4, 1, 3, 2}, 2.5}} {
		if got := median(tt.xs); got != tt.want {
			t.Errorf("median %v = %v, want %v", tt.xs, got, tt.want)
		}
	}
}

func seq(n int) []int {
	out := make([]int, n)
	for i := range out {
		out[i] = i + 1
	}
	return out
}

// TestRunCountsErrorsAndJudges: a scenario with failures is a MISS however
// fast it is, one below its ratio is a MISS, a clean one within its targets
// is a PASS; statements are counted per request.
func TestRunCountsErrorsAndJudges(t *testing.T) {
	t.Parallel()
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/gagal" {
			http.Error(w, "tidak", http.StatusInternalServerError)
			return
		}
		w.Write([]byte("ok"))
	}))
	defer ts.Close()
	s := NewSession(ts.URL, NewTransport(2))
	get := func(path string) Op {
		return func(ctx context.Context, _, _ int) error {
			return s.Do(ctx, Request{Method: http.MethodGet, Path: path})
		}
	}
	var queries atomic.Int64 // two "statements" per clean request
	counted := func(ctx context.Context, w, i int) error {
		queries.Add(2)
		return get("/")(ctx, w, i)
	}
	slow := func(ctx context.Context, w, i int) error {
		time.Sleep(5 * time.Millisecond)
		return get("/")(ctx, w, i)
	}
	sometimes := func(ctx context.Context, w, i int) error {
		if i%2 == 0 {
			return errors.New("gagal sengaja")
		}
		return get("/")(ctx, w, i)
	}
	cfg := Config{Conns: 2, Rounds: 2, Round: 40 * time.Millisecond, Queries: queries.Load}
	res := Run(context.Background(), cfg, get("/"), []Scenario{
		{Name: "bersih", Op: counted, MinRatio: 0.01},
		{Name: "status 500", Op: get("/gagal")},
		{Name: "kadang gagal", Op: sometimes},
		{Name: "lambat", Op: slow, MinRatio: 0.99},
		{Name: "p99", Op: slow, MaxP99: time.Millisecond},
	})
	want := map[string]bool{"bersih": true, "status 500": false, "kadang gagal": false, "lambat": false, "p99": false}
	for _, r := range res {
		if r.Pass != want[r.Name] {
			t.Errorf("%s: pass %v, want %v (errors %d, ratio %.3f, p99 %v)", r.Name, r.Pass, want[r.Name], r.Errors, r.Ratio, r.P99)
		}
		if r.Requests == 0 || len(r.RoundRatios) != cfg.Rounds {
			t.Errorf("%s: %d requests, %d round ratios", r.Name, r.Requests, len(r.RoundRatios))
		}
	}
	if res[0].QueriesPerReq != 2 {
		t.Errorf("bersih: %.2f statements per request, want 2", res[0].QueriesPerReq)
	}
	if res[1].Errors != res[1].Requests || !strings.Contains(res[1].FirstError, "status 500") {
		t.Errorf("status 500: %d errors of %d, first %q", res[1].Errors, res[1].Requests, res[1].FirstError)
	}
	var out bytes.Buffer
	Print(&out, cfg, res)
	if strings.Count(out.String(), "MISS") != 4 || strings.Count(out.String(), "PASS") != 1 || !strings.Contains(out.String(), "gagal sengaja") {
		t.Errorf("table:\n%s", out.String())
	}
}

// TestLoginCarriesCSRF: the session signs in with the form's token and
// sends its own token with every POST afterwards.
func TestLoginCarriesCSRF(t *testing.T) {
	t.Parallel()
	var posted []string
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch {
		case r.Method == http.MethodGet && r.URL.Path == "/masuk":
			w.Write([]byte(`<input name="csrf_token" value="anon">`))
		case r.Method == http.MethodPost && r.URL.Path == "/masuk":
			posted = append(posted, r.FormValue("csrf_token")+" "+r.FormValue("nip"))
			http.SetCookie(w, &http.Cookie{Name: "sesi", Value: "s1", Path: "/"})
			w.Header().Set("Location", "/")
			w.WriteHeader(http.StatusSeeOther)
		case r.URL.Path == "/":
			if c, err := r.Cookie("sesi"); err != nil || c.Value != "s1" {
				w.Header().Set("Location", "/masuk")
				w.WriteHeader(http.StatusSeeOther)
				return
			}
			w.Write([]byte(`<input name="csrf_token" value="sesi-token">`))
		case r.Method == http.MethodPost:
			posted = append(posted, r.FormValue("csrf_token")+" "+r.FormValue("x"))
			w.WriteHeader(http.StatusSeeOther)
		}
	}))
	defer ts.Close()
	s := NewSession(ts.URL, NewTransport(1))
	ctx := context.Background()
	if err := s.Login(ctx, "123", "rahasia"); err != nil {
		t.Fatal(err)
	}
	if err := s.Do(ctx, Request{Method: http.MethodPost, Path: "/simpan", Form: map[string][]string{"x": {"1"}}, Want: http.StatusSeeOther}); err != nil {
		t.Fatal(err)
	}
	if err := s.Do(ctx, Request{Method: http.MethodPost, Path: "/simpan", Form: map[string][]string{"x": {"2"}}}); err == nil {
		t.Error("a 303 where 200 is wanted counted as success")
	}
	if got := strings.Join(posted, ","); got != "anon 123,sesi-token 1,sesi-token 2" {
		t.Errorf("posted %q", got)
	}
	if err := NewSession(ts.URL, NewTransport(1)).Do(ctx, Request{Method: http.MethodGet, Path: "/"}); err == nil {
		t.Error("signed out, the home page's redirect counted as success")
	}
}
