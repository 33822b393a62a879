package org

import (
	"context"
	"testing"
	"time"

	"github.com/ekinerja/ekinerja/internal/snapshot"
	"github.com/ekinerja/ekinerja/internal/testdb"
)

// TestHeaderIdentityCache: the header's identity is read once per
// HeaderTTL; a change through SetIdentity shows at once, a change written
// by another server (here: straight into the table) once the TTL is over;
// a Store inside a transaction reads afresh.
func TestHeaderIdentityCache(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := testdb.New(t)
	s := NewStore(db)
	set := func(nama string) {
		t.Helper()
		if err := db.Exec(`UPDATE identitas SET nama = ? WHERE id = 1`, nama).Error; err != nil {
			t.Fatal(err)
		}
	}
	header := func(want string) {
		t.Helper()
		id, err := s.HeaderIdentity(ctx)
		if err != nil || id.Nama != want {
			t.Fatalf("HeaderIdentity = %q, %v; want %q", id.Nama, err, want)
		}
	}
	set("Kabupaten Satu")
	header("Kabupaten Satu")
	set("Kabupaten Dua") // another server's change
	header("Kabupaten Satu")
	if id, err := s.Identity(ctx); err != nil || id.Nama != "Kabupaten Dua" {
		t.Fatalf("Identity (uncached) = %q, %v", id.Nama, err)
	}
	// The TTL running out, on the cache's own clock (a sleep against a
	// short TTL failed on a loaded machine: the write in between took longer).
	clock := time.Date(2026, time.December, 1, 8, 0, 0, 0, time.UTC)
	s.header = snapshot.NewClocked[struct{}, Identity](HeaderTTL, func() time.Time { return clock })
	header("Kabupaten Dua")
	set("Kabupaten Dua Lagi")
	clock = clock.Add(HeaderTTL - time.Millisecond)
	header("Kabupaten Dua")
	clock = clock.Add(time.Millisecond)
	header("Kabupaten Dua Lagi")
	s.header = snapshot.New[struct{}, Identity](HeaderTTL)
	header("Kabupaten Dua Lagi")

	if err := s.SetIdentity(ctx, Actor{UserID: 1, NIP: "test", IP: "127.0.0.1"}, "Kabupaten Tiga", nil); err != nil {
		t.Fatal(err)
	}
	header("Kabupaten Tiga")

	// Inside a transaction the store reads afresh.
	set("Kabupaten Empat")
	if id, err := s.In(db).HeaderIdentity(ctx); err != nil || id.Nama != "Kabupaten Empat" {
		t.Fatalf("In(tx).HeaderIdentity = %q, %v", id.Nama, err)
	}

}
