package web

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/ekinerja/ekinerja/internal/auth"
	"github.com/ekinerja/ekinerja/internal/config"
	"github.com/ekinerja/ekinerja/internal/demo"
	"github.com/ekinerja/ekinerja/internal/kinerja"
	"github.com/ekinerja/ekinerja/internal/stores"
	"github.com/ekinerja/ekinerja/internal/testdb"
	"github.com/ekinerja/ekinerja/static"
)

// BenchmarkKinerjaReviewQueue renders the review queue of an atasan with 30
// direct subordinates and 1,000 pending aktivitas: the whole request
// (session check, scope, one query, templ rendering) against PostgreSQL.
// Target: under 100 ms per op (ns/op < 100,000,000).
func BenchmarkKinerjaReviewQueue(b *testing.B) {
	ctx := context.Background()
	db := testdb.New(b)
	hasher := auth.NewHasher(fastArgon2, 1)
	if _, err := demo.Seed(ctx, db, hasher); err != nil {
		b.Fatal(err)
	}
	const password = "Atasan!Bench2026"
	hash, err := hasher.Hash(ctx, password)
	if err != nil {
		b.Fatal(err)
	}
	var nip string
	// A Kepala Bidang with 30 staff, each with an SKP and one RHK, and
	// 1,000 submitted aktivitas spread over them and the last 20 days.
	err = db.Exec(`
WITH o AS (SELECT id FROM opd WHERE kode = 'DINKES'),
top AS (SELECT id FROM jabatan WHERE kode = 'DINKES-01'),
bj AS (INSERT INTO jabatan (opd_id, kode, nama, jenis, kelas, atasan_jabatan_id)
       SELECT o.id, 'BENCH-00', 'Kepala Bidang Uji Beban', 'struktural', 11, top.id FROM o, top RETURNING id, opd_id),
bp AS (INSERT INTO pegawai (nip, nama, status_asn, golongan, opd_id) SELECT '199912312024011000', 'Kepala Uji Beban', 'PNS', 'IV/a', opd_id FROM bj RETURNING id),
br AS (INSERT INTO riwayat_jabatan (pegawai_id, jabatan_id, mulai) SELECT bp.id, bj.id, DATE '2024-01-01' FROM bp, bj),
sj AS (INSERT INTO jabatan (opd_id, kode, nama, jenis, kelas, atasan_jabatan_id)
       SELECT bj.opd_id, 'BENCH-' || lpad(i::text, 2, '0'), 'Staf Uji ' || i, 'pelaksana', 6, bj.id FROM bj, generate_series(1, 30) i RETURNING id, kode, opd_id),
sp AS (INSERT INTO pegawai (nip, nama, status_asn, golongan, opd_id)
       SELECT '19991231202401' || '1' || lpad(substr(kode, 7), 3, '0'), 'Staf Uji ' || substr(kode, 7), 'PNS', 'II/c', opd_id FROM sj RETURNING id, nip)
INSERT INTO riwayat_jabatan (pegawai_id, jabatan_id, mulai)
SELECT sp.id, sj.id, DATE '2024-01-01' FROM sp JOIN sj ON right(sp.nip, 2) = right(sj.kode, 2)`).Error
	if err != nil {
		b.Fatal(err)
	}
	err = db.Exec(`
INSERT INTO skp (pegawai_id, tahun, status) SELECT id, extract(year FROM current_date)::int, 'agreed' FROM pegawai WHERE nama LIKE 'Staf Uji %';
INSERT INTO rhk (skp_id, uraian) SELECT k.id, 'RHK uji ' || p.nama FROM skp k JOIN pegawai p ON p.id = k.pegawai_id WHERE p.nama LIKE 'Staf Uji %';
INSERT INTO aktivitas (pegawai_id, rhk_id, tanggal, uraian, output_jumlah, output_satuan, menit, status, submitted_at)
SELECT s.pegawai_id, s.rhk_id, current_date - (i % 20), 'Aktivitas uji beban nomor ' || i, 1 + i % 5, 'dokumen', 15 + i % 60, 'submitted', now()
FROM generate_series(1, 1000) i
JOIN (SELECT row_number() OVER (ORDER BY k.pegawai_id) - 1 AS n, k.pegawai_id, r.id AS rhk_id FROM skp k JOIN rhk r ON r.skp_id = k.id
      JOIN pegawai p ON p.id = k.pegawai_id WHERE p.nama LIKE 'Staf Uji %') s ON s.n = i % 30`).Error
	if err != nil {
		b.Fatal(err)
	}
	if err := db.Raw(`WITH u AS (INSERT INTO users (pegawai_id, nip, password_hash) SELECT id, nip, ? FROM pegawai WHERE nama = 'Kepala Uji Beban' RETURNING id, nip),
r AS (INSERT INTO user_roles (user_id, role) SELECT id, x FROM u, unnest(ARRAY['pegawai', 'atasan']) x) SELECT nip FROM u`, hash).Scan(&nip).Error; err != nil {
		b.Fatal(err)
	}
	cfg, err := config.Load(func(k string) string { return map[string]string{"EKINERJA_ENV": "dev"}[k] })
	if err != nil {
		b.Fatal(err)
	}
	svc := auth.NewService(db, hasher, auth.NewTokens(cfg.Secret), cfg.SessionIdle, cfg.SessionMax)
	svc.Configure(auth.Options{Dev: cfg.Dev(), Secret: cfg.Secret}) // dev: two-factor optional, as in the demo
	srv, err := New(Deps{Config: cfg, Stores: testStores(b, db, cfg, stores.Sources{}), Log: slog.New(slog.NewJSONHandler(io.Discard, nil)), Auth: svc, Static: static.FS, Version: "bench"})
	if err != nil {
		b.Fatal(err)
	}
	res, err := svc.Login(ctx, auth.LoginRequest{NIP: nip, Password: password, IP: "127.0.0.1"})
	if err != nil {
		b.Fatal(err)
	}
	get := func() *httptest.ResponseRecorder {
		req := httptest.NewRequest(http.MethodGet, "/kinerja/tinjau", nil)
		req.Header.Set("Authorization", "Bearer "+res.Token)
		w := httptest.NewRecorder()
		srv.Handler().ServeHTTP(w, req)
		return w
	}
	w := get()
	if w.Code != http.StatusOK || strings.Count(w.Body.String(), `name="pilih"`) < 1000/30*kinerja.QueuePeoplePerPage ||
		strings.Count(w.Body.String(), "<h2>Staf Uji") != kinerja.QueuePeoplePerPage { // the queue's first page
		b.Fatalf("queue: status %d, %d items, %d people", w.Code, strings.Count(w.Body.String(), `name="pilih"`), strings.Count(w.Body.String(), "<h2>Staf Uji"))
	}
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		if w := get(); w.Code != http.StatusOK {
			b.Fatal(w.Code)
		}
	}
}
