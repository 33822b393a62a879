package snapshot

import (
	"context"
	"math"
	"time"
)

// A request memo keeps what one request reads in several places (the
// holidays of a month, the work schedules, the TPP rule set in force, the
// month's claims of every OPD) so that the parts of one page that each
// need it read it once. It is a Cache whose values never expire, made for
// one request's context and never shared between requests, so nothing in it
// can be older than the request.
//
// Only reads attach one (the web layer does so for GET and HEAD): a request
// that changes reference data must read what it just wrote.
type memoKey struct{}

// forever is the memo's TTL: its values live as long as the request.
const forever = time.Duration(math.MaxInt64)

// WithMemo returns ctx with an empty request memo.
func WithMemo(ctx context.Context) context.Context {
	return context.WithValue(ctx, memoKey{}, New[any, any](forever))
}

// Once returns the value of key in ctx's request memo, from load the first
// time. Without a memo in ctx it loads every time. A failed load is not
// kept. Key is a comparable value of a type private to the caller, so two
// packages cannot collide. The value is shared by every caller in the
// request: keep immutable values (rows as read, decoded by each caller).
func Once[V any](ctx context.Context, key any, load func() (V, error)) (V, error) {
	m, _ := ctx.Value(memoKey{}).(*Cache[any, any])
	if m == nil {
		return load()
	}
	v, err := m.Get(ctx, key, func(context.Context) (any, error) { return load() })
	if err != nil {
		var zero V
		return zero, err
	}
	return v.(V), nil
}
