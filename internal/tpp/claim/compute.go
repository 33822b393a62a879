package claim

import (
	"bytes"
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"runtime"
	"sort"
	"strings"
	"sync"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"
	"gorm.io/gorm"

	"github.com/ekinerja/ekinerja/internal/apperr"
	"github.com/ekinerja/ekinerja/internal/audit"
	"github.com/ekinerja/ekinerja/internal/auth"
	"github.com/ekinerja/ekinerja/internal/tpp"
)

// Computed is one employee's inputs with their result (or the reason there is none).
type Computed struct {
	Employee
	Result tpp.Result
	// Err says why the employee could not be computed (bad data); the row is then 0.
	Err string
	// inputJSON is json.Marshal(Input), written once for the stored row and
	// the digest (computeAll fills it; nil elsewhere).
	inputJSON []byte
}

// canAct reports whether a may act on the claims of opdID.
func canAct(a Actor, opdID int64) bool {
	switch a.Role {
	case auth.RoleVerifikator, auth.RoleSuperadmin:
		return true
	case auth.RoleAdminOPD:
		return a.OPDID == opdID
	}
	return false
}

// opdFilter is the one rule for which OPDs' claims a list shows the actor:
// every OPD for the verifikator and superadmin, its own for an admin_opd,
// nothing (ErrForbidden) for any other role. col is the caller's constant
// name of the OPD id column; the clause binds the OPD id.
func opdFilter(a Actor, col string) (clause string, args []any, err error) {
	switch a.Role {
	case auth.RoleVerifikator, auth.RoleSuperadmin:
		return "", nil, nil
	case auth.RoleAdminOPD:
		return ` AND ` + col + ` = ?`, []any{a.OPDID}, nil
	}
	return "", nil, apperr.ErrForbidden
}

// Compute (re)computes the claim of opdID for month p: it marks the
// computation as running (BeginCompute), gathers the inputs set-based,
// computes every employee, and in one transaction replaces the claim's rows
// and lines and records the rule-set version and the SHA-256 digest of the
// inputs. Only a draft or returned claim can be recomputed; while another
// computation of the same claim runs it answers ErrConflict.
func (s *Service) Compute(ctx context.Context, a Actor, opdID int64, p tpp.Period) (Claim, error) {
	run, err := s.BeginCompute(ctx, a, opdID, p)
	if err != nil {
		return Claim{}, err
	}
	return s.RunCompute(ctx, a, run)
}

// RunCompute does the computation that BeginCompute started and marks the
// run finished: in the computation's own transaction when it succeeds, with
// the error (shown on the claim page) when it fails.
//
// Once the computation's transaction has committed, the claim is computed
// (its run finished in that transaction, so marking it failed changes
// nothing): a failure to read it back afterwards (the database restarted in
// between) is an error wrapping ErrStoredNotRead, which callers tell apart
// from a failed computation, so nobody is told to compute again what is
// already stored.
func (s *Service) RunCompute(ctx context.Context, a Actor, run Run) (Claim, error) {
	c, err := s.compute(ctx, a, run)
	if err != nil {
		s.failRun(ctx, run, err) // and frees the claim
		return Claim{}, err
	}
	run.hold.release()
	return c, nil
}

// ErrStoredNotRead: the computation was stored (its run finished, its audit
// row written) but the claim could not be read back afterwards.
var ErrStoredNotRead = errors.New("klaim sudah dihitung dan disimpan, tetapi belum dapat dibaca ulang")

func (s *Service) compute(ctx context.Context, a Actor, run Run) (Claim, error) {
	opdID, p := run.OPDID, run.Period
	rs, err := ruleSetFor(ctx, s.db, p)
	if err != nil {
		return Claim{}, err
	}
	g, err := s.gather(ctx, s.db, Scope{OPDID: opdID}, p, rs.Rules)
	if err != nil {
		return Claim{}, err
	}
	if run.Khusus != nil {
		applyKhusus(&g, *run.Khusus)
	}
	if err := s.dropSettled(ctx, &g, run); err != nil {
		return Claim{}, err
	}
	if run.Khusus == nil {
		// Late changes of paid months first become differences, so this
		// claim carries them.
		ids := make([]int64, len(g.Employees))
		for i, e := range g.Employees {
			ids[i] = e.PegawaiID
		}
		if _, err := s.SettleChanges(ctx, a, ids); err != nil {
			return Claim{}, err
		}
		if err := s.attachAdjustments(ctx, &g, run); err != nil {
			return Claim{}, err
		}
	}
	comp := computeAll(rs.Rules, g.Employees)
	ins := make([][]byte, len(comp))
	for i := range comp {
		if comp[i].inputJSON == nil {
			if comp[i].inputJSON, err = json.Marshal(comp[i].Input); err != nil {
				return Claim{}, err
			}
		}
		ins[i] = comp[i].inputJSON
	}
	digest, err := digestOf(rs.Rules, g.Employees, ins)
	if err != nil {
		return Claim{}, err
	}

	id := run.ClaimID
	// One connection for the transaction, so its rows can be copied in on
	// it (replaceRows).
	err = s.db.WithContext(ctx).Connection(func(cdb *gorm.DB) error {
		conn, ok := cdb.Statement.ConnPool.(*sql.Conn)
		if !ok {
			return fmt.Errorf("connection pool %T is not *sql.Conn", cdb.Statement.ConnPool)
		}
		return cdb.Transaction(func(tx *gorm.DB) error {
			return s.store(ctx, tx, conn, a, run, rs, g, comp, digest)
		})
	})
	if err != nil {
		return Claim{}, err
	}
	read := func(ctx context.Context, id int64) (Claim, error) { return s.get(ctx, s.db, id) }
	if s.readBack != nil {
		read = s.readBack
	}
	c, err := read(ctx, id)
	if err != nil {
		return Claim{}, fmt.Errorf("%w: klaim %d: %w", ErrStoredNotRead, id, err)
	}
	return c, nil
}

// store writes a finished computation: the claim's rows, lines,
// settlements, totals and audit row, in tx on conn.
func (s *Service) store(ctx context.Context, tx *gorm.DB, conn *sql.Conn, a Actor, run Run, rs StoredRuleSet, g Gathered, comp []Computed, digest string) error {
	id, opdID, p := run.ClaimID, run.OPDID, run.Period
	var cur []struct {
		ID     int64  `gorm:"column:id"`
		Status Status `gorm:"column:status"`
	}
	if err := tx.Raw(`SELECT id, status FROM tpp_claim WHERE id = ? FOR UPDATE`, id).Scan(&cur).Error; err != nil {
		return err
	}
	if len(cur) == 0 {
		return errors.New("claim vanished")
	}
	if !cur[0].Status.Recomputable() {
		return apperr.New(apperr.ErrConflict, "Klaim berstatus "+cur[0].Status.Label()+" tidak dapat dihitung ulang.")
	}
	if err := freezeRuleSet(tx, rs); err != nil {
		return err
	}
	if run.Khusus != nil {
		// The decision computed with must still be the one stored.
		now, err := s.khusus(ctx, tx, run.Khusus.ID)
		if err != nil {
			return err
		}
		now.Used = run.Khusus.Used
		if !now.BulanDasar.Equal(run.Khusus.BulanDasar) || now.Persen != run.Khusus.Persen || now.PNS != run.Khusus.PNS || now.CPNS != run.Khusus.CPNS ||
			now.PPPK != run.Khusus.PPPK || now.Cuti != run.Khusus.Cuti || now.Hukdis != run.Khusus.Hukdis ||
			now.DenganPotongan != run.Khusus.DenganPotongan || now.DasarHukum != run.Khusus.DasarHukum {
			return apperr.New(apperr.ErrConflict, "Keputusan "+now.Label()+" diubah selama perhitungan; hitung ulang klaim.")
		}
	}
	// Finish this run, in the same transaction as its figures; a run
	// taken over meanwhile (its holder had died) is no longer ours to finish.
	fin := tx.Exec(`UPDATE tpp_claim_run SET finished_at = now(), error = '' WHERE claim_id = ? AND token = ? AND finished_at IS NULL`, id, run.Token)
	if fin.Error != nil {
		return fmt.Errorf("finish run: %w", fin.Error)
	}
	if fin.RowsAffected != 1 {
		return apperr.New(apperr.ErrConflict, "Perhitungan ini sudah digantikan perhitungan lain; muat ulang halaman klaim.")
	}
	t, err := replaceRows(ctx, tx, conn, id, comp)
	if err != nil {
		return err
	}
	if err := storeSettlements(tx, id, comp); err != nil {
		return err
	}
	warnings, _ := json.Marshal(claimWarnings(g.Notes, comp))
	if err := tx.Exec(`UPDATE tpp_claim SET rule_set_id = ?, rule_set_version = ?, inputs_digest = ?, employees = ?,
    total_base = ?, total_gross = ?, total_pph21 = ?, total_bpjs = ?, total_net = ?, warnings = ?::jsonb,
    computed_at = now(), computed_by = NULLIF(?, 0), updated_at = now()
WHERE id = ?`, rs.ID, rs.Version, digest, len(comp), t.base, t.gross, t.pph21, t.bpjs, t.net, string(warnings), a.UserID, id).Error; err != nil {
		return fmt.Errorf("update claim: %w", err)
	}
	return audit.Record(ctx, tx, audit.Entry{ActorID: a.UserID, ActorNIP: a.NIP, IP: a.IP, Action: "tpp.hitung",
		ObjectType: "tpp_claim", ObjectID: fmt.Sprint(id),
		Detail: map[string]any{"opd_id": opdID, "bulan": periodText(p), "pegawai": len(comp), "ditulis": t.written, "bersih": t.net,
			"aturan_versi": rs.Version, "digest": digest}})
}

// dropSettled leaves out the employees whom another claim of the same OPD
// and month already pays (approved or paid): a susulan pays only who is still
// waiting, and a monthly claim recomputed after a susulan does not pay the
// susulan's employees again.
func (s *Service) dropSettled(ctx context.Context, g *Gathered, run Run) error {
	var ids []int64
	q := s.db.WithContext(ctx).Raw(`SELECT pegawai_id FROM tpp_bayar_pegawai WHERE opd_id = ? AND period = ?::date AND jenis = 'bulanan' AND claim_id <> ?`,
		run.OPDID, periodDate(run.Period), run.ClaimID)
	what := "bulan ini"
	if run.Khusus != nil {
		// A THR or gaji 13 is paid once a year, by whichever OPD.
		q = s.db.WithContext(ctx).Raw(`SELECT pegawai_id FROM tpp_bayar_pegawai WHERE jenis = ? AND tahun = ? AND claim_id <> ?`,
			string(run.Khusus.Jenis), run.Khusus.Tahun, run.ClaimID)
		what = run.Khusus.Jenis.Label() + " tahun ini"
	}
	if err := q.Scan(&ids).Error; err != nil {
		return fmt.Errorf("settled employees: %w", err)
	}
	if len(ids) == 0 {
		return nil
	}
	settled := make(map[int64]bool, len(ids))
	for _, id := range ids {
		settled[id] = true
	}
	kept := g.Employees[:0]
	for _, e := range g.Employees {
		if !settled[e.PegawaiID] {
			kept = append(kept, e)
		}
	}
	if n := len(g.Employees) - len(kept); n > 0 {
		g.Notes = append(g.Notes, fmt.Sprintf("%d pegawai sudah dibayar klaim lain %s dan tidak dihitung lagi di klaim ini.", n, what))
	}
	g.Employees = kept
	return nil
}

// computeAll runs tpp.Calculate for every employee, spread over the CPUs; it
// is pure, so the order of work does not matter and results keep input order.
func computeAll(rules tpp.RuleSet, emps []Employee) []Computed {
	out := make([]Computed, len(emps))
	k, kerr := tpp.NewCalculator(rules)
	workers := min(runtime.GOMAXPROCS(0), max(1, len(emps)/256))
	var wg sync.WaitGroup
	chunk := (len(emps) + workers - 1) / max(workers, 1)
	for w := range workers {
		lo, hi := w*chunk, min((w+1)*chunk, len(emps))
		if lo >= hi {
			continue
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := lo; i < hi; i++ {
				out[i] = computeOne(k, kerr, emps[i])
				// Plain data does not fail to marshal; if it ever did,
				// inputJSON stays nil and the caller marshals again and
				// reports the error.
				if b, err := json.Marshal(emps[i].Input); err == nil {
					out[i].inputJSON = b
				}
			}
		}()
	}
	wg.Wait()
	return out
}

// computeOne computes e under k; kerr is NewCalculator's error, which every
// employee then carries, as tpp.Calculate would give each of them.
func computeOne(k *tpp.Calculator, kerr error, e Employee) Computed {
	c := Computed{Employee: e}
	var r tpp.Result
	err := kerr
	if err == nil {
		r, err = k.Calculate(e.Input)
	}
	if err != nil {
		var ve *apperr.ValidationError
		if errors.As(err, &ve) && !errors.Is(err, tpp.ErrRuleSet) {
			c.Err = "Data pegawai belum lengkap atau salah: " + describeFields(ve.Fields)
		} else {
			c.Err = "Tidak dapat dihitung: " + err.Error()
		}
		return c
	}
	c.Result = r
	return c
}

func describeFields(f map[string]string) string {
	keys := make([]string, 0, len(f))
	for k := range f {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	parts := make([]string, 0, len(keys))
	for _, k := range keys {
		parts = append(parts, k+": "+f[k])
	}
	return strings.Join(parts, "; ")
}

// claimWarnings summarises the employees' warnings for the claim's header.
// It is never nil: stored, a nil slice would be JSON null, and the column
// holds an array (migration 0070).
func claimWarnings(notes []string, comp []Computed) []string {
	out := append(make([]string, 0, len(notes)), notes...)
	counts := map[string]int{}
	var kinds []string
	for _, c := range comp {
		if c.Err != "" {
			if counts["__err"] == 0 {
				kinds = append(kinds, "__err")
			}
			counts["__err"]++
		}
		for _, w := range c.Warnings {
			if counts[w] == 0 {
				kinds = append(kinds, w)
			}
			counts[w]++
		}
	}
	for _, k := range kinds {
		if k == "__err" {
			out = append(out, fmt.Sprintf("%d pegawai ditangguhkan karena datanya tidak dapat dihitung (alasannya di baris pegawai); pegawai lain tetap dapat diajukan, dan yang ditangguhkan dibayar melalui klaim susulan setelah datanya diperbaiki.", counts[k]))
			continue
		}
		out = append(out, fmt.Sprintf("%d pegawai: %s.", counts[k], k))
	}
	return out
}

// totals are a claim's sums; written is how many employees' rows and lines
// the computation wrote (the others were unchanged and kept).
type totals struct {
	base, gross, pph21, bpjs, net int64
	written                       int
}

// replaceRows makes the claim's stored rows and lines those of comp, in tx
// on its connection conn. An employee whose stored row carries the same
// rincian_sha as the new computation (every column of the row and of its
// lines equal) is left as it is; the others are deleted and written again,
// and employees no longer in comp are deleted. So a recomputation after one
// correction writes one employee, and one that changes everything costs
// what a first computation does plus the deletes. What is written goes in
// with one COPY per table on the transaction's own connection (binary rows,
// several times faster than INSERTs for the ~14 lines of each employee);
// the statement-level guard triggers of migration 0040 fire for COPY and
// for the deletes as for any INSERT. The comparison trusts that a stored
// row still holds what its rincian_sha was computed from: the rows are
// written only here, and those of a submitted, verified, approved or paid
// claim cannot be changed at all.
func replaceRows(ctx context.Context, tx *gorm.DB, conn *sql.Conn, claimID int64, comp []Computed) (totals, error) {
	var t totals
	for i := range comp {
		c := &comp[i] // inputJSON: filled by compute before the digest
		t.base += c.Result.Base
		t.gross += c.Result.Gross
		t.pph21 += c.Result.PPh21
		t.bpjs += c.Result.BPJS
		t.net += c.Result.Net
	}
	shas, err := rincianSHAs(claimID, comp)
	if err != nil {
		return t, err
	}
	var stored []struct {
		PegawaiID  int64  `gorm:"column:pegawai_id"`
		RincianSHA []byte `gorm:"column:rincian_sha"`
	}
	if err := tx.Raw(`SELECT pegawai_id, rincian_sha FROM tpp_claim_pegawai WHERE claim_id = ?`, claimID).Scan(&stored).Error; err != nil {
		return t, fmt.Errorf("stored rows: %w", err)
	}
	at := make(map[int64]int, len(comp))
	for i, c := range comp {
		at[c.PegawaiID] = i
	}
	keep := make(map[int64]bool, len(stored))
	var del intArray
	ndel := 0
	for _, r := range stored {
		if i, ok := at[r.PegawaiID]; ok && r.RincianSHA != nil && bytes.Equal(r.RincianSHA, shas[i][:]) {
			keep[r.PegawaiID] = true
			continue
		}
		del.add(r.PegawaiID)
		ndel++
	}
	switch {
	case len(keep) == 0 && ndel > 0:
		if err := tx.Exec(`DELETE FROM tpp_claim_line WHERE claim_id = ?`, claimID).Error; err != nil {
			return t, fmt.Errorf("delete lines: %w", err)
		}
		if err := tx.Exec(`DELETE FROM tpp_claim_pegawai WHERE claim_id = ?`, claimID).Error; err != nil {
			return t, fmt.Errorf("delete rows: %w", err)
		}
	case ndel > 0:
		ids := del.String()
		if err := tx.Exec(`DELETE FROM tpp_claim_line WHERE claim_id = ? AND pegawai_id = ANY(?::bigint[])`, claimID, ids).Error; err != nil {
			return t, fmt.Errorf("delete lines: %w", err)
		}
		if err := tx.Exec(`DELETE FROM tpp_claim_pegawai WHERE claim_id = ? AND pegawai_id = ANY(?::bigint[])`, claimID, ids).Error; err != nil {
			return t, fmt.Errorf("delete rows: %w", err)
		}
	}
	write := make([]int, 0, len(comp)-len(keep))
	for i, c := range comp {
		if !keep[c.PegawaiID] {
			write = append(write, i)
		}
	}
	t.written = len(write)
	if len(write) == 0 {
		return t, nil
	}
	err = conn.Raw(func(dc any) error {
		pc, ok := dc.(*stdlib.Conn)
		if !ok {
			return fmt.Errorf("connection %T is not pgx", dc)
		}
		if _, err := pc.Conn().CopyFrom(ctx, pgx.Identifier{"tpp_claim_pegawai"}, append(rowColumns[:len(rowColumns):len(rowColumns)], "rincian_sha"),
			&rowSource{claimID: claimID, comp: comp, shas: shas, write: write, n: -1}); err != nil {
			return fmt.Errorf("insert rows: %w", err)
		}
		if _, err := pc.Conn().CopyFrom(ctx, pgx.Identifier{"tpp_claim_line"}, lineColumns,
			&lineSource{claimID: claimID, comp: comp, write: write, l: -1}); err != nil {
			return fmt.Errorf("insert lines: %w", err)
		}
		return nil
	})
	return t, err
}

// The stored columns of an employee's row (rincian_sha aside) and of a
// line, in the order rowValues and lineValues give them.
var (
	rowColumns = []string{"claim_id", "pegawai_id", "nip", "nama", "jabatan", "kelas",
		"status_asn", "golongan", "bank_nama", "bank_rekening", "bank_atas_nama", "base", "produktivitas", "disiplin", "hukdis", "gross",
		"pph21", "pph21_withheld", "bpjs", "bpjs_pemda", "net", "warnings", "error", "input"}
	lineColumns = []string{"claim_id", "pegawai_id", "seq", "code", "kind", "label", "reason", "count", "rate", "basis", "amount"}
)

// rowValues appends to dst what is stored in the employee's row.
func rowValues(dst []any, claimID int64, c *Computed) []any {
	r := &c.Result
	return append(dst, claimID, c.PegawaiID, c.Input.NIP, c.Input.Name, c.Jabatan, int16(c.Kelas), c.StatusASN, c.Input.Golongan,
		c.BankNama, c.BankRekening, c.BankAtasNama, r.Base, r.Produktivitas, r.Disiplin, r.Hukdis, r.Gross,
		r.PPh21, r.PPh21Withheld || c.Err != "", r.BPJS, r.BPJSGovernment, r.Net,
		strings.Join(c.Warnings, "\n"), c.Err, c.inputJSON)
}

// lineValues appends to dst what is stored for the employee's line l.
func lineValues(dst []any, claimID int64, c *Computed, l int) []any {
	ln := &c.Result.Lines[l]
	return append(dst, claimID, c.PegawaiID, int16(l+1), ln.Code, string(ln.Kind), ln.Label, ln.Reason,
		ln.Count, int32(ln.Rate), ln.Basis, ln.Amount)
}

// rincianSHAs returns, for each employee, the SHA-256 of the very values
// COPY stores for the row and its lines (rowValues, lineValues), each value
// tagged with its type and strings with their length, so no two different
// rows share an encoding. A column added to rowValues is covered without
// more code here.
func rincianSHAs(claimID int64, comp []Computed) ([][sha256.Size]byte, error) {
	out := make([][sha256.Size]byte, len(comp))
	var vals []any
	var buf []byte
	h := sha256.New()
	for i := range comp {
		c := &comp[i]
		h.Reset()
		vals = rowValues(vals[:0], claimID, c)
		for l := range c.Result.Lines {
			vals = append(vals, "\x00line")
			vals = lineValues(vals, claimID, c, l)
		}
		buf = buf[:0]
		for _, v := range vals {
			switch x := v.(type) {
			case int64:
				buf = binary.BigEndian.AppendUint64(append(buf, 'i'), uint64(x))
			case int32:
				buf = binary.BigEndian.AppendUint64(append(buf, 'i'), uint64(int64(x)))
			case int16:
				buf = binary.BigEndian.AppendUint64(append(buf, 'i'), uint64(int64(x)))
			case bool:
				b := byte(0)
				if x {
					b = 1
				}
				buf = append(buf, 'b', b)
			case string:
				buf = append(binary.AppendUvarint(append(buf, 's'), uint64(len(x))), x...)
			case []byte:
				buf = append(binary.AppendUvarint(append(buf, 'x'), uint64(len(x))), x...)
			default:
				return nil, fmt.Errorf("rincian_sha: no encoding for %T", v)
			}
		}
		h.Write(buf)
		h.Sum(out[i][:0])
	}
	return out, nil
}

// rowSource hands COPY the rows of the employees in write, each built when
// asked: a claim of 20,000 employees is not first copied into 20,000 slices
// of boxed values. pgx encodes a row before asking for the next, so one
// slice serves every row.
type rowSource struct {
	claimID int64
	comp    []Computed
	shas    [][sha256.Size]byte
	write   []int
	n       int
	vals    []any
}

func (s *rowSource) Next() bool { s.n++; return s.n < len(s.write) }
func (s *rowSource) Err() error { return nil }
func (s *rowSource) Values() ([]any, error) {
	i := s.write[s.n]
	s.vals = append(rowValues(s.vals[:0], s.claimID, &s.comp[i]), s.shas[i][:])
	return s.vals, nil
}

// lineSource hands COPY the lines of the employees in write, as rowSource
// does their rows.
type lineSource struct {
	claimID int64
	comp    []Computed
	write   []int
	n, l    int // position in write, and line within that employee
	vals    []any
}

func (s *lineSource) Next() bool {
	s.l++
	for s.n < len(s.write) && s.l >= len(s.comp[s.write[s.n]].Result.Lines) {
		s.n++
		s.l = 0
	}
	return s.n < len(s.write)
}
func (s *lineSource) Err() error { return nil }
func (s *lineSource) Values() ([]any, error) {
	s.vals = lineValues(s.vals[:0], s.claimID, &s.comp[s.write[s.n]], s.l)
	return s.vals, nil
}

// Digest returns the hex SHA-256 of the rules and the inputs (sorted by NIP),
// so the same data always gives the same digest whatever order it came in.
// The document hashed is the JSON of {"rules": rules, "inputs": [input...]}
// (digestDoc in the tests, which checks the two agree); continuity bundles
// and approval recompute it, so its bytes must never change.
func Digest(rules tpp.RuleSet, emps []Employee) (string, error) {
	ins := make([][]byte, len(emps))
	for i, e := range emps {
		b, err := json.Marshal(e.Input)
		if err != nil {
			return "", err
		}
		ins[i] = b
	}
	return digestOf(rules, emps, ins)
}

// digestOf is Digest with every input already written as JSON (ins[i] is
// json.Marshal(emps[i].Input)): a computation writes each input once, for
// its row and for the digest.
func digestOf(rules tpp.RuleSet, emps []Employee, ins [][]byte) (string, error) {
	rj, err := json.Marshal(rules)
	if err != nil {
		return "", err
	}
	order := make([]int, len(emps))
	for i := range order {
		order[i] = i
	}
	sort.SliceStable(order, func(i, j int) bool { return emps[order[i]].Input.NIP < emps[order[j]].Input.NIP })
	h := sha256.New()
	h.Write([]byte(`{"rules":`))
	h.Write(rj)
	h.Write([]byte(`,"inputs":[`))
	for n, i := range order {
		if n > 0 {
			h.Write([]byte{','})
		}
		h.Write(ins[i])
	}
	h.Write([]byte(`]}`))
	return hex.EncodeToString(h.Sum(nil)), nil
}
