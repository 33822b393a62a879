package kinerja

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"time"

	"gorm.io/gorm"

	"github.com/ekinerja/ekinerja/internal/apperr"
	"github.com/ekinerja/ekinerja/internal/auth"
	"github.com/ekinerja/ekinerja/internal/tabular"
	"github.com/ekinerja/ekinerja/internal/tpp"
)

// The national e-Kinerja BKN predikat (issue 12): a rule set whose
// produktivitas.sumber is tpp.SumberEKinerjaBKN pays the month on the
// predikat imported here instead of the atasan's rating. An import is for
// one OPD and month; its report (matched, unchanged, not rated yet, unknown
// NIPs, employees missing from the file, rows frozen by an approved claim,
// refused rows) is stored with it and paged on screen.

// MaxBKNBytes is the largest predikat export accepted.
const MaxBKNBytes = 10 << 20

// bknImportLock is the advisory lock class of predikat imports (key: the
// OPD): two uploads of one OPD are applied one after the other, so the same
// file sent twice at once still changes (and audits) each predikat once.
const bknImportLock = 0x424b4e // "BKN"

// BKNLine is one employee in an import report.
type BKNLine struct {
	Line     int      `json:"baris,omitempty"`
	NIP      string   `json:"nip"`
	Nama     string   `json:"nama,omitempty"`
	Predikat Predikat `json:"predikat,omitempty"`
	// Sebelum is the predikat stored before this import (a change).
	Sebelum    Predikat `json:"sebelum,omitempty"`
	Keterangan string   `json:"keterangan,omitempty"`
}

// BKNReport is what an import found, kept with it.
type BKNReport struct {
	Columns []string `json:"kolom"`
	Rows    int      `json:"baris"`
	// Applied are the predikat stored new or changed by this import.
	Applied []BKNLine `json:"diterapkan"`
	// Unchanged counts the rows equal to what was stored.
	Unchanged int `json:"tetap"`
	// NotRated are the rows without a predikat yet ("Belum Dinilai").
	NotRated []BKNLine `json:"belum_dinilai"`
	// Unknown are the rows whose NIP is not an employee of the OPD.
	Unknown []BKNLine `json:"tidak_dikenal"`
	// Missing are the active employees of the OPD the file has no row for.
	Missing []BKNLine `json:"tidak_ada"`
	// Frozen are rows that would change a predikat an approved or paid
	// claim used; they are not applied.
	Frozen []BKNLine `json:"dibekukan"`
	// Refused are the rows that cannot be read; any refuses the file.
	Refused   []BKNRowError `json:"ditolak"`
	FileError string        `json:"galat_berkas,omitempty"`
}

// BKNImport is one stored predikat import.
type BKNImport struct {
	ID        int64
	OPDID     int64
	OPDNama   string
	Period    tpp.Period
	Berkas    string
	Status    string // "diterapkan" or "ditolak"
	ActorNIP  string
	CreatedAt time.Time
	// SHA256 is the uploaded file's digest (hex).
	SHA256 string
	Report BKNReport
}

// Applied reports whether the import was applied (not refused).
func (b BKNImport) Applied() bool { return b.Status == "diterapkan" }

// bknScope is the OPD an actor imports for, with its name: an admin_opd
// its own, a superadmin the one chosen.
func (s *Store) bknScope(ctx context.Context, a Actor, opdID int64) (int64, string, error) {
	switch a.Role {
	case auth.RoleAdminOPD:
		if opdID != 0 && opdID != a.OPDID {
			return 0, "", errScope
		}
		opdID = a.OPDID
	case auth.RoleSuperadmin:
		if opdID <= 0 {
			return 0, "", apperr.Invalid("opd_id", "Pilih OPD yang predikatnya diimpor.")
		}
	default:
		return 0, "", errScope
	}
	var names []string
	if err := s.db.WithContext(ctx).Raw(`SELECT nama FROM opd WHERE id = ?`, opdID).Scan(&names).Error; err != nil {
		return 0, "", fmt.Errorf("opd: %w", err)
	}
	if len(names) == 0 {
		return 0, "", apperr.Invalid("opd_id", "OPD tidak ditemukan.")
	}
	return opdID, names[0], nil
}

// ImportBKN reads an e-Kinerja predikat export (CSV or .xlsx) for one OPD
// and month and stores the predikat of every matched employee, in one
// transaction, each change audited (kinerja.predikat_bkn). A file with a
// row that cannot be read changes nothing (status "ditolak", the report
// lists the rows). Rows of NIPs that are not employees of the OPD, rows not
// rated yet and rows an approved or paid claim froze are reported and not
// applied; importing the same file again changes nothing.
func (s *Store) ImportBKN(ctx context.Context, a Actor, opdID int64, p tpp.Period, name string, r io.Reader) (BKNImport, error) {
	opd, opdNama, err := s.bknScope(ctx, a, opdID)
	if err != nil {
		return BKNImport{}, err
	}
	if !p.Valid() {
		return BKNImport{}, apperr.Invalid("bulan", tpp.PeriodMessage)
	}
	if tpp.PeriodOf(s.now().In(s.loc)).Before(p) {
		return BKNImport{}, apperr.Invalid("bulan", fmt.Sprintf("%s belum berjalan; predikatnya belum dapat diimpor.", p))
	}
	data, err := io.ReadAll(io.LimitReader(r, MaxBKNBytes+1))
	if err != nil {
		return BKNImport{}, fmt.Errorf("read predikat export: %w", err)
	}
	if len(data) > MaxBKNBytes {
		return BKNImport{}, apperr.Invalid("berkas", "Berkas lebih besar dari 10 MB. Pecah menjadi beberapa berkas.")
	}
	sum := sha256.Sum256(data)
	imp := BKNImport{OPDID: opd, OPDNama: opdNama, Period: p, Berkas: clip(name, 300), ActorNIP: a.NIP, Status: "ditolak", SHA256: hex.EncodeToString(sum[:])}
	rep := &imp.Report
	var parsed BKNParsed
	t, err := tabular.Bytes(data, tabular.Options{MaxRows: 100_000})
	if err == nil {
		parsed, err = ParseBKN(t, p)
	}
	var fe *tabular.FileError
	switch {
	case errors.As(err, &fe):
		rep.FileError = fe.Reason
	case err != nil:
		return BKNImport{}, err
	}
	for f := BKNNIP; f < bknFieldCount; f++ {
		if parsed.Header.Has(f) {
			rep.Columns = append(rep.Columns, parsed.Header.Names[f])
		}
	}
	rep.Rows = len(parsed.Records) + len(parsed.Refused)
	rep.Refused = parsed.Refused

	err = s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := tx.Exec(`SELECT pg_advisory_xact_lock(?, ?)`, bknImportLock, opd).Error; err != nil {
			return fmt.Errorf("lock predikat import: %w", err)
		}
		if rep.FileError == "" && len(rep.Refused) == 0 {
			if err := s.applyBKN(ctx, tx, a, opd, p, parsed.Records, &imp); err != nil {
				return err
			}
		}
		return s.saveBKNImport(ctx, tx, a, &imp)
	})
	if err != nil {
		return BKNImport{}, err
	}
	return imp, nil
}

// bknStored is a predikat already imported for an employee and month.
type bknStored struct {
	PegawaiID     int64      `gorm:"column:pegawai_id"`
	Predikat      Predikat   `gorm:"column:predikat"`
	HasilKerja    Ekspektasi `gorm:"column:hasil_kerja"`
	PerilakuKerja Ekspektasi `gorm:"column:perilaku_kerja"`
}

// applyBKN matches the records to the OPD's employees and stores the new
// and changed predikat (the import row is inserted first: they name it).
func (s *Store) applyBKN(ctx context.Context, tx *gorm.DB, a Actor, opd int64, p tpp.Period, recs []BKNRecord, imp *BKNImport) error {
	rep := &imp.Report
	var staff []struct {
		ID      int64  `gorm:"column:id"`
		NIP     string `gorm:"column:nip"`
		Nama    string `gorm:"column:nama"`
		Keadaan string `gorm:"column:keadaan"`
	}
	if err := tx.Raw(`SELECT id, nip, nama, keadaan FROM pegawai WHERE opd_id = ? ORDER BY nama, nip`, opd).Scan(&staff).Error; err != nil {
		return fmt.Errorf("staff: %w", err)
	}
	type emp struct {
		id   int64
		nama string
	}
	byNIP := make(map[string]emp, len(staff))
	for _, e := range staff {
		byNIP[e.NIP] = emp{e.ID, e.Nama}
	}
	var stored []bknStored
	if err := tx.Raw(`SELECT b.pegawai_id, b.predikat, b.hasil_kerja, b.perilaku_kerja FROM predikat_bkn b
JOIN pegawai q ON q.id = b.pegawai_id AND q.opd_id = ? WHERE b.period = ?`, opd, p.First()).Scan(&stored).Error; err != nil {
		return fmt.Errorf("stored predikat: %w", err)
	}
	before := make(map[int64]bknStored, len(stored))
	for _, b := range stored {
		before[b.PegawaiID] = b
	}
	// The claims of the month that froze their inputs, locked so an
	// approval cannot slip in between this check and the change.
	var frozen []struct {
		PegawaiID int64  `gorm:"column:pegawai_id"`
		ClaimID   int64  `gorm:"column:claim_id"`
		Status    string `gorm:"column:status"`
	}
	if err := tx.Raw(`SELECT cp.pegawai_id, c.id AS claim_id, c.status FROM tpp_claim c JOIN tpp_claim_pegawai cp ON cp.claim_id = c.id
WHERE c.period = ? AND c.jenis = 'bulanan' AND c.status IN ('approved', 'paid') FOR SHARE OF c`, p.First()).Scan(&frozen).Error; err != nil {
		return fmt.Errorf("frozen claims: %w", err)
	}
	frozenBy := make(map[int64]int64, len(frozen))
	for _, f := range frozen {
		frozenBy[f.PegawaiID] = f.ClaimID
	}

	if err := s.saveBKNImport(ctx, tx, a, imp); err != nil { // the id the rows name
		return err
	}
	listed := make(map[string]bool, len(recs))
	for _, r := range recs {
		listed[r.NIP] = true
		e, ok := byNIP[r.NIP]
		line := BKNLine{Line: r.Line, NIP: r.NIP, Nama: r.Nama, Predikat: r.Predikat}
		if !ok {
			line.Keterangan = "NIP ini bukan pegawai OPD ini; baris dilewati."
			rep.Unknown = append(rep.Unknown, line)
			continue
		}
		line.Nama = e.nama
		if r.Predikat == "" {
			line.Keterangan = "Belum dinilai di e-Kinerja BKN."
			if b, had := before[e.id]; had {
				line.Keterangan += " Predikat yang tersimpan (" + b.Predikat.Label() + ") tetap."
			}
			rep.NotRated = append(rep.NotRated, line)
			continue
		}
		old, had := before[e.id]
		if had && old.Predikat == r.Predikat && old.HasilKerja == r.HasilKerja && old.PerilakuKerja == r.PerilakuKerja {
			rep.Unchanged++
			continue
		}
		line.Sebelum = old.Predikat
		if c, isFrozen := frozenBy[e.id]; isFrozen {
			line.Keterangan = fmt.Sprintf("Predikat bulan ini sudah dipakai klaim TPP nomor %d yang telah disetujui atau dibayar; "+
				"minta verifikator membuka kembali klaim itu (dengan alasan), lalu impor ulang.", c)
			rep.Frozen = append(rep.Frozen, line)
			continue
		}
		if err := tx.Exec(`INSERT INTO predikat_bkn (pegawai_id, period, predikat, hasil_kerja, perilaku_kerja, impor_id)
VALUES (?, ?, ?, ?, ?, ?)
ON CONFLICT (pegawai_id, period) DO UPDATE SET predikat = EXCLUDED.predikat, hasil_kerja = EXCLUDED.hasil_kerja,
    perilaku_kerja = EXCLUDED.perilaku_kerja, impor_id = EXCLUDED.impor_id, updated_at = now()`,
			e.id, p.First(), string(r.Predikat), string(r.HasilKerja), string(r.PerilakuKerja), imp.ID).Error; err != nil {
			return fmt.Errorf("store predikat: %w", err)
		}
		if err := record(ctx, tx, a, "kinerja.predikat_bkn", "pegawai", e.id, map[string]any{
			"tahun": p.Year, "bulan": p.Month, "sumber": string(tpp.SumberEKinerjaBKN), "impor_id": imp.ID,
			"predikat_lama": string(old.Predikat), "predikat": string(r.Predikat),
			"hasil_kerja": string(r.HasilKerja), "perilaku_kerja": string(r.PerilakuKerja)}); err != nil {
			return err
		}
		rep.Applied = append(rep.Applied, line)
	}
	for _, e := range staff {
		if !listed[e.NIP] && e.Keadaan == "aktif" {
			l := BKNLine{NIP: e.NIP, Nama: e.Nama, Keterangan: "Tidak ada di berkas: tanpa predikat, produktivitas bulan ini 0%."}
			if b, had := before[e.ID]; had {
				l.Predikat = b.Predikat
				l.Keterangan = "Tidak ada di berkas ini; predikat yang tersimpan dari impor sebelumnya tetap."
			}
			rep.Missing = append(rep.Missing, l)
		}
	}
	imp.Status = "diterapkan"
	return record(ctx, tx, a, "kinerja.predikat_bkn_impor", "predikat_bkn_impor", imp.ID, map[string]any{
		"opd_id": opd, "tahun": p.Year, "bulan": p.Month, "berkas": imp.Berkas,
		"diterapkan": len(rep.Applied), "tetap": rep.Unchanged, "belum_dinilai": len(rep.NotRated),
		"tidak_dikenal": len(rep.Unknown), "tidak_ada": len(rep.Missing), "dibekukan": len(rep.Frozen)})
}

// saveBKNImport inserts the import row (imp.ID == 0) or writes its final
// status and report.
func (s *Store) saveBKNImport(ctx context.Context, tx *gorm.DB, a Actor, imp *BKNImport) error {
	rep, err := json.Marshal(imp.Report)
	if err != nil {
		return fmt.Errorf("encode report: %w", err)
	}
	if imp.ID != 0 {
		return tx.Exec(`UPDATE predikat_bkn_impor SET status = ?, laporan = ? WHERE id = ?`, imp.Status, string(rep), imp.ID).Error
	}
	var uid *int64
	if a.UserID != 0 {
		uid = &a.UserID
	}
	row := struct {
		ID        int64     `gorm:"column:id"`
		CreatedAt time.Time `gorm:"column:created_at"`
	}{}
	if err := tx.Raw(`INSERT INTO predikat_bkn_impor (opd_id, period, user_id, actor_nip, berkas, sha256, status, laporan)
VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id, created_at`, imp.OPDID, imp.Period.First(), uid, a.NIP, imp.Berkas, imp.SHA256, imp.Status, string(rep)).
		Scan(&row).Error; err != nil {
		return fmt.Errorf("save predikat import: %w", err)
	}
	imp.ID, imp.CreatedAt = row.ID, row.CreatedAt
	return nil
}

// bknImportRow is a stored import as read back.
type bknImportRow struct {
	ID        int64     `gorm:"column:id"`
	OPDID     int64     `gorm:"column:opd_id"`
	OPDNama   string    `gorm:"column:opd_nama"`
	Period    time.Time `gorm:"column:period"`
	Berkas    string    `gorm:"column:berkas"`
	Status    string    `gorm:"column:status"`
	ActorNIP  string    `gorm:"column:actor_nip"`
	CreatedAt time.Time `gorm:"column:created_at"`
	Laporan   string    `gorm:"column:laporan"`
}

func (r bknImportRow) decode() (BKNImport, error) {
	imp := BKNImport{ID: r.ID, OPDID: r.OPDID, OPDNama: r.OPDNama, Period: tpp.PeriodOf(r.Period), Berkas: r.Berkas,
		Status: r.Status, ActorNIP: r.ActorNIP, CreatedAt: r.CreatedAt}
	if r.Laporan != "" {
		if err := json.Unmarshal([]byte(r.Laporan), &imp.Report); err != nil {
			return BKNImport{}, fmt.Errorf("decode predikat import %d: %w", r.ID, err)
		}
	}
	return imp, nil
}

// BKNImportByID reads one import with its report, within the actor's scope
// (an admin_opd its own OPD's, a superadmin any).
func (s *Store) BKNImportByID(ctx context.Context, a Actor, id int64) (BKNImport, error) {
	if a.Role != auth.RoleAdminOPD && a.Role != auth.RoleSuperadmin {
		return BKNImport{}, errScope
	}
	var rows []bknImportRow
	if err := s.db.WithContext(ctx).Raw(`SELECT i.id, i.opd_id, o.nama AS opd_nama, i.period, i.berkas, i.status, i.actor_nip, i.created_at, i.laporan::text AS laporan
FROM predikat_bkn_impor i JOIN opd o ON o.id = i.opd_id WHERE i.id = ?`, id).Scan(&rows).Error; err != nil {
		return BKNImport{}, fmt.Errorf("predikat import: %w", err)
	}
	if len(rows) == 0 || (a.Role == auth.RoleAdminOPD && rows[0].OPDID != a.OPDID) {
		return BKNImport{}, apperr.ErrNotFound
	}
	return rows[0].decode()
}

// BKNImports lists the latest imports in the actor's scope (without their
// reports' lists), newest first.
func (s *Store) BKNImports(ctx context.Context, a Actor, limit int) ([]BKNImport, error) {
	q := `SELECT i.id, i.opd_id, o.nama AS opd_nama, i.period, i.berkas, i.status, i.actor_nip, i.created_at,
       jsonb_build_object('baris', i.laporan->'baris', 'tetap', i.laporan->'tetap',
           'diterapkan', coalesce(i.laporan->'diterapkan', '[]'), 'ditolak', coalesce(i.laporan->'ditolak', '[]'))::text AS laporan
FROM predikat_bkn_impor i JOIN opd o ON o.id = i.opd_id`
	args := []any{}
	switch a.Role {
	case auth.RoleAdminOPD:
		q += ` WHERE i.opd_id = ?`
		args = append(args, a.OPDID)
	case auth.RoleSuperadmin:
	default:
		return nil, errScope
	}
	q += ` ORDER BY i.id DESC LIMIT ?`
	args = append(args, limit)
	var rows []bknImportRow
	if err := s.db.WithContext(ctx).Raw(q, args...).Scan(&rows).Error; err != nil {
		return nil, fmt.Errorf("predikat imports: %w", err)
	}
	out := make([]BKNImport, 0, len(rows))
	for _, r := range rows {
		imp, err := r.decode()
		if err != nil {
			return nil, err
		}
		out = append(out, imp)
	}
	return out, nil
}

// BKNList names one list of an import report.
type BKNList string

// The lists of a report, in the order the page offers them.
const (
	BKNDitolak      BKNList = "ditolak"
	BKNDiterapkan   BKNList = "diterapkan"
	BKNDibekukan    BKNList = "dibekukan"
	BKNTidakDikenal BKNList = "tidak_dikenal"
	BKNTidakAda     BKNList = "tidak_ada"
	BKNBelumDinilai BKNList = "belum_dinilai"
)

// BKNLists are the report's lists in page order.
var BKNLists = []BKNList{BKNDitolak, BKNDiterapkan, BKNDibekukan, BKNTidakDikenal, BKNTidakAda, BKNBelumDinilai}

// Label is the list's title.
func (l BKNList) Label() string {
	return map[BKNList]string{BKNDitolak: "Baris ditolak", BKNDiterapkan: "Predikat diterapkan", BKNDibekukan: "Dibekukan klaim disetujui",
		BKNTidakDikenal: "NIP tidak dikenal", BKNTidakAda: "Pegawai tidak ada di berkas", BKNBelumDinilai: "Belum dinilai"}[l]
}

// Lines returns the lines of list l (refused rows as lines with the reason).
func (r BKNReport) Lines(l BKNList) []BKNLine {
	switch l {
	case BKNDitolak:
		out := make([]BKNLine, len(r.Refused))
		for i, e := range r.Refused {
			k := e.Reason
			if e.Column != "" {
				k = "Kolom " + e.Column + ": " + k
			}
			out[i] = BKNLine{Line: e.Line, Keterangan: k}
		}
		return out
	case BKNDiterapkan:
		return r.Applied
	case BKNDibekukan:
		return r.Frozen
	case BKNTidakDikenal:
		return r.Unknown
	case BKNTidakAda:
		return r.Missing
	case BKNBelumDinilai:
		return r.NotRated
	}
	return nil
}

// BKNPageSize is the number of report lines on one page.
const BKNPageSize = 50

// BKNPage is one page of one list of a report.
type BKNPage struct {
	List         BKNList
	Lines        []BKNLine
	Page, Pages  int
	Total, First int
}

// Page returns page hal (1-based, clamped) of list l; an unknown or empty
// list falls back to the first list that has lines.
func (r BKNReport) Page(l BKNList, hal int) BKNPage {
	if len(r.Lines(l)) == 0 {
		for _, x := range BKNLists {
			if len(r.Lines(x)) > 0 {
				l = x
				break
			}
		}
	}
	lines := r.Lines(l)
	pages := max(1, (len(lines)+BKNPageSize-1)/BKNPageSize)
	hal = min(max(hal, 1), pages)
	from := (hal - 1) * BKNPageSize
	to := min(from+BKNPageSize, len(lines))
	return BKNPage{List: l, Lines: lines[from:to], Page: hal, Pages: pages, Total: len(lines), First: from + 1}
}

// BKNSheets is the report as .xlsx sheets, one per list that has lines.
func (r BKNReport) BKNSheets() []tabular.Sheet {
	var out []tabular.Sheet
	for _, l := range BKNLists {
		lines := r.Lines(l)
		if len(lines) == 0 {
			continue
		}
		sh := tabular.Sheet{Name: l.Label(), Header: []string{"Baris", "NIP", "Nama", "Predikat", "Sebelumnya", "Keterangan"}}
		for _, x := range lines {
			var baris any
			if x.Line > 0 {
				baris = int64(x.Line)
			}
			sh.Rows = append(sh.Rows, []any{baris, x.NIP, x.Nama, x.Predikat.Label(), x.Sebelum.Label(), x.Keterangan})
		}
		out = append(out, sh)
	}
	if len(out) == 0 {
		out = append(out, tabular.Sheet{Name: "Laporan", Header: []string{"Keterangan"}, Rows: [][]any{{"Tidak ada baris untuk dilaporkan."}}})
	}
	return out
}

// BKNTemplateSheet is the import template: the header the importer reads
// first, one example row, and drop-downs for the ratings.
func BKNTemplateSheet(p tpp.Period) tabular.Sheet {
	preds := make([]string, len(Predikats))
	for i, x := range Predikats {
		preds[i] = x.Label()
	}
	preds[3] = "Kurang" // the export's spelling; "Kurang/Misconduct" reads too
	eks := []string{DiAtas.Label(), Sesuai.Label(), DiBawah.Label()}
	return tabular.Sheet{Name: "Predikat", Header: []string{"NIP", "NAMA", "PERIODE", "PREDIKAT", "RATING_HASIL_KERJA", "RATING_PERILAKU_KERJA"},
		Rows:     [][]any{{"198101152006041001", "Contoh Nama Pegawai", p.Param(), "Baik", "Sesuai ekspektasi", "Sesuai ekspektasi"}},
		Lists:    map[int][]string{3: preds, 4: eks, 5: eks},
		Notes:    []string{"Predikat kinerja bulanan e-Kinerja BKN. Isi satu baris per pegawai; PERIODE TTTT-BB (kosong = bulan yang dipilih saat impor)."},
		Template: true}
}
