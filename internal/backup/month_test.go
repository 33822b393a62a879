package backup_test

import (
	"context"
	"fmt"
	"net/url"
	"strings"
	"testing"
	"time"

	"gorm.io/gorm"

	"github.com/ekinerja/ekinerja/internal/auth"
	"github.com/ekinerja/ekinerja/internal/database"
	"github.com/ekinerja/ekinerja/internal/demo"
	"github.com/ekinerja/ekinerja/internal/kinerja"
	"github.com/ekinerja/ekinerja/internal/testdb"
	"github.com/ekinerja/ekinerja/internal/tpp"
	"github.com/ekinerja/ekinerja/internal/tpp/claim"
)

var testHasher = auth.NewHasher(auth.Argon2Params{MemoryKiB: 64, Time: 1, Threads: 1, KeyLen: 32, SaltLen: 16}, 2)

// fullMonth brings the demo regency through a whole month: evidence on file
// (the demo seed), a deleted aktivitas (a gap its sequence must keep), a
// closed month reopened for one employee, logins (sessions), and the TPP of
// three agencies: one paid (draft -> submitted -> verified -> approved ->
// paid, rule set frozen), one approved then reopened, one still a draft.
func fullMonth(t *testing.T, db *gorm.DB) {
	t.Helper()
	ctx := context.Background()
	if _, err := demo.Seed(ctx, db, testHasher); err != nil {
		t.Fatal(err)
	}
	loc, _ := time.LoadLocation("Asia/Jakarta")
	var bukti int64
	db.Raw(`SELECT count(*) FROM aktivitas_bukti`).Scan(&bukti)
	if bukti == 0 {
		t.Fatal("demo seed has no evidence file")
	}
	// The newest aktivitas is deleted: max(id)+1 would issue its id again.
	if err := db.Exec(`DELETE FROM aktivitas WHERE id = (SELECT max(id) FROM aktivitas WHERE status = 'draft')`).Error; err != nil {
		t.Fatal(err)
	}
	logins := map[auth.Role]demo.Login{}
	for _, l := range demo.Logins() {
		logins[l.Role] = l
	}
	svc := auth.NewService(db, testHasher, auth.NewTokens("rahasia-uji-cadangan-yang-cukup-panjang-0123"), time.Hour, 8*time.Hour)
	svc.Configure(auth.Options{Dev: true})
	for _, l := range demo.Logins() {
		if _, err := svc.Login(ctx, auth.LoginRequest{NIP: l.NIP, Password: l.Password, IP: "127.0.0.1", UserAgent: "tes"}); err != nil {
			t.Fatalf("login %s: %v", l.NIP, err)
		}
	}
	actor := func(role auth.Role) (int64, int64) {
		var u struct{ ID, PegawaiID int64 }
		db.Raw(`SELECT u.id, p.id AS pegawai_id FROM users u JOIN pegawai p ON p.id = u.pegawai_id WHERE p.nip = ?`, logins[role].NIP).Scan(&u)
		return u.ID, u.PegawaiID
	}
	vu, vp := actor(auth.RoleVerifikator)
	au, ap := actor(auth.RoleAdminOPD)
	var dinkes, bkpsdm, bpkad int64
	db.Raw(`SELECT id FROM opd WHERE kode = 'DINKES'`).Scan(&dinkes)
	db.Raw(`SELECT id FROM opd WHERE kode = 'BKPSDM'`).Scan(&bkpsdm)
	db.Raw(`SELECT id FROM opd WHERE kode = 'BPKAD'`).Scan(&bpkad)
	verif := claim.Actor{UserID: vu, PegawaiID: vp, NIP: logins[auth.RoleVerifikator].NIP, IP: "127.0.0.1", Role: auth.RoleVerifikator}
	admin := claim.Actor{UserID: au, PegawaiID: ap, NIP: logins[auth.RoleAdminOPD].NIP, IP: "127.0.0.1", Role: auth.RoleAdminOPD, OPDID: dinkes}

	// A month whose kinerja is closed, reopened for the demo pegawai.
	now := time.Now().In(loc)
	closed := time.Date(now.Year(), now.Month()-2, 1, 0, 0, 0, 0, loc)
	ks := kinerja.NewStore(db, loc)
	if err := ks.ReopenMonth(ctx, kinerja.Actor{UserID: vu, PegawaiID: vp, NIP: verif.NIP, Role: auth.RoleVerifikator, IP: "127.0.0.1"},
		logins[auth.RolePegawai].NIP, closed, "Koreksi aktivitas yang tertinggal"); err != nil {
		t.Fatalf("reopen kinerja month: %v", err)
	}

	k, at := claim.StoreSources(db, loc)
	s := claim.NewService(db, k, at)
	p := tpp.Period{Year: closed.Year(), Month: int(closed.Month())}
	must := func(c claim.Claim, err error) claim.Claim {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	paid := must(s.Compute(ctx, verif, dinkes, p))
	must(s.Submit(ctx, admin, paid.ID, claim.Ack{Confirmed: true}))
	must(s.Verify(ctx, verif, paid.ID, claim.Ack{Confirmed: true}))
	must(s.Approve(ctx, verif, paid.ID, claim.Ack{Confirmed: true}))
	must(s.Pay(ctx, verif, paid.ID, claim.Payment{Date: time.Now(), SP2D: "SP2D-0001/2026"}, claim.Ack{Confirmed: true}))

	reopened := must(s.Compute(ctx, verif, bkpsdm, p))
	adminB := admin
	adminB.OPDID = bkpsdm
	must(s.Submit(ctx, adminB, reopened.ID, claim.Ack{Confirmed: true}))
	must(s.Verify(ctx, verif, reopened.ID, claim.Ack{Confirmed: true}))
	must(s.Approve(ctx, verif, reopened.ID, claim.Ack{Confirmed: true}))
	must(s.Reopen(ctx, verif, reopened.ID, "Golongan satu pegawai salah; dihitung ulang"))
	must(s.Compute(ctx, verif, bpkad, p)) // a draft

	var st []string
	db.Raw(`SELECT status FROM tpp_claim ORDER BY id`).Scan(&st)
	if strings.Join(st, ",") != "paid,draft,draft" {
		t.Fatalf("claims after the month: %v", st)
	}
}

// ownerDB makes an empty database owned by a fresh LOGIN role that is not a
// superuser (CREATEROLE only, which migration 0120's role setup needs),
// and returns it connected as that role with the role's name.
func ownerDB(t *testing.T) (*gorm.DB, string) {
	t.Helper()
	ctx := context.Background()
	u, _ := url.Parse(testdb.NewURL(t))
	admin, err := database.Open(ctx, u.String())
	if err != nil {
		t.Fatal(err)
	}
	suffix := testdb.Suffix(u.String())
	role, name := testdb.Prefix()+"owner_"+suffix, testdb.Prefix()+"restore_"+suffix
	for _, q := range []string{
		fmt.Sprintf(`CREATE ROLE %q LOGIN NOSUPERUSER CREATEROLE NOCREATEDB`, role),
		fmt.Sprintf(`CREATE DATABASE %q OWNER %q`, name, role),
		fmt.Sprintf(`REVOKE ALL ON DATABASE %q FROM PUBLIC`, name),
	} {
		if err := admin.Exec(q).Error; err != nil {
			t.Fatal(err)
		}
	}
	t.Cleanup(func() {
		admin.Exec(fmt.Sprintf(`DROP DATABASE IF EXISTS %q WITH (FORCE)`, name))
		testdb.DropRole(admin, "ekinerja_app_"+name) // made by migrate up / restore (0120)
		admin.Exec(fmt.Sprintf(`DROP ROLE IF EXISTS %q`, role))
		database.Close(admin)
	})
	u.Path = "/" + name
	u.User = url.User(role)
	db, err := database.Open(ctx, u.String())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { database.Close(db) })
	var super bool
	if err := db.Raw(`SELECT rolsuper FROM pg_roles WHERE rolname = current_user`).Scan(&super).Error; err != nil || super {
		t.Fatalf("restore role is a superuser (%v, %v)", super, err)
	}
	return db, role
}
