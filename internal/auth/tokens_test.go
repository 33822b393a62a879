package auth

import (
	"errors"
	"testing"
	"time"
)

func TestTokenRoundTripAndClock(t *testing.T) {
	t.Parallel()
	tk := NewTokens("rahasia-uji-yang-cukup-panjang-sekali-32")
	now := time.Date(2026, 11, 26, 10, 0, 0, 0, time.UTC)
	tk.Now = func() time.Time { return now }
	s, exp, err := tk.Issue(42, 3, "sesi-1")
	if err != nil || !exp.Equal(now.Add(TokenTTL)) {
		t.Fatalf("issue: %v %v", exp, err)
	}
	c, err := tk.Parse(s)
	if err != nil || c.Subject != "42" || c.Ver != 3 || c.Sid != "sesi-1" || c.ID == "" || c.Typ != "access" {
		t.Fatalf("parse: %+v %v", c, err)
	}
	// Fifteen minutes later (plus leeway) it is expired.
	tk.Now = func() time.Time { return now.Add(TokenTTL + 6*time.Second) }
	if _, err := tk.Parse(s); !errors.Is(err, ErrTokenInvalid) {
		t.Fatalf("expired token accepted: %v", err)
	}
	// Another secret cannot read it.
	other := NewTokens("rahasia-lain-yang-juga-cukup-panjang-32")
	other.Now = func() time.Time { return now }
	if _, err := other.Parse(s); !errors.Is(err, ErrTokenInvalid) {
		t.Fatalf("token verified with another key: %v", err)
	}
}

func TestDeriveKeySeparatesPurposes(t *testing.T) {
	t.Parallel()
	a, b := DeriveKey("s", "jwt"), DeriveKey("s", "csrf")
	if string(a) == string(b) || len(a) != 32 {
		t.Fatal("derived keys must differ per purpose")
	}
}
