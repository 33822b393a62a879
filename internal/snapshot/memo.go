package snapshot

import (
	"context"
	"sync"
)

// A request memo keeps what one request reads in several places (the
// holidays of a month, the work schedules, the TPP rule set in force, the
// month's claims of every OPD) so that the parts of one page that each
// need it read it once. It lives as long as the request's context and is never shared
// between requests, so nothing in it can be older than the request.
//
// Only reads attach one (the web layer does so for GET and HEAD): a request
// that changes reference data must read what it just wrote.
type memo struct {
	mu sync.Mutex
	m  map[any]*memoEntry
}

type memoEntry struct {
	mu sync.Mutex // held while the value loads
	v  any
	ok bool
}

type memoKey struct{}

// WithMemo returns ctx with an empty request memo.
func WithMemo(ctx context.Context) context.Context {
	return context.WithValue(ctx, memoKey{}, &memo{m: map[any]*memoEntry{}})
}

// Once returns the value of key in ctx's request memo, from load the first
// time. Without a memo in ctx it loads every time. A failed load is not
// kept. Key is a comparable value of a type private to the caller, so two
// packages cannot collide. The value is shared by every caller in the
// request: keep immutable values (rows as read, decoded by each caller).
func Once[V any](ctx context.Context, key any, load func() (V, error)) (V, error) {
	m, _ := ctx.Value(memoKey{}).(*memo)
	if m == nil {
		return load()
	}
	m.mu.Lock()
	e := m.m[key]
	if e == nil {
		e = &memoEntry{}
		m.m[key] = e
	}
	m.mu.Unlock()
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.ok {
		return e.v.(V), nil
	}
	v, err := load()
	if err != nil {
		var zero V
		return zero, err
	}
	e.v, e.ok = v, true
	return v, nil
}
