package claim_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/ekinerja/ekinerja/internal/attendance"
	"github.com/ekinerja/ekinerja/internal/auth"
	"github.com/ekinerja/ekinerja/internal/demo"
	"github.com/ekinerja/ekinerja/internal/testdb"
	"github.com/ekinerja/ekinerja/internal/tpp"
	"github.com/ekinerja/ekinerja/internal/tpp/claim"
)

// The real kinerja and attendance stores feed the computation: the demo
// pegawai's rated month (Baik) and imported fingerprints (1 TK, 2 x TL2)
// come out as the spec's lines.
func TestStoreSourcesFeedTheComputation(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := testdb.New(t)
	if _, err := demo.Seed(ctx, db, auth.NewHasher(auth.Argon2Params{MemoryKiB: 64, Time: 1, Threads: 1, KeyLen: 32, SaltLen: 16}, 2)); err != nil {
		t.Fatal(err)
	}
	loc, _ := time.LoadLocation("Asia/Jakarta")
	now := time.Now().In(loc)
	last := time.Date(now.Year(), now.Month(), 1, 0, 0, 0, 0, time.UTC).AddDate(0, -1, 0)

	var pegawai demo.Login
	for _, l := range demo.Logins() {
		if l.Role == auth.RolePegawai {
			pegawai = l
		}
	}
	var pegawaiID, opdID int64
	db.Raw(`SELECT id, opd_id FROM pegawai WHERE nip = ?`, pegawai.NIP).Row().Scan(&pegawaiID, &opdID)

	// Every weekday on time, but for one absent day and two 45-minute late arrivals.
	var csv strings.Builder
	csv.WriteString("nip,tanggal,jam_masuk,jam_pulang\n")
	var special []time.Time
	for d := last; d.Month() == last.Month(); d = d.AddDate(0, 0, 1) {
		if d.Weekday() == time.Saturday || d.Weekday() == time.Sunday {
			continue
		}
		var holiday int64
		db.Raw(`SELECT count(*) FROM hari_libur WHERE tanggal = ?`, d.Format(time.DateOnly)).Scan(&holiday)
		if holiday > 0 {
			continue
		}
		in, out := "07:25", "16:05"
		if d.Weekday() == time.Friday {
			out = "16:35"
		}
		if len(special) < 3 {
			special = append(special, d)
			if len(special) == 1 {
				continue // no record at all: TK
			}
			in = "08:15" // 45 minutes late: TL2
		}
		fmt.Fprintf(&csv, "%s,%s,%s,%s\n", pegawai.NIP, d.Format(time.DateOnly), in, out)
	}
	rep, err := attendance.NewStore(db, loc).Import(ctx, attendance.ImportInput{OPDID: opdID, FileName: "uji.csv", Body: strings.NewReader(csv.String())})
	if err != nil || !rep.Applied {
		t.Fatalf("import: %+v %v", rep, err)
	}

	// The atasan (no fingerprints) had one approved day of unpaid leave
	// (luar tanggungan negara): the leave the attendance store judges
	// reaches the computation, which flags it on the row.
	const atasanNIP = "198010152005042028"
	if err := db.Exec(`INSERT INTO cuti (pegawai_id, jenis, mulai, selesai, status, diajukan_oleh, diputus_oleh, diputus_at)
SELECT id, 'luar_tanggungan_negara', ?::date, ?::date, 'disetujui', 1, 1, now() FROM pegawai WHERE nip = ?`,
		special[1].Format(time.DateOnly), special[1].Format(time.DateOnly), atasanNIP).Error; err != nil {
		t.Fatal(err)
	}

	kin, att := claim.StoreSources(db, loc)
	svc := claim.NewService(db, kin, att)
	actor := claim.Actor{Role: auth.RoleVerifikator, NIP: "196911231994051005", UserID: 1}
	c, err := svc.Compute(ctx, actor, opdID, tpp.Period{Year: last.Year(), Month: int(last.Month())})
	if err != nil {
		t.Fatal(err)
	}
	rows, err := svc.Rows(ctx, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, r := range rows {
		if r.PegawaiID == pegawaiID {
			// Kelas 7 in the demo table: Rp 3.750.000; 60/40 split.
			if r.Base != 3_750_000 || r.Produktivitas != 2_250_000 {
				t.Errorf("base %d produktivitas %d: the Baik rating did not reach the computation", r.Base, r.Produktivitas)
			}
			// 1.500.000 - (3% + 2 x 1%) x 1.500.000 = 1.425.000
			if r.Disiplin != 1_425_000 {
				t.Errorf("disiplin = %d, want 1425000 (1 TK + 2 TL2 from the imported fingerprints)", r.Disiplin)
			}
			if r.Warnings != "" {
				t.Errorf("unexpected warnings: %s", r.Warnings)
			}
			found = true
		} else if r.NIP == atasanNIP { // the atasan: no fingerprints imported at all
			if !strings.Contains(r.Warnings, claim.WarnNoPresence) {
				t.Errorf("atasan without any fingerprint: warnings %q", r.Warnings)
			}
			if !strings.Contains(r.Warnings, "Cuti di luar tanggungan negara") {
				t.Errorf("atasan's approved unpaid leave did not reach the computation: warnings %q", r.Warnings)
			}
		}
	}
	if !found {
		t.Fatal("the demo pegawai has no row in the claim")
	}
}
