package notify

import (
	"context"
	"testing"

	"github.com/ekinerja/ekinerja/internal/testdb"
)

// TestAddIsIdempotentPerKeyAndQueuesOnlyWhereWanted: one inbox row per
// person, a keyed note once per person, e-mail queued only for people with
// an address who keep the kind on, and never for a digest kind.
func TestAddIsIdempotentPerKeyAndQueuesOnlyWhereWanted(t *testing.T) {
	t.Parallel()
	db := testdb.New(t)
	ctx := context.Background()
	var users []int64
	for _, nip := range []string{"199001012020011001", "199001012020011002", "199001012020011003"} {
		var id int64
		if err := db.Raw(`WITH o AS (INSERT INTO opd (kode, nama, singkatan) VALUES (?, 'OPD', 'O') RETURNING id),
p AS (INSERT INTO pegawai (nip, nama, status_asn, golongan, opd_id) SELECT ?, 'Nama', 'PNS', 'III/a', id FROM o RETURNING id)
INSERT INTO users (pegawai_id, nip, password_hash) SELECT id, ?, 'x' FROM p RETURNING id`, "O"+nip[14:], nip, nip).Scan(&id).Error; err != nil {
			t.Fatal(err)
		}
		users = append(users, id)
	}
	st := NewStore(db)
	if err := st.SaveSettings(ctx, Actor{UserID: users[0]}, "a@example.go.id", Kinds); err != nil {
		t.Fatal(err)
	}
	if err := st.SaveSettings(ctx, Actor{UserID: users[1]}, "b@example.go.id", []Kind{KindClaimPaid}); err != nil {
		t.Fatal(err)
	}
	count := func(q string, args ...any) int {
		var n int
		if err := db.Raw(q, args...).Scan(&n).Error; err != nil {
			t.Fatal(err)
		}
		return n
	}
	for i := 0; i < 2; i++ {
		if err := Add(ctx, db, Note{Users: users, Kind: KindClosingSoon, Title: "Bulan ditutup", Key: "penutupan:2026-10"}); err != nil {
			t.Fatal(err)
		}
	}
	if n := count(`SELECT count(*) FROM notifikasi`); n != 3 {
		t.Errorf("keyed note twice: %d inbox rows, want 3", n)
	}
	if n := count(`SELECT count(*) FROM notifikasi_surel`); n != 1 {
		t.Errorf("closing reminder queued %d e-mails, want 1 (only the person with it on)", n)
	}
	if err := Add(ctx, db, Note{Users: users, Kind: KindClaimWaiting, Title: "Klaim menunggu"}); err != nil {
		t.Fatal(err)
	}
	if n := count(`SELECT count(*) FROM notifikasi_surel`); n != 1 {
		t.Errorf("a digest kind queued e-mail at once (%d)", n)
	}
	if n, err := Digest(ctx, db); err != nil || n != 1 {
		t.Errorf("digest: %d %v, want 1 e-mail (user b has the kind off, c has no address)", n, err)
	}
	if _, err := st.MarkRead(ctx, Actor{UserID: users[1]}, 0); err != nil {
		t.Fatal(err)
	}
	if n, _ := st.UnreadCount(ctx, users[1]); n != 0 {
		t.Errorf("unread after read all: %d", n)
	}
	if n, _ := st.UnreadCount(ctx, users[0]); n != 2 {
		t.Errorf("another person's unread changed: %d", n)
	}
}
