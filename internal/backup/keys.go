package backup

import (
	"bytes"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"filippo.io/age"
)

// The backup's keys are its own, never derived from EKINERJA_SECRET: a
// stolen server secret neither opens nor forges a backup.
//
//   - backup-sign.key   Ed25519 signing key: on the host that writes backups.
//   - backup-verify.pub its public half: kept offline, given to restore and --check.
//   - backup-age.pub    age recipient: on the host that writes backups.
//   - backup-age.key    age identity (private): kept offline; restore needs it.
const (
	SignKeyFile   = "backup-sign.key"
	VerifyKeyFile = "backup-verify.pub"
	RecipientFile = "backup-age.pub"
	IdentityFile  = "backup-age.key"

	signPrefix   = "ekinerja-backup-sign-ed25519:"
	verifyPrefix = "ekinerja-backup-verify-ed25519:"
)

// WriteKeys are what writing a backup needs: the signing key and the
// recipients the archive is encrypted to.
type WriteKeys struct {
	Sign       ed25519.PrivateKey
	Recipients []age.Recipient
	// TempDir is where each table is spooled while it is written (empty:
	// os.TempDir, i.e. $TMPDIR).
	TempDir string
}

// ReadKeys are what checking or restoring a backup needs: the private age
// identity and the public signing key.
type ReadKeys struct {
	Identities []age.Identity
	Verify     ed25519.PublicKey
}

// KeyID names a public key in messages (the first 8 bytes of its SHA-256).
func KeyID(pub ed25519.PublicKey) string {
	s := sha256.Sum256(pub)
	return hex.EncodeToString(s[:8])
}

// GenerateKeys writes a new set of the four key files into dir. It refuses
// to overwrite any existing file.
func GenerateKeys(dir string) error {
	pub, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		return err
	}
	id, err := age.GenerateHybridIdentity()
	if err != nil {
		return err
	}
	files := []struct {
		name, body string
		mode       os.FileMode
	}{
		{SignKeyFile, "# ekinerja: kunci tanda tangan cadangan (RAHASIA; di host yang menulis cadangan)\n" + signPrefix + hex.EncodeToString(priv.Seed()) + "\n", 0o600},
		{VerifyKeyFile, "# ekinerja: kunci publik pemeriksa tanda tangan cadangan (simpan juga di luar server), id " + KeyID(pub) + "\n" + verifyPrefix + hex.EncodeToString(pub) + "\n", 0o644},
		{IdentityFile, "# ekinerja: kunci pribadi pembuka cadangan (RAHASIA; simpan di luar server, dibutuhkan restore)\n" + id.String() + "\n", 0o600},
		{RecipientFile, "# ekinerja: kunci publik penerima cadangan (di host yang menulis cadangan)\n" + id.Recipient().String() + "\n", 0o644},
	}
	for _, f := range files {
		if _, err := os.Stat(filepath.Join(dir, f.name)); err == nil {
			return fmt.Errorf("%s sudah ada: kunci lama tidak ditimpa", filepath.Join(dir, f.name))
		}
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	for _, f := range files {
		p := filepath.Join(dir, f.name)
		h, err := os.OpenFile(p, os.O_WRONLY|os.O_CREATE|os.O_EXCL, f.mode) // #nosec G304 -- the operator names the key directory
		if err != nil {
			return err
		}
		if _, err := h.WriteString(f.body); err != nil {
			h.Close()
			return err
		}
		if err := h.Close(); err != nil {
			return err
		}
	}
	return nil
}

// keyLine returns the one non-comment line of a key file.
func keyLine(path, prefix string) ([]byte, error) {
	b, err := os.ReadFile(path) // #nosec G304 -- the operator names the key file
	if err != nil {
		return nil, err
	}
	for _, l := range strings.Split(string(b), "\n") {
		l = strings.TrimSpace(l)
		if l == "" || strings.HasPrefix(l, "#") {
			continue
		}
		if !strings.HasPrefix(l, prefix) {
			return nil, fmt.Errorf("%s bukan berkas kunci yang diharapkan (baris harus diawali %q)", path, prefix)
		}
		return hex.DecodeString(strings.TrimPrefix(l, prefix))
	}
	return nil, fmt.Errorf("%s tidak berisi kunci", path)
}

// LoadSignKey reads a backup-sign.key file.
func LoadSignKey(path string) (ed25519.PrivateKey, error) {
	seed, err := keyLine(path, signPrefix)
	if err != nil {
		return nil, err
	}
	if len(seed) != ed25519.SeedSize {
		return nil, fmt.Errorf("%s: kunci tanda tangan harus 32 byte", path)
	}
	return ed25519.NewKeyFromSeed(seed), nil
}

// LoadVerifyKey reads a backup-verify.pub file.
func LoadVerifyKey(path string) (ed25519.PublicKey, error) {
	pub, err := keyLine(path, verifyPrefix)
	if err != nil {
		return nil, err
	}
	if len(pub) != ed25519.PublicKeySize {
		return nil, fmt.Errorf("%s: kunci publik harus 32 byte", path)
	}
	return ed25519.PublicKey(pub), nil
}

// LoadRecipients reads an age recipients file (backup-age.pub; one or more keys).
func LoadRecipients(path string) ([]age.Recipient, error) {
	b, err := os.ReadFile(path) // #nosec G304 -- the operator names the key file
	if err != nil {
		return nil, err
	}
	r, err := age.ParseRecipients(bytes.NewReader(b))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return r, nil
}

// LoadIdentities reads an age identity file (backup-age.key).
func LoadIdentities(path string) ([]age.Identity, error) {
	b, err := os.ReadFile(path) // #nosec G304 -- the operator names the key file
	if err != nil {
		return nil, err
	}
	ids, err := age.ParseIdentities(bytes.NewReader(b))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return ids, nil
}

var errNoKeys = errors.New("kunci cadangan belum lengkap")
