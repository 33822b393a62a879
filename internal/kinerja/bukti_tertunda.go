package kinerja

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"time"

	"gorm.io/gorm"

	"github.com/ekinerja/ekinerja/internal/apperr"
)

// HeldBukti is an evidence file kept while its aktivitas form comes back
// with errors in other fields: the form carries Token (hidden) and says
// "Berkas terlampir: Nama", and the next valid submit with the token stores
// the file on the aktivitas without choosing it again.
type HeldBukti struct {
	Token string
	Nama  string
}

// BuktiHoldFor is how long a held file waits for the form's next submit.
const BuktiHoldFor = time.Hour

// errHeldGone refuses a token that is not the actor's own held file (of
// another user, expired or already used).
var errHeldGone = apperr.Invalid("bukti", "Berkas terlampir tidak ditemukan atau sudah kedaluwarsa: pilih berkasnya lagi.")

func tokenHash(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

// HoldBukti keeps the evidence of a form about to be shown again with
// errors. A new file (req.Bukti) goes through CheckBukti (its refusal is
// returned as the bukti field's error, and nothing is held) and is stored
// for the actor for BuktiHoldFor under a new random token; without a new
// file, the actor's own held file req.BuktiToken names is named again. A
// zero HeldBukti means nothing is held. Expired files are removed here.
func (s *Store) HoldBukti(ctx context.Context, a Actor, req SaveAktivitas) (HeldBukti, error) {
	db := s.db.WithContext(ctx)
	if req.Bukti == nil {
		if req.BuktiToken == "" {
			return HeldBukti{}, nil
		}
		var nama []string
		if err := db.Raw(`SELECT nama_berkas FROM bukti_tertunda WHERE token_sha256 = ? AND user_id = ? AND kedaluwarsa > now()`,
			tokenHash(req.BuktiToken), a.UserID).Scan(&nama).Error; err != nil {
			return HeldBukti{}, fmt.Errorf("held bukti: %w", err)
		}
		if len(nama) == 0 {
			return HeldBukti{}, errHeldGone
		}
		return HeldBukti{Token: req.BuktiToken, Nama: nama[0]}, nil
	}
	ct, err := CheckBukti(*req.Bukti)
	if err != nil {
		return HeldBukti{}, err
	}
	h := HeldBukti{Token: rand.Text(), Nama: safeFileName(req.Bukti.Nama, ct)}
	err = db.Transaction(func(tx *gorm.DB) error {
		if err := tx.Exec(`DELETE FROM bukti_tertunda WHERE kedaluwarsa <= now()`).Error; err != nil {
			return err
		}
		return tx.Exec(`INSERT INTO bukti_tertunda (token_sha256, user_id, nama_berkas, content_type, ukuran, isi, kedaluwarsa)
VALUES (?, ?, ?, ?, ?, ?, now() + ?::interval)`, tokenHash(h.Token), a.UserID, h.Nama, ct, len(req.Bukti.Isi), req.Bukti.Isi,
			fmt.Sprintf("%d seconds", int(BuktiHoldFor.Seconds()))).Error
	})
	if err != nil {
		return HeldBukti{}, fmt.Errorf("hold bukti: %w", err)
	}
	return h, nil
}

// takeHeld removes and returns the actor's own unexpired held file named by
// token, inside the save's transaction (a save that fails keeps it held).
func takeHeld(ctx context.Context, tx *gorm.DB, a Actor, token string) (Bukti, error) {
	var rows []struct {
		Nama string `gorm:"column:nama_berkas"`
		Isi  []byte `gorm:"column:isi"`
	}
	if err := tx.WithContext(ctx).Raw(`DELETE FROM bukti_tertunda WHERE token_sha256 = ? AND user_id = ? AND kedaluwarsa > now()
RETURNING nama_berkas, isi`, tokenHash(token), a.UserID).Scan(&rows).Error; err != nil {
		return Bukti{}, fmt.Errorf("take held bukti: %w", err)
	}
	if len(rows) == 0 {
		return Bukti{}, errHeldGone
	}
	return Bukti{Nama: rows[0].Nama, Isi: rows[0].Isi}, nil
}
