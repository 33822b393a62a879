package snapshot

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

func TestCacheServesWithinTTL(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	clock := time.Date(2026, 12, 7, 9, 0, 0, 0, time.UTC)
	c := NewClocked[string, int](time.Minute, func() time.Time { return clock })
	loads := 0
	load := func(context.Context) (int, error) { loads++; return loads, nil }
	for _, step := range []struct {
		name    string
		advance time.Duration
		key     string
		want    int
	}{
		{"first read loads", 0, "a", 1},
		{"within the TTL: the same value", 59 * time.Second, "a", 1},
		{"another key loads", 0, "b", 2},
		{"at the TTL: loads again", time.Second, "a", 3},
		{"the new value is kept", 30 * time.Second, "a", 3},
	} {
		clock = clock.Add(step.advance)
		v, err := c.Get(ctx, step.key, load)
		if err != nil || v != step.want {
			t.Fatalf("%s: Get = %d, %v; want %d", step.name, v, err, step.want)
		}
	}
	c.Forget()
	if v, _ := c.Get(ctx, "a", load); v != 4 {
		t.Fatalf("after Forget: %d, want a fresh load (4)", v)
	}
}

func TestCacheKeepsNoFailure(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	c := New[int, string](time.Minute)
	boom := errors.New("database down")
	if _, err := c.Get(ctx, 1, func(context.Context) (string, error) { return "", boom }); !errors.Is(err, boom) {
		t.Fatalf("err = %v", err)
	}
	v, err := c.Get(ctx, 1, func(context.Context) (string, error) { return "ok", nil })
	if err != nil || v != "ok" {
		t.Fatalf("after a failure: %q, %v; want a new load", v, err)
	}
}

func TestNilOrZeroTTLLoadsEveryTime(t *testing.T) {
	t.Parallel()
	for name, c := range map[string]*Cache[int, int]{"nil": nil, "zero TTL": New[int, int](0)} {
		n := 0
		for range 3 {
			if _, err := c.Get(context.Background(), 1, func(context.Context) (int, error) { n++; return n, nil }); err != nil {
				t.Fatal(err)
			}
		}
		if n != 3 {
			t.Errorf("%s: %d loads, want 3", name, n)
		}
	}
}

// TestConcurrentMissesLoadOnce: 32 requests for a missing key run one load
// (the regency is added up once, not 32 times, when the snapshot expires).
func TestConcurrentMissesLoadOnce(t *testing.T) {
	t.Parallel()
	c := New[int, int](time.Minute)
	var loads atomic.Int32
	release := make(chan struct{})
	var wg sync.WaitGroup
	got := make([]int, 32)
	for i := range got {
		wg.Add(1)
		go func() {
			defer wg.Done()
			v, err := c.Get(context.Background(), 7, func(context.Context) (int, error) {
				loads.Add(1)
				<-release
				return 42, nil
			})
			if err != nil {
				t.Error(err)
			}
			got[i] = v
		}()
	}
	time.Sleep(50 * time.Millisecond) // let them all reach Get
	close(release)
	wg.Wait()
	if n := loads.Load(); n != 1 {
		t.Errorf("%d loads, want 1", n)
	}
	for i, v := range got {
		if v != 42 {
			t.Errorf("request %d got %d", i, v)
		}
	}
}

// TestLoadBeforeForgetIsNotKept: a load that began before Forget (a change
// committed meanwhile) is returned to its caller, and the next Get loads
// again instead of serving it for a whole TTL.
func TestLoadBeforeForgetIsNotKept(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	c := New[int, string](time.Minute)
	started, release := make(chan struct{}), make(chan struct{})
	done := make(chan string)
	go func() {
		v, _ := c.Get(ctx, 1, func(context.Context) (string, error) {
			close(started)
			<-release
			return "before the change", nil
		})
		done <- v
	}()
	<-started
	c.Forget()
	close(release)
	if v := <-done; v != "before the change" {
		t.Fatalf("the loading caller got %q", v)
	}
	v, err := c.Get(ctx, 1, func(context.Context) (string, error) { return "after the change", nil })
	if err != nil || v != "after the change" {
		t.Fatalf("after Forget: %q, %v; want a fresh load", v, err)
	}
}

func TestOnceLoadsOncePerMemo(t *testing.T) {
	type key struct{ n int }
	loads := 0
	load := func() (int, error) { loads++; return loads, nil }
	// Without a memo every call loads.
	ctx := context.Background()
	for want := 1; want <= 2; want++ {
		if v, _ := Once(ctx, key{1}, load); v != want {
			t.Fatalf("no memo: got %d want %d", v, want)
		}
	}
	loads = 0
	m := WithMemo(ctx)
	for range 3 {
		if v, err := Once(m, key{1}, load); err != nil || v != 1 {
			t.Fatalf("memo: got %d, %v want 1", v, err)
		}
	}
	if v, _ := Once(m, key{2}, load); v != 2 {
		t.Fatalf("another key: got %d want 2", v)
	}
	// A second memo (another request) loads again.
	if v, _ := Once(WithMemo(ctx), key{1}, load); v != 3 {
		t.Fatalf("another request: got %d want 3", v)
	}
	// A failed load is not kept.
	fail := errors.New("down")
	if _, err := Once(m, key{3}, func() (int, error) { return 0, fail }); !errors.Is(err, fail) {
		t.Fatalf("failed load: %v", err)
	}
	if v, err := Once(m, key{3}, func() (int, error) { return 7, nil }); err != nil || v != 7 {
		t.Fatalf("after a failed load: %d %v", v, err)
	}
}
