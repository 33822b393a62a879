// Package snapshot keeps a regency-wide figure for a short while, so that a
// dashboard every verifikator and superadmin opens does not add up the
// whole regency on every view.
//
// Only summaries belong here: charts over all agencies, never a figure a
// person acts on (a claim's status, a to-do count, money to be paid). A
// snapshot is at most TTL old; a page that shows one says so.
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
	return &Cache[K, V]{ttl: ttl, now: time.Now, m: map[K]*entry[V]{}}
}

// Get returns the value of k, from load when there is none younger than the
// TTL, and when it was loaded. A failed load is not kept.
func (c *Cache[K, V]) Get(ctx context.Context, k K, load func(context.Context) (V, error)) (V, time.Time, error) {
	if c == nil || c.ttl <= 0 {
		v, err := load(ctx)
		return v, time.Now(), err
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
		return e.v, e.at, nil
	}
	v, err := load(ctx)
	if err != nil {
		var zero V
		return zero, time.Time{}, err
	}
	e.v, e.at, e.ok = v, c.now(), true
	return v, e.at, nil
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
