// Package snapshot keeps a value read from the database for a short while,
// so that what every page or every dashboard shows is not read again on
// every view: the regency-wide charts of the verifikator and superadmin
// homes, the regency's name and logo version in the page header.
//
// Only what nobody acts on belongs here, never a claim's status, a to-do
// count or money to be paid. A value is at most its TTL old; a chart that
// shows one says so.
//
// A request memo (WithMemo, Once) is the other, shorter-lived kind: what
// one read request needs in several places (a month's holidays, the work
// schedules, the rule set in force, the month's claims) read once for that
// request only. The rule above is the TTL cache's: nothing in a memo
// outlives the request, so nothing a page shows from it is older than the
// request itself.
package snapshot

import (
	"context"
	"sync"
	"time"
)

// DefaultTTL is how long a dashboard summary is served before it is added
// up again.
const DefaultTTL = time.Minute

// Cache holds one value per key for TTL. Concurrent requests for a key that
// is missing or expired wait for one load instead of each running it. A nil
// *Cache, or a TTL of zero, loads every time (a store inside a transaction
// uses no cache).
type Cache[K comparable, V any] struct {
	ttl time.Duration
	now func() time.Time
	mu  sync.Mutex
	m   map[K]*entry[V]
}

type entry[V any] struct {
	mu sync.Mutex // held while the value loads
	v  V
	at time.Time
	ok bool
}

// New returns a Cache whose values live for ttl.
func New[K comparable, V any](ttl time.Duration) *Cache[K, V] {
	return NewClocked[K, V](ttl, time.Now)
}

// NewClocked is New with the time read from now: a test of a store that
// keeps a value moves its own clock past the TTL instead of sleeping, which
// a loaded machine can turn into a different answer.
func NewClocked[K comparable, V any](ttl time.Duration, now func() time.Time) *Cache[K, V] {
	return &Cache[K, V]{ttl: ttl, now: now, m: map[K]*entry[V]{}}
}

// Get returns the value of k, from load when there is none younger than
// the TTL. A failed load is not kept. A load that began before a Forget is
// returned to its caller but not kept (it fills an entry Forget dropped).
func (c *Cache[K, V]) Get(ctx context.Context, k K, load func(context.Context) (V, error)) (V, error) {
	if c == nil || c.ttl <= 0 {
		return load(ctx)
	}
	c.mu.Lock()
	e := c.m[k]
	if e == nil {
		e = &entry[V]{}
		c.m[k] = e
	}
	c.mu.Unlock()
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.ok && c.now().Sub(e.at) < c.ttl {
		return e.v, nil
	}
	v, err := load(ctx)
	if err != nil {
		var zero V
		return zero, err
	}
	e.v, e.at, e.ok = v, c.now(), true
	return v, nil
}

// Forget drops every value: the next Get of each key loads.
func (c *Cache[K, V]) Forget() {
	if c == nil {
		return
	}
	c.mu.Lock()
	c.m = map[K]*entry[V]{}
	c.mu.Unlock()
}
