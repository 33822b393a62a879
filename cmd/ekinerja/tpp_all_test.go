package main

import (
	"bytes"
	"context"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"gorm.io/gorm"

	"github.com/ekinerja/ekinerja/internal/auth"
	"github.com/ekinerja/ekinerja/internal/database"
	"github.com/ekinerja/ekinerja/internal/demo"
	"github.com/ekinerja/ekinerja/internal/testdb"
	"github.com/ekinerja/ekinerja/internal/tpp"
	"github.com/ekinerja/ekinerja/internal/tpp/claim"
)

// TestTPPComputeAll: `tpp compute --all --month M` computes the monthly claim
// of every active OPD in one process, one line each with its employees and
// net total as stored; a claim already submitted is skipped with the reason
// and the others are still computed; --all with --opd is refused.
func TestTPPComputeAll(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	url := testdb.NewURL(t)
	db, err := database.Open(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { database.Close(db) })
	if _, err := demo.Seed(ctx, db, auth.NewHasher(auth.Argon2Params{MemoryKiB: 64, Time: 1, Threads: 1, KeyLen: 32, SaltLen: 16}, 2)); err != nil {
		t.Fatal(err)
	}
	var ids []int64
	db.Raw(`SELECT id FROM pegawai`).Scan(&ids)
	opts := options{tppSources: func(*gorm.DB) (claim.KinerjaSource, claim.AttendanceSource) {
		return fakeKinerja{ids: ids}, fakeAttendance{ids: ids, worked: ids[0]}
	}}
	env := map[string]string{"DATABASE_URL": url, "EKINERJA_ENV": "production", "EKINERJA_SECRET": "rahasia-produksi-uji-yang-panjang-sekali-1234"}
	cli := func(args ...string) (int, string) {
		var out, errb bytes.Buffer
		code := runWith(args, func(k string) string { return env[k] }, &out, &errb, opts)
		return code, out.String() + errb.String()
	}
	var opds []struct {
		ID   int64
		Kode string
	}
	db.Raw(`SELECT id, kode FROM opd WHERE aktif ORDER BY kode`).Scan(&opds)
	if len(opds) < 2 {
		t.Fatalf("demo OPDs: %v", opds)
	}
	stored := func(kode string) claim.Claim {
		t.Helper()
		c, err := claim.NewService(db, nil, nil).FindByKode(ctx, kode, mustPeriod(t, "2026-10"))
		if err != nil {
			t.Fatalf("%s: %v", kode, err)
		}
		return c
	}

	code, out := cli("tpp", "compute", "--all", "--month", "2026-10")
	if code != 0 {
		t.Fatalf("compute --all: %d\n%s", code, out)
	}
	for _, o := range opds {
		c := stored(o.Kode)
		if c.ComputedAt.IsZero() || c.Employees == 0 {
			t.Fatalf("%s not computed: %+v", o.Kode, c)
		}
		line := regexp.MustCompile(`(?m)^` + regexp.QuoteMeta(o.Kode) + ` +` + regexp.QuoteMeta(tpp.FormatNumber(int64(c.Employees))) + ` +` + regexp.QuoteMeta(tpp.Rupiah(c.TotalNet).String()) + ` `)
		if !line.MatchString(out) {
			t.Fatalf("no line for %s with %d pegawai and %s:\n%s", o.Kode, c.Employees, tpp.Rupiah(c.TotalNet), out)
		}
	}
	if !regexp.MustCompile(`JUMLAH ` + regexp.QuoteMeta(strconv.Itoa(len(opds))) + ` OPD`).MatchString(out) {
		t.Fatalf("no total line:\n%s", out)
	}

	// The first OPD's claim is submitted: the next run skips it, computes the rest.
	first := stored(opds[0].Kode)
	if _, err := claim.NewService(db, nil, nil).Submit(ctx, claim.Actor{NIP: "uji", Role: auth.RoleAdminOPD, OPDID: opds[0].ID}, first.ID, claim.Ack{Confirmed: true}); err != nil {
		t.Fatal(err)
	}
	before := stored(opds[1].Kode).ComputedAt
	code, out = cli("tpp", "compute", "--all", "--month", "2026-10")
	if code != 0 {
		t.Fatalf("compute --all with a submitted claim: %d\n%s", code, out)
	}
	if !regexp.MustCompile(`(?m)^` + regexp.QuoteMeta(opds[0].Kode) + ` .*dilewati: .+`).MatchString(out) {
		t.Fatalf("submitted claim of %s not skipped with a reason:\n%s", opds[0].Kode, out)
	}
	if after := stored(opds[1].Kode).ComputedAt; !after.After(before) {
		t.Fatalf("%s not recomputed by the second run", opds[1].Kode)
	}
	if st := stored(opds[0].Kode).Status; st != claim.StatusSubmitted {
		t.Fatalf("submitted claim of %s now %s", opds[0].Kode, st)
	}

	if code, out := cli("tpp", "compute", "--all", "--opd", opds[0].Kode, "--month", "2026-10"); code == 0 || !strings.Contains(out, "--all dan --opd") {
		t.Fatalf("--all with --opd: %d %s", code, out)
	}
}
