package demo_test

import (
	"context"
	"testing"
	"time"

	"gorm.io/gorm"

	"github.com/ekinerja/ekinerja/internal/auth"
	"github.com/ekinerja/ekinerja/internal/demo"
	"github.com/ekinerja/ekinerja/internal/org"
	"github.com/ekinerja/ekinerja/internal/testdb"
)

var fastArgon2 = auth.Argon2Params{MemoryKiB: 64, Time: 1, Threads: 1, KeyLen: 32, SaltLen: 16}

func fingerprint(t *testing.T, db *gorm.DB) string {
	var s string
	if err := db.Raw(`SELECT md5(string_agg(p.nip || p.nama || p.golongan || j.kode, ',' ORDER BY p.nip)) FROM pegawai p
JOIN riwayat_jabatan rj ON rj.pegawai_id = p.id JOIN jabatan j ON j.id = rj.jabatan_id`).Scan(&s).Error; err != nil {
		t.Fatal(err)
	}
	return s
}

func TestGenerate5000IsPlausibleAndDeterministic(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	h := auth.NewHasher(fastArgon2, 2)
	var prints []string
	for i := 0; i < 2; i++ {
		db := testdb.New(t)
		start := time.Now()
		res, err := demo.Generate(ctx, db, h, demo.GenerateOptions{Employees: 5000, Seed: 42})
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("generated %d OPD, %d pegawai in %v", res.OPD, res.Pegawai, time.Since(start))
		var n struct {
			OPD, Pegawai, Invalid, NoPost int64
		}
		db.Raw(`SELECT (SELECT count(*) FROM opd) AS opd, (SELECT count(*) FROM pegawai) AS pegawai,
  (SELECT count(*) FROM pegawai p WHERE NOT EXISTS (SELECT 1 FROM riwayat_jabatan rj WHERE rj.pegawai_id = p.id)) AS no_post, 0 AS invalid`).Scan(&n)
		if n.OPD != 40 || n.Pegawai != 5000 || n.NoPost != 0 {
			t.Fatalf("counts %+v", n)
		}
		var nips []string
		db.Raw(`SELECT nip FROM pegawai`).Scan(&nips)
		for _, s := range nips {
			if _, err := org.ParseNIP(s); err != nil {
				t.Fatalf("invalid NIP %s: %v", s, err)
			}
		}
		// Every generated non-head employee has a supervisor.
		var heads int64
		db.Raw(`SELECT count(*) FROM jabatan WHERE atasan_jabatan_id IS NULL`).Scan(&heads)
		if heads != 40 {
			t.Fatalf("%d positions without a supervising post, want one head per OPD", heads)
		}
		// The demo logins still work as before.
		if l := demo.Logins(); len(l) != 5 {
			t.Fatalf("logins %v", l)
		}
		prints = append(prints, fingerprint(t, db))
		// A second run changes nothing.
		if res, err := demo.Generate(ctx, db, h, demo.GenerateOptions{Employees: 5000, Seed: 42}); err != nil || res.Created {
			t.Fatalf("second run: %+v %v", res, err)
		}
	}
	if prints[0] != prints[1] {
		t.Fatal("same seed, different regency")
	}
}

func TestGenerateDefaultIsTheDemo(t *testing.T) {
	t.Parallel()
	db := testdb.New(t)
	res, err := demo.Generate(context.Background(), db, auth.NewHasher(fastArgon2, 2), demo.GenerateOptions{Employees: demo.DefaultEmployees, Seed: 1})
	if err != nil || res.OPD != 3 || res.Pegawai != 63 {
		t.Fatalf("res %+v err %v", res, err)
	}
}
