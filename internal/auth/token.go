package auth

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// TokenTTL is the lifetime of an access token: short, because a refresh
// token (rotated, reuse-detected) or activity renews it.
const TokenTTL = 5 * time.Minute

// AccessClaims are the claims of an access token. The token is only a pointer
// to a server-side session: Sid and Ver are checked against the database on
// every request, so logout and revocation take effect at once.
type AccessClaims struct {
	jwt.RegisteredClaims
	Typ string `json:"typ"`
	Ver int    `json:"ver"`
	Sid string `json:"sid"`
}

// Tokens issues and parses access tokens, HS256 only.
type Tokens struct {
	key      []byte
	Issuer   string
	Audience string
	TTL      time.Duration
	Now      func() time.Time
}

// DeriveKey derives a purpose-specific key from the master secret, so the JWT
// key and the CSRF key are never the same bytes.
func DeriveKey(secret, purpose string) []byte {
	m := hmac.New(sha256.New, []byte(secret))
	m.Write([]byte("ekinerja/" + purpose))
	return m.Sum(nil)
}

// NewTokens returns a token issuer keyed from secret.
func NewTokens(secret string) *Tokens {
	return &Tokens{key: DeriveKey(secret, "jwt"), Issuer: "ekinerja", Audience: "ekinerja", TTL: TokenTTL, Now: time.Now}
}

// RandomID returns n random bytes, base64url encoded.
func RandomID(n int) string {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		panic(err) // the system's randomness failing is not recoverable
	}
	return base64.RawURLEncoding.EncodeToString(b)
}

// Issue signs an access token for user at token version ver in session sid.
func (t *Tokens) Issue(userID int64, ver int, sid string) (string, time.Time, error) {
	now := t.Now()
	exp := now.Add(t.TTL)
	c := AccessClaims{
		RegisteredClaims: jwt.RegisteredClaims{
			Issuer:    t.Issuer,
			Subject:   strconv.FormatInt(userID, 10),
			Audience:  jwt.ClaimStrings{t.Audience},
			ExpiresAt: jwt.NewNumericDate(exp),
			IssuedAt:  jwt.NewNumericDate(now),
			NotBefore: jwt.NewNumericDate(now.Add(-time.Second)),
			ID:        RandomID(16),
		},
		Typ: "access",
		Ver: ver,
		Sid: sid,
	}
	s, err := jwt.NewWithClaims(jwt.SigningMethodHS256, c).SignedString(t.key)
	return s, exp, err
}

// ErrTokenInvalid covers every malformed, forged, expired or misdirected token.
var ErrTokenInvalid = errors.New("token tidak sah")

// Parse verifies signature (HS256 only), expiry, issuer and audience.
func (t *Tokens) Parse(s string) (*AccessClaims, error) {
	var c AccessClaims
	p := jwt.NewParser(
		jwt.WithValidMethods([]string{jwt.SigningMethodHS256.Alg()}),
		jwt.WithIssuer(t.Issuer),
		jwt.WithAudience(t.Audience),
		jwt.WithExpirationRequired(),
		jwt.WithIssuedAt(),
		jwt.WithLeeway(5*time.Second),
		jwt.WithTimeFunc(t.Now),
	)
	_, err := p.ParseWithClaims(s, &c, func(*jwt.Token) (any, error) { return t.key, nil })
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrTokenInvalid, err)
	}
	if c.Typ != "access" || c.Sid == "" || c.Subject == "" {
		return nil, fmt.Errorf("%w: wrong type or missing claims", ErrTokenInvalid)
	}
	return &c, nil
}
