package claim

import (
	"context"
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	"gorm.io/gorm"

	"github.com/ekinerja/ekinerja/internal/auth"
	"github.com/ekinerja/ekinerja/internal/testdb"
	"github.com/ekinerja/ekinerja/internal/tpp"
)

// nov2026 is the worked example's month.
var nov2026 = tpp.Period{Year: 2026, Month: 11}

// fakeKinerja and fakeAttendance stand in for the kinerja and attendance areas.
type fakeKinerja map[int64]KinerjaMonth

func (f fakeKinerja) MonthlySummaries(context.Context, Scope, int, time.Month) (map[int64]KinerjaMonth, error) {
	return f, nil
}

type fakeAttendance struct {
	recaps    map[int64]AttendanceRecap
	sanctions map[int64]Sanction
	leave     map[int64][]Leave
	gotBands  Bands
}

// MonthlyRecaps returns recaps with each employee's leave (from f.leave)
// in it, as the attendance store reads both from one row.
func (f *fakeAttendance) MonthlyRecaps(_ context.Context, _ Scope, _ int, _ time.Month, b Bands) (map[int64]AttendanceRecap, error) {
	f.gotBands = b
	out := make(map[int64]AttendanceRecap, len(f.recaps))
	for id, r := range f.recaps {
		r.Leave = f.leave[id]
		out[id] = r
	}
	return out, nil
}
func (f *fakeAttendance) SanctionsInForce(context.Context, Scope, int, time.Month) (map[int64]Sanction, error) {
	return f.sanctions, nil
}

// fixture is a small regency in a fresh database.
type fixture struct {
	t     *testing.T
	db    *gorm.DB
	opd   int64
	other int64
	users map[auth.Role]int64
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	f := &fixture{t: t, db: testdb.New(t), users: map[auth.Role]int64{}}
	f.opd = f.mkOPD("UJI")
	f.other = f.mkOPD("LAIN")
	return f
}

func (f *fixture) exec(q string, args ...any) {
	f.t.Helper()
	if err := f.db.Exec(q, args...).Error; err != nil {
		f.t.Fatalf("%s: %v", q, err)
	}
}

func (f *fixture) scalar(q string, args ...any) int64 {
	f.t.Helper()
	var n int64
	if err := f.db.Raw(q, args...).Scan(&n).Error; err != nil {
		f.t.Fatalf("%s: %v", q, err)
	}
	return n
}

func (f *fixture) mkOPD(kode string) int64 {
	return f.scalar(`INSERT INTO opd (kode, nama) VALUES (?, ?) RETURNING id`, kode, "Dinas "+kode)
}

// seq numbers positions and NIPs; tests run in parallel.
var seq atomic.Int64

// mkJabatan makes a position of kelas in opd.
func (f *fixture) mkJabatan(opd int64, nama string, kelas int) int64 {
	n := seq.Add(1)
	return f.scalar(`INSERT INTO jabatan (opd_id, kode, nama, jenis, kelas) VALUES (?, ?, ?, 'pelaksana', ?) RETURNING id`,
		opd, fmt.Sprintf("J%d", n), nama, kelas)
}

// mkPegawai makes an employee with a bank account (unless rek is "").
func (f *fixture) mkPegawai(opd int64, nama, status, gol, rek string) int64 {
	nip := fmt.Sprintf("19900101201503%01d%03d", 1, seq.Add(1))
	return f.scalar(`INSERT INTO pegawai (nip, nama, status_asn, golongan, opd_id, bank_nama, bank_rekening, bank_atas_nama)
VALUES (?, ?, ?, ?, ?, 'Bank Bengkulu', ?, ?) RETURNING id`, nip, nama, status, gol, opd, rek, nama)
}

func (f *fixture) assign(peg, jab int64, jenis, mulai string, selesai any) {
	f.exec(`INSERT INTO riwayat_jabatan (pegawai_id, jabatan_id, jenis, mulai, selesai) VALUES (?, ?, ?, ?::date, ?::date)`, peg, jab, jenis, mulai, selesai)
}

// budi is the spec's worked example: kelas 9 (Rp 5.000.000), PNS III/c.
func (f *fixture) budi() int64 {
	j := f.mkJabatan(f.opd, "Analis Kepegawaian Ahli Muda", 9)
	p := f.mkPegawai(f.opd, "Budi Santoso", "PNS", "III/c", "0012345678")
	f.assign(p, j, "definitif", "2024-01-01", nil)
	return p
}

// actor returns an actor of role with a real user row (audit needs no FK, the claim columns do).
func (f *fixture) actor(role auth.Role, opd int64) Actor {
	f.t.Helper()
	uid, ok := f.users[role]
	if !ok {
		peg := f.mkPegawai(f.opd, "Pengguna "+string(role), "PNS", "III/a", "1")
		var nip string
		f.db.Raw(`SELECT nip FROM pegawai WHERE id = ?`, peg).Scan(&nip)
		uid = f.scalar(`INSERT INTO users (pegawai_id, nip, password_hash) VALUES (?, ?, 'x') RETURNING id`, peg, nip)
		f.users[role] = uid
	}
	return Actor{UserID: uid, NIP: "199001012015031999", Role: role, OPDID: opd, IP: "127.0.0.1"}
}

// workedSources are the kinerja and attendance data of the worked example for budi.
func workedSources(budi int64) (fakeKinerja, *fakeAttendance) {
	return fakeKinerja{budi: {Predikat: "baik"}},
		&fakeAttendance{recaps: map[int64]AttendanceRecap{budi: {TK: 1, TL: [4]int{0, 2, 0, 0}}}}
}

// okAck acknowledges a money step as its confirmation page would.
var okAck = Ack{Confirmed: true}
