package main

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"testing"

	"gorm.io/gorm"

	"github.com/ekinerja/ekinerja/internal/auth"
	"github.com/ekinerja/ekinerja/internal/database"
	"github.com/ekinerja/ekinerja/internal/demo"
	"github.com/ekinerja/ekinerja/internal/testdb"
	"github.com/ekinerja/ekinerja/internal/tpp/claim"
)

// TestTPPSimulasiCommandLine: `ekinerja tpp simulasi` runs a draft version
// (kelas 9 raised to Rp 6.000.000) against DINKES's October 2026 claim
// computed by the command line. By hand the worked example goes from
// Rp 4.606.000 to 5.527.200 (gross 5.880.000 - PPh 294.000 - BPJS 58.800),
// the only kelas 9 post; the version in force is refused.
func TestTPPSimulasiCommandLine(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	url, drop, err := testdb.Create(ctx)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(drop)
	db, err := database.Open(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { database.Close(db) })
	if _, err := demo.Seed(ctx, db, auth.NewHasher(auth.Argon2Params{MemoryKiB: 64, Time: 1, Threads: 1, KeyLen: 32, SaltLen: 16}, 2)); err != nil {
		t.Fatal(err)
	}
	var worked int64
	nip := demo.Logins()[0].NIP
	db.Raw(`SELECT id FROM pegawai WHERE nip = ?`, nip).Scan(&worked)
	for _, q := range []string{
		`UPDATE pegawai SET golongan = 'III/c', status_asn = 'PNS' WHERE id = ?`,
		`UPDATE jabatan SET kelas = 9 WHERE id = (SELECT jabatan_id FROM riwayat_jabatan WHERE pegawai_id = ?)`,
		`UPDATE jabatan SET kelas = 8 WHERE kelas = 9 AND id NOT IN (SELECT jabatan_id FROM riwayat_jabatan WHERE pegawai_id = ?)`,
	} {
		if err := db.Exec(q, worked).Error; err != nil {
			t.Fatal(err)
		}
	}
	var ids []int64
	db.Raw(`SELECT id FROM pegawai`).Scan(&ids)
	opts := options{tppSources: func(*gorm.DB) (claim.KinerjaSource, claim.AttendanceSource) {
		return fakeKinerja{ids: ids}, fakeAttendance{ids: ids, worked: worked}
	}}
	env := map[string]string{"DATABASE_URL": url, "EKINERJA_ENV": "production", "EKINERJA_SECRET": "rahasia-produksi-uji-yang-panjang-sekali-1234"}
	cli := func(args ...string) (int, string) {
		var out, errb bytes.Buffer
		code := runWith(args, func(k string) string { return env[k] }, &out, &errb, opts)
		return code, out.String() + errb.String()
	}
	if code, out := cli("tpp", "compute", "--opd", "DINKES", "--month", "2026-10"); code != 0 {
		t.Fatalf("compute: %d %s", code, out)
	}
	s := claim.NewService(db, nil, nil)
	v2, err := s.NewRuleSetVersion(ctx, cliSuper, 1)
	if err != nil {
		t.Fatal(err)
	}
	if err := db.Exec(`UPDATE tpp_rule_set SET params = jsonb_set(params, '{base,table,8}', '6000000') WHERE id = ?`, v2.ID).Error; err != nil {
		t.Fatal(err)
	}
	code, out := cli("tpp", "simulasi", "--version", "2", "--month", "2026-10", "--months", "1")
	if code != 0 || !strings.Contains(out, nip+" ") || !strings.Contains(out, "Rp 4.606.000 -> Rp 5.527.200 (Rp 921.200)") {
		t.Fatalf("simulasi: %d\n%s", code, out)
	}
	code, out = cli("tpp", "simulasi", "--version", "2", "--month", "2026-10", "--json")
	var sim claim.Simulation
	if err := json.Unmarshal([]byte(out), &sim); code != 0 || err != nil || sim.Total.Difference() != 921_200 || sim.Months != 12 || len(sim.Gainers) != 1 {
		t.Fatalf("simulasi --json: %d %v %+v", code, err, sim.Total)
	}
	if code, out := cli("tpp", "simulasi", "--version", "1", "--month", "2026-10"); code == 0 || !strings.Contains(out, "sudah berlaku") {
		t.Fatalf("the version in force simulated: %d %s", code, out)
	}
	var n int64
	db.Raw(`SELECT count(*) FROM audit_log WHERE action = 'tpp.simulasi'`).Scan(&n)
	if n != 2 {
		t.Fatalf("%d simulation audit rows", n)
	}
}
