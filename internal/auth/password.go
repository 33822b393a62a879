package auth

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
	"sync/atomic"

	"golang.org/x/crypto/argon2"

	"github.com/ekinerja/ekinerja/internal/apperr"
)

// Argon2Params are the argon2id cost parameters.
type Argon2Params struct {
	MemoryKiB uint32
	Time      uint32
	Threads   uint8
	KeyLen    uint32
	SaltLen   uint32
}

// DefaultArgon2 follows OWASP's password storage guidance (m=19 MiB, t=2, p=1).
var DefaultArgon2 = Argon2Params{MemoryKiB: 19 * 1024, Time: 2, Threads: 1, KeyLen: 32, SaltLen: 16}

// Hasher hashes and checks passwords, with a cap on concurrent hashes so a
// login flood cannot exhaust memory (each hash takes MemoryKiB).
type Hasher struct {
	Params Argon2Params
	slots  chan struct{}
	// admitted bounds the logins being worked on (waiting for a slot or
	// hashing): a full queue answers ErrBusy at once instead of waiting.
	admitted chan struct{}
	dummy    string
	// verified counts password verifications (Verify and Burn); inFlight
	// and peak measure concurrent argon2 computations. Both are read by
	// Stats (tests and metrics).
	verified atomic.Int64
	inFlight atomic.Int64
	peak     atomic.Int64
}

// HasherStats are the verifications done so far and the highest number of
// argon2 computations that ran at once.
type HasherStats struct {
	Verifications int64
	PeakInFlight  int64
}

// Stats returns the hasher's counters.
func (h *Hasher) Stats() HasherStats {
	return HasherStats{Verifications: h.verified.Load(), PeakInFlight: h.peak.Load()}
}

// NewHasher returns a Hasher allowing at most concurrent hashes at once.
func NewHasher(p Argon2Params, concurrent int) *Hasher {
	if concurrent < 1 {
		concurrent = 1
	}
	h := &Hasher{Params: p, slots: make(chan struct{}, concurrent), admitted: make(chan struct{}, concurrent*QueuePerSlot)}
	h.dummy = h.hashWith(p, []byte("ekinerja-dummy-password"), make([]byte, p.SaltLen))
	return h
}

// QueuePerSlot is how many logins may be admitted per hashing slot (one
// hashing, the rest waiting their turn); one more is answered ErrBusy.
const QueuePerSlot = 4

// ErrBusy is the answer to a login when the password-hashing queue is full
// (429 with Retry-After): waiting would only make every login slow.
var ErrBusy = apperr.New(apperr.ErrBusy, "Terlalu banyak orang masuk bersamaan. Coba lagi beberapa detik lagi.")

// Admit takes a place in the hashing queue for one login without waiting:
// ErrBusy when it is full. leave gives the place back.
func (h *Hasher) Admit() (leave func(), err error) {
	select {
	case h.admitted <- struct{}{}:
		return func() { <-h.admitted }, nil
	default:
		return nil, ErrBusy
	}
}

// ErrMalformedHash means a stored hash is not an argon2id PHC string.
var ErrMalformedHash = errors.New("bukan hash argon2id")

func (h *Hasher) acquire(ctx context.Context) error {
	select {
	case h.slots <- struct{}{}:
		n := h.inFlight.Add(1)
		for p := h.peak.Load(); n > p && !h.peak.CompareAndSwap(p, n); p = h.peak.Load() {
		}
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

func (h *Hasher) release() {
	h.inFlight.Add(-1)
	<-h.slots
}

func (h *Hasher) hashWith(p Argon2Params, password, salt []byte) string {
	key := argon2.IDKey(password, salt, p.Time, p.MemoryKiB, p.Threads, p.KeyLen)
	b64 := base64.RawStdEncoding
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, p.MemoryKiB, p.Time, p.Threads, b64.EncodeToString(salt), b64.EncodeToString(key))
}

// Hash returns the PHC string for password.
func (h *Hasher) Hash(ctx context.Context, password string) (string, error) {
	salt := make([]byte, h.Params.SaltLen)
	if _, err := rand.Read(salt); err != nil {
		return "", err
	}
	if err := h.acquire(ctx); err != nil {
		return "", err
	}
	defer h.release()
	return h.hashWith(h.Params, []byte(password), salt), nil
}

type phc struct {
	params Argon2Params
	salt   []byte
	key    []byte
}

func parsePHC(s string) (phc, error) {
	parts := strings.Split(s, "$")
	if len(parts) != 6 || parts[1] != "argon2id" || parts[2] != fmt.Sprintf("v=%d", argon2.Version) {
		return phc{}, ErrMalformedHash
	}
	var p Argon2Params
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &p.MemoryKiB, &p.Time, &p.Threads); err != nil {
		return phc{}, ErrMalformedHash
	}
	if p.MemoryKiB < 8 || p.MemoryKiB > 4*1024*1024 || p.Time < 1 || p.Time > 100 || p.Threads < 1 {
		return phc{}, ErrMalformedHash
	}
	b64 := base64.RawStdEncoding
	salt, err1 := b64.DecodeString(parts[4])
	key, err2 := b64.DecodeString(parts[5])
	if err1 != nil || err2 != nil || len(salt) < 8 || len(key) < 16 {
		return phc{}, ErrMalformedHash
	}
	p.SaltLen, p.KeyLen = uint32(len(salt)), uint32(len(key))
	return phc{params: p, salt: salt, key: key}, nil
}

// Verify reports whether password matches encoded, and whether the hash
// should be replaced because the parameters have changed since.
func (h *Hasher) Verify(ctx context.Context, encoded, password string) (ok, rehash bool, err error) {
	parsed, err := parsePHC(encoded)
	if err != nil {
		return false, false, err
	}
	if err := h.acquire(ctx); err != nil {
		return false, false, err
	}
	defer h.release()
	h.verified.Add(1)
	p := parsed.params
	key := argon2.IDKey([]byte(password), parsed.salt, p.Time, p.MemoryKiB, p.Threads, p.KeyLen)
	ok = subtle.ConstantTimeCompare(key, parsed.key) == 1
	rehash = p.MemoryKiB != h.Params.MemoryKiB || p.Time != h.Params.Time || p.Threads != h.Params.Threads || p.KeyLen != h.Params.KeyLen
	return ok, rehash, nil
}

// Burn spends the time of one verification, so an unknown user is answered as
// slowly as a wrong password.
func (h *Hasher) Burn(ctx context.Context, password string) error {
	_, _, err := h.Verify(ctx, h.dummy, password)
	return err
}
