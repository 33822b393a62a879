// Package loadgen is the HTTP load generator of `make bench-http`: signed-in
// sessions (each with its own cookie jar and CSRF token) over keep-alive
// connections, scenarios driven in short rounds that alternate with a bare
// route, and the table of the results. It knows nothing of the server's
// insides: the benchmark gives it URLs, logins and a statement counter.
package loadgen

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// NewTransport is a keep-alive transport holding up to conns connections.
func NewTransport(conns int) *http.Transport {
	return &http.Transport{MaxIdleConns: conns, MaxIdleConnsPerHost: conns, MaxConnsPerHost: conns,
		IdleConnTimeout: 90 * time.Second, DisableCompression: true}
}

// Session is one browser: its cookie jar, and once signed in the CSRF token
// its forms carry.
type Session struct {
	base string
	http *http.Client
	csrf string
}

// NewSession is a signed-out session on base (http://host:port) over tr.
func NewSession(base string, tr http.RoundTripper) *Session {
	jar, _ := cookiejar.New(nil) // never fails with nil options
	return &Session{base: base, http: &http.Client{Jar: jar, Transport: tr, Timeout: 60 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

var csrfInput = regexp.MustCompile(`name="csrf_token" value="([^"]+)"`)

// Login signs the session in through the login form (GET /masuk for the
// form's token, POST /masuk), then reads the session's own CSRF token from
// the home page, which must answer 200 (no forced step pending).
func (s *Session) Login(ctx context.Context, nip, password string) error {
	_, body, err := s.fetch(ctx, Request{Method: http.MethodGet, Path: "/masuk"})
	if err != nil {
		return err
	}
	m := csrfInput.FindStringSubmatch(body)
	if m == nil {
		return errors.New("login: no csrf token on /masuk")
	}
	form := url.Values{"nip": {nip}, "password": {password}, "csrf_token": {m[1]}}
	st, body, err := s.fetch(ctx, Request{Method: http.MethodPost, Path: "/masuk", Form: form})
	if err != nil {
		return err
	}
	if st != http.StatusSeeOther {
		return fmt.Errorf("login %s: status %d: %.300s", nip, st, body)
	}
	st, body, err = s.fetch(ctx, Request{Method: http.MethodGet, Path: "/"})
	if err != nil {
		return err
	}
	if m = csrfInput.FindStringSubmatch(body); st != http.StatusOK || m == nil {
		return fmt.Errorf("login %s: home page status %d without a form token: %.300s", nip, st, body)
	}
	s.csrf = m[1]
	return nil
}

// Request is one HTTP request and the status that counts as success.
type Request struct {
	Method, Path string
	Form         url.Values // POST body; the session's CSRF token is added
	Want         int        // 0: 200
}

// Do sends r, reads the whole body and fails unless the status is r.Want.
func (s *Session) Do(ctx context.Context, r Request) error {
	st, body, err := s.fetch(ctx, r)
	if err != nil {
		return err
	}
	want := r.Want
	if want == 0 {
		want = http.StatusOK
	}
	if st != want {
		return fmt.Errorf("%s %s: status %d, want %d: %.300s", r.Method, r.Path, st, want, body)
	}
	return nil
}

// Get fetches path and returns its status and body, for checking a page
// before it is measured.
func (s *Session) Get(ctx context.Context, path string) (int, string, error) {
	return s.fetch(ctx, Request{Method: http.MethodGet, Path: path})
}

func (s *Session) fetch(ctx context.Context, r Request) (int, string, error) {
	var body io.Reader
	if r.Form != nil {
		f := url.Values{}
		for k, v := range r.Form {
			f[k] = v
		}
		if s.csrf != "" {
			f.Set("csrf_token", s.csrf)
		}
		body = strings.NewReader(f.Encode())
	}
	req, err := http.NewRequestWithContext(ctx, r.Method, s.base+r.Path, body)
	if err != nil {
		return 0, "", err
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	res, err := s.http.Do(req)
	if err != nil {
		return 0, "", err
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	return res.StatusCode, string(b), err
}

// Op is one request of a scenario: worker w's i-th. It returns the error
// that makes it count as failed.
type Op func(ctx context.Context, w, i int) error

// Scenario is a named workload and its target.
type Scenario struct {
	Name string
	Op   Op
	// MinRatio is the least req/s as a share of the bare route's in the
	// same round (0.2 = 20%); 0: no throughput target.
	MinRatio float64
	// MaxP99 is the slowest 99th-percentile latency allowed; 0: none.
	MaxP99 time.Duration
}

// Config sizes a run.
type Config struct {
	Conns  int           // concurrent workers (one connection each)
	Rounds int           // bare/scenario pairs per scenario
	Round  time.Duration // length of each half of a round
	// Queries returns the server's running count of SQL statements.
	Queries func() int64
	// SQLTime returns the server's running total of time spent in them.
	SQLTime func() time.Duration
}

// Result is one scenario's line of the table.
type Result struct {
	Name            string
	Requests        int
	Errors          int
	FirstError      string
	RPS, BareRPS    float64 // over all rounds
	Ratio           float64 // median of the per-round ratios
	P50, P99        time.Duration
	QueriesPerReq   float64
	SQLPerReq       time.Duration
	MinRatio        float64
	MaxP99          time.Duration
	Pass            bool
	RoundRatios     []float64
	measuredQueries bool
}

type phase struct {
	requests, errors int
	firstErr         string
	elapsed          time.Duration
	lat              []time.Duration
}

// drive runs op on conns workers for d and collects what happened.
func drive(ctx context.Context, conns int, d time.Duration, op Op, start *atomic.Int64) phase {
	var wg sync.WaitGroup
	parts := make([]phase, conns)
	t0 := time.Now()
	deadline := t0.Add(d)
	for w := range conns {
		wg.Add(1)
		go func() {
			defer wg.Done()
			p := &parts[w]
			for time.Now().Before(deadline) {
				i := int(start.Add(1))
				s := time.Now()
				err := op(ctx, w, i)
				p.lat = append(p.lat, time.Since(s))
				p.requests++
				if err != nil {
					p.errors++
					if p.firstErr == "" {
						p.firstErr = err.Error()
					}
				}
			}
		}()
	}
	wg.Wait()
	out := phase{elapsed: time.Since(t0)}
	for _, p := range parts {
		out.requests += p.requests
		out.errors += p.errors
		out.lat = append(out.lat, p.lat...)
		if out.firstErr == "" {
			out.firstErr = p.firstErr
		}
	}
	return out
}

// Run drives every scenario in turn: Rounds times the bare route for Round,
// then the scenario for Round, each at Conns workers. A scenario's ratio is
// the median over its rounds of its req/s over the bare route's req/s in
// the same round.
func Run(ctx context.Context, cfg Config, bare Op, scenarios []Scenario) []Result {
	var out []Result
	for _, sc := range scenarios {
		var seq atomic.Int64 // one sequence per scenario: ops cycle through their sessions and data
		r := Result{Name: sc.Name, MinRatio: sc.MinRatio, MaxP99: sc.MaxP99}
		var lat []time.Duration
		var bareReq, scReq int
		var bareTime, scTime time.Duration
		var queries int64
		var sqlTime time.Duration
		for range cfg.Rounds {
			var bseq atomic.Int64
			b := drive(ctx, cfg.Conns, cfg.Round, bare, &bseq)
			q0, t0 := int64(0), time.Duration(0)
			if cfg.Queries != nil {
				q0 = cfg.Queries()
			}
			if cfg.SQLTime != nil {
				t0 = cfg.SQLTime()
			}
			p := drive(ctx, cfg.Conns, cfg.Round, sc.Op, &seq)
			if cfg.Queries != nil {
				queries += cfg.Queries() - q0
				r.measuredQueries = true
			}
			if cfg.SQLTime != nil {
				sqlTime += cfg.SQLTime() - t0
			}
			bareReq += b.requests
			bareTime += b.elapsed
			scReq += p.requests
			scTime += p.elapsed
			r.Errors += p.errors + b.errors
			if r.FirstError == "" {
				r.FirstError = p.firstErr
			}
			if r.FirstError == "" && b.firstErr != "" {
				r.FirstError = "bare: " + b.firstErr
			}
			lat = append(lat, p.lat...)
			if b.requests > 0 && b.elapsed > 0 && p.elapsed > 0 {
				r.RoundRatios = append(r.RoundRatios, (float64(p.requests)/p.elapsed.Seconds())/(float64(b.requests)/b.elapsed.Seconds()))
			}
		}
		r.Requests = scReq
		if scTime > 0 {
			r.RPS = float64(scReq) / scTime.Seconds()
		}
		if bareTime > 0 {
			r.BareRPS = float64(bareReq) / bareTime.Seconds()
		}
		if scReq > 0 {
			r.QueriesPerReq = float64(queries) / float64(scReq)
			r.SQLPerReq = sqlTime / time.Duration(scReq)
		}
		r.Ratio = median(r.RoundRatios)
		r.P50, r.P99 = percentile(lat, 0.50), percentile(lat, 0.99)
		r.Pass = r.Errors == 0 && r.Requests > 0 && r.Ratio >= sc.MinRatio && (sc.MaxP99 == 0 || r.P99 <= sc.MaxP99)
		out = append(out, r)
	}
	return out
}

func median(xs []float64) float64 {
	if len(xs) == 0 {
		return 0
	}
	s := slices.Clone(xs)
	slices.Sort(s)
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}

// percentile is the nearest-rank q-quantile of lat (sorted in place).
func percentile(lat []time.Duration, q float64) time.Duration {
	if len(lat) == 0 {
		return 0
	}
	slices.Sort(lat)
	k := int(q*float64(len(lat))+0.999999) - 1
	return lat[max(0, min(k, len(lat)-1))]
}

// Print writes the table of results.
func Print(w io.Writer, cfg Config, results []Result) {
	fmt.Fprintf(w, "%d koneksi, %d putaran x (%v bare + %v skenario) per skenario; rasio: req/s skenario / req/s bare di putaran yang sama (median);\n", cfg.Conns, cfg.Rounds, cfg.Round, cfg.Round)
	fmt.Fprintln(w, "kueri/req: pernyataan SQL (GORM) per permintaan; SQL/req: waktu di pernyataan itu per permintaan, termasuk menunggu koneksi pool")
	fmt.Fprintf(w, "%-34s %7s %7s %9s %9s %5s %6s %9s %9s %-22s %s\n", "skenario", "req/s", "bare/s", "p50", "p99", "error", "rasio", "kueri/req", "SQL/req", "target", "hasil")
	for _, r := range results {
		target := "0 error"
		if r.MinRatio > 0 {
			target = fmt.Sprintf(">=%.0f%%", r.MinRatio*100)
		}
		if r.MaxP99 > 0 {
			target += fmt.Sprintf(", p99<=%v", r.MaxP99)
		}
		q, sq := "-", "-"
		if r.measuredQueries {
			q, sq = fmt.Sprintf("%.1f", r.QueriesPerReq), ms(r.SQLPerReq)
		}
		verdict := "PASS"
		if !r.Pass {
			verdict = "MISS"
		}
		fmt.Fprintf(w, "%-34s %7.0f %7.0f %9s %9s %5d %5.1f%% %9s %9s %-22s %s\n", r.Name, r.RPS, r.BareRPS, ms(r.P50), ms(r.P99), r.Errors, r.Ratio*100, q, sq, target, verdict)
	}
	for _, r := range results {
		if r.FirstError != "" {
			fmt.Fprintf(w, "  %s: error pertama: %s\n", r.Name, r.FirstError)
		}
	}
}

func ms(d time.Duration) string { return fmt.Sprintf("%.1fms", float64(d.Microseconds())/1000) }
