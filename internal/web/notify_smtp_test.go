package web

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/big"
	"mime"
	"net"
	"net/http"
	"net/mail"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"

	"github.com/ekinerja/ekinerja/internal/auth"
	"github.com/ekinerja/ekinerja/internal/kinerja"
	"github.com/ekinerja/ekinerja/internal/notify"
)

// received is one message the test SMTP server accepted.
type received struct {
	From, To, User, Subject, Body string
	TLS                           bool
}

// smtpSink is a real SMTP server on loopback (emersion/go-smtp) offering
// STARTTLS and AUTH PLAIN (user "ekinerja", password "rahasia-smtp").
type smtpSink struct {
	mu   sync.Mutex
	msgs []received
	addr *net.TCPAddr
}

func newSMTPSink(t *testing.T) *smtpSink {
	t.Helper()
	k := &smtpSink{}
	be := smtp.BackendFunc(func(c *smtp.Conn) (smtp.Session, error) { return &sinkSession{sink: k, conn: c}, nil })
	srv := smtp.NewServer(be)
	srv.Domain = "localhost"
	srv.TLSConfig = &tls.Config{Certificates: []tls.Certificate{selfSigned(t)}, MinVersion: tls.VersionTLS12}
	srv.ReadTimeout, srv.WriteTimeout = 10*time.Second, 10*time.Second
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	k.addr = l.Addr().(*net.TCPAddr)
	go func() { _ = srv.Serve(l) }()
	t.Cleanup(func() { srv.Close() })
	return k
}

func (k *smtpSink) messages() []received {
	k.mu.Lock()
	defer k.mu.Unlock()
	return append([]received(nil), k.msgs...)
}

type sinkSession struct {
	sink     *smtpSink
	conn     *smtp.Conn
	user     string
	from, to string
}

func (s *sinkSession) AuthMechanisms() []string { return []string{sasl.Plain} }
func (s *sinkSession) Auth(string) (sasl.Server, error) {
	return sasl.NewPlainServer(func(_, user, pass string) error {
		if user != "ekinerja" || pass != "rahasia-smtp" {
			return errors.New("bad credentials")
		}
		s.user = user
		return nil
	}), nil
}
func (s *sinkSession) Reset()        { s.from, s.to = "", "" }
func (s *sinkSession) Logout() error { return nil }
func (s *sinkSession) Mail(from string, _ *smtp.MailOptions) error {
	if s.user == "" {
		return smtp.ErrAuthRequired
	}
	s.from = from
	return nil
}
func (s *sinkSession) Rcpt(to string, _ *smtp.RcptOptions) error { s.to = to; return nil }
func (s *sinkSession) Data(r io.Reader) error {
	m, err := mail.ReadMessage(r)
	if err != nil {
		return err
	}
	body, _ := io.ReadAll(m.Body)
	subject, _ := new(mime.WordDecoder).DecodeHeader(m.Header.Get("Subject"))
	_, isTLS := s.conn.TLSConnectionState()
	s.sink.mu.Lock()
	s.sink.msgs = append(s.sink.msgs, received{From: s.from, To: s.to, User: s.user, Subject: subject, Body: string(body), TLS: isTLS})
	s.sink.mu.Unlock()
	return nil
}

func selfSigned(t *testing.T) tls.Certificate {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "localhost"}, DNSNames: []string{"localhost"},
		IPAddresses: []net.IP{net.IPv4(127, 0, 0, 1)}, NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour)}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key}
}

// TestNotificationsReachSMTPServer drives every notification kind through
// the real state changes (routes for aktivitas and claims, the daily job
// for the closing reminder and the digest) and receives the e-mails on a
// real SMTP server (STARTTLS, AUTH PLAIN). Work waiting for the atasan and
// the verifikator arrives as one daily digest each, not one mail per
// submission; a kind turned off on the settings page reaches the inbox
// only; a failed delivery stays queued and is retried.
func TestNotificationsReachSMTPServer(t *testing.T) {
	t.Parallel()
	th := newTPPHarness(t)
	h := th.harness
	ctx := context.Background()
	sink := newSMTPSink(t)

	peg, atasan, admin, verif := h.as(auth.RolePegawai), h.as(auth.RoleAtasan), h.as(auth.RoleAdminOPD), h.as(auth.RoleVerifikator)
	addr := map[auth.Role]string{auth.RolePegawai: "pegawai@dinkes.example.go.id", auth.RoleAtasan: "atasan@dinkes.example.go.id",
		auth.RoleAdminOPD: "admin@dinkes.example.go.id", auth.RoleVerifikator: "verifikator@bkad.example.go.id"}
	allOn := url.Values{}
	for _, k := range notify.Kinds {
		allOn.Add("surel", string(k))
	}
	for role, c := range map[auth.Role]*client{auth.RolePegawai: peg, auth.RoleAtasan: atasan, auth.RoleVerifikator: verif} {
		f := url.Values{"email": {addr[role]}, "surel": allOn["surel"]}
		if r := c.postForm("/akun/notifikasi", f); r.status != http.StatusSeeOther {
			t.Fatalf("settings %s: %d %s", role, r.status, r.body)
		}
	}
	// The admin OPD turns e-mail off for "verified".
	adminForm := url.Values{"email": {addr[auth.RoleAdminOPD]}}
	for _, k := range notify.Kinds {
		if k != notify.KindClaimVerified {
			adminForm.Add("surel", string(k))
		}
	}
	if r := admin.postForm("/akun/notifikasi", adminForm); r.status != http.StatusSeeOther {
		t.Fatalf("settings admin: %d %s", r.status, r.body)
	}
	if r := admin.get("/akun/notifikasi"); !strings.Contains(r.body, `value="`+addr[auth.RoleAdminOPD]+`"`) ||
		strings.Contains(r.body, `value="klaim_diverifikasi" checked`) || !strings.Contains(r.body, `value="klaim_dibayar" checked`) {
		t.Fatalf("settings page does not show what was saved: %s", r.body)
	}
	if r := admin.postForm("/akun/notifikasi", url.Values{"email": {"bukan alamat"}}); r.status != http.StatusUnprocessableEntity || !strings.Contains(r.body, "Alamat e-mail tidak valid") {
		t.Fatalf("bad address: %d", r.status)
	}

	// Aktivitas: the pegawai submits two (the atasan is told, by digest),
	// the atasan returns one (the pegawai is told at once).
	pegID := th.pegawaiID
	rhk := h.count(`SELECT r.id FROM rhk r JOIN skp s ON s.id = r.skp_id WHERE s.pegawai_id = ? ORDER BY r.id LIMIT 1`, pegID)
	today := time.Now().In(h.cfg.Location)
	var ids []int64
	for i := 0; i < 2; i++ {
		var id int64
		if err := h.db.Raw(`INSERT INTO aktivitas (pegawai_id, rhk_id, tanggal, uraian, output_jumlah, output_satuan, menit, status)
VALUES (?, ?, ?, 'Rapat koordinasi', 1, 'kegiatan', 30, 'draft') RETURNING id`, pegID, rhk, today.Format(time.DateOnly)).Scan(&id).Error; err != nil {
			t.Fatal(err)
		}
		ids = append(ids, id)
	}
	if r := peg.postForm("/kinerja/aktivitas/ajukan", url.Values{"id": {itoa(ids[0]), itoa(ids[1])}}); r.status != http.StatusSeeOther {
		t.Fatalf("submit: %d %s", r.status, r.body)
	}
	versi := h.count(`SELECT versi FROM aktivitas WHERE id = ?`, ids[0])
	if r := atasan.postForm("/kinerja/tinjau/kembalikan", url.Values{"satu": {fmt.Sprintf("%d:%d", ids[0], versi)},
		"catatan_" + itoa(ids[0]): {"Lampirkan notulen rapat"}}); r.status != http.StatusSeeOther {
		t.Fatalf("return: %d %s", r.status, r.body)
	}

	// A claim through every step: submitted (verifikator, digest), returned,
	// submitted again, verified (admin: off), approved (admin, and each
	// payee's slip), paid.
	id := th.compute(admin)
	th.ackStep(admin, id, "ajukan", nil)
	if r := verif.postForm(fmt.Sprintf("/tpp/klaim/%d/kembalikan", id), url.Values{"catatan": {"Periksa data presensi"}}); r.status != http.StatusSeeOther {
		t.Fatalf("return claim: %d %s", r.status, r.body)
	}
	th.approveAndPay(admin, verif, id, "SP2D-0917/2026")

	// The closing day is near: the pegawai still has a draft last month.
	now := time.Date(today.Year(), today.Month(), 3, 9, 0, 0, 0, h.cfg.Location)
	prev := time.Date(now.Year(), now.Month()-1, 10, 0, 0, 0, 0, time.UTC)
	if err := h.db.Exec(`INSERT INTO aktivitas (pegawai_id, rhk_id, tanggal, uraian, output_jumlah, output_satuan, menit, status)
VALUES (?, ?, ?, 'Menyusun laporan', 1, 'dokumen', 45, 'draft')`, pegID, rhk, prev.Format(time.DateOnly)).Error; err != nil {
		t.Fatal(err)
	}
	kin := kinerja.NewStore(h.db, h.cfg.Location).WithClock(func() time.Time { return now })
	for i, want := range []int{1, 0} { // once per person and month
		n, err := kin.ClosingReminders(ctx)
		if err != nil || n < want || (i == 1 && n != 0) {
			t.Fatalf("closing reminders run %d: %d %v", i+1, n, err)
		}
	}

	// Before the digest: nothing sent yet, everything queued. A first
	// delivery to a server that is down stays queued with its error.
	log := slog.New(slog.NewJSONHandler(io.Discard, nil))
	dead, _ := net.Listen("tcp", "127.0.0.1:0")
	deadPort := dead.Addr().(*net.TCPAddr).Port
	dead.Close()
	down := notify.NewMailer(h.db, notify.SMTP{Host: "127.0.0.1", Port: deadPort, From: "ekinerja@kab.example.go.id"}, log)
	if n, err := down.SendPending(ctx, 1); err != nil || n != 0 {
		t.Fatalf("send to a closed port: %d %v", n, err)
	}
	if h.count(`SELECT count(*) FROM notifikasi_surel WHERE percobaan = 1 AND status = 'antri' AND galat <> '' AND coba_lagi_at > now()`) != 1 {
		t.Fatal("a failed delivery is not kept for a retry")
	}
	if err := h.db.Exec(`UPDATE notifikasi_surel SET coba_lagi_at = now()`).Error; err != nil { // the retry is due
		t.Fatal(err)
	}
	digests, err := notify.Digest(ctx, h.db)
	if err != nil || digests != 2 {
		t.Fatalf("digest: %d e-mails, %v; want 2 (atasan, verifikator)", digests, err)
	}
	if again, _ := notify.Digest(ctx, h.db); again != 0 {
		t.Fatalf("a second digest sent %d e-mails again", again)
	}
	m := notify.NewMailer(h.db, notify.SMTP{Host: "localhost", Port: sink.addr.Port, User: "ekinerja", Password: "rahasia-smtp",
		From: "ekinerja@kab.example.go.id", InsecureSkipVerify: true}, log)
	if _, err := m.SendPending(ctx, 1000); err != nil {
		t.Fatal(err)
	}
	if n := h.count(`SELECT count(*) FROM notifikasi_surel WHERE status <> 'terkirim'`); n != 0 {
		t.Fatalf("%d e-mails not sent", n)
	}

	got := sink.messages()
	find := func(to, subject string) *received {
		for i := range got {
			if got[i].To == to && strings.Contains(got[i].Subject, subject) {
				return &got[i]
			}
		}
		return nil
	}
	period := "2026-10"
	for _, w := range []struct{ kind, to, subject, body string }{
		{"aktivitas_dikembalikan", addr[auth.RolePegawai], "1 aktivitas", "Lampirkan notulen rapat"},
		{"penutupan_dekat", addr[auth.RolePegawai], "ditutup", "draf atau dikembalikan"},
		{"ringkasan (aktivitas_menunggu)", addr[auth.RoleAtasan], "Ringkasan harian: 1 pekerjaan", "mengajukan 2 aktivitas"},
		{"ringkasan (klaim_menunggu)", addr[auth.RoleVerifikator], "Ringkasan harian: 2 pekerjaan", period + " (Dinas Kesehatan) diajukan"},
		{"klaim_dikembalikan", addr[auth.RoleAdminOPD], "dikembalikan verifikator", "Periksa data presensi"},
		{"klaim_disetujui", addr[auth.RoleAdminOPD], period + " (Dinas Kesehatan) disetujui", "/tpp/klaim/" + itoa(id)},
		{"klaim_dibayar", addr[auth.RoleAdminOPD], "sudah dibayar", "/tpp/klaim/" + itoa(id)},
		{"slip_siap", addr[auth.RolePegawai], "Slip TPP " + period, "/tpp/slip/" + itoa(id)},
	} {
		r := find(w.to, w.subject)
		if r == nil {
			t.Errorf("%s: no e-mail to %s with subject containing %q (received %d)", w.kind, w.to, w.subject, len(got))
			continue
		}
		if !strings.Contains(r.Body, w.body) {
			t.Errorf("%s: body %q lacks %q", w.kind, r.Body, w.body)
		}
		if !r.TLS || r.User != "ekinerja" || r.From != "ekinerja@kab.example.go.id" {
			t.Errorf("%s: sent without STARTTLS/AUTH or from %q (tls %v, user %q)", w.kind, r.From, r.TLS, r.User)
		}
	}
	if r := find(addr[auth.RoleAdminOPD], "diverifikasi"); r != nil {
		t.Errorf("the admin turned 'diverifikasi' e-mail off but received %q", r.Subject)
	}
	// Work waiting arrives only in the digests, never one mail per
	// submission; every queued e-mail arrived once.
	for _, r := range got {
		if strings.Contains(r.Subject, "menunggu verifikasi") || strings.Contains(r.Subject, "mengajukan") {
			t.Errorf("work waiting sent on its own, not in the digest: %q to %s", r.Subject, r.To)
		}
	}
	if n := h.count(`SELECT count(*) FROM notifikasi_surel WHERE status = 'terkirim'`); int64(len(got)) != n {
		t.Errorf("received %d e-mails, the outbox sent %d", len(got), n)
	}
	for _, r := range got {
		t.Logf("%s: %s", r.To, r.Subject)
	}

	// The inbox has every kind, e-mail off or not; the header counts them.
	adminUser := h.count(`SELECT id FROM users WHERE nip = ?`, login(t, auth.RoleAdminOPD).NIP)
	for _, k := range []notify.Kind{notify.KindClaimReturned, notify.KindClaimVerified, notify.KindClaimApproved, notify.KindClaimPaid} {
		if h.count(`SELECT count(*) FROM notifikasi WHERE user_id = ? AND jenis = ?`, adminUser, string(k)) != 1 {
			t.Errorf("admin inbox lacks %s", k)
		}
	}
	unread := h.count(`SELECT count(*) FROM notifikasi WHERE user_id = ? AND dibaca_at IS NULL`, adminUser)
	page := admin.get("/notifikasi")
	if page.status != http.StatusOK || !strings.Contains(page.body, "sudah diverifikasi") ||
		!strings.Contains(page.body, `id="jumlah-belum-dibaca">`+strconv.FormatInt(unread, 10)+" baru<") {
		t.Fatalf("inbox page: %d, unread %d: %s", page.status, unread, page.body)
	}
	first := h.count(`SELECT max(id) FROM notifikasi WHERE user_id = ?`, adminUser)
	if r := admin.postForm(fmt.Sprintf("/notifikasi/%d/baca", first), url.Values{"buka": {"1"}}); r.status != http.StatusSeeOther || r.header.Get("Location") != "/tpp/klaim/"+itoa(id) {
		t.Fatalf("open notification: %d %q", r.status, r.header.Get("Location"))
	}
	if h.count(`SELECT count(*) FROM notifikasi WHERE user_id = ? AND dibaca_at IS NULL`, adminUser) != unread-1 {
		t.Fatal("opening a notification does not mark it read")
	}
	// Someone else's notification is not found, and stays unread.
	pegUser := h.count(`SELECT id FROM users WHERE nip = ?`, login(t, auth.RolePegawai).NIP)
	other := h.count(`SELECT max(id) FROM notifikasi WHERE user_id = ?`, pegUser)
	if r := admin.postForm(fmt.Sprintf("/notifikasi/%d/baca", other), nil); r.status != http.StatusNotFound {
		t.Fatalf("another person's notification: %d", r.status)
	}
	if h.count(`SELECT count(*) FROM notifikasi WHERE id = ? AND dibaca_at IS NULL`, other) != 1 {
		t.Fatal("another person's notification was marked read")
	}
	if r := admin.postForm("/notifikasi/baca-semua", nil); r.status != http.StatusSeeOther {
		t.Fatalf("read all: %d", r.status)
	}
	if h.count(`SELECT count(*) FROM notifikasi WHERE user_id = ? AND dibaca_at IS NULL`, adminUser) != 0 {
		t.Fatal("read all left unread notifications")
	}
	if strings.Contains(admin.get("/").body, `id="jumlah-belum-dibaca"`) {
		t.Fatal("the header still shows unread notifications")
	}
}
