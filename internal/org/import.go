package org

import (
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"sort"
	"strings"
	"time"

	"gorm.io/gorm"

	"github.com/ekinerja/ekinerja/internal/audit"
	"github.com/ekinerja/ekinerja/internal/importreport"
	"github.com/ekinerja/ekinerja/internal/tabular"
)

// tabularCSV reads r whole (at most maxBytes); when it is not UTF-8 CSV it
// is converted by tabular.ToCSV, and lineOf maps the CSV's lines back to the
// file's rows (nil when nothing was converted).
func tabularCSV(r io.Reader, maxBytes int64, kind func(string) tabular.CellKind) (io.Reader, []int, error) {
	data, err := io.ReadAll(io.LimitReader(r, maxBytes+1))
	if err != nil {
		return nil, nil, fmt.Errorf("read import: %w", err)
	}
	if int64(len(data)) > maxBytes || !tabular.NeedsConversion(data) {
		return bytes.NewReader(data), nil, nil
	}
	out, lines, err := tabular.ToCSV(data, tabular.Options{MaxRows: 200000}, kind)
	if err != nil {
		return nil, nil, err
	}
	return bytes.NewReader(out), lines, nil
}

// ImportKind is what a CSV file holds.
type ImportKind string

// The importable kinds.
const (
	ImportOPD     ImportKind = "opd"
	ImportJabatan ImportKind = "jabatan"
	ImportPegawai ImportKind = "pegawai"
)

// Label is the kind's name as people read it.
func (k ImportKind) Label() string {
	switch k {
	case ImportOPD:
		return "OPD dan unit kerja"
	case ImportJabatan:
		return "Jabatan"
	case ImportPegawai:
		return "Pegawai"
	}
	return string(k)
}

// importColumns are the exact header of each kind, in order (docs/import-csv.md).
var importColumns = map[ImportKind][]string{
	ImportOPD:     {"tipe", "kode", "nama", "singkatan", "opd_kode", "induk_kode"},
	ImportJabatan: {"kode", "nama", "jenis", "kelas", "opd_kode", "unit_kode", "atasan_kode"},
	ImportPegawai: {"nip", "nama", "status_asn", "golongan", "opd_kode", "jabatan_kode", "tmt_jabatan", "keadaan", "tugas_belajar",
		"bank_nama", "bank_rekening", "bank_atas_nama", "npwp"},
}

// ImportColumns returns the header of kind, or nil for an unknown kind.
func ImportColumns(k ImportKind) []string { return append([]string(nil), importColumns[k]...) }

// ImportTemplate is a small valid example file for kind.
func ImportTemplate(k ImportKind) string {
	rows := map[ImportKind][]string{
		ImportOPD: {
			"OPD,DISDIK,Dinas Pendidikan dan Kebudayaan,Disdik,,",
			"UNIT,DISDIK-SEK,Sekretariat,,DISDIK,",
			"UNIT,DISDIK-SEK-UMUM,Subbagian Umum dan Kepegawaian,,DISDIK,DISDIK-SEK",
		},
		ImportJabatan: {
			"DISDIK-01,Kepala Dinas Pendidikan dan Kebudayaan,struktural,14,DISDIK,,",
			"DISDIK-02,Sekretaris,struktural,12,DISDIK,DISDIK-SEK,DISDIK-01",
			"DISDIK-03,Pengadministrasi Perkantoran,pelaksana,5,DISDIK,DISDIK-SEK-UMUM,DISDIK-02",
		},
		ImportPegawai: {
			`198503152010011001,"Dr. Ahmad Saputra, S.E., M.Si.",PNS,IV/a,DISDIK,DISDIK-01,2024-01-02,aktif,tidak,Bank Bengkulu,0011223344,Ahmad Saputra,12.345.678.9-012.345`,
			`199012312015032002,"Siti Rahmawati, S.Kom.",PNS,III/b,DISDIK,DISDIK-02,02-01-2024,aktif,tidak,Bank Bengkulu,0011223355,Siti Rahmawati,`,
			`198501012023211001,Budi Santoso,PPPK,IX,DISDIK,DISDIK-03,2024-01-02,aktif,tidak,,,,`,
		},
	}
	return strings.Join(importColumns[k], ",") + "\r\n" + strings.Join(rows[k], "\r\n") + "\r\n"
}

// ImportOptions say how to apply a file.
type ImportOptions struct {
	Kind     ImportKind
	SkipBad  bool // apply the good rows and skip the bad ones
	FileName string
	MaxBytes int64 // 0: MaxImportBytes
}

// maxReportedErrors bounds the report (as the stored report does); the
// count of the rest is kept.
const maxReportedErrors = importreport.MaxProblems

// ImportReport says what an import found and did.
type ImportReport struct {
	Kind       ImportKind
	FileName   string
	Rows       int
	BadRows    int
	Created    int
	Updated    int
	Unchanged  int
	Errors     []RowError
	MoreErrors int
	FileError  string
	Applied    bool
	SkipBad    bool
	Duration   time.Duration
}

// BadLines lists the line numbers of the bad rows, ascending.
func (r ImportReport) BadLines() []int {
	seen := map[int]bool{}
	var out []int
	for _, e := range r.Errors {
		if !seen[e.Line] {
			seen[e.Line] = true
			out = append(out, e.Line)
		}
	}
	sort.Ints(out)
	return out
}

// importRun collects the row errors of one import.
type importRun struct {
	rep *ImportReport
	bad map[int]bool
}

func (ir *importRun) fail(line int, col, reason string) {
	if !ir.bad[line] {
		ir.bad[line] = true
		ir.rep.BadRows++
	}
	if len(ir.rep.Errors) >= maxReportedErrors {
		ir.rep.MoreErrors++
		return
	}
	ir.rep.Errors = append(ir.rep.Errors, RowError{Line: line, Column: col, Reason: reason})
}

func (ir *importRun) failAll(errs []RowError) {
	for _, e := range errs {
		ir.fail(e.Line, e.Column, e.Reason)
	}
}

// failFields reports a ValidationError's fields under their CSV columns.
func (ir *importRun) failFields(line int, fields map[string]string, rename map[string]string) {
	keys := make([]string, 0, len(fields))
	for k := range fields {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		col := k
		if r, ok := rename[k]; ok {
			col = r
		}
		ir.fail(line, col, fields[k])
	}
}

// Import reads a CSV file of kind, validates every row and applies the file
// in one transaction: all rows, or none when any row is bad, unless SkipBad
// says to apply the good ones. Rows are upserted by NIP or code, so
// importing the same file twice changes nothing the second time.
func (s *Store) Import(ctx context.Context, sc Scope, a Actor, r io.Reader, opt ImportOptions) (ImportReport, error) {
	start := time.Now()
	rep := ImportReport{Kind: opt.Kind, FileName: opt.FileName, SkipBad: opt.SkipBad}
	cols, ok := importColumns[opt.Kind]
	if !ok {
		rep.FileError = "Jenis impor tidak dikenal."
		return rep, nil
	}
	if opt.Kind == ImportOPD && sc.OPDID != 0 {
		rep.FileError = "Impor OPD dan unit kerja hanya untuk Super Admin."
		return rep, nil
	}
	if opt.MaxBytes <= 0 {
		opt.MaxBytes = MaxImportBytes
	}
	ir := &importRun{rep: &rep, bad: map[int]bool{}}
	var imp importer
	switch opt.Kind {
	case ImportPegawai:
		imp = &pegawaiImporter{s: s, sc: sc, actor: a}
	case ImportJabatan:
		imp = &jabatanImporter{s: s, sc: sc}
	case ImportOPD:
		imp = &opdImporter{s: s}
	}
	if err := imp.load(ctx); err != nil {
		return rep, err
	}
	// An Excel workbook (or Windows-1252, UTF-16, an HTML ".xls") is read by
	// the one tabular reader and parsed as the CSV it holds.
	r, lineOf, err := tabularCSV(r, opt.MaxBytes, func(h string) tabular.CellKind {
		if h == "tmtjabatan" {
			return tabular.DateCell
		}
		return tabular.Text
	})
	var tfe *tabular.FileError
	if errors.As(err, &tfe) {
		rep.FileError = tfe.Reason
		return rep, nil
	}
	if err != nil {
		return rep, err
	}
	defer func() {
		for i := range rep.Errors {
			if l := rep.Errors[i].Line; lineOf != nil && l >= 1 && l <= len(lineOf) {
				rep.Errors[i].Line = lineOf[l-1]
			}
		}
	}()
	err = scanCSV(r, cols, opt.MaxBytes, func(line int, cells []string, errs []RowError) {
		rep.Rows++
		ir.failAll(errs)
		if cells != nil {
			imp.row(ir, line, cells)
		}
	})
	var fe *FileError
	if errors.As(err, &fe) {
		rep.FileError = fe.Reason
		return rep, nil
	}
	if err != nil {
		return rep, err
	}
	if rep.Rows == 0 {
		rep.FileError = "Berkas hanya berisi baris judul; tidak ada data."
		return rep, nil
	}
	if err := imp.check(ctx, ir); err != nil {
		return rep, err
	}
	if rep.BadRows > 0 && !opt.SkipBad {
		rep.Duration = time.Since(start)
		return rep, nil
	}
	err = s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		changed, err := imp.apply(ctx, tx, ir)
		if err != nil {
			return err
		}
		if rep.Created+rep.Updated == 0 {
			return nil // nothing changed: nothing to audit
		}
		detail := map[string]any{"jenis": string(opt.Kind), "berkas": truncate(opt.FileName, 200), "baris": rep.Rows,
			"baru": rep.Created, "diubah": rep.Updated, "tetap": rep.Unchanged, "dilewati": rep.BadRows}
		if len(changed) > 500 {
			detail["lainnya"] = len(changed) - 500
			changed = changed[:500]
		}
		detail["kode"] = changed
		return audit.Record(ctx, tx, entry(a, "org.impor_"+string(opt.Kind), "impor", 0, detail))
	})
	if err != nil {
		return rep, err
	}
	rep.Applied = true
	rep.Duration = time.Since(start)
	return rep, nil
}

// importer is one kind's row validation and application.
type importer interface {
	load(ctx context.Context) error                                          // reference data
	row(ir *importRun, line int, cells []string)                             // validate one row
	check(ctx context.Context, ir *importRun) error                          // checks against stored state
	apply(ctx context.Context, tx *gorm.DB, ir *importRun) ([]string, error) // write the good rows
}

type ref struct {
	ID    int64  `gorm:"column:id"`
	OPDID int64  `gorm:"column:opd_id"`
	Kode  string `gorm:"column:kode"`
}

func loadRefs(ctx context.Context, db *gorm.DB, table string) (map[string]ref, error) {
	var rs []ref
	q := `SELECT id, kode, 0 AS opd_id FROM opd`
	if table != "opd" {
		q = `SELECT id, kode, opd_id FROM ` + table
	}
	if err := db.WithContext(ctx).Raw(q).Scan(&rs).Error; err != nil {
		return nil, fmt.Errorf("load %s: %w", table, err)
	}
	m := make(map[string]ref, len(rs))
	for _, r := range rs {
		m[r.Kode] = r
	}
	return m, nil
}

// ---- pegawai ----

type pegawaiRow struct {
	line  int
	p     Pegawai
	jabID int64
	tmt   time.Time
}

type openAssignment struct {
	ID        int64     `gorm:"column:id"`
	PegawaiID int64     `gorm:"column:pegawai_id"`
	JabatanID int64     `gorm:"column:jabatan_id"`
	Mulai     time.Time `gorm:"column:mulai"`
}

type pegawaiImporter struct {
	s        *Store
	sc       Scope
	actor    Actor
	opds     map[string]ref
	jabatan  map[string]ref
	rows     []pegawaiRow
	seen     map[string]int
	existing map[string]Pegawai
	current  map[int64]openAssignment
}

var pegawaiRename = map[string]string{"opd_id": "opd_kode"}

func (im *pegawaiImporter) load(ctx context.Context) error {
	var err error
	if im.opds, err = loadRefs(ctx, im.s.db, "opd"); err != nil {
		return err
	}
	im.jabatan, err = loadRefs(ctx, im.s.db, "jabatan")
	im.seen = map[string]int{}
	return err
}

func (im *pegawaiImporter) row(ir *importRun, line int, c []string) {
	in := PegawaiInput{NIP: c[0], Nama: c[1], StatusASN: c[2], Golongan: c[3], Keadaan: c[7], TugasBelajar: c[8],
		BankNama: c[9], BankRekening: c[10], BankAtasNama: c[11], NPWP: c[12]}
	opdKode := normalizeKode(c[4])
	o, ok := im.opds[opdKode]
	switch {
	case opdKode == "":
		ir.fail(line, "opd_kode", "Kode OPD wajib diisi.")
	case !ok:
		ir.fail(line, "opd_kode", fmt.Sprintf("OPD dengan kode %q tidak ada.", truncate(opdKode, 40)))
	case !im.sc.Allows(o.ID):
		ir.fail(line, "opd_kode", "OPD ini di luar kewenangan Anda.")
	default:
		in.OPDID = o.ID
	}
	p, ve := in.Validate()
	delete(ve.Fields, "opd_id") // reported above under opd_kode
	// Excel turned an 18-digit NIP or an account into a number ("1,98109E+17"):
	// say exactly that, not "NIP harus 18 digit".
	for _, f := range []struct {
		field, what, cell string
	}{{"nip", "NIP", c[0]}, {"bank_rekening", "Nomor rekening", c[10]}} {
		if tabular.LooksExcelNumber(f.cell) {
			delete(ve.Fields, f.field)
			ir.fail(line, f.field, tabular.NumberAsTextMessage(f.what, f.cell))
		}
	}
	ir.failFields(line, ve.Fields, pegawaiRename)
	if prev, dup := im.seen[p.NIP]; dup && p.NIP != "" {
		ir.fail(line, "nip", fmt.Sprintf("NIP yang sama sudah ada di baris %d.", prev))
	} else if p.NIP != "" {
		im.seen[p.NIP] = line
	}
	row := pegawaiRow{line: line, p: p}
	if jk := normalizeKode(c[5]); jk != "" {
		j, ok := im.jabatan[jk]
		switch {
		case !ok:
			ir.fail(line, "jabatan_kode", fmt.Sprintf("Jabatan dengan kode %q tidak ada. Impor jabatan lebih dulu.", truncate(jk, 40)))
		case in.OPDID != 0 && j.OPDID != in.OPDID:
			ir.fail(line, "jabatan_kode", "Jabatan ini milik OPD lain.")
		default:
			row.jabID = j.ID
		}
		if row.tmt, ok = ParseDate(c[6]); !ok {
			ir.fail(line, "tmt_jabatan", "TMT jabatan wajib diisi sebagai tanggal TTTT-BB-HH atau HH-BB-TTTT.")
		}
	} else if c[6] != "" {
		ir.fail(line, "jabatan_kode", "TMT jabatan diisi tetapi kode jabatan kosong.")
	}
	if !ir.bad[line] {
		im.rows = append(im.rows, row)
	}
}

func (im *pegawaiImporter) check(ctx context.Context, ir *importRun) error {
	im.existing = map[string]Pegawai{}
	im.current = map[int64]openAssignment{}
	nips := make([]string, 0, len(im.rows))
	for _, r := range im.rows {
		nips = append(nips, r.p.NIP)
	}
	for i := 0; i < len(nips); i += 2000 {
		var ps []Pegawai
		if err := im.s.db.WithContext(ctx).Where("nip IN ?", nips[i:min(i+2000, len(nips))]).Find(&ps).Error; err != nil {
			return err
		}
		ids := make([]int64, 0, len(ps))
		for _, p := range ps {
			im.existing[p.NIP] = p
			ids = append(ids, p.ID)
		}
		if len(ids) == 0 {
			continue
		}
		var cur []openAssignment
		if err := im.s.db.WithContext(ctx).Raw(`SELECT id, pegawai_id, jabatan_id, mulai FROM riwayat_jabatan
WHERE pegawai_id IN ? AND jenis = 'definitif' AND selesai IS NULL`, ids).Scan(&cur).Error; err != nil {
			return err
		}
		for _, c := range cur {
			im.current[c.PegawaiID] = c
		}
	}
	kept := im.rows[:0]
	for _, r := range im.rows {
		old, ok := im.existing[r.p.NIP]
		if ok && !im.sc.Allows(old.OPDID) {
			ir.fail(r.line, "nip", "NIP ini terdaftar di OPD lain; mutasi antar-OPD dilakukan oleh Super Admin.")
			continue
		}
		if ok && r.jabID != 0 {
			if cur, has := im.current[old.ID]; has && cur.JabatanID != r.jabID && !r.tmt.After(cur.Mulai) {
				ir.fail(r.line, "tmt_jabatan", "TMT jabatan baru harus sesudah TMT jabatan sekarang ("+cur.Mulai.Format("02-01-2006")+").")
				continue
			}
		}
		kept = append(kept, r)
	}
	im.rows = kept
	return nil
}

func (im *pegawaiImporter) apply(ctx context.Context, tx *gorm.DB, ir *importRun) ([]string, error) {
	var fresh []*Pegawai
	var changed []string
	var assign []pegawaiRow
	for i := range im.rows {
		r := &im.rows[i]
		old, ok := im.existing[r.p.NIP]
		if !ok {
			p := r.p
			fresh = append(fresh, &p)
			continue
		}
		r.p.ID = old.ID
		touched := false
		// A changed bank account of an existing employee is a proposal for
		// a second person, as on the form; the rest of the row applies.
		if bankDiffers(old, r.p) {
			if err := proposeBank(ctx, tx, im.actor, old, r.p, "impor"); err != nil {
				return nil, err
			}
			r.p.BankNama, r.p.BankRekening, r.p.BankAtasNama = old.BankNama, old.BankRekening, old.BankAtasNama
			touched = true
		}
		if len(diffPegawai(old, r.p)) > 0 {
			p := r.p
			if err := tx.Exec(`UPDATE pegawai SET nama = ?, status_asn = ?, golongan = ?, opd_id = ?, keadaan = ?, tugas_belajar = ?,
  bank_nama = ?, bank_rekening = ?, bank_atas_nama = ?, npwp = ?, updated_at = now() WHERE id = ?`,
				p.Nama, p.StatusASN, p.Golongan, p.OPDID, p.Keadaan, p.TugasBelajar, p.BankNama, p.BankRekening, p.BankAtasNama, p.NPWP, p.ID).Error; err != nil {
				return nil, fmt.Errorf("update pegawai %s: %w", p.NIP, err)
			}
			touched = true
		}
		if r.jabID != 0 {
			cur, has := im.current[old.ID]
			if !has || cur.JabatanID != r.jabID {
				if has {
					if err := tx.Exec(`UPDATE riwayat_jabatan SET selesai = ? WHERE id = ?`, r.tmt.AddDate(0, 0, -1), cur.ID).Error; err != nil {
						return nil, err
					}
				}
				assign = append(assign, *r)
				touched = true
			}
		}
		if touched {
			ir.rep.Updated++
			changed = append(changed, r.p.NIP)
		} else {
			ir.rep.Unchanged++
		}
	}
	if len(fresh) > 0 {
		if err := tx.CreateInBatches(fresh, 500).Error; err != nil {
			return nil, fmt.Errorf("insert pegawai: %w", err)
		}
		ir.rep.Created += len(fresh)
		byNIP := make(map[string]int64, len(fresh))
		for _, p := range fresh {
			byNIP[p.NIP] = p.ID
		}
		for _, r := range im.rows {
			if id, ok := byNIP[r.p.NIP]; ok && r.jabID != 0 {
				r.p.ID = id
				assign = append(assign, r)
			}
		}
	}
	if len(assign) > 0 {
		rs := make([]RiwayatJabatan, len(assign))
		for i, r := range assign {
			rs[i] = RiwayatJabatan{PegawaiID: r.p.ID, JabatanID: r.jabID, Jenis: Definitif, Mulai: r.tmt, NomorSK: "impor CSV"}
		}
		if err := tx.CreateInBatches(rs, 500).Error; err != nil {
			return nil, fmt.Errorf("insert riwayat: %w", err)
		}
	}
	return changed, nil
}

// ---- jabatan ----

type jabatanRow struct {
	line       int
	j          Jabatan
	atasanKode string
}

type jabatanImporter struct {
	s       *Store
	sc      Scope
	opds    map[string]ref
	units   map[string]ref
	stored  map[string]Jabatan
	byID    map[int64]Jabatan
	rows    []jabatanRow
	seen    map[string]int
	parents map[string]string // final supervising code per position code
}

var jabatanRename = map[string]string{"opd_id": "opd_kode", "unit_kerja_id": "unit_kode", "atasan_jabatan_id": "atasan_kode"}

func (im *jabatanImporter) load(ctx context.Context) error {
	var err error
	if im.opds, err = loadRefs(ctx, im.s.db, "opd"); err != nil {
		return err
	}
	if im.units, err = loadRefs(ctx, im.s.db, "unit_kerja"); err != nil {
		return err
	}
	var all []Jabatan
	if err := im.s.db.WithContext(ctx).Find(&all).Error; err != nil {
		return err
	}
	im.stored, im.byID, im.seen = map[string]Jabatan{}, map[int64]Jabatan{}, map[string]int{}
	for _, j := range all {
		im.stored[j.Kode], im.byID[j.ID] = j, j
	}
	return nil
}

func (im *jabatanImporter) row(ir *importRun, line int, c []string) {
	in := JabatanInput{Kode: c[0], Nama: c[1], Jenis: c[2], Kelas: c[3]}
	opdKode := normalizeKode(c[4])
	o, ok := im.opds[opdKode]
	switch {
	case !ok:
		ir.fail(line, "opd_kode", fmt.Sprintf("OPD dengan kode %q tidak ada.", truncate(opdKode, 40)))
	case !im.sc.Allows(o.ID):
		ir.fail(line, "opd_kode", "OPD ini di luar kewenangan Anda.")
	default:
		in.OPDID = o.ID
	}
	if uk := normalizeKode(c[5]); uk != "" {
		u, ok := im.units[uk]
		switch {
		case !ok:
			ir.fail(line, "unit_kode", fmt.Sprintf("Unit kerja dengan kode %q tidak ada.", truncate(uk, 40)))
		case in.OPDID != 0 && u.OPDID != in.OPDID:
			ir.fail(line, "unit_kode", "Unit kerja ini milik OPD lain.")
		default:
			in.UnitKerjaID = u.ID
		}
	}
	j, ve := in.Validate()
	delete(ve.Fields, "opd_id")
	ir.failFields(line, ve.Fields, jabatanRename)
	if prev, dup := im.seen[j.Kode]; dup {
		ir.fail(line, "kode", fmt.Sprintf("Kode yang sama sudah ada di baris %d.", prev))
	} else {
		im.seen[j.Kode] = line
	}
	if old, ok := im.stored[j.Kode]; ok && !im.sc.Allows(old.OPDID) {
		ir.fail(line, "kode", "Kode jabatan ini dipakai OPD lain.")
	}
	ak := normalizeKode(c[6])
	if ak != "" && ak == j.Kode {
		ir.fail(line, "atasan_kode", "Jabatan tidak dapat menjadi atasan dirinya sendiri.")
	}
	if !ir.bad[line] {
		im.rows = append(im.rows, jabatanRow{line: line, j: j, atasanKode: ak})
	}
}

func (im *jabatanImporter) check(ctx context.Context, ir *importRun) error {
	im.parents = map[string]string{}
	for k, j := range im.stored {
		if j.AtasanJabatanID != nil {
			im.parents[k] = im.byID[*j.AtasanJabatanID].Kode
		}
	}
	inFile := map[string]bool{}
	for _, r := range im.rows {
		inFile[r.j.Kode] = true
		if r.atasanKode == "" {
			delete(im.parents, r.j.Kode)
		} else {
			im.parents[r.j.Kode] = r.atasanKode
		}
	}
	kept := im.rows[:0]
	for _, r := range im.rows {
		if r.atasanKode != "" {
			if _, ok := im.stored[r.atasanKode]; !ok && !inFile[r.atasanKode] {
				ir.fail(r.line, "atasan_kode", fmt.Sprintf("Jabatan atasan %q tidak ada di basis data maupun di berkas.", truncate(r.atasanKode, 40)))
				continue
			}
			if old, ok := im.stored[r.atasanKode]; ok && !inFile[r.atasanKode] && !im.sc.Allows(old.OPDID) {
				ir.fail(r.line, "atasan_kode", "Jabatan atasan milik OPD lain.")
				continue
			}
			// Walk up: reaching this position again means a loop.
			k, loop := r.atasanKode, false
			for i := 0; i < 100 && k != ""; i++ {
				if k == r.j.Kode {
					loop = true
					break
				}
				k = im.parents[k]
			}
			if loop {
				ir.fail(r.line, "atasan_kode", "Atasan ini membuat lingkaran jabatan.")
				continue
			}
		}
		kept = append(kept, r)
	}
	im.rows = kept
	return nil
}

func (im *jabatanImporter) apply(ctx context.Context, tx *gorm.DB, ir *importRun) ([]string, error) {
	ids := map[string]int64{}
	for k, j := range im.stored {
		ids[k] = j.ID
	}
	var changed []string
	touched := map[string]bool{}
	for _, r := range im.rows {
		j := r.j
		old, ok := im.stored[j.Kode]
		if !ok {
			if err := tx.Create(&j).Error; err != nil {
				return nil, fmt.Errorf("insert jabatan %s: %w", j.Kode, err)
			}
			ids[j.Kode] = j.ID
			ir.rep.Created++
			touched[j.Kode] = true
			changed = append(changed, j.Kode)
			continue
		}
		if old.Nama != j.Nama || old.Jenis != j.Jenis || old.Kelas != j.Kelas || old.OPDID != j.OPDID || !eqID(old.UnitKerjaID, j.UnitKerjaID) {
			if err := tx.Exec(`UPDATE jabatan SET nama = ?, jenis = ?, kelas = ?, opd_id = ?, unit_kerja_id = ?, updated_at = now() WHERE id = ?`,
				j.Nama, j.Jenis, j.Kelas, j.OPDID, j.UnitKerjaID, old.ID).Error; err != nil {
				return nil, err
			}
			touched[j.Kode] = true
		}
	}
	// Supervising posts last: they may point at rows further down the file.
	for _, r := range im.rows {
		var want *int64
		if r.atasanKode != "" {
			id := ids[r.atasanKode]
			want = &id
		}
		old, existed := im.stored[r.j.Kode]
		if existed && eqID(old.AtasanJabatanID, want) {
			continue
		}
		if !existed && want == nil {
			continue
		}
		if err := tx.Exec(`UPDATE jabatan SET atasan_jabatan_id = ?, updated_at = now() WHERE id = ?`, want, ids[r.j.Kode]).Error; err != nil {
			return nil, err
		}
		if existed {
			touched[r.j.Kode] = true
		}
	}
	for _, r := range im.rows {
		if _, existed := im.stored[r.j.Kode]; !existed {
			continue
		}
		if touched[r.j.Kode] {
			ir.rep.Updated++
			changed = append(changed, r.j.Kode)
		} else {
			ir.rep.Unchanged++
		}
	}
	return changed, nil
}

func eqID(a, b *int64) bool {
	if a == nil || b == nil {
		return a == nil && b == nil
	}
	return *a == *b
}

// ---- OPD and unit kerja ----

type opdRow struct {
	line     int
	unit     bool
	o        OPD
	u        UnitKerja
	opdKode  string
	parentKd string
}

type opdImporter struct {
	s     *Store
	opds  map[string]ref
	units map[string]ref
	rows  []opdRow
	seen  map[string]int
}

func (im *opdImporter) load(ctx context.Context) error {
	var err error
	if im.opds, err = loadRefs(ctx, im.s.db, "opd"); err != nil {
		return err
	}
	im.units, err = loadRefs(ctx, im.s.db, "unit_kerja")
	im.seen = map[string]int{}
	return err
}

func (im *opdImporter) row(ir *importRun, line int, c []string) {
	r := opdRow{line: line}
	switch strings.ToUpper(c[0]) {
	case "OPD":
		o, ve := OPDInput{Kode: c[1], Nama: c[2], Singkatan: c[3], Aktif: true}.Validate()
		ir.failFields(line, ve.Fields, nil)
		if c[4] != "" || c[5] != "" {
			ir.fail(line, "opd_kode", "Baris OPD tidak memakai opd_kode dan induk_kode; kosongkan.")
		}
		r.o = o
	case "UNIT":
		u, ve := UnitInput{Kode: c[1], Nama: c[2], OPDID: 1}.Validate()
		ir.failFields(line, ve.Fields, nil)
		if c[3] != "" {
			ir.fail(line, "singkatan", "Unit kerja tidak memakai singkatan; kosongkan.")
		}
		r.unit, r.u, r.opdKode, r.parentKd = true, u, normalizeKode(c[4]), normalizeKode(c[5])
		if _, ok := im.opds[r.opdKode]; !ok && im.seen["OPD:"+r.opdKode] == 0 {
			ir.fail(line, "opd_kode", "OPD induk tidak ada (tulis baris OPD-nya lebih dulu).")
		}
		if r.parentKd != "" {
			if _, ok := im.units[r.parentKd]; !ok && im.seen["UNIT:"+r.parentKd] == 0 {
				ir.fail(line, "induk_kode", "Unit induk tidak ada (tulis baris unit induknya lebih dulu).")
			}
		}
	default:
		ir.fail(line, "tipe", "Tipe harus OPD atau UNIT.")
		return
	}
	key := "OPD:" + r.o.Kode
	if r.unit {
		key = "UNIT:" + r.u.Kode
	}
	if prev, dup := im.seen[key]; dup {
		ir.fail(line, "kode", fmt.Sprintf("Kode yang sama sudah ada di baris %d.", prev))
	}
	if !ir.bad[line] {
		im.seen[key] = line
		im.rows = append(im.rows, r)
	}
}

func (im *opdImporter) check(context.Context, *importRun) error { return nil }

func (im *opdImporter) apply(ctx context.Context, tx *gorm.DB, ir *importRun) ([]string, error) {
	var changed []string
	opdIDs, unitIDs := map[string]int64{}, map[string]int64{}
	for k, r := range im.opds {
		opdIDs[k] = r.ID
	}
	for k, r := range im.units {
		unitIDs[k] = r.ID
	}
	for _, r := range im.rows {
		var res struct {
			ID       int64 `gorm:"column:id"`
			Inserted bool  `gorm:"column:inserted"`
		}
		var err error
		kode := r.o.Kode
		if !r.unit {
			err = tx.Raw(`INSERT INTO opd (kode, nama, singkatan) VALUES (?, ?, ?)
ON CONFLICT (kode) DO UPDATE SET nama = EXCLUDED.nama, singkatan = EXCLUDED.singkatan, updated_at = now()
WHERE (opd.nama, opd.singkatan) IS DISTINCT FROM (EXCLUDED.nama, EXCLUDED.singkatan)
RETURNING id, (xmax = 0) AS inserted`, r.o.Kode, r.o.Nama, r.o.Singkatan).Scan(&res).Error
		} else {
			kode = r.u.Kode
			var parent *int64
			if r.parentKd != "" {
				p := unitIDs[r.parentKd]
				parent = &p
			}
			err = tx.Raw(`INSERT INTO unit_kerja (kode, nama, opd_id, parent_id) VALUES (?, ?, ?, ?)
ON CONFLICT (kode) DO UPDATE SET nama = EXCLUDED.nama, opd_id = EXCLUDED.opd_id, parent_id = EXCLUDED.parent_id, updated_at = now()
WHERE (unit_kerja.nama, unit_kerja.opd_id, unit_kerja.parent_id) IS DISTINCT FROM (EXCLUDED.nama, EXCLUDED.opd_id, EXCLUDED.parent_id)
RETURNING id, (xmax = 0) AS inserted`, r.u.Kode, r.u.Nama, opdIDs[r.opdKode], parent).Scan(&res).Error
		}
		if err != nil {
			return nil, fmt.Errorf("upsert %s: %w", kode, err)
		}
		switch {
		case res.ID == 0:
			ir.rep.Unchanged++
		case res.Inserted:
			ir.rep.Created++
			changed = append(changed, kode)
		default:
			ir.rep.Updated++
			changed = append(changed, kode)
		}
		if res.ID != 0 {
			if r.unit {
				unitIDs[kode] = res.ID
			} else {
				opdIDs[kode] = res.ID
			}
		}
	}
	return changed, nil
}

// ImportTemplateSheet is the .xlsx template of kind: the header, one example
// row, and a drop-down on every column with fixed values.
func ImportTemplateSheet(k ImportKind) tabular.Sheet {
	cols := importColumns[k]
	recs, _ := csv.NewReader(strings.NewReader(ImportTemplate(k))).ReadAll()
	sh := tabular.Sheet{Name: "Templat " + string(k), Header: cols, Lists: map[int][]string{}, Template: true}
	if len(recs) > 1 {
		row := make([]any, len(recs[1]))
		for i, c := range recs[1] {
			row[i] = c
		}
		sh.Rows = [][]any{row}
	}
	golongan := []string{"I/a", "I/b", "I/c", "I/d", "II/a", "II/b", "II/c", "II/d", "III/a", "III/b", "III/c", "III/d",
		"IV/a", "IV/b", "IV/c", "IV/d", "IV/e", "I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII", "XIII", "XIV", "XV", "XVI", "XVII"}
	kelas := make([]string, 17)
	for i := range kelas {
		kelas[i] = fmt.Sprint(i + 1)
	}
	fixed := map[string][]string{
		"status_asn":    {string(PNS), string(CPNS), string(PPPK)},
		"keadaan":       {"aktif", "pensiun", "pindah"},
		"tugas_belajar": {"ya", "tidak"},
		"jenis":         {string(Struktural), string(Fungsional), string(Pelaksana)},
		"tipe":          {"OPD", "UNIT"},
		"kelas":         kelas,
	}
	if k == ImportPegawai {
		fixed["golongan"] = golongan
	}
	for i, c := range cols {
		if v, ok := fixed[c]; ok {
			sh.Lists[i] = v
		}
	}
	return sh
}
