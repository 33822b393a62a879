package main

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"encoding/hex"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"text/tabwriter"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/ekinerja/ekinerja/internal/apperr"
	"github.com/ekinerja/ekinerja/internal/auth"
	"github.com/ekinerja/ekinerja/internal/database"
	"github.com/ekinerja/ekinerja/internal/stores"
	"github.com/ekinerja/ekinerja/internal/tpp"
	"github.com/ekinerja/ekinerja/internal/tpp/claim"
)

const tppHelp = `compute --opd KODE --month TTTT-BB
      Hitung (ulang) klaim TPP satu OPD; hanya klaim draf/dikembalikan yang dapat dihitung.
  compute --all --month TTTT-BB
      Hitung (ulang) klaim bulanan setiap OPD aktif dalam satu proses; klaim yang sudah
      diajukan/disetujui/dibayar dilewati dengan alasannya.
  export --opd KODE --month TTTT-BB --out DIR [--bundle] [--key BERKAS]
      Tulis daftar nominatif (.xlsx) dan berkas bank (.csv) klaim yang disetujui ke DIR.
      --bundle menulis bundel kontinuitas bertanda tangan (daftar, berkas bank, aturan,
      masukan, manifest SHA-256, tanda tangan Ed25519) ke DIR/tpp-KODE-TTTT-BB.
      Kunci tanda tangan diturunkan dari EKINERJA_SECRET, atau dibaca dari --key
      (seed Ed25519 32 byte sebagai 64 digit heksadesimal).
  thr|gaji13 compute --opd KODE --year TTTT
      Hitung (ulang) klaim TPP THR / gaji ketiga belas satu OPD menurut keputusan tahun itu.
  thr|gaji13 export --opd KODE --year TTTT --out DIR [--susulan N] [--bundle] [--key BERKAS]
      Tulis daftar nominatif, berkas bank (dan bundel) klaim THR / gaji 13 yang disetujui.
  selisih [--opd KODE --month TTTT-BB]
      Dengan --opd dan --month: hitung ulang klaim bulanan yang sudah dibayar terhadap
      data sekarang dan catat kekurangan/kelebihan bayarnya. Lalu tampilkan semua
      selisih yang masih terbuka di kabupaten/kota. Perubahan sesudah dibayar (hukdis,
      koreksi kehadiran, koreksi predikat) yang belum dihitung dicatat selisihnya dulu.
  pagu --year TTTT
      Laporan pagu TPP per OPD dan kabupaten/kota: pagu, dibayar, disetujui, sisa, proyeksi.
  simulasi --version N [--month TTTT-BB] [--months 1-12] [--json]
      Simulasikan versi aturan TPP yang belum berlaku terhadap masukan klaim bulanan
      yang tersimpan (bulan terakhir --month, bawaan: bulan klaim terakhir; --months
      bulan ke belakang, bawaan 12): biaya per OPD dan kabupaten/kota dibanding aturan
      yang berlaku dan pagu, serta pegawai yang paling naik/turun. Tidak menyimpan klaim.
  verify BUNDEL [--pubkey HEX | --key BERKAS]
      Periksa tanda tangan, digest setiap berkas, jumlah daftar dan berkas bank, dan
      hitung ulang setiap pegawai dari aturan dan masukan di bundel. Tanpa basis data.
      Tanpa --pubkey/--key kunci publik diturunkan dari EKINERJA_SECRET.`

// cliActor is the command line acting as the verifikator (it runs with
// database access, which is already full power); the audit log names it.
var cliActor = claim.Actor{NIP: "cli", IP: "cli", Role: auth.RoleVerifikator}

func (a *app) tpp(ctx context.Context, args []string) error {
	if wantsHelp(args) {
		fmt.Fprintf(a.stderr, "Pemakaian: ekinerja tpp %s\n", tppHelp)
		return flag.ErrHelp
	}
	if len(args) == 0 {
		fmt.Fprintf(a.stderr, "Pemakaian: ekinerja tpp %s\n", tppHelp)
		return errors.New("sebutkan compute, export atau verify")
	}
	switch args[0] {
	case "compute":
		return a.tppCompute(ctx, args[1:])
	case "export":
		return a.tppExport(ctx, args[1:])
	case "verify":
		return a.tppVerify(args[1:])
	case "pagu":
		return a.tppPagu(ctx, args[1:])
	case "selisih":
		return a.tppSelisih(ctx, args[1:])
	case "simulasi":
		return a.tppSimulasi(ctx, args[1:])
	case "thr", "gaji13":
		return a.tppKhusus(ctx, tpp.SpecialKind(args[0]), args[1:])
	}
	fmt.Fprintf(a.stderr, "Pemakaian: ekinerja tpp %s\n", tppHelp)
	return fmt.Errorf("perintah tpp tidak dikenal: %q", args[0])
}

func (a *app) tppService(ctx context.Context) (*claim.Service, func(), error) {
	db, err := a.open(ctx)
	if err != nil {
		return nil, nil, err
	}
	if err := database.CheckUpToDate(ctx, db); err != nil {
		database.Close(db)
		return nil, nil, err
	}
	if a.opts.tppSources != nil {
		k, at := a.opts.tppSources(db)
		return claim.NewService(db, k, at), func() { database.Close(db) }, nil
	}
	st, err := stores.FromStores(db, a.cfg.Location)
	if err != nil {
		database.Close(db)
		return nil, nil, err
	}
	return st.TPP, func() { database.Close(db) }, nil
}

func opdMonthFlags(fs *flag.FlagSet) (*string, *string) {
	return fs.String("opd", "", "kode OPD, misalnya DINKES"), fs.String("month", "", "bulan TTTT-BB, misalnya 2026-10")
}

func parseOPDMonth(opd, month string) (tpp.Period, error) {
	if opd == "" {
		return tpp.Period{}, errors.New("--opd wajib diisi")
	}
	return parseMonthFlag(month)
}

// parseMonthFlag reads a --month value (YYYY-MM) with the one month message.
func parseMonthFlag(month string) (tpp.Period, error) {
	p, err := tpp.ParsePeriod(month)
	if err != nil {
		return tpp.Period{}, errors.New("--month: " + strings.TrimSuffix(tpp.PeriodMessage, "."))
	}
	return p, nil
}

func (a *app) tppCompute(ctx context.Context, args []string) error {
	fs := a.flags("tpp compute --opd KODE --month TTTT-BB | --all --month TTTT-BB", "Menghitung (ulang) klaim TPP satu OPD (atau --all: setiap OPD) dan bulan.")
	opd, month := opdMonthFlags(fs)
	all := fs.Bool("all", false, "hitung setiap OPD aktif bulan itu dalam satu proses")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *all {
		if *opd != "" {
			return errors.New("--all dan --opd tidak dapat dipakai bersama")
		}
		return a.tppComputeAll(ctx, *month)
	}
	p, err := parseOPDMonth(*opd, *month)
	if err != nil {
		return err
	}
	s, done, err := a.tppService(ctx)
	if err != nil {
		return err
	}
	defer done()
	opdID, err := s.OPDIDByKode(ctx, *opd)
	if err != nil {
		return err
	}
	c, err := s.Compute(ctx, cliActor, opdID, p)
	if err != nil {
		return err
	}
	return a.printClaim(ctx, s, c)
}

// tppComputeAll computes the monthly claim of every active OPD of a month in
// this one process (one pool, rule set and sources shared), one line per
// OPD; a claim no longer recomputable (submitted, approved, paid) is
// skipped with its reason. Any other failure is reported and makes the
// command fail after the other OPDs were computed.
func (a *app) tppComputeAll(ctx context.Context, month string) error {
	p, err := parseMonthFlag(month)
	if err != nil {
		return err
	}
	s, done, err := a.tppService(ctx)
	if err != nil {
		return err
	}
	defer done()
	entries, err := s.Month(ctx, cliActor, p)
	if err != nil {
		return err
	}
	// One entry per OPD (a month's list can hold an OPD's monthly claim
	// and its susulan).
	var todo []claim.MonthEntry
	seen := map[int64]bool{}
	for _, e := range entries {
		if !seen[e.OPDID] {
			seen[e.OPDID] = true
			todo = append(todo, e)
		}
	}
	// The OPDs are computed two at a time (each its own claim, run and
	// transaction), so the database works on one while this process
	// computes the other; the lines are printed in the list's order. Each
	// computation holds two pool connections (its run's advisory lock and
	// its transaction), well inside the pool's 20.
	type result struct {
		c    claim.Claim
		err  error
		secs float64
	}
	res := make([]result, len(todo))
	var g errgroup.Group // only for its limit: each OPD's error is kept in res
	g.SetLimit(2)
	start := time.Now()
	for i := range todo {
		g.Go(func() error {
			t0 := time.Now()
			c, err := s.Compute(ctx, cliActor, todo[i].OPDID, p)
			res[i] = result{c: c, err: err, secs: time.Since(t0).Seconds()}
			return nil
		})
	}
	_ = g.Wait() // every func returns nil

	tw := tabwriter.NewWriter(a.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "OPD\tPEGAWAI\tBERSIH\tDETIK\tKETERANGAN")
	var opds, employees, failed int
	var net tpp.Rupiah
	for i, e := range todo {
		c, err := res[i].c, res[i].err
		switch {
		case errors.Is(err, apperr.ErrConflict):
			reason := err.Error()
			var m *apperr.Message
			if errors.As(err, &m) {
				reason = m.Text
			}
			fmt.Fprintf(tw, "%s\t-\t-\t-\tdilewati: %s\n", e.OPDKode, reason)
			continue
		case err != nil:
			failed++
			fmt.Fprintf(tw, "%s\t-\t-\t-\tGAGAL: %v\n", e.OPDKode, err)
			continue
		}
		opds++
		employees += c.Employees
		net += tpp.Rupiah(c.TotalNet)
		fmt.Fprintf(tw, "%s\t%s\t%s\t%.2f\t%d peringatan\n", e.OPDKode, tpp.FormatNumber(int64(c.Employees)), tpp.Rupiah(c.TotalNet), res[i].secs, len(c.Warnings()))
	}
	fmt.Fprintf(tw, "JUMLAH %d OPD\t%s\t%s\t%.2f\t\n", opds, tpp.FormatNumber(int64(employees)), net, time.Since(start).Seconds())
	if err := tw.Flush(); err != nil {
		return err
	}
	if failed > 0 {
		return fmt.Errorf("%d OPD gagal dihitung (lihat di atas)", failed)
	}
	return nil
}

// printClaim prints a computed claim's rows, totals and warnings.
func (a *app) printClaim(ctx context.Context, s *claim.Service, c claim.Claim) error {
	rows, err := s.Rows(ctx, c.ID)
	if err != nil {
		return err
	}
	fmt.Fprintf(a.stdout, "Klaim TPP %s %s (id %d, status %s, aturan versi %d, digest %s)\n",
		c.OPDKode, claimTitle(c), c.ID, c.Status.Label(), c.RuleSetVersion, c.InputsDigest)
	tw := tabwriter.NewWriter(a.stdout, 0, 4, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "NIP\tNAMA\tKOTOR\tPPH 21\tBPJS\tBERSIH\t")
	for _, r := range rows {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t\n", r.NIP, r.Nama, tpp.Rupiah(r.Gross), tpp.Rupiah(r.PPh21), tpp.Rupiah(r.BPJS), tpp.Rupiah(r.Net))
	}
	fmt.Fprintf(tw, "JUMLAH\t%d pegawai\t%s\t%s\t%s\t%s\t\n", c.Employees, tpp.Rupiah(c.TotalGross), tpp.Rupiah(c.TotalPPh21), tpp.Rupiah(c.TotalBPJS), tpp.Rupiah(c.TotalNet))
	if err := tw.Flush(); err != nil {
		return err
	}
	for _, w := range c.Warnings() {
		fmt.Fprintln(a.stdout, "PERINGATAN:", w)
	}
	return nil
}

// signingKey is the bundle key from --key, else derived from EKINERJA_SECRET.
func (a *app) signingKey(keyFile string) (ed25519.PrivateKey, error) {
	if keyFile != "" {
		return claim.ReadKeyFile(keyFile)
	}
	secret, err := a.secret()
	if err != nil {
		return nil, fmt.Errorf("%w (atau sebutkan --key / --pubkey)", err)
	}
	return claim.SigningKey(secret, auth.DeriveKey), nil
}

func (a *app) tppExport(ctx context.Context, args []string) error {
	fs := a.flags("tpp export --opd KODE --month TTTT-BB --out DIR [--susulan N] [--bundle] [--key BERKAS]", "Menulis ekspor klaim TPP yang disetujui.")
	opd, month := opdMonthFlags(fs)
	out := fs.String("out", "", "direktori tujuan")
	bundle := fs.Bool("bundle", false, "tulis juga bundel kontinuitas bertanda tangan")
	keyFile := fs.String("key", "", "berkas kunci tanda tangan (64 digit heksadesimal); bawaan: diturunkan dari EKINERJA_SECRET")
	susulan := fs.Int("susulan", 0, "nomor klaim susulan bulan itu (0: klaim bulanan)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	p, err := parseOPDMonth(*opd, *month)
	if err != nil {
		return err
	}
	if *susulan < 0 || *susulan > 99 {
		return errors.New("--susulan harus 0 sampai 99")
	}
	if *out == "" {
		return errors.New("--out wajib diisi")
	}
	s, done, err := a.tppService(ctx)
	if err != nil {
		return err
	}
	defer done()
	c, err := s.FindSusulanByKode(ctx, *opd, p, *susulan)
	if err != nil {
		return err
	}
	return a.writeExports(ctx, s, c, *out, *bundle, *keyFile)
}

// writeExports writes the daftar nominatif and bank file of approved claim c
// to out, and its signed continuity bundle when bundle is set.
func (a *app) writeExports(ctx context.Context, s *claim.Service, c claim.Claim, out string, bundle bool, keyFile string) error {
	e, err := s.ExportFor(ctx, cliActor, c.ID)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(out, 0o750); err != nil { // #nosec G703 -- the operator names the output directory on the command line
		return err
	}
	var xb, pb, bb bytes.Buffer
	if err := claim.WriteXLSX(&xb, e); err != nil {
		return err
	}
	lh, err := s.Letterhead(ctx)
	if err != nil {
		return err
	}
	if err := claim.WriteNominatifPDF(&pb, e, lh); err != nil {
		return err
	}
	if err := claim.WriteBankCSV(&bb, e); err != nil {
		return err
	}
	xp := filepath.Join(out, e.FileBase()+"-nominatif.xlsx")
	pp := filepath.Join(out, e.FileBase()+"-nominatif.pdf")
	bp := filepath.Join(out, e.FileBase()+"-bank.csv")
	for path, b := range map[string][]byte{xp: xb.Bytes(), pp: pb.Bytes(), bp: bb.Bytes()} {
		if err := os.WriteFile(path, b, 0o600); err != nil {
			return err
		}
	}
	fmt.Fprintf(a.stdout, "Daftar nominatif: %s\nDaftar nominatif (PDF untuk dicetak): %s\nBerkas bank: %s\nJumlah bersih: %s (%d pegawai)\n", xp, pp, bp, tpp.Rupiah(e.Totals().Net), len(e.Rows))
	if bundle {
		key, err := a.signingKey(keyFile)
		if err != nil {
			return err
		}
		dir := filepath.Join(out, e.FileBase())
		m, err := s.WriteBundle(ctx, c.ID, dir, key)
		if err != nil {
			return err
		}
		fmt.Fprintf(a.stdout, "Bundel kontinuitas: %s\nKunci publik (simpan untuk verifikasi): %s\n", dir, m.PublicKey)
	}
	return nil
}

func (a *app) tppVerify(args []string) error {
	fs := a.flags("tpp verify BUNDEL [--pubkey HEX | --key BERKAS]", "Memeriksa bundel kontinuitas TPP secara offline.")
	pubHex := fs.String("pubkey", "", "kunci publik Ed25519 (64 digit heksadesimal)")
	keyFile := fs.String("key", "", "berkas kunci tanda tangan")
	// Accept the bundle before or after the flags.
	var dir string
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		dir, args = args[0], args[1:]
	}
	if err := fs.Parse(args); err != nil {
		return err
	}
	if dir == "" {
		dir = fs.Arg(0)
	}
	if dir == "" {
		fs.Usage()
		return errors.New("sebutkan direktori bundel")
	}
	var pub ed25519.PublicKey
	if *pubHex != "" {
		b, err := hex.DecodeString(*pubHex)
		if err != nil || len(b) != ed25519.PublicKeySize {
			return errors.New("--pubkey harus 64 digit heksadesimal")
		}
		pub = b
	} else {
		key, err := a.signingKey(*keyFile)
		if err != nil {
			return err
		}
		pub = key.Public().(ed25519.PublicKey)
	}
	rep, err := claim.VerifyBundle(dir, pub)
	if err != nil {
		return fmt.Errorf("bundel TIDAK LOLOS pemeriksaan: %w", err)
	}
	m := rep.Manifest
	fmt.Fprintf(a.stdout, "Bundel SAH: %s %s, aturan versi %d, status %s\n", m.OPDKode, m.Period, m.RuleSetVersion, m.Status.Label())
	fmt.Fprintf(a.stdout, "Tanda tangan cocok; %d berkas utuh; %d pegawai dihitung ulang dan cocok.\n", len(m.Files), rep.Employees)
	fmt.Fprintf(a.stdout, "Jumlah bersih %s; berkas bank %d rekening %s.\n", tpp.Rupiah(rep.TotalNet), rep.BankLines, tpp.Rupiah(rep.BankTotal))
	return nil
}

// tppKhusus is `ekinerja tpp thr|gaji13 compute|export`: the special claims
// of SPEC 4a from the command line, so finance can work when the web is down.
func (a *app) tppKhusus(ctx context.Context, kind tpp.SpecialKind, args []string) error {
	if len(args) == 0 || (args[0] != "compute" && args[0] != "export") {
		fmt.Fprintf(a.stderr, "Pemakaian: ekinerja tpp %s\n", tppHelp)
		return fmt.Errorf("sebutkan: ekinerja tpp %s compute|export", kind)
	}
	sub := args[0]
	fs := a.flags("tpp "+string(kind)+" "+sub+" --opd KODE --year TTTT", "Klaim TPP "+kind.Label()+".")
	opd := fs.String("opd", "", "kode OPD, misalnya DINKES")
	year := fs.Int("year", 0, "tahun keputusan, misalnya 2026")
	out := fs.String("out", "", "direktori tujuan (export)")
	bundle := fs.Bool("bundle", false, "tulis juga bundel kontinuitas bertanda tangan (export)")
	keyFile := fs.String("key", "", "berkas kunci tanda tangan (export)")
	susulan := fs.Int("susulan", 0, "nomor klaim susulan (export; 0: klaim utama)")
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	if *opd == "" {
		return errors.New("--opd wajib diisi")
	}
	if *year < 2000 || *year > 2999 {
		return errors.New("--year wajib diisi, misalnya 2026")
	}
	if sub == "export" && *out == "" {
		return errors.New("--out wajib diisi")
	}
	if *susulan < 0 || *susulan > 99 {
		return errors.New("--susulan harus 0 sampai 99")
	}
	s, done, err := a.tppService(ctx)
	if err != nil {
		return err
	}
	defer done()
	k, err := s.FindKhusus(ctx, kind, *year)
	if err != nil {
		return err
	}
	if sub == "compute" {
		opdID, err := s.OPDIDByKode(ctx, *opd)
		if err != nil {
			return err
		}
		run, err := s.BeginKhusus(ctx, cliActor, k.ID, opdID)
		if err != nil {
			return err
		}
		c, err := s.RunCompute(ctx, cliActor, run)
		if err != nil {
			return err
		}
		return a.printClaim(ctx, s, c)
	}
	c, err := s.FindKhususClaim(ctx, k, *opd, *susulan)
	if err != nil {
		return err
	}
	return a.writeExports(ctx, s, c, *out, *bundle, *keyFile)
}

// claimTitle is the month of a monthly claim, or the kind and basis month of a special one.
func claimTitle(c claim.Claim) string {
	if c.Special() {
		return c.Kind() + " (bulan dasar " + c.Period().String() + ")"
	}
	return c.Period().String()
}

// tppSelisih is `ekinerja tpp selisih`: recompute a paid claim against what
// was paid, and list the open kekurangan / kelebihan bayar.
func (a *app) tppSelisih(ctx context.Context, args []string) error {
	fs := a.flags("tpp selisih [--opd KODE --month TTTT-BB]", "Selisih bayar TPP (kekurangan/kelebihan bayar).")
	opd, month := opdMonthFlags(fs)
	if err := fs.Parse(args); err != nil {
		return err
	}
	s, done, err := a.tppService(ctx)
	if err != nil {
		return err
	}
	defer done()
	if *opd != "" || *month != "" {
		p, err := parseOPDMonth(*opd, *month)
		if err != nil {
			return err
		}
		c, err := s.FindByKode(ctx, *opd, p)
		if err != nil {
			return err
		}
		got, err := s.RecomputePaid(ctx, cliActor, c.ID)
		if err != nil {
			return err
		}
		fmt.Fprintf(a.stdout, "Klaim %s %s dihitung ulang: %d selisih baru.\n", c.OPDKode, p, len(got))
	}
	// Late changes queued since (hukdis, attendance corrections, ratings of paid months).
	n, err := s.SettleChanges(ctx, cliActor, nil)
	if err != nil {
		return err
	}
	if n > 0 {
		fmt.Fprintf(a.stdout, "%d selisih baru dari perubahan sesudah dibayar.\n", n)
	}
	open, err := s.ListSelisih(ctx, cliActor, false)
	if err != nil {
		return err
	}
	tw := tabwriter.NewWriter(a.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tNIP\tNAMA\tOPD\tBULAN\tJENIS\tSELISIH\tSISA\tSTATUS\tSEBAB")
	for _, x := range open {
		st := "terbuka"
		if x.Held {
			st = "ditahan: " + x.HoldReason
		}
		fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", x.ID, x.NIP, x.Nama, x.OPDKode, x.Period(), x.Kind(),
			tpp.Rupiah(x.Amount), tpp.Rupiah(x.Remaining), st, x.Cause)
	}
	return tw.Flush()
}

// tppPagu is `ekinerja tpp pagu --year`: the pagu report.
func (a *app) tppPagu(ctx context.Context, args []string) error {
	fs := a.flags("tpp pagu --year TTTT", "Laporan pagu TPP.")
	year := fs.Int("year", 0, "tahun anggaran, misalnya 2026")
	if err := fs.Parse(args); err != nil {
		return err
	}
	s, done, err := a.tppService(ctx)
	if err != nil {
		return err
	}
	defer done()
	rep, err := s.Pagu(ctx, cliActor, *year)
	if err != nil {
		return err
	}
	tw := tabwriter.NewWriter(a.stdout, 0, 4, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "OPD\tPAGU\tDIBAYAR\tDISETUJUI\tSISA\tPROYEKSI\t")
	for _, r := range rep.Rows {
		pagu, sisa := "-", "-"
		if r.Pagu >= 0 {
			pagu, sisa = tpp.Rupiah(r.Pagu).String(), tpp.Rupiah(r.Remaining()).String()
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t\n", r.OPDKode, pagu, tpp.Rupiah(r.Paid), tpp.Rupiah(r.Approved), sisa, tpp.Rupiah(r.Projection()))
	}
	fmt.Fprintf(tw, "KABUPATEN\t%s\t%s\t%s\t\t%s\t\n", tpp.Rupiah(rep.Total.Pagu), tpp.Rupiah(rep.Total.Paid), tpp.Rupiah(rep.Total.Approved), tpp.Rupiah(rep.Projection))
	return tw.Flush()
}

// cliSuper is the command line acting as the superadmin, for what only a
// superadmin does (the simulation); the audit log names it.
var cliSuper = claim.Actor{NIP: "cli", IP: "cli", Role: auth.RoleSuperadmin}

// tppSimulasi is `ekinerja tpp simulasi`: a rule-set simulation.
func (a *app) tppSimulasi(ctx context.Context, args []string) error {
	fs := a.flags("tpp simulasi --version N [--month TTTT-BB] [--months 1-12] [--json]", "Simulasi aturan TPP.")
	version := fs.Int("version", 0, "versi aturan yang disimulasikan")
	month := fs.String("month", "", "bulan terakhir yang disimulasikan (TTTT-BB); kosong: bulan klaim terakhir")
	months := fs.Int("months", claim.SimulationMaxMonths, "jumlah bulan, 1 sampai 12")
	asJSON := fs.Bool("json", false, "tulis hasil sebagai JSON")
	if err := fs.Parse(args); err != nil {
		return err
	}
	in := claim.SimulationInput{Months: *months}
	if *month != "" {
		p, err := parseMonthFlag(*month)
		if err != nil {
			return err
		}
		in.End = p
	}
	if *months < 1 || *months > claim.SimulationMaxMonths {
		return errors.New("--months harus 1 sampai 12")
	}
	s, done, err := a.tppService(ctx)
	if err != nil {
		return err
	}
	defer done()
	all, err := s.RuleSets(ctx)
	if err != nil {
		return err
	}
	for _, r := range all {
		if r.Version == *version {
			in.RuleSetID = r.ID
		}
	}
	if in.RuleSetID == 0 {
		return fmt.Errorf("aturan TPP versi %d tidak ada (--version)", *version)
	}
	sim, err := s.Simulate(ctx, cliSuper, in)
	if err != nil {
		return err
	}
	if *asJSON {
		enc := json.NewEncoder(a.stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(sim)
	}
	fmt.Fprintf(a.stdout, "Simulasi aturan versi %d (%s), %s sampai %s, pagu %d\n", sim.RuleSet.Version, sim.RuleSet.Name, sim.From, sim.To, sim.PaguYear)
	for _, n := range sim.Notes {
		fmt.Fprintln(a.stdout, n)
	}
	tw := tabwriter.NewWriter(a.stdout, 0, 4, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "OPD\tPEGAWAI\tATURAN BERLAKU\tATURAN BARU\tSELISIH\tSETAHUN BARU\tPAGU\tSISA PAGU\tGAGAL\t")
	row := func(o claim.SimOPD) {
		pagu, sisa := "-", "-"
		if o.Pagu >= 0 {
			pagu, sisa = tpp.Rupiah(o.Pagu).String(), tpp.Rupiah(o.PaguLeft()).String()
		}
		fmt.Fprintf(tw, "%s\t%d\t%s\t%s\t%s\t%s\t%s\t%s\t%d\t\n", o.OPDKode, o.Employees, tpp.Rupiah(o.Current.Net), tpp.Rupiah(o.Draft.Net),
			tpp.Rupiah(o.Difference()), tpp.Rupiah(o.DraftYear), pagu, sisa, o.Failed)
	}
	for _, o := range sim.Rows {
		row(o)
	}
	row(sim.Total)
	if err := tw.Flush(); err != nil {
		return err
	}
	for _, l := range []struct {
		title string
		list  []claim.SimEmployee
	}{{"Paling naik", sim.Gainers}, {"Paling turun", sim.Losers}} {
		fmt.Fprintf(a.stdout, "%s:\n", l.title)
		for _, e := range l.list {
			fmt.Fprintf(a.stdout, "  %s %s (%s): %s -> %s (%s)\n", e.NIP, e.Nama, e.OPDKode, tpp.Rupiah(e.Current), tpp.Rupiah(e.Draft), tpp.Rupiah(e.Difference()))
		}
	}
	return nil
}
