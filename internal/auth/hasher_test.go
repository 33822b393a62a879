package auth

import (
	"context"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

func TestDefaultArgon2MeetsOWASP(t *testing.T) {
	t.Parallel()
	p := DefaultArgon2
	if p.MemoryKiB < 19*1024 || p.Time < 2 || p.Threads < 1 || p.SaltLen < 16 || p.KeyLen < 32 {
		t.Fatalf("argon2id parameters below OWASP minimum: %+v", p)
	}
}

func TestHashVerifyAndRehash(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	fast := Argon2Params{MemoryKiB: 64, Time: 1, Threads: 1, KeyLen: 32, SaltLen: 16}
	h := NewHasher(fast, 2)
	enc, err := h.Hash(ctx, "rahasia-yang-panjang")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(enc, "$argon2id$v=19$m=64,t=1,p=1$") {
		t.Fatalf("not a PHC argon2id string: %s", enc)
	}
	enc2, _ := h.Hash(ctx, "rahasia-yang-panjang")
	if enc == enc2 {
		t.Fatal("two hashes of one password are equal: salt not random")
	}
	cases := []struct {
		name     string
		hasher   *Hasher
		password string
		ok       bool
		rehash   bool
	}{
		{"right password", h, "rahasia-yang-panjang", true, false},
		{"wrong password", h, "rahasia-yang-panjang!", false, false},
		{"empty password", h, "", false, false},
		{"parameters raised since", NewHasher(Argon2Params{MemoryKiB: 128, Time: 2, Threads: 1, KeyLen: 32, SaltLen: 16}, 1), "rahasia-yang-panjang", true, true},
	}
	for _, tc := range cases {
		ok, rehash, err := tc.hasher.Verify(ctx, enc, tc.password)
		if err != nil || ok != tc.ok || rehash != tc.rehash {
			t.Errorf("%s: ok=%v rehash=%v err=%v", tc.name, ok, rehash, err)
		}
	}
}

func TestHasherCapsConcurrentHashes(t *testing.T) {
	t.Parallel()
	fast := Argon2Params{MemoryKiB: 256, Time: 1, Threads: 1, KeyLen: 32, SaltLen: 16}
	h := NewHasher(fast, 2)
	var inFlight, peak atomic.Int32
	var wg sync.WaitGroup
	for range 12 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := h.acquire(context.Background()); err != nil {
				t.Error(err)
				return
			}
			n := inFlight.Add(1)
			for {
				p := peak.Load()
				if n <= p || peak.CompareAndSwap(p, n) {
					break
				}
			}
			time.Sleep(5 * time.Millisecond)
			inFlight.Add(-1)
			h.release()
		}()
	}
	wg.Wait()
	if peak.Load() > 2 {
		t.Fatalf("%d hashes ran at once, cap is 2", peak.Load())
	}
	// A caller that gives up waiting is not blocked forever.
	h.slots <- struct{}{}
	h.slots <- struct{}{}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	if _, err := h.Hash(ctx, "x"); err == nil {
		t.Fatal("hash with no free slot and an expired context should fail")
	}
}

func FuzzParsePHC(f *testing.F) {
	f.Add("$argon2id$v=19$m=65536,t=3,p=4$c29tZXNhbHQ$RdescudvJCsgt3ub+b+dWRWJTmaaJObG")
	f.Add("$argon2id$v=19$m=1,t=1,p=1$$")
	f.Add("$argon2i$v=19$m=65536,t=3,p=4$c29tZXNhbHQ$RdescudvJCsgt3ub+b+dWRWJTmaaJObG")
	f.Add("")
	f.Fuzz(func(t *testing.T, s string) {
		p, err := parsePHC(s)
		if err != nil {
			return
		}
		// Whatever parses must be safe to hash with: bounded memory and time.
		if p.params.MemoryKiB > 4*1024*1024 || p.params.Time > 100 || p.params.Threads < 1 || len(p.salt) < 8 {
			t.Fatalf("unsafe parameters accepted: %+v", p.params)
		}
	})
}
