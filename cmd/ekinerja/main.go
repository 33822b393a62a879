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
  migrate up       terapkan migrasi skema yang belum diterapkan
  migrate status   tampilkan status setiap migrasi
  seed             muat data kabupaten demo (sekali; menjalankan ulang tidak mengubah apa pun)
                   (--employees N --seed S: kabupaten buatan, mis. 5000 pegawai di 40 OPD)
  backup           tulis cadangan seluruh basis data (--out BERKAS, atau ke stdout)
  restore BERKAS   pulihkan cadangan ke basis data kosong (host baru)
  audit verify     periksa rantai hash log audit
  audit head       tampilkan kepala rantai audit (untuk dijangkarkan di tempat lain)
  attendance demo-csv --month 2026-10 [--opd KODE]
                   tulis presensi demo sebulan (CSV, lihat docs/attendance-csv.md) ke stdout
  tpp compute      hitung klaim TPP satu OPD dan bulan (--opd KODE --month 2026-10)
  tpp export       tulis daftar nominatif .xlsx dan berkas bank .csv klaim yang disetujui
                   (--opd KODE --month 2026-10 --out DIR [--bundle] [--key BERKAS])
  tpp verify       periksa bundel kontinuitas secara offline (tanda tangan dan jumlah)
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
}

// app bundles what the subcommands share.
type app struct {
	opts   options
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
	cfg, err := config.Load(getenv)
	if err != nil {
		fmt.Fprintln(stderr, "konfigurasi tidak valid:\n ", strings.ReplaceAll(err.Error(), "\n", "\n  "))
		return 2
	}
	a := &app{opts: opts, cfg: cfg, stdout: stdout, stderr: stderr, log: newLogger(stderr, cfg.LogLevel)}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
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
	db, err := database.Open(ctx, a.cfg.DatabaseURL)
	if err != nil {
		return nil, fmt.Errorf("basis data tidak dapat dihubungi (DATABASE_URL): %w", err)
	}
	pctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if err := database.Ping(pctx, db); err != nil {
		database.Close(db)
		return nil, fmt.Errorf("basis data tidak dapat dihubungi (DATABASE_URL): %w", err)
	}
	return db, nil
}

func (a *app) serve(ctx context.Context, args []string) error {
	fs := a.flags("serve [--migrate]", "Menjalankan server web di EKINERJA_ADDR (bawaan :8080).")
	migrate := fs.Bool("migrate", false, "terapkan migrasi yang belum diterapkan sebelum melayani")
	if err := fs.Parse(args); err != nil {
		return err
	}
	db, err := a.open(ctx)
	if err != nil {
		return err
	}
	defer database.Close(db)
	if *migrate {
		if _, err := database.Migrate(ctx, db, a.log); err != nil {
			return err
		}
	}
	if err := database.CheckUpToDate(ctx, db); err != nil {
		return err
	}
	hasher := auth.NewHasher(auth.DefaultArgon2, 4)
	svc := auth.NewService(db, hasher, auth.NewTokens(a.cfg.Secret), a.cfg.SessionIdle, a.cfg.SessionMax)
	svc.Configure(authOptions(a.cfg))
	kin, att := claim.StoreSources(db, a.cfg.Location)
	srv, err := web.New(web.Deps{Config: a.cfg, DB: db, Log: a.log, Auth: svc, Static: static.FS, Version: version,
		TPPKinerja: kin, TPPAttendance: att})
	if err != nil {
		return err
	}
	a.log.Info("ekinerja serving", slog.String("addr", a.cfg.Addr), slog.String("env", string(a.cfg.Env)), slog.String("version", version))
	return srv.ListenAndServe(ctx)
}

// authOptions are the auth service's deployment settings: the demo
// passwords are refused outside dev mode.
func authOptions(cfg config.Config) auth.Options {
	var banned []string
	for _, l := range demo.Logins() {
		banned = append(banned, l.Password)
	}
	return auth.Options{Dev: cfg.Dev(), BannedPasswords: banned, Secret: cfg.Secret, AdminOPDWithoutTOTP: !cfg.AdminOPDTOTP}
}

func (a *app) migrate(ctx context.Context, args []string) error {
	fs := a.flags("migrate up|status", "Menerapkan (up) atau menampilkan (status) migrasi skema yang tertanam di biner.")
	if err := fs.Parse(args); err != nil {
		return err
	}
	db, err := a.open(ctx)
	if err != nil {
		return err
	}
	defer database.Close(db)
	switch fs.Arg(0) {
	case "up":
		n, err := database.Migrate(ctx, db, nil)
		if err != nil {
			return err
		}
		fmt.Fprintf(a.stdout, "migrasi diterapkan: %d\n", n)
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
	a.log.Info("seed", slog.Int("opd", res.OPD), slog.Int("pegawai", res.Pegawai), slog.Duration("durasi", time.Since(start)))
	if res.Created {
		fmt.Fprintf(a.stdout, "Data demo dimuat: %d OPD, %d pegawai.\n", res.OPD, res.Pegawai)
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
	fs := a.flags("audit verify|head", "verify: periksa seluruh rantai hash log audit dan sebutkan baris pertama yang rusak.\nhead: tampilkan id dan hash baris terakhir.")
	if err := fs.Parse(args); err != nil {
		return err
	}
	db, err := a.open(ctx)
	if err != nil {
		return err
	}
	defer database.Close(db)
	switch fs.Arg(0) {
	case "verify", "head":
		n, head, err := audit.Verify(ctx, db)
		if err != nil {
			return err
		}
		if fs.Arg(0) == "verify" {
			fmt.Fprintf(a.stdout, "rantai audit utuh: %d baris diperiksa\n", n)
		}
		fmt.Fprintf(a.stdout, "kepala: id=%d hash=%s\n", head.ID, head.Hash)
		return nil
	}
	fs.Usage()
	return errors.New("sebutkan 'verify' atau 'head'")
}

func (a *app) backup(ctx context.Context, args []string) error {
	fs := a.flags("backup [--out BERKAS]", "Menulis cadangan konsisten seluruh basis data (tar.gz dengan checksum per tabel).")
	out := fs.String("out", "", "berkas tujuan (bawaan: stdout)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	db, err := a.open(ctx)
	if err != nil {
		return err
	}
	defer database.Close(db)
	w := a.stdout
	var f *os.File
	if *out != "" {
		// 0600: a backup holds every employee's bank account.
		f, err = os.OpenFile(*out, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
		if err != nil {
			return err
		}
		w = f
	}
	m, err := backup.Write(ctx, db, w)
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
	fs := a.flags("restore BERKAS", "Memulihkan cadangan ke basis data KOSONG (DATABASE_URL), lalu menerapkan migrasi yang lebih baru.\nSesudahnya: jalankan 'ekinerja audit verify' dan ganti EKINERJA_SECRET.")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		fs.Usage()
		return errors.New("sebutkan berkas cadangan")
	}
	f, err := os.Open(fs.Arg(0))
	if err != nil {
		return err
	}
	defer f.Close()
	db, err := a.open(ctx)
	if err != nil {
		return err
	}
	defer database.Close(db)
	m, err := backup.Restore(ctx, db, f)
	if err != nil {
		return err
	}
	fmt.Fprintf(a.stdout, "dipulihkan: cadangan %s, skema versi %d, %d tabel\n", m.CreatedAt.Format(time.RFC3339), m.SchemaVersion, len(m.Tables))
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
