// Command ekinerja is the whole application in one binary: the web server,
// migrations, demo data and the offline tools finance and auditors use.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"syscall"
	"text/tabwriter"
	"time"
	_ "time/tzdata" // the regency's zone works on hosts without a zone database

	"gorm.io/gorm"

	"github.com/ekinerja/ekinerja/internal/audit"
	"github.com/ekinerja/ekinerja/internal/auth"
	"github.com/ekinerja/ekinerja/internal/backup"
	"github.com/ekinerja/ekinerja/internal/config"
	"github.com/ekinerja/ekinerja/internal/database"
	"github.com/ekinerja/ekinerja/internal/demo"
	"github.com/ekinerja/ekinerja/internal/selfcheck"
	"github.com/ekinerja/ekinerja/internal/stores"
	"github.com/ekinerja/ekinerja/internal/tpp/claim"
	"github.com/ekinerja/ekinerja/internal/web"
	"github.com/ekinerja/ekinerja/static"
)

// version is set at build time with -ldflags "-X main.version=...".
var version = "dev"

const usage = `ekinerja: e-Kinerja dan TPP Pemerintah Daerah

Pemakaian:
  ekinerja <perintah> [opsi]

Perintah:
  serve            jalankan server web (opsi --migrate)
  migrate up       terapkan migrasi skema yang belum diterapkan, lalu siapkan peran aplikasi
                   basis data ini (--grant-to PERAN: peran LOGIN yang dipakai server)
  migrate status   tampilkan status setiap migrasi
  seed             muat data kabupaten demo (sekali; menjalankan ulang tidak mengubah apa pun)
                   (--employees N --seed S: kabupaten buatan, mis. 5000 pegawai di 40 OPD)
  backup           tulis cadangan terenkripsi bertanda tangan (--out BERKAS | --dir DIR --keep N)
  backup --check BERKAS
                   periksa cadangan tanpa memulihkannya
  backup keygen --out DIR
                   buat kunci cadangan (bukan EKINERJA_SECRET)
  restore BERKAS   pulihkan cadangan ke basis data kosong (--identity, --verify-key)
  audit verify     periksa rantai hash log audit (--expect-head ID:HASH: kepala yang dijangkarkan)
  audit head       tampilkan kepala rantai audit (untuk dijangkarkan di tempat lain)
  attendance demo-csv --month 2026-10 [--opd KODE]
                   tulis presensi demo sebulan (CSV, lihat docs/attendance-csv.md) ke stdout
  tpp compute      hitung klaim TPP satu OPD dan bulan (--opd KODE --month 2026-10)
  tpp export       tulis daftar nominatif .xlsx dan berkas bank .csv klaim yang disetujui
                   (--opd KODE --month 2026-10 --out DIR [--bundle] [--key BERKAS])
  tpp verify       periksa bundel kontinuitas secara offline (tanda tangan dan jumlah)
  notifikasi kirim kirim pengingat penutupan dan ringkasan harian sekarang, lalu e-mail yang antri
                   (serve melakukannya sendiri: e-mail tiap menit, ringkasan sekali sehari mulai pukul 07.00)
  selfcheck URL    periksa halaman publik dari luar (peramban vs Googlebot, kata judi,
                   tautan keluar); keluar dengan kode 1 bila ada temuan (untuk cron)
  version          tampilkan versi

Konfigurasi dibaca dari variabel lingkungan (lihat README): DATABASE_URL,
EKINERJA_ADDR, EKINERJA_SECRET, EKINERJA_ENV, ...
Bantuan per perintah: ekinerja <perintah> --help
`

func main() {
	os.Exit(run(os.Args[1:], processEnv, os.Stdout, os.Stderr))
}

// processEnv is os.Getenv, except that an EKINERJA_METRICS_ADDR set to the
// empty string reads as config.MetricsOff: empty disables the metrics
// listener (README), while an unset variable keeps the default.
func processEnv(key string) string {
	v, ok := os.LookupEnv(key)
	if key == "EKINERJA_METRICS_ADDR" && ok && strings.TrimSpace(v) == "" {
		return config.MetricsOff
	}
	return v
}

// options are the seams tests use; main passes none.
type options struct {
	// tppSources replaces the kinerja and attendance stores TPP reads (tests).
	tppSources func(db *gorm.DB) (claim.KinerjaSource, claim.AttendanceSource)
	// ctx, when set, is the commands' parent context: cancelling it stops
	// serve as SIGTERM does (tests).
	ctx context.Context
}

// app bundles what the subcommands share.
type app struct {
	opts   options
	getenv func(string) string
	cfg    config.Config
	log    *slog.Logger
	stdout io.Writer
	stderr io.Writer
}

func run(args []string, getenv func(string) string, stdout, stderr io.Writer) int {
	return runWith(args, getenv, stdout, stderr, options{})
}

func runWith(args []string, getenv func(string) string, stdout, stderr io.Writer, opts options) int {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		fmt.Fprint(stdout, usage)
		if len(args) == 0 {
			return 2
		}
		return 0
	}
	if args[0] == "version" {
		fmt.Fprintln(stdout, "ekinerja", version)
		return 0
	}
	if args[0] == "selfcheck" { // runs on another host: needs no configuration
		return selfCheck(args[1:], stdout, stderr)
	}
	load := config.LoadNoSecret
	if needsSecret(args) {
		load = config.Load
	}
	cfg, err := load(getenv)
	if err != nil {
		fmt.Fprintln(stderr, "konfigurasi tidak valid:\n ", strings.ReplaceAll(err.Error(), "\n", "\n  "))
		return 2
	}
	a := &app{opts: opts, getenv: getenv, cfg: cfg, stdout: stdout, stderr: stderr, log: newLogger(stderr, cfg.LogLevel)}
	parent := context.Background()
	if opts.ctx != nil {
		parent = opts.ctx
	}
	ctx, stop := signal.NotifyContext(parent, os.Interrupt, syscall.SIGTERM)
	defer stop()

	var cmdErr error
	switch args[0] {
	case "serve":
		cmdErr = a.serve(ctx, args[1:])
	case "migrate":
		cmdErr = a.migrate(ctx, args[1:])
	case "seed":
		cmdErr = a.seed(ctx, args[1:])
	case "audit":
		cmdErr = a.audit(ctx, args[1:])
	case "backup":
		cmdErr = a.backup(ctx, args[1:])
	case "restore":
		cmdErr = a.restore(ctx, args[1:])
	case "attendance":
		cmdErr = a.attendance(ctx, args[1:])
	case "tpp":
		cmdErr = a.tpp(ctx, args[1:])
	case "notifikasi":
		cmdErr = a.notifikasi(ctx, args[1:])
	default:
		fmt.Fprintf(stderr, "perintah tidak dikenal: %q\n\n%s", args[0], usage)
		return 2
	}
	if cmdErr != nil {
		if errors.Is(cmdErr, flag.ErrHelp) {
			return 0
		}
		fmt.Fprintln(stderr, "gagal:", cmdErr)
		return 1
	}
	return 0
}

// needsSecret: only the server needs EKINERJA_SECRET up front (its tokens,
// CSRF and TOTP keys derive from it). Every other command runs without it;
// one that signs or derives a key from the secret (tpp export --bundle, tpp
// verify without --pubkey) asks for it where it does (app.secret). --help
// never needs it.
func needsSecret(args []string) bool {
	for _, a := range args[1:] {
		if a == "-h" || a == "-help" || a == "--help" {
			return false
		}
	}
	return args[0] == "serve"
}

// secret is EKINERJA_SECRET for a command that derives a key from it.
func (a *app) secret() (string, error) {
	if err := config.RequireSecret(a.cfg); err != nil {
		return "", err
	}
	return a.cfg.Secret, nil
}

func newLogger(w io.Writer, level string) *slog.Logger {
	var l slog.Level
	if err := l.UnmarshalText([]byte(level)); err != nil {
		l = slog.LevelInfo
	}
	return slog.New(slog.NewJSONHandler(w, &slog.HandlerOptions{Level: l}))
}

func (a *app) flags(name, help string) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(a.stderr)
	fs.Usage = func() {
		fmt.Fprintf(a.stderr, "Pemakaian: ekinerja %s\n\n%s\n", name, help)
		fs.PrintDefaults()
	}
	return fs
}

func (a *app) open(ctx context.Context) (*gorm.DB, error) {
	return a.openLimited(ctx, database.Limits{})
}

// openLimited is open with server-side limits on every connection (serve).
func (a *app) openLimited(ctx context.Context, l database.Limits) (*gorm.DB, error) {
	return a.openDB(ctx, false, l)
}

// openDB connects to DATABASE_URL. A database that does not exist yet is
// created when create is set (migrate up, serve --migrate: the commands that
// set a database up); otherwise the error names the command that creates it.
func (a *app) openDB(ctx context.Context, create bool, l database.Limits) (*gorm.DB, error) {
	db, err := database.OpenLimited(ctx, a.cfg.DatabaseURL, l)
	if err == nil {
		pctx, cancel := context.WithTimeout(ctx, 10*time.Second)
		err = database.Ping(pctx, db)
		cancel()
		if err == nil {
			return db, nil
		}
		database.Close(db)
	}
	if !database.IsMissingDatabase(err) {
		return nil, fmt.Errorf("basis data tidak dapat dihubungi (DATABASE_URL): %w", err)
	}
	t, perr := database.ParseTarget(a.cfg.DatabaseURL)
	if perr != nil {
		return nil, perr
	}
	if !create {
		return nil, errors.New(t.MissingHint())
	}
	created, cerr := database.EnsureDatabase(ctx, a.cfg.DatabaseURL)
	if cerr != nil {
		return nil, cerr
	}
	if created {
		fmt.Fprintf(a.stderr, "basis data %q dibuat di %s:%d\n", t.Name, t.Host, t.Port)
	}
	return a.openDB(ctx, false, l)
}

func (a *app) serve(ctx context.Context, args []string) error {
	fs := a.flags("serve [--migrate]", "Menjalankan server web di EKINERJA_ADDR (bawaan :8080).")
	migrate := fs.Bool("migrate", false, "terapkan migrasi yang belum diterapkan sebelum melayani")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *migrate { // without the server's statement limits: a migration may take long
		mdb, err := a.openDB(ctx, true, database.Limits{})
		if err != nil {
			return err
		}
		_, err = database.Migrate(ctx, mdb, a.log)
		if err == nil {
			if _, rerr := database.SetupAppRole(ctx, mdb); rerr != nil {
				err = fmt.Errorf("serve --migrate berjalan sebagai pemilik basis data (di produksi: 'ekinerja migrate up' sebagai pemilik, lalu 'serve' sebagai peran aplikasi): %w", rerr)
			}
		}
		database.Close(mdb)
		if err != nil {
			return err
		}
	}
	// statement_timeout, lock_timeout, idle_in_transaction_session_timeout
	// and a connect timeout on every connection of the server.
	db, err := a.openLimited(ctx, database.ServeLimits)
	if err != nil {
		return err
	}
	defer database.Close(db)
	if err := database.CheckUpToDate(ctx, db); err != nil {
		return err
	}
	hasher := auth.NewHasher(auth.DefaultArgon2, 4)
	svc := auth.NewService(db, hasher, auth.NewTokens(a.cfg.Secret), a.cfg.SessionIdle, a.cfg.SessionMax)
	svc.Configure(authOptions(a.cfg))
	if a.cfg.PreviousSecret != "" {
		// After a rotation: two-factor secrets sealed with the previous
		// secret are sealed again with the new one, once, before serving.
		n, bad, err := svc.RewrapTOTP(ctx)
		if err != nil {
			return fmt.Errorf("two-factor secrets not re-sealed with the new EKINERJA_SECRET: %w", err)
		}
		a.log.Info("two-factor secrets re-sealed with the new secret", slog.Int("users", n), slog.Int("unreadable", bad))
		if bad > 0 {
			a.log.Warn("two-factor secrets that neither secret opens: reset those users' two-factor", slog.Int("users", bad))
		}
	}
	st, err := stores.FromStores(db, a.cfg.Location)
	if err != nil {
		return err
	}
	srv, err := web.New(web.Deps{Config: a.cfg, Stores: st, Log: a.log, Auth: svc, Static: static.FS, Version: version})
	if err != nil {
		return err
	}
	notes, err := a.notifications(db, st.Kinerja)
	if err != nil {
		return err
	}
	lns, err := srv.Listen()
	if err != nil {
		return err
	}
	notes.announce()
	nctx, stopNotes := context.WithCancel(ctx)
	noteDone := make(chan struct{})
	go func() { defer close(noteDone); notes.loop(nctx, a.cfg.Location) }()
	defer func() { stopNotes(); <-noteDone }()
	a.log.Info("ekinerja serving", slog.String("addr", lns.Addr().String()), slog.String("env", string(a.cfg.Env)), slog.String("version", version))
	fmt.Fprintf(a.stdout, "ekinerja berjalan di %s  (Ctrl-C untuk berhenti)\n", config.BrowseURL(lns.Addr().String()))
	fmt.Fprintln(a.stdout, notes.status())
	return srv.Serve(ctx, lns)
}

// authOptions are the auth service's deployment settings: the demo
// passwords are refused outside dev mode.
func authOptions(cfg config.Config) auth.Options {
	var banned []string
	for _, l := range demo.Logins() {
		banned = append(banned, l.Password)
	}
	return auth.Options{Dev: cfg.Dev(), BannedPasswords: banned, Secret: cfg.Secret, PreviousSecret: cfg.PreviousSecret, AdminOPDWithoutTOTP: !cfg.AdminOPDTOTP}
}

func (a *app) migrate(ctx context.Context, args []string) error {
	fs := a.flags("migrate up [--grant-to PERAN] | status", "Menerapkan (up) atau menampilkan (status) migrasi skema yang tertanam di biner.\n"+
		"up berjalan sebagai pemilik basis data: sesudah migrasi ia menyiapkan peran aplikasi basis data ini\n"+
		"(ekinerja_app_<basis data>, NOLOGIN) dan memberi CONNECT hanya kepada pemilik dan peran itu.\n"+
		"--grant-to PERAN[,PERAN]: jadikan peran LOGIN yang sudah ada anggota peran aplikasi (server terhubung sebagai peran itu).")
	grantTo := fs.String("grant-to", "", "peran LOGIN yang dipakai server (dipisah koma)")
	pos, err := parseAll(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 || (*grantTo != "" && pos[0] != "up") {
		fs.Usage()
		return errors.New("sebutkan 'up' atau 'status' (--grant-to hanya untuk up)")
	}
	db, err := a.openDB(ctx, pos[0] == "up", database.Limits{})
	if err != nil {
		return err
	}
	defer database.Close(db)
	switch pos[0] {
	case "up":
		n, err := database.Migrate(ctx, db, nil)
		if err != nil {
			return err
		}
		fmt.Fprintf(a.stdout, "migrasi diterapkan: %d\n", n)
		role, err := database.SetupAppRole(ctx, db)
		if err != nil {
			return err
		}
		fmt.Fprintf(a.stdout, "peran aplikasi: %s (CONNECT hanya untuk pemilik basis data dan peran ini)\n", role)
		for _, login := range strings.Split(*grantTo, ",") {
			if login = strings.TrimSpace(login); login == "" {
				continue
			}
			if err := database.GrantAppRole(ctx, db, login); err != nil {
				return err
			}
			fmt.Fprintf(a.stdout, "%s kini anggota %s\n", login, role)
		}
		legacy, err := database.LegacyAppMembers(ctx, db)
		if err != nil {
			return err
		}
		for _, login := range legacy {
			fmt.Fprintf(a.stdout, "peringatan: %s anggota ekinerja_app, yang sejak migrasi 0120 tidak punya hak di basis data ini; bila server terhubung sebagai %s: ekinerja migrate up --grant-to %s\n", login, login, login)
		}
		return nil
	case "status":
		st, err := database.Status(ctx, db)
		if err != nil {
			return err
		}
		tw := tabwriter.NewWriter(a.stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "VERSI\tBERKAS\tSTATUS")
		for _, s := range st {
			state := "belum diterapkan"
			if s.Applied {
				state = "diterapkan " + s.AppliedAt.Format(time.DateTime)
			}
			fmt.Fprintf(tw, "%d\t%s\t%s\n", s.Version, s.Name, state)
		}
		return tw.Flush()
	}
	fs.Usage()
	return errors.New("sebutkan 'up' atau 'status'")
}

func (a *app) seed(ctx context.Context, args []string) error {
	fs := a.flags("seed [--employees N] [--seed S]", "Memuat kabupaten demo: 3 OPD, 63 pegawai, dan satu akun demo per peran.\nDengan --employees N > 63 ditambahkan OPD (sampai 40) dengan struktur yang wajar; hasilnya sama untuk --seed yang sama.")
	employees := fs.Int("employees", demo.DefaultEmployees, "jumlah pegawai seluruhnya (mis. 5000 untuk 40 OPD)")
	seedValue := fs.Int64("seed", 1, "nilai acak awal; nilai yang sama menghasilkan data yang sama")
	if err := fs.Parse(args); err != nil {
		return err
	}
	// The demo accounts' passwords are printed in the README: in production
	// whoever logs in first would own them (superadmin included), so the
	// demo data is for dev mode only.
	if !a.cfg.Dev() {
		return errors.New("seed hanya untuk EKINERJA_ENV=dev: akun demo memakai kata sandi yang tercetak di README; di produksi buat akun lewat impor pegawai")
	}
	db, err := a.open(ctx)
	if err != nil {
		return err
	}
	defer database.Close(db)
	if err := database.CheckUpToDate(ctx, db); err != nil {
		return err
	}
	if *employees < 1 || *employees > 100000 {
		return errors.New("--employees harus 1 sampai 100000")
	}
	start := time.Now()
	res, err := demo.Generate(ctx, db, auth.NewHasher(auth.DefaultArgon2, 2), demo.GenerateOptions{Employees: *employees, Seed: *seedValue})
	if err != nil {
		return err
	}
	presensi := 0
	if res.Created && *employees == demo.DefaultEmployees {
		if presensi, err = seedAttendance(ctx, db, a.cfg.Location, time.Now()); err != nil {
			return err
		}
	}
	a.log.Info("seed", slog.Int("opd", res.OPD), slog.Int("pegawai", res.Pegawai), slog.Int("presensi", presensi), slog.Duration("durasi", time.Since(start)))
	if res.Created {
		fmt.Fprintf(a.stdout, "Data demo dimuat: %d OPD, %d pegawai.\n", res.OPD, res.Pegawai)
		if presensi > 0 {
			fmt.Fprintf(a.stdout, "Presensi demo diimpor: %d hari-pegawai (bulan lalu dan bulan ini sampai kemarin; data sidik jari buatan, lihat docs/attendance-csv.md).\n", presensi)
		}
	} else {
		fmt.Fprintln(a.stdout, "Data demo sudah ada; tidak ada yang diubah.")
	}
	printLogins(a.stdout, res.Logins)
	return nil
}

func printLogins(w io.Writer, logins []demo.Login) {
	fmt.Fprintln(w, "\nAkun demo (hanya untuk mode dev):")
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "  PERAN\tNIP\tKATA SANDI\tNAMA")
	for _, l := range logins {
		fmt.Fprintf(tw, "  %s\t%s\t%s\t%s\n", l.Role.Label(), l.NIP, l.Password, l.Nama)
	}
	tw.Flush()
}

func (a *app) audit(ctx context.Context, args []string) error {
	fs := a.flags("audit verify [--expect-head ID:HASH] | head",
		"verify: periksa seluruh rantai hash log audit dan sebutkan baris pertama yang rusak.\n"+
			"        --expect-head ID:HASH (kepala yang dijangkarkan dengan 'audit head'): baris ID harus ada\n"+
			"        di rantai yang utuh dengan hash itu; keluar 1 bila tidak (juga bila log audit kosong).\n"+
			"head: tampilkan id dan hash baris terakhir.")
	expect := fs.String("expect-head", "", "kepala yang dijangkarkan, ID:HASH")
	pos, err := parseAll(fs, args)
	if err != nil {
		return err
	}
	verb := ""
	if len(pos) == 1 {
		verb = pos[0]
	}
	if verb != "verify" && verb != "head" {
		fs.Usage()
		return errors.New("sebutkan 'verify' atau 'head'")
	}
	var wantID int64
	var wantHash string
	if *expect != "" {
		id, hash, ok := strings.Cut(strings.TrimSpace(*expect), ":")
		n, perr := strconv.ParseInt(id, 10, 64)
		if verb != "verify" || !ok || perr != nil || n < 1 || len(hash) != 64 {
			return errors.New("--expect-head harus berbentuk ID:HASH (seperti keluaran 'ekinerja audit head'), hanya untuk verify")
		}
		wantID, wantHash = n, strings.ToLower(hash)
	}
	db, err := a.open(ctx)
	if err != nil {
		return err
	}
	defer database.Close(db)
	n, head, err := audit.Verify(ctx, db)
	if err != nil {
		return err
	}
	if verb == "head" {
		fmt.Fprintf(a.stdout, "kepala: id=%d hash=%s\n", head.ID, head.Hash)
		fmt.Fprintf(a.stdout, "jangkar: %d:%s\n", head.ID, head.Hash)
		return nil
	}
	fmt.Fprintf(a.stdout, "rantai audit utuh: %d baris diperiksa\n", n)
	fmt.Fprintf(a.stdout, "kepala: id=%d hash=%s\n", head.ID, head.Hash)
	if wantID == 0 {
		return nil
	}
	if n == 0 {
		return fmt.Errorf("log audit kosong, padahal kepala %d diharapkan: ini bukan basis data yang dijangkarkan", wantID)
	}
	if wantID > head.ID {
		return fmt.Errorf("kepala yang dijangkarkan (id %d) tidak ada: rantai berakhir di id %d (riwayat hilang)", wantID, head.ID)
	}
	var got string
	if err := db.WithContext(ctx).Raw(`SELECT hash FROM audit_log WHERE id = ?`, wantID).Scan(&got).Error; err != nil {
		return err
	}
	if got != wantHash {
		return fmt.Errorf("baris audit %d berhash %s, bukan %s yang dijangkarkan: riwayat berbeda", wantID, got, wantHash)
	}
	if wantID == head.ID {
		fmt.Fprintf(a.stdout, "cocok dengan kepala yang dijangkarkan (id %d)\n", wantID)
	} else {
		fmt.Fprintf(a.stdout, "kepala yang dijangkarkan (id %d) ada di rantai; %d baris sesudahnya\n", wantID, head.ID-wantID)
	}
	return nil
}

const backupHelp = `Menulis cadangan konsisten seluruh basis data: tar.gz dengan SHA-256 dan jumlah
baris per tabel dan keadaan setiap sequence, manifest bertanda tangan Ed25519,
seluruhnya dienkripsi dengan age untuk kunci penerima. Kunci cadangan bukan
EKINERJA_SECRET; buat sekali dengan 'ekinerja backup keygen --out DIR'.

  ekinerja backup --out BERKAS [--sign-key F] [--recipient F]
  ekinerja backup --dir DIR --keep N [--daily JJ:MM] [--sign-key F] [--recipient F]
      menulis DIR/ekinerja-TTTTBBHHTjjmmddZ.backup lalu menghapus yang lebih lama
      dari N cadangan terbaru; dengan --daily tetap berjalan dan melakukannya setiap
      hari pada jam itu (untuk docker compose / host tanpa cron)
  ekinerja backup --check BERKAS [--identity F] [--verify-key F]
      memeriksa cadangan sepenuhnya (dekripsi, tanda tangan, setiap tabel, jumlah
      baris, CRC gzip) tanpa memulihkannya; keluar 1 bila ditolak
  ekinerja backup keygen --out DIR
      membuat backup-sign.key dan backup-age.pub (untuk host yang menulis cadangan)
      serta backup-verify.pub dan backup-age.key (simpan di luar server; restore
      membutuhkannya)

Bawaan berkas kunci dari lingkungan: EKINERJA_BACKUP_SIGN_KEY, EKINERJA_BACKUP_RECIPIENT,
EKINERJA_BACKUP_IDENTITY, EKINERJA_BACKUP_VERIFY_KEY.`

// parseAll parses flags that may come before or after the positional
// arguments and returns the positional ones.
func parseAll(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		if fs.NArg() == 0 {
			return pos, nil
		}
		pos = append(pos, fs.Arg(0))
		args = fs.Args()[1:]
	}
}

func (a *app) readKeyFlags(fs *flag.FlagSet) (*string, *string) {
	return fs.String("identity", a.getenv("EKINERJA_BACKUP_IDENTITY"), "berkas kunci pribadi age (backup-age.key)"),
		fs.String("verify-key", a.getenv("EKINERJA_BACKUP_VERIFY_KEY"), "berkas kunci publik tanda tangan (backup-verify.pub)")
}

func loadReadKeys(identity, verify string) (backup.ReadKeys, error) {
	if identity == "" || verify == "" {
		return backup.ReadKeys{}, errors.New("sebutkan --identity (backup-age.key) dan --verify-key (backup-verify.pub)")
	}
	ids, err := backup.LoadIdentities(identity)
	if err != nil {
		return backup.ReadKeys{}, err
	}
	pub, err := backup.LoadVerifyKey(verify)
	if err != nil {
		return backup.ReadKeys{}, err
	}
	return backup.ReadKeys{Identities: ids, Verify: pub}, nil
}

func (a *app) backup(ctx context.Context, args []string) error {
	if len(args) > 0 && args[0] == "keygen" {
		fs := a.flags("backup keygen --out DIR", backupHelp)
		out := fs.String("out", "", "direktori untuk keempat berkas kunci")
		if _, err := parseAll(fs, args[1:]); err != nil {
			return err
		}
		if *out == "" {
			fs.Usage()
			return errors.New("sebutkan --out DIR")
		}
		if err := backup.GenerateKeys(*out); err != nil {
			return err
		}
		fmt.Fprintf(a.stdout, "kunci cadangan dibuat di %s:\n  %s dan %s: untuk host yang menulis cadangan\n  %s dan %s: simpan di luar server (restore membutuhkannya)\n",
			*out, backup.SignKeyFile, backup.RecipientFile, backup.IdentityFile, backup.VerifyKeyFile)
		return nil
	}
	fs := a.flags("backup [--out BERKAS | --dir DIR --keep N | --check BERKAS]", backupHelp)
	out := fs.String("out", "", "berkas tujuan (bawaan: stdout)")
	dir := fs.String("dir", "", "direktori cadangan terjadwal (nama berkas dengan waktu)")
	keep := fs.Int("keep", 14, "dengan --dir: jumlah cadangan terbaru yang disimpan")
	daily := fs.String("daily", "", "dengan --dir: tetap berjalan dan mencadangkan setiap hari pukul JJ:MM (EKINERJA_TZ), untuk host tanpa cron")
	check := fs.String("check", "", "periksa BERKAS cadangan tanpa memulihkannya")
	signKey := fs.String("sign-key", a.getenv("EKINERJA_BACKUP_SIGN_KEY"), "berkas kunci tanda tangan (backup-sign.key)")
	recipient := fs.String("recipient", a.getenv("EKINERJA_BACKUP_RECIPIENT"), "berkas kunci penerima age (backup-age.pub)")
	identity, verify := a.readKeyFlags(fs)
	if _, err := parseAll(fs, args); err != nil {
		return err
	}
	if *check != "" {
		keys, err := loadReadKeys(*identity, *verify)
		if err != nil {
			return err
		}
		f, err := os.Open(*check)
		if err != nil {
			return err
		}
		defer f.Close()
		m, err := backup.Verify(f, keys)
		if err != nil {
			return err
		}
		var rows int64
		for _, t := range m.Tables {
			rows += t.Rows
		}
		fmt.Fprintf(a.stdout, "cadangan sah: dibuat %s, skema versi %d, %d tabel, %d baris, %d sequence, ditandatangani kunci %s\n",
			m.CreatedAt.Format(time.RFC3339), m.SchemaVersion, len(m.Tables), rows, len(m.Sequences), m.KeyID)
		return nil
	}
	if *signKey == "" || *recipient == "" {
		return errors.New("sebutkan --sign-key (backup-sign.key) dan --recipient (backup-age.pub); buat dengan 'ekinerja backup keygen --out DIR'")
	}
	sign, err := backup.LoadSignKey(*signKey)
	if err != nil {
		return err
	}
	recs, err := backup.LoadRecipients(*recipient)
	if err != nil {
		return err
	}
	keys := backup.WriteKeys{Sign: sign, Recipients: recs}
	if *dir != "" && *out != "" {
		return errors.New("pilih --out atau --dir, bukan keduanya")
	}
	if *dir != "" && *keep < 1 {
		return errors.New("--keep minimal 1")
	}
	if *daily != "" && *dir == "" {
		return errors.New("--daily perlu --dir")
	}
	db, err := a.open(ctx)
	if err != nil {
		return err
	}
	defer database.Close(db)
	if *daily != "" {
		return a.backupDaily(ctx, db, *dir, *keep, *daily, keys)
	}
	if *dir != "" {
		name, m, err := writeRotated(ctx, db, *dir, *keep, keys)
		if err != nil {
			return err
		}
		fmt.Fprintf(a.stderr, "cadangan selesai: %s, skema versi %d, %d tabel\n", name, m.SchemaVersion, len(m.Tables))
		return nil
	}
	w := a.stdout
	var f *os.File
	if *out != "" {
		// 0600: even encrypted, a backup is nobody else's business.
		f, err = os.OpenFile(*out, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
		if err != nil {
			return err
		}
		w = f
	}
	m, err := backup.Write(ctx, db, w, keys)
	if f != nil {
		if cerr := f.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			os.Remove(*out)
		}
	}
	if err != nil {
		return err
	}
	var rows int64
	for _, t := range m.Tables {
		rows += t.Rows
	}
	fmt.Fprintf(a.stderr, "cadangan selesai: skema versi %d, %d tabel, %d baris\n", m.SchemaVersion, len(m.Tables), rows)
	return nil
}

func (a *app) restore(ctx context.Context, args []string) error {
	fs := a.flags("restore --identity backup-age.key --verify-key backup-verify.pub BERKAS",
		"Memeriksa cadangan sepenuhnya lalu memulihkannya ke basis data KOSONG (DATABASE_URL), lalu menerapkan migrasi\nyang lebih baru. Jalankan sebagai peran pemilik basis data (bukan superuser).\nSesudahnya: 'ekinerja audit verify --expect-head ID:HASH' dan ganti EKINERJA_SECRET.")
	identity, verify := a.readKeyFlags(fs)
	pos, err := parseAll(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		fs.Usage()
		return errors.New("sebutkan berkas cadangan")
	}
	keys, err := loadReadKeys(*identity, *verify)
	if err != nil {
		return err
	}
	f, err := os.Open(pos[0]) // #nosec G304 G703 -- the operator names the backup to restore
	if err != nil {
		return err
	}
	defer f.Close()
	db, err := a.open(ctx)
	if err != nil {
		return err
	}
	defer database.Close(db)
	m, err := backup.Restore(ctx, db, f, keys)
	if err != nil {
		return err
	}
	fmt.Fprintf(a.stdout, "dipulihkan: cadangan %s, skema versi %d, %d tabel, %d sequence\n", m.CreatedAt.Format(time.RFC3339), m.SchemaVersion, len(m.Tables), len(m.Sequences))
	return nil
}

// multiFlag collects a repeated flag.
type multiFlag []string

func (m *multiFlag) String() string     { return strings.Join(*m, ",") }
func (m *multiFlag) Set(v string) error { *m = append(*m, v); return nil }

func selfCheck(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("selfcheck", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var paths, allow multiFlag
	fs.Var(&paths, "path", "halaman yang diperiksa (boleh berulang; bawaan: / dan /masuk)")
	fs.Var(&allow, "allow", "host lain yang boleh ditaut (boleh berulang)")
	timeout := fs.Duration("timeout", 30*time.Second, "batas waktu seluruh pemeriksaan")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "Pemakaian: ekinerja selfcheck [--path /p]... [--allow host]... URL")
		fs.PrintDefaults()
	}
	// Flags may come before or after the URL.
	var base string
	for len(args) > 0 {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				return 0
			}
			return 2
		}
		if fs.NArg() == 0 {
			break
		}
		base, args = fs.Arg(0), fs.Args()[1:]
	}
	if base == "" {
		fs.Usage()
		return 2
	}
	ctx, cancel := context.WithTimeout(context.Background(), *timeout)
	defer cancel()
	findings, err := selfcheck.Run(ctx, base, selfcheck.Options{Paths: paths, AllowHosts: allow, Client: &http.Client{Timeout: *timeout}})
	if err != nil {
		fmt.Fprintln(stderr, "gagal:", err)
		return 2
	}
	for _, f := range findings {
		fmt.Fprintln(stdout, f)
	}
	if len(findings) > 0 {
		fmt.Fprintf(stdout, "%d temuan\n", len(findings))
		return 1
	}
	fmt.Fprintln(stdout, "bersih: tidak ada temuan")
	return 0
}

// wantsHelp reports whether a subcommand's first argument asks for its usage.
func wantsHelp(args []string) bool {
	return len(args) > 0 && (args[0] == "-h" || args[0] == "-help" || args[0] == "--help" || args[0] == "help")
}
