package org

import (
	"bytes"
	"context"
	"image"
	_ "image/jpeg" // decoder for uploaded JPEG logos
	"image/png"
	"strings"
	"time"
	"unicode/utf8"

	"gorm.io/gorm"

	"github.com/ekinerja/ekinerja/internal/apperr"
	"github.com/ekinerja/ekinerja/internal/audit"
)

// Identity is the regency's name and logo for the header and printed documents.
type Identity struct {
	Nama string `gorm:"column:nama"`
	// Versi changes with every logo, for the logo URL (cache busting).
	Versi   int  `gorm:"column:versi"`
	HasLogo bool `gorm:"column:has_logo"`
}

// Logo limits: the upload's size, and the decoded image's dimensions (a
// small file may declare a huge image: checked before decoding it).
const (
	LogoMaxBytes = 1 << 20
	LogoMaxSide  = 1024
)

// Identity returns the regency's name and whether it has a logo.
func (s *Store) Identity(ctx context.Context) (Identity, error) {
	var id Identity
	err := s.db.WithContext(ctx).Raw(`SELECT nama, versi, logo_png IS NOT NULL AS has_logo FROM identitas WHERE id = 1`).Scan(&id).Error
	return id, err
}

// HeaderTTL is how long a server keeps the regency's name and logo
// version for the page header before reading them again. A change made on
// this server shows at once (SetIdentity forgets the cached copy); another
// server behind the same balancer shows it within HeaderTTL.
const HeaderTTL = 10 * time.Second

// HeaderIdentity is Identity for the header every page shows: read at
// most once per HeaderTTL (every page used to pay one query for a name that
// changes a few times in a regency's life). The identity page itself, the
// PDFs' letterhead and anything inside a transaction read afresh.
func (s *Store) HeaderIdentity(ctx context.Context) (Identity, error) {
	return s.header.Get(ctx, struct{}{}, s.Identity) // a nil cache (inside a transaction) reads every time
}

// LogoPNG returns the stored logo (a PNG ekinerja encoded), or not found.
func (s *Store) LogoPNG(ctx context.Context) ([]byte, error) {
	var row struct {
		Logo []byte `gorm:"column:logo_png"`
	}
	if err := s.db.WithContext(ctx).Raw(`SELECT logo_png FROM identitas WHERE id = 1`).Scan(&row).Error; err != nil {
		return nil, err
	}
	b := row.Logo
	if len(b) == 0 {
		return nil, apperr.New(apperr.ErrNotFound, "Logo belum diunggah.")
	}
	return b, nil
}

// ReencodeLogo decodes an uploaded PNG or JPEG (by its content, within the
// limits) and encodes it afresh as PNG: trailing data, metadata chunks and
// anything else that was in the file are gone.
func ReencodeLogo(raw []byte) ([]byte, error) {
	bad := apperr.Invalid("logo", "Logo harus berkas PNG atau JPEG yang sah, paling besar 1 MB dan 1024×1024 piksel.")
	if len(raw) == 0 || len(raw) > LogoMaxBytes {
		return nil, bad
	}
	cfg, format, err := image.DecodeConfig(bytes.NewReader(raw))
	if err != nil || (format != "png" && format != "jpeg") || cfg.Width < 1 || cfg.Height < 1 || cfg.Width > LogoMaxSide || cfg.Height > LogoMaxSide {
		return nil, bad
	}
	img, _, err := image.Decode(bytes.NewReader(raw))
	if err != nil {
		return nil, bad
	}
	var out bytes.Buffer
	if err := (&png.Encoder{CompressionLevel: png.BestCompression}).Encode(&out, img); err != nil {
		return nil, err
	}
	return out.Bytes(), nil
}

// SetIdentity changes the regency's name and, when logo is not nil, its
// logo (superadmin; the caller checks the role). Audited.
func (s *Store) SetIdentity(ctx context.Context, a Actor, nama string, logo []byte) error {
	nama = strings.TrimSpace(nama)
	if utf8.RuneCountInString(nama) > 120 || strings.ContainsAny(nama, "\r\n\t") {
		return apperr.Invalid("nama", "Nama pemerintah daerah paling banyak 120 huruf, satu baris.")
	}
	var encoded []byte
	if logo != nil {
		var err error
		if encoded, err = ReencodeLogo(logo); err != nil {
			return err
		}
	}
	defer s.header.Forget() // after the commit (or a failure): the next page reads what is stored
	return s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		q := tx.Exec(`UPDATE identitas SET nama = ?, updated_at = now() WHERE id = 1`, nama)
		if encoded != nil {
			q = tx.Exec(`UPDATE identitas SET nama = ?, logo_png = ?, versi = versi + 1, updated_at = now() WHERE id = 1`, nama, encoded)
		}
		if q.Error != nil {
			return q.Error
		}
		return audit.Record(ctx, tx, entry(a, "org.identitas", "identitas", 1, map[string]any{"nama": nama, "logo_baru": encoded != nil, "logo_bytes": len(encoded)}))
	})
}
