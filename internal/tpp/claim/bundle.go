package claim

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/base64"
	"encoding/csv"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/ekinerja/ekinerja/internal/tpp"
)

// The continuity bundle (SPEC section 7) lets finance pay when the web server
// is down: everything about one approved claim in a directory, with a
// manifest of SHA-256 digests signed with Ed25519. `ekinerja tpp verify`
// checks it offline: the signature, every file's digest, the totals of the
// payroll list and the bank file, and it recomputes every employee from the
// rule set and inputs in the bundle.

// BundleFormat names the bundle layout.
const BundleFormat = "ekinerja-tpp-bundle/1"

// Bundle file names.
const (
	BundleManifest  = "manifest.json"
	BundleSignature = "manifest.sig"
	bundleXLSX      = "daftar-nominatif.xlsx"
	bundleBank      = "bank.csv"
	bundleRules     = "aturan.json"
	bundleInputs    = "masukan.json"
	bundleClaim     = "klaim.json"
)

// Manifest describes a bundle; its bytes are what is signed.
type Manifest struct {
	Format  string     `json:"format"`
	ClaimID int64      `json:"claim_id"`
	OPDKode string     `json:"opd_kode"`
	OPDNama string     `json:"opd_nama"`
	Period  tpp.Period `json:"bulan"`
	// Susulan is the supplementary claim's number (absent for the monthly claim).
	Susulan int `json:"susulan,omitempty"`
	// Jenis is the special payment of a THR or gaji-13 claim (absent for a monthly claim).
	Jenis          string         `json:"jenis,omitempty"`
	Status         Status         `json:"status"`
	RuleSetVersion int            `json:"aturan_versi"`
	InputsDigest   string         `json:"digest_masukan"`
	Employees      int            `json:"pegawai"`
	TotalNet       int64          `json:"total_bersih"`
	PublicKey      string         `json:"kunci_publik"`
	Files          []ManifestFile `json:"berkas"`
}

// ManifestFile is one file of a bundle with its SHA-256.
type ManifestFile struct {
	Name   string `json:"nama"`
	SHA256 string `json:"sha256"`
	Bytes  int    `json:"bytes"`
}

// bundleClaimDoc is klaim.json: the claim's header and rows.
type bundleClaimDoc struct {
	Claim     Claim     `json:"klaim"`
	Kepala    Signatory `json:"kepala"`
	Bendahara Signatory `json:"bendahara"`
	Rows      []Row     `json:"pegawai"`
}

// bundleInput is one employee's stored input.
type bundleInput struct {
	PegawaiID int64     `json:"pegawai_id"`
	Input     tpp.Input `json:"input"`
}

// SigningKey derives the bundle signing key from the server secret
// (EKINERJA_SECRET), so any host with the same secret signs with the same
// key and the public key can be written down once by finance.
func SigningKey(secret string, derive func(secret, purpose string) []byte) ed25519.PrivateKey {
	return ed25519.NewKeyFromSeed(derive(secret, "tpp-bundle")[:ed25519.SeedSize])
}

// ReadKeyFile reads a signing key file: the 32-byte Ed25519 seed as 64 hex digits.
func ReadKeyFile(path string) (ed25519.PrivateKey, error) {
	b, err := os.ReadFile(path) // #nosec G304 -- a bundle path the operator gives on the command line
	if err != nil {
		return nil, err
	}
	seed, err := hex.DecodeString(strings.TrimSpace(string(b)))
	if err != nil || len(seed) != ed25519.SeedSize {
		return nil, errors.New("berkas kunci harus berisi 64 digit heksadesimal (seed Ed25519 32 byte)")
	}
	return ed25519.NewKeyFromSeed(seed), nil
}

// WriteBundle writes the bundle of an approved or paid claim into dir (made
// if missing) and returns its manifest.
func (s *Service) WriteBundle(ctx context.Context, claimID int64, dir string, key ed25519.PrivateKey) (Manifest, error) {
	c, err := s.get(ctx, s.db, claimID)
	if err != nil {
		return Manifest{}, err
	}
	e, err := s.export(ctx, c)
	if err != nil {
		return Manifest{}, err
	}
	rs, err := ruleSetByID(ctx, s.db, c.RuleSetID)
	if err != nil {
		return Manifest{}, err
	}
	var raw []struct {
		PegawaiID int64  `gorm:"column:pegawai_id"`
		Input     string `gorm:"column:input"`
	}
	if err := s.db.WithContext(ctx).Raw(`SELECT pegawai_id, input::text AS input FROM tpp_claim_pegawai WHERE claim_id = ? ORDER BY nip`, claimID).Scan(&raw).Error; err != nil {
		return Manifest{}, err
	}
	inputs := make([]bundleInput, len(raw))
	for i, r := range raw {
		inputs[i].PegawaiID = r.PegawaiID
		if err := json.Unmarshal([]byte(r.Input), &inputs[i].Input); err != nil {
			return Manifest{}, err
		}
	}

	files := map[string][]byte{}
	var xb, bb bytes.Buffer
	if err := WriteXLSX(&xb, e); err != nil {
		return Manifest{}, err
	}
	if err := WriteBankCSV(&bb, e); err != nil {
		return Manifest{}, err
	}
	files[bundleXLSX], files[bundleBank] = xb.Bytes(), bb.Bytes()
	for name, v := range map[string]any{bundleRules: rs.Rules, bundleInputs: inputs,
		bundleClaim: bundleClaimDoc{Claim: c, Kepala: e.Kepala, Bendahara: e.Bendahara, Rows: e.Rows}} {
		b, err := json.MarshalIndent(v, "", "  ")
		if err != nil {
			return Manifest{}, err
		}
		files[name] = b
	}

	m := Manifest{Format: BundleFormat, ClaimID: c.ID, OPDKode: c.OPDKode, OPDNama: c.OPDNama, Period: c.Period(), Susulan: c.Susulan, Jenis: specialJenis(c),
		Status: c.Status, RuleSetVersion: c.RuleSetVersion, InputsDigest: c.InputsDigest, Employees: c.Employees,
		TotalNet: c.TotalNet, PublicKey: hex.EncodeToString(key.Public().(ed25519.PublicKey))}
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return Manifest{}, err
	}
	for _, name := range []string{bundleXLSX, bundleBank, bundleRules, bundleInputs, bundleClaim} {
		sum := sha256.Sum256(files[name])
		m.Files = append(m.Files, ManifestFile{Name: name, SHA256: hex.EncodeToString(sum[:]), Bytes: len(files[name])})
		if err := os.WriteFile(filepath.Join(dir, name), files[name], 0o600); err != nil {
			return Manifest{}, err
		}
	}
	mb, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return Manifest{}, err
	}
	if err := os.WriteFile(filepath.Join(dir, BundleManifest), mb, 0o600); err != nil {
		return Manifest{}, err
	}
	sig := base64.StdEncoding.EncodeToString(ed25519.Sign(key, mb))
	return m, os.WriteFile(filepath.Join(dir, BundleSignature), []byte(sig+"\n"), 0o600)
}

// VerifyReport is what VerifyBundle checked.
type VerifyReport struct {
	Manifest  Manifest
	Employees int
	TotalNet  int64
	BankLines int
	BankTotal int64
}

// VerifyBundle checks a bundle offline against the expected public key: the
// signature over the manifest, every file's SHA-256, that the payroll rows
// add up to the claim's total, that the bank file's lines add up to its
// totals line and to the payroll rows with an account, that the inputs give
// the recorded digest, and that recomputing every employee from the bundled
// rule set gives the recorded figures.
func VerifyBundle(dir string, pub ed25519.PublicKey) (VerifyReport, error) {
	var rep VerifyReport
	mb, err := os.ReadFile(filepath.Join(dir, BundleManifest)) // #nosec G304 -- a bundle path the operator gives on the command line
	if err != nil {
		return rep, err
	}
	sb, err := os.ReadFile(filepath.Join(dir, BundleSignature)) // #nosec G304 -- a bundle path the operator gives on the command line
	if err != nil {
		return rep, err
	}
	sig, err := base64.StdEncoding.DecodeString(strings.TrimSpace(string(sb)))
	if err != nil || !ed25519.Verify(pub, mb, sig) {
		return rep, errors.New("tanda tangan manifest TIDAK SAH untuk kunci publik ini")
	}
	if err := json.Unmarshal(mb, &rep.Manifest); err != nil {
		return rep, fmt.Errorf("manifest: %w", err)
	}
	m := rep.Manifest
	if m.Format != BundleFormat {
		return rep, fmt.Errorf("format bundel tidak dikenal: %q", m.Format)
	}
	files := map[string][]byte{}
	for _, f := range m.Files {
		if f.Name != filepath.Base(f.Name) {
			return rep, fmt.Errorf("nama berkas tidak sah di manifest: %q", f.Name)
		}
		b, err := os.ReadFile(filepath.Join(dir, f.Name)) // #nosec G304 -- a bundle path the operator gives on the command line
		if err != nil {
			return rep, err
		}
		sum := sha256.Sum256(b)
		if hex.EncodeToString(sum[:]) != f.SHA256 {
			return rep, fmt.Errorf("berkas %s telah berubah (SHA-256 tidak cocok)", f.Name)
		}
		files[f.Name] = b
	}
	for _, need := range []string{bundleBank, bundleRules, bundleInputs, bundleClaim, bundleXLSX} {
		if files[need] == nil {
			return rep, fmt.Errorf("berkas %s tidak ada di manifest", need)
		}
	}
	var doc bundleClaimDoc
	if err := json.Unmarshal(files[bundleClaim], &doc); err != nil {
		return rep, fmt.Errorf("%s: %w", bundleClaim, err)
	}
	var sum, withAccount int64
	var accounts int
	for _, r := range doc.Rows {
		sum += r.Net
		if r.BankRekening != "" && r.Net > 0 {
			withAccount += r.Net
			accounts++
		}
	}
	rep.Employees, rep.TotalNet = len(doc.Rows), sum
	if sum != m.TotalNet || len(doc.Rows) != m.Employees || doc.Claim.TotalNet != m.TotalNet {
		return rep, fmt.Errorf("jumlah daftar nominatif %s (%d pegawai) tidak sama dengan manifest %s (%d pegawai)",
			tpp.Rupiah(sum), len(doc.Rows), tpp.Rupiah(m.TotalNet), m.Employees)
	}
	if err := checkBank(files[bundleBank], &rep); err != nil {
		return rep, err
	}
	if rep.BankTotal != withAccount || rep.BankLines != accounts {
		return rep, fmt.Errorf("berkas bank %s (%d rekening) tidak sama dengan daftar nominatif %s (%d rekening)",
			tpp.Rupiah(rep.BankTotal), rep.BankLines, tpp.Rupiah(withAccount), accounts)
	}

	var rules tpp.RuleSet
	if err := json.Unmarshal(files[bundleRules], &rules); err != nil {
		return rep, fmt.Errorf("%s: %w", bundleRules, err)
	}
	var inputs []bundleInput
	if err := json.Unmarshal(files[bundleInputs], &inputs); err != nil {
		return rep, fmt.Errorf("%s: %w", bundleInputs, err)
	}
	emps := make([]Employee, len(inputs))
	for i, in := range inputs {
		emps[i] = Employee{PegawaiID: in.PegawaiID, Input: in.Input}
	}
	if d, err := Digest(rules, emps); err != nil || d != m.InputsDigest {
		return rep, errors.New("digest masukan tidak cocok dengan aturan dan masukan di bundel")
	}
	byID := map[int64]Row{}
	for _, r := range doc.Rows {
		byID[r.PegawaiID] = r
	}
	for _, c := range computeAll(rules, emps) {
		r, ok := byID[c.PegawaiID]
		if !ok {
			return rep, fmt.Errorf("masukan pegawai %s tanpa baris di daftar nominatif", c.Input.NIP)
		}
		if c.Result.Net != r.Net || c.Result.Gross != r.Gross {
			return rep, fmt.Errorf("hitung ulang %s: bersih %s, daftar nominatif %s", c.Input.NIP,
				tpp.Rupiah(c.Result.Net), tpp.Rupiah(r.Net))
		}
	}
	return rep, nil
}

// checkBank reads the bank file and checks its lines against its totals line.
func checkBank(b []byte, rep *VerifyReport) error {
	recs, err := csv.NewReader(bytes.NewReader(b)).ReadAll()
	if err != nil {
		return fmt.Errorf("%s: %w", bundleBank, err)
	}
	if len(recs) < 2 {
		return fmt.Errorf("%s: tanpa baris jumlah", bundleBank)
	}
	for _, r := range recs[1 : len(recs)-1] {
		v, err := strconv.ParseInt(r[2], 10, 64)
		if err != nil || v <= 0 {
			return fmt.Errorf("%s: jumlah tidak sah %q", bundleBank, r[2])
		}
		rep.BankLines++
		rep.BankTotal += v
	}
	last := recs[len(recs)-1]
	total, err := strconv.ParseInt(last[2], 10, 64)
	if last[0] != "TOTAL" || err != nil || total != rep.BankTotal || last[1] != strconv.Itoa(rep.BankLines)+" rekening" {
		return fmt.Errorf("%s: baris TOTAL tidak sama dengan jumlah baris-barisnya (%s, %d rekening)", bundleBank, tpp.Rupiah(rep.BankTotal), rep.BankLines)
	}
	return nil
}

// specialJenis is the manifest's kind: empty for a monthly claim, so the
// manifests of monthly claims stay as they were.
func specialJenis(c Claim) string {
	if c.Special() {
		return c.Jenis
	}
	return ""
}
