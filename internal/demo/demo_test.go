package demo_test

import (
	"context"
	"testing"
	"time"

	"github.com/ekinerja/ekinerja/internal/auth"
	"github.com/ekinerja/ekinerja/internal/demo"
	"github.com/ekinerja/ekinerja/internal/org"
	"github.com/ekinerja/ekinerja/internal/testdb"
)

var fast = auth.Argon2Params{MemoryKiB: 64, Time: 1, Threads: 1, KeyLen: 32, SaltLen: 16}

func TestSeedIsValidAndIdempotent(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := testdb.New(t)
	h := auth.NewHasher(fast, 2)
	res, err := demo.Seed(ctx, db, h)
	if err != nil || !res.Created || res.OPD != 3 || res.Pegawai < 55 || res.Pegawai > 70 {
		t.Fatalf("first seed: %+v %v", res, err)
	}
	snapshot := func() map[string]int64 {
		m := map[string]int64{}
		for _, tbl := range []string{"opd", "jabatan", "pegawai", "riwayat_jabatan", "users", "user_roles", "audit_log"} {
			var n int64
			if err := db.Raw("SELECT count(*) FROM " + tbl).Scan(&n).Error; err != nil {
				t.Fatal(err)
			}
			m[tbl] = n
		}
		return m
	}
	before := snapshot()
	res2, err := demo.Seed(ctx, db, h)
	if err != nil || res2.Created {
		t.Fatalf("second seed: %+v %v", res2, err)
	}
	after := snapshot()
	for k, v := range before {
		if after[k] != v {
			t.Errorf("%s: %d rows before, %d after a second seed", k, v, after[k])
		}
	}

	// Every NIP is valid, and every demo login exists with its role.
	var nips []string
	db.Raw(`SELECT nip FROM pegawai`).Scan(&nips)
	for _, n := range nips {
		if _, err := org.ParseNIP(n); err != nil {
			t.Errorf("seeded NIP %s invalid: %v", n, err)
		}
	}
	for _, l := range demo.Logins() {
		var n int64
		db.Raw(`SELECT count(*) FROM users u JOIN user_roles r ON r.user_id = u.id WHERE u.nip = ? AND r.role = ?`, l.NIP, string(l.Role)).Scan(&n)
		if n != 1 {
			t.Errorf("demo login %s (%s) missing", l.NIP, l.Role)
		}
	}

	// The hierarchy: the demo atasan supervises the demo pegawai.
	var atasanID, pegawaiID int64
	db.Raw(`SELECT pegawai_id FROM users WHERE nip = ?`, login(t, auth.RoleAtasan).NIP).Scan(&atasanID)
	db.Raw(`SELECT pegawai_id FROM users WHERE nip = ?`, login(t, auth.RolePegawai).NIP).Scan(&pegawaiID)
	subs, err := org.NewStore(db).SubordinateIDs(ctx, atasanID, seedDay)
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, s := range subs {
		found = found || s == pegawaiID
	}
	if !found || len(subs) != 4 {
		t.Errorf("atasan subordinates = %v, want 4 including %d", subs, pegawaiID)
	}
}

func login(t *testing.T, r auth.Role) demo.Login {
	for _, l := range demo.Logins() {
		if l.Role == r {
			return l
		}
	}
	t.Fatalf("no login for %s", r)
	return demo.Login{}
}

var seedDay = time.Date(2026, 10, 15, 0, 0, 0, 0, time.UTC)
