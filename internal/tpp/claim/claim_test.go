package claim

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ekinerja/ekinerja/internal/apperr"
	"github.com/ekinerja/ekinerja/internal/auth"
	"github.com/ekinerja/ekinerja/internal/tpp"
)

func TestMigrationSeedsTheDemoRuleSet(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	s := NewService(f.db, nil, nil)
	rs, err := s.RuleSetFor(context.Background(), nov2026)
	if err != nil {
		t.Fatal(err)
	}
	want, _ := json.Marshal(tpp.DemoRuleSet())
	got, _ := json.Marshal(rs.Rules)
	if string(got) != string(want) {
		t.Fatalf("seeded rule set differs from tpp.DemoRuleSet():\n got %s\nwant %s", got, want)
	}
	if _, err := s.RuleSetFor(context.Background(), tpp.Period{Year: 2025, Month: 12}); !errors.Is(err, apperr.ErrNotFound) {
		t.Fatalf("before the first rule set: %v", err)
	}
}

func TestWorkedExampleToTheRupiah(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	budi := f.budi()
	k, a := workedSources(budi)
	s := NewService(f.db, k, a)
	ctx := context.Background()
	c, err := s.Compute(ctx, f.actor(auth.RoleAdminOPD, f.opd), f.opd, nov2026)
	if err != nil {
		t.Fatal(err)
	}
	if c.Status != StatusDraft || c.Employees != 1 || c.TotalNet != 4_606_000 || c.TotalGross != 4_900_000 ||
		c.TotalPPh21 != 245_000 || c.TotalBPJS != 49_000 || c.RuleSetVersion != 1 || len(c.InputsDigest) != 64 {
		t.Fatalf("claim = %+v", c)
	}
	if a.gotBands.Late != [3]int{30, 60, 90} {
		t.Fatalf("bands passed to attendance = %+v", a.gotBands)
	}
	sl, err := s.Slip(ctx, Actor{PegawaiID: budi, Role: auth.RolePegawai}, c.ID, budi)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]int64{"BASE": 5_000_000, "PRODUKTIVITAS": 3_000_000, "DISIPLIN_PAGU": 2_000_000, "POT_TK": 60_000,
		"POT_TL2": 40_000, "DISIPLIN": 1_900_000, "GROSS": 4_900_000, "PPH21": 245_000, "BPJS": 49_000, "NET": 4_606_000}
	got := map[string]tpp.Line{}
	for _, l := range sl.Lines {
		got[l.Code] = l
	}
	for code, amt := range want {
		if got[code].Amount != amt {
			t.Errorf("%s = %d, want %d", code, got[code].Amount, amt)
		}
	}
	if r := got["POT_TL2"].Reason; !strings.Contains(r, "Terlambat masuk 31-60 menit 2 kali x 1% x Rp 2.000.000") {
		t.Errorf("TL2 reason = %q", r)
	}
	if len(sl.Row.WarningList()) != 0 {
		t.Errorf("warnings = %v", sl.Row.WarningList())
	}
	// The stored lines are exactly the engine's.
	direct, _ := tpp.Calculate(tpp.DemoRuleSet(), sl.Input)
	if len(direct.Lines) != len(sl.Lines) {
		t.Fatalf("stored %d lines, engine %d", len(sl.Lines), len(direct.Lines))
	}
	for i := range direct.Lines {
		if direct.Lines[i] != sl.Lines[i] {
			t.Errorf("line %d: stored %+v, engine %+v", i, sl.Lines[i], direct.Lines[i])
		}
	}
	// Another pegawai cannot read Budi's slip.
	if _, err := s.Slip(ctx, Actor{PegawaiID: budi + 1000, Role: auth.RolePegawai}, c.ID, budi); !errors.Is(err, apperr.ErrNotFound) {
		t.Fatalf("foreign slip: %v", err)
	}
	// Recomputing the same data gives the same digest and replaces the lines.
	c2, err := s.Compute(ctx, f.actor(auth.RoleVerifikator, 0), f.opd, nov2026)
	if err != nil {
		t.Fatal(err)
	}
	if c2.ID != c.ID || c2.InputsDigest != c.InputsDigest {
		t.Fatalf("recompute: %+v", c2)
	}
	if n := f.scalar(`SELECT count(*) FROM tpp_claim_line WHERE claim_id = ?`, c.ID); n != int64(len(direct.Lines)) {
		t.Fatalf("lines after recompute = %d", n)
	}
}

func TestNoDataSourcesGiveZeroProduktivitasAndWarnings(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	budi := f.budi()
	noBank := f.mkPegawai(f.opd, "Tanpa Rekening", "CPNS", "III/a", "")
	f.assign(noBank, f.mkJabatan(f.opd, "Pengolah Data", 6), "definitif", "2026-01-01", nil)
	s := NewService(f.db, nil, nil)
	c, err := s.Compute(context.Background(), f.actor(auth.RoleAdminOPD, f.opd), f.opd, nov2026)
	if err != nil {
		t.Fatal(err)
	}
	w := strings.Join(c.Warnings(), "\n")
	for _, want := range []string{NoteNoKinerja, NoteNoAttendance, "1 pegawai: " + WarnNoBank, "2 pegawai: " + WarnNoPredikat} {
		if !strings.Contains(w, want) {
			t.Errorf("claim warnings lack %q:\n%s", want, w)
		}
	}
	sl, err := s.Slip(context.Background(), f.actor(auth.RoleVerifikator, 0), c.ID, budi)
	if err != nil {
		t.Fatal(err)
	}
	if sl.Row.Produktivitas != 0 || sl.Row.Disiplin != 2_000_000 || sl.Input.Predikat != tpp.PredikatTidakAda {
		t.Fatalf("row = %+v", sl.Row)
	}
	// A source that knows nothing of an employee is the same as no data for them.
	s = NewService(f.db, fakeKinerja{}, &fakeAttendance{})
	c, err = s.Compute(context.Background(), f.actor(auth.RoleAdminOPD, f.opd), f.opd, nov2026)
	if err != nil {
		t.Fatal(err)
	}
	if w := strings.Join(c.Warnings(), "\n"); strings.Contains(w, NoteNoKinerja) || !strings.Contains(w, "2 pegawai: "+WarnNoAttendance) {
		t.Fatalf("warnings = %s", w)
	}
}

func TestMidMonthTransferPltAndSanction(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := context.Background()
	// Moves from LAIN (kelas 7) to UJI (kelas 9) on 16 November; acting as a
	// kelas 12 head in UJI the whole month; hukdis sedang in its 2nd month.
	a := f.mkPegawai(f.opd, "Mutasi", "PNS", "IV/a", "777")
	f.assign(a, f.mkJabatan(f.other, "Lama", 7), "definitif", "2020-01-01", "2026-11-15")
	f.assign(a, f.mkJabatan(f.opd, "Baru", 9), "definitif", "2026-11-16", nil)
	f.assign(a, f.mkJabatan(f.opd, "Kepala Bidang", 12), "plt", "2026-10-01", nil)
	s := NewService(f.db, fakeKinerja{a: {Predikat: "sangat_baik"}},
		&fakeAttendance{recaps: map[int64]AttendanceRecap{a: {}}, sanctions: map[int64]Sanction{a: {Kind: "sedang", MonthIndex: 2}},
			leave: map[int64][]Leave{a: {{Kind: "sakit", Days: 2}}}})
	v := f.actor(auth.RoleVerifikator, 0)
	here, err := s.Compute(ctx, v, f.opd, nov2026)
	if err != nil {
		t.Fatal(err)
	}
	sl, err := s.Slip(ctx, v, here.ID, a)
	if err != nil {
		t.Fatal(err)
	}
	in := sl.Input
	if len(in.Segments) != 1 || in.Segments[0].FromDay != 16 || in.Segments[0].ToDay != 30 || in.Plt == nil ||
		in.Plt.Level != tpp.PltLebihTinggi || in.Plt.WorkingDays != 21 || in.Hukdis == nil || len(in.Leave) != 1 {
		t.Fatalf("input = %+v plt %+v", in, in.Plt)
	}
	if _, ok := lineCode(sl.Lines, tpp.CodeHukdis); !ok {
		t.Fatal("no hukdis line")
	}
	there, err := s.Compute(ctx, v, f.other, nov2026)
	if err != nil {
		t.Fatal(err)
	}
	sl2, err := s.Slip(ctx, v, there.ID, a)
	if err != nil {
		t.Fatal(err)
	}
	if seg := sl2.Input.Segments; len(seg) != 1 || seg[0].FromDay != 1 || seg[0].ToDay != 15 || seg[0].Kelas != 7 {
		t.Fatalf("old OPD segments = %+v", seg)
	}
}

func lineCode(ls []tpp.Line, code string) (tpp.Line, bool) {
	for _, l := range ls {
		if l.Code == code {
			return l, true
		}
	}
	return tpp.Line{}, false
}

func TestWorkflowAndFreeze(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	budi := f.budi()
	k, a := workedSources(budi)
	s := NewService(f.db, k, a)
	ctx := context.Background()
	admin := f.actor(auth.RoleAdminOPD, f.opd)
	otherAdmin := admin
	otherAdmin.OPDID = f.other
	verif := f.actor(auth.RoleVerifikator, 0)
	pegawai := Actor{UserID: admin.UserID, Role: auth.RolePegawai, PegawaiID: budi}
	atasan := Actor{UserID: admin.UserID, Role: auth.RoleAtasan}

	if _, err := s.Compute(ctx, otherAdmin, f.opd, nov2026); !errors.Is(err, apperr.ErrForbidden) {
		t.Fatalf("other OPD's admin computes: %v", err)
	}
	c, err := s.Compute(ctx, admin, f.opd, nov2026)
	if err != nil {
		t.Fatal(err)
	}
	must := func(c Claim, err error) Claim {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	refused := func(err error) {
		t.Helper()
		if err == nil {
			t.Fatal("step allowed")
		}
	}
	_, err = s.Verify(ctx, verif, c.ID, okAck) // not submitted yet
	refused(err)
	_, err = s.Submit(ctx, otherAdmin, c.ID, okAck)
	refused(err)
	_, err = s.Submit(ctx, verif, c.ID, okAck) // only the admin OPD submits
	refused(err)
	c = must(s.Submit(ctx, admin, c.ID, okAck))
	_, err = s.Compute(ctx, admin, f.opd, nov2026) // frozen while submitted
	refused(err)
	_, err = s.Return(ctx, verif, c.ID, "")
	refused(err)
	c = must(s.Return(ctx, verif, c.ID, "Periksa kehadiran Budi"))
	if c.ReturnNote != "Periksa kehadiran Budi" {
		t.Fatal(c.ReturnNote)
	}
	c = must(s.Compute(ctx, admin, f.opd, nov2026))
	if c.Status != StatusReturned {
		t.Fatal(c.Status)
	}
	c = must(s.Submit(ctx, admin, c.ID, okAck))
	c = must(s.Verify(ctx, verif, c.ID, okAck))
	_, err = s.Approve(ctx, admin, c.ID, okAck)
	refused(err)
	c = must(s.Approve(ctx, verif, c.ID, okAck))
	if c.Status != StatusApproved {
		t.Fatal(c.Status)
	}
	if n := f.scalar(`SELECT count(*) FROM tpp_rule_set WHERE id = ? AND used`, c.RuleSetID); n != 1 {
		t.Fatal("rule set not marked used")
	}

	// Approved figures cannot change by any path: not by recomputing, not by
	// any role's workflow step, not by a direct UPDATE.
	for _, act := range []Actor{admin, verif, pegawai, atasan} {
		if _, err := s.Compute(ctx, act, f.opd, nov2026); err == nil {
			t.Fatalf("%s recomputed an approved claim", act.Role)
		}
	}
	for _, q := range []string{
		`UPDATE tpp_claim_line SET amount = amount + 1 WHERE claim_id = ?`,
		`UPDATE tpp_claim_pegawai SET net = net + 1 WHERE claim_id = ?`,
		`DELETE FROM tpp_claim_line WHERE claim_id = ?`,
		`INSERT INTO tpp_claim_line (claim_id, pegawai_id, seq, code, kind, label, reason, amount) SELECT claim_id, pegawai_id, 99, 'X', 'tambah', 'x', 'x', 1 FROM tpp_claim_pegawai WHERE claim_id = ?`,
		`UPDATE tpp_claim SET total_net = total_net + 1 WHERE id = ?`,
		`UPDATE tpp_claim SET status = 'draft' WHERE id = ?`,
		`DELETE FROM tpp_claim WHERE id = ?`,
	} {
		if err := f.db.Exec(q, c.ID).Error; err == nil || !strings.Contains(err.Error(), "klaim TPP") {
			t.Errorf("%s: %v", q, err)
		}
	}
	if err := f.db.Exec(`TRUNCATE tpp_claim_line`).Error; err == nil {
		t.Error("truncate allowed")
	}
	if err := f.db.Exec(`UPDATE tpp_rule_set SET params = jsonb_set(params, '{split,produktivitas}', '5000') WHERE id = ?`, c.RuleSetID).Error; err == nil {
		t.Error("used rule set changed in place")
	}
	if n := f.scalar(`SELECT total_net FROM tpp_claim WHERE id = ?`, c.ID); n != 4_606_000 {
		t.Fatalf("net = %d", n)
	}

	// Reopening needs a reason; the reopened claim can be recomputed and approved again.
	_, err = s.Reopen(ctx, verif, c.ID, "")
	refused(err)
	c = must(s.Reopen(ctx, verif, c.ID, "Koreksi data kehadiran dari BKD"))
	c = must(s.Compute(ctx, admin, f.opd, nov2026))
	c = must(s.Submit(ctx, admin, c.ID, okAck))
	c = must(s.Verify(ctx, verif, c.ID, okAck))
	c = must(s.Approve(ctx, verif, c.ID, okAck))

	// Two "paid" clicks at the same moment make one payment.
	_, err = s.Pay(ctx, verif, c.ID, Payment{}, okAck)
	refused(err)
	var wg sync.WaitGroup
	errs := make([]error, 8)
	for i := range errs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, errs[i] = s.Pay(ctx, verif, c.ID, Payment{Date: time.Now(), SP2D: "SP2D-001/2026"}, okAck)
		}()
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			t.Errorf("pay: %v", err)
		}
	}
	if n := f.scalar(`SELECT count(*) FROM tpp_payment WHERE claim_id = ?`, c.ID); n != 1 {
		t.Fatalf("payments = %d", n)
	}
	if n := f.scalar(`SELECT count(*) FROM audit_log WHERE action = 'tpp.bayar' AND object_id = ?`, itoa(c.ID)); n != 1 {
		t.Fatalf("payment audit rows = %d", n)
	}
	if _, err := s.Pay(ctx, verif, c.ID, Payment{Date: time.Now(), SP2D: "LAIN"}, okAck); !errors.Is(err, apperr.ErrConflict) {
		t.Fatalf("second SP2D: %v", err)
	}
	_, err = s.Reopen(ctx, verif, c.ID, "Sudah dibayar tetapi ingin dibuka")
	refused(err)
	// Every step left an audit row.
	for _, act := range []string{"tpp.hitung", "tpp.ajukan", "tpp.kembalikan", "tpp.verifikasi", "tpp.setujui", "tpp.buka_kembali", "tpp.bayar"} {
		if n := f.scalar(`SELECT count(*) FROM audit_log WHERE action = ?`, act); n == 0 {
			t.Errorf("no audit row for %s", act)
		}
	}
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

func TestRuleSetFrozenOnceComputedAndCopiedAsANewVersion(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := context.Background()
	s := NewService(f.db, nil, nil)
	sa := f.actor(auth.RoleSuperadmin, 0)
	cur, err := s.RuleSetFor(ctx, nov2026)
	if err != nil {
		t.Fatal(err)
	}
	// Invalid edits come back per field.
	bad := cur.Rules
	bad.Split.Produktivitas = 7000
	bad.Disiplin.TKPerDay = 20000
	_, err = s.SaveRuleSet(ctx, sa, cur.ID, bad)
	var ve *apperr.ValidationError
	if !errors.As(err, &ve) || ve.Fields["split"] == "" || ve.Fields["disiplin.tk_per_day"] == "" {
		t.Fatalf("validation: %v", err)
	}
	// Unused: edited in place.
	r := cur.Rules
	r.Disiplin.TKPerDay = 400
	got, err := s.SaveRuleSet(ctx, sa, cur.ID, r)
	if err != nil {
		t.Fatal(err)
	}
	if got.ID != cur.ID || got.Version != 1 || got.Rules.Disiplin.TKPerDay != 400 {
		t.Fatalf("in place: %+v", got)
	}
	// The first computation freezes it: an edit is refused, a new version is a copy.
	if _, err := s.Compute(ctx, f.actor(auth.RoleVerifikator, 0), f.opd, nov2026); err != nil {
		t.Fatal(err)
	}
	if n := f.scalar(`SELECT count(*) FROM tpp_rule_set WHERE id = ? AND used`, cur.ID); n != 1 {
		t.Fatal("computation did not freeze the version")
	}
	r.Disiplin.TKPerDay = 500
	if _, err = s.SaveRuleSet(ctx, sa, cur.ID, r); !errors.Is(err, apperr.ErrConflict) {
		t.Fatalf("edit of a frozen version: %v", err)
	}
	got, err = s.NewRuleSetVersion(ctx, sa, cur.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.ID == cur.ID || got.Version != 2 || got.Used || !got.Draft || got.Rules.Disiplin.TKPerDay != 400 {
		t.Fatalf("new version: %+v", got)
	}
	if now, _ := s.RuleSetFor(ctx, nov2026); now.ID != cur.ID {
		t.Fatalf("a draft version is in force: v%d", now.Version)
	}
	if got, err = s.SaveRuleSet(ctx, sa, got.ID, r); err != nil || got.Rules.Disiplin.TKPerDay != 500 {
		t.Fatalf("edit of the new version: %v %+v", err, got.Rules.Disiplin)
	}
	old, _ := s.RuleSet(ctx, cur.ID)
	if old.Rules.Disiplin.TKPerDay != 400 {
		t.Fatal("used version changed")
	}
	if now, _ := s.RuleSetFor(ctx, nov2026); now.Version != 2 {
		t.Fatalf("in force = v%d", now.Version)
	}
	if n := f.scalar(`SELECT count(*) FROM audit_log WHERE action = 'tpp.aturan_versi_baru'`); n != 1 {
		t.Fatal("no audit")
	}
}

// TestRuleSetEditRacingAComputation: an edit of a version saved while a
// computation with it runs either commits first (and the computation is
// refused, to be repeated, unless it read the rules after the edit) or finds
// the version frozen; in no order does a claim end up with a digest its
// stored rules do not give. Two "versi baru"
// at once get two numbers.
func TestRuleSetEditRacingAComputation(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := context.Background()
	budi := f.budi()
	k, a := workedSources(budi)
	s := NewService(f.db, k, a)
	sa, v := f.actor(auth.RoleSuperadmin, 0), f.actor(auth.RoleVerifikator, 0)
	cur, err := s.RuleSetFor(ctx, nov2026)
	if err != nil {
		t.Fatal(err)
	}
	outcomes := map[string]int{}
	for i := range 8 {
		nv, err := s.NewRuleSetVersion(ctx, sa, cur.ID)
		if err != nil {
			t.Fatal(err)
		}
		// Saved once as copied: in force and not used yet, so editable.
		if nv, err = s.SaveRuleSet(ctx, sa, nv.ID, nv.Rules); err != nil || nv.Draft || nv.Used {
			t.Fatalf("put in force: %v %+v", err, nv)
		}
		edit := nv.Rules
		edit.Disiplin.TKPerDay = tpp.BasisPoints(310 + 10*i)
		var wg sync.WaitGroup
		var cerr, serr error
		var c Claim
		wg.Add(2)
		go func() { defer wg.Done(); c, cerr = s.Compute(ctx, v, f.opd, nov2026) }()
		go func() { defer wg.Done(); _, serr = s.SaveRuleSet(ctx, sa, nv.ID, edit) }()
		wg.Wait()
		if cerr != nil && !errors.Is(cerr, apperr.ErrConflict) || serr != nil && !errors.Is(serr, apperr.ErrConflict) {
			t.Fatalf("round %d: compute %v, save %v", i, cerr, serr)
		}
		outcomes[fmt.Sprintf("compute ok %v, save ok %v", cerr == nil, serr == nil)]++
		got, err := s.get(ctx, f.db, c.ID)
		if cerr == nil {
			if err != nil {
				t.Fatal(err)
			}
			if d, err := storedDigest(f.db, got); err != nil || d != got.InputsDigest {
				t.Fatalf("round %d: stored digest %s (%v), claim %s", i, d, err, got.InputsDigest)
			}
		}
		cur = nv
	}
	t.Logf("outcomes: %v", outcomes)
	// Two new versions at once: both made, with different numbers.
	var wg sync.WaitGroup
	got := make([]StoredRuleSet, 2)
	errs := make([]error, 2)
	for i := range 2 {
		wg.Add(1)
		go func() { defer wg.Done(); got[i], errs[i] = s.NewRuleSetVersion(ctx, sa, cur.ID) }()
	}
	wg.Wait()
	if errs[0] != nil || errs[1] != nil || got[0].Version == got[1].Version {
		t.Fatalf("concurrent versi baru: %v %v, versions %d %d", errs[0], errs[1], got[0].Version, got[1].Version)
	}
}
