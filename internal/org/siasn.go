package org

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"sort"
	"strings"
	"time"

	"gorm.io/gorm"

	"github.com/ekinerja/ekinerja/internal/apperr"
	"github.com/ekinerja/ekinerja/internal/audit"
	"github.com/ekinerja/ekinerja/internal/auth"
	"github.com/ekinerja/ekinerja/internal/tabular"
)

// The kinds of change a SIASN import offers; a change key is "NIP:kind".
const (
	SIASNBaru     = "baru"     // a new employee
	SIASNUbahNama = "nama"     // field changes of a stored employee
	SIASNUbahGol  = "golongan" //
	SIASNUbahStat = "status"   //
	SIASNUbahJab  = "jabatan"  // a new definitive position (jabatan and/or unit)
	SIASNPindah   = "pindah"   // a missing employee marked moved away
	SIASNPensiun  = "pensiun"  // a missing employee marked retired
)

// SIASNChange is one field of a stored employee that the export changes.
type SIASNChange struct {
	Key   string `json:"key"`
	Field string `json:"field"`
	Old   string `json:"old"`
	New   string `json:"new"`
	// For a position: the current and the new jabatan (ids) with their units.
	OldID   int64  `json:"old_id,omitempty"`
	NewID   int64  `json:"new_id,omitempty"`
	OldUnit string `json:"old_unit,omitempty"`
	NewUnit string `json:"new_unit,omitempty"`
}

// Label is the field's name as people read it.
func (c SIASNChange) Label() string {
	switch c.Field {
	case SIASNUbahNama:
		return "Nama"
	case SIASNUbahGol:
		return "Golongan"
	case SIASNUbahStat:
		return "Status"
	case SIASNUbahJab:
		return "Jabatan / unit kerja"
	}
	return c.Field
}

// SIASNEntry is one employee of the export that is new or changed.
type SIASNEntry struct {
	Line      int    `json:"line"`
	NIP       string `json:"nip"`
	Nama      string `json:"nama"`
	PegawaiID int64  `json:"pegawai_id,omitempty"`
	// A new employee's values.
	Status    string `json:"status,omitempty"`
	Golongan  string `json:"golongan,omitempty"`
	JabatanID int64  `json:"jabatan_id,omitempty"`
	Jabatan   string `json:"jabatan,omitempty"`
	Unit      string `json:"unit,omitempty"`
	// A stored employee's changes.
	Changes []SIASNChange `json:"changes,omitempty"`
}

// Key is the change key of a new employee.
func (e SIASNEntry) Key() string { return e.NIP + ":" + SIASNBaru }

// SIASNMissing is a stored active employee the export does not list.
type SIASNMissing struct {
	PegawaiID int64  `json:"pegawai_id"`
	NIP       string `json:"nip"`
	Nama      string `json:"nama"`
	Jabatan   string `json:"jabatan"`
}

// Key is the change key that marks the employee as left for reason
// (SIASNPindah or SIASNPensiun).
func (m SIASNMissing) Key(reason string) string { return m.NIP + ":" + reason }

// SIASNDiff is what an uploaded export would change in one OPD.
type SIASNDiff struct {
	ID        int64          `json:"-"`
	OPDID     int64          `json:"opd_id"`
	OPDNama   string         `json:"opd_nama"`
	FileName  string         `json:"berkas"`
	Status    string         `json:"-"`
	CreatedAt time.Time      `json:"-"`
	Columns   []string       `json:"kolom"` // "file header -> meaning"
	Rows      int            `json:"baris"`
	New       []SIASNEntry   `json:"baru"`
	Changed   []SIASNEntry   `json:"berubah"`
	Unchanged int            `json:"tetap"`
	Missing   []SIASNMissing `json:"hilang"`
	Refused   []RowError     `json:"ditolak"` // rows left out entirely
	Notes     []RowError     `json:"catatan"` // fields not offered (jabatan or unit not found, ...)
	// Applied are the change keys already applied.
	Applied map[string]bool `json:"-"`
	// Result is the last apply's counts (nil before any).
	Result *SIASNResult `json:"-"`
}

// Changes counts the offered changes.
func (d SIASNDiff) Changes() int {
	n := len(d.New)
	for _, e := range d.Changed {
		n += len(e.Changes)
	}
	return n
}

// keys lists every change key the diff offers.
func (d SIASNDiff) keys() map[string]bool {
	k := map[string]bool{}
	for _, e := range d.New {
		k[e.Key()] = true
	}
	for _, e := range d.Changed {
		for _, c := range e.Changes {
			k[c.Key] = true
		}
	}
	for _, m := range d.Missing {
		k[m.Key(SIASNPindah)], k[m.Key(SIASNPensiun)] = true, true
	}
	return k
}

// SIASNResult is what an apply did.
type SIASNResult struct {
	Created     int `json:"baru"`
	Updated     int `json:"diubah"` // fields changed
	Assigned    int `json:"jabatan"`
	Deactivated int `json:"nonaktif"`
	// Again counts accepted keys applied before: they changed nothing now.
	Again int `json:"sudah"`
}

// Changed is the number of changes this apply made.
func (r SIASNResult) Changed() int { return r.Created + r.Updated + r.Assigned + r.Deactivated }

// siasnOPD is the OPD an actor imports into: an admin_opd's own, a
// superadmin's chosen one. Other roles may not import.
func siasnOPD(a Actor, opdID int64) (int64, error) {
	switch a.Role {
	case auth.RoleAdminOPD:
		if opdID != 0 && opdID != a.OPDID {
			return 0, apperr.Invalid("opd_id", "Anda hanya dapat mengimpor pegawai OPD Anda sendiri.")
		}
		return a.OPDID, nil
	case auth.RoleSuperadmin:
		if opdID <= 0 {
			return 0, apperr.Invalid("opd_id", "Pilih OPD yang pegawainya diimpor.")
		}
		return opdID, nil
	}
	return 0, apperr.ErrForbidden
}

type siasnStored struct {
	ID        int64      `gorm:"column:id"`
	NIP       string     `gorm:"column:nip"`
	Nama      string     `gorm:"column:nama"`
	StatusASN string     `gorm:"column:status_asn"`
	Golongan  string     `gorm:"column:golongan"`
	OPDID     int64      `gorm:"column:opd_id"`
	Keadaan   string     `gorm:"column:keadaan"`
	JabatanID int64      `gorm:"column:jabatan_id"`
	Jabatan   string     `gorm:"column:jabatan"`
	Unit      string     `gorm:"column:unit"`
	Mulai     *time.Time `gorm:"column:mulai"`
}

// siasnStoredSelect reads employees with their open definitive position and its unit.
const siasnStoredSelect = `SELECT p.id, p.nip, p.nama, p.status_asn, p.golongan, p.opd_id, p.keadaan,
       coalesce(rj.jabatan_id, 0) AS jabatan_id, coalesce(j.nama, '') AS jabatan, coalesce(u.nama, '') AS unit, rj.mulai
FROM pegawai p
LEFT JOIN riwayat_jabatan rj ON rj.pegawai_id = p.id AND rj.jenis = 'definitif' AND rj.selesai IS NULL
LEFT JOIN jabatan j ON j.id = rj.jabatan_id
LEFT JOIN unit_kerja u ON u.id = j.unit_kerja_id
`

type siasnJabatan struct {
	ID     int64  `gorm:"column:id"`
	Kode   string `gorm:"column:kode"`
	Nama   string `gorm:"column:nama"`
	UnitID int64  `gorm:"column:unit_id"`
	Unit   string `gorm:"column:unit"`
	// fold and unitFold are the names as compared (foldName).
	fold, unitFold string
}

type siasnUnit struct {
	ID   int64  `gorm:"column:id"`
	Kode string `gorm:"column:kode"`
	Nama string `gorm:"column:nama"`
	fold string
}

// siasnRefs resolves jabatan and units of one OPD by code or name.
type siasnRefs struct {
	jab       []siasnJabatan
	jabByKode map[string]siasnJabatan
	units     []siasnUnit
}

func (s *Store) siasnRefs(ctx context.Context, db *gorm.DB, opdID int64) (siasnRefs, error) {
	var r siasnRefs
	if err := db.WithContext(ctx).Raw(`SELECT j.id, j.kode, j.nama, coalesce(u.id, 0) AS unit_id, coalesce(u.nama, '') AS unit
FROM jabatan j LEFT JOIN unit_kerja u ON u.id = j.unit_kerja_id WHERE j.opd_id = ? ORDER BY j.id`, opdID).Scan(&r.jab).Error; err != nil {
		return r, fmt.Errorf("siasn jabatan: %w", err)
	}
	if err := db.WithContext(ctx).Raw(`SELECT id, kode, nama FROM unit_kerja WHERE opd_id = ? ORDER BY id`, opdID).Scan(&r.units).Error; err != nil {
		return r, fmt.Errorf("siasn unit: %w", err)
	}
	r.jabByKode = map[string]siasnJabatan{}
	for i := range r.jab {
		r.jab[i].fold, r.jab[i].unitFold = foldName(r.jab[i].Nama), foldName(r.jab[i].Unit)
		r.jabByKode[r.jab[i].Kode] = r.jab[i]
	}
	for i := range r.units {
		r.units[i].fold = foldName(r.units[i].Nama)
	}
	return r, nil
}

// resolve finds the position a record names: by code when given, else by
// name within the OPD, narrowed by the unit when several share the name.
// It returns the position (ID 0: none) and, when it cannot, why.
func (r siasnRefs) resolve(rec SIASNRecord) (siasnJabatan, string) {
	unitKnown := func() (bool, string) {
		if rec.UnitKode != "" {
			for _, u := range r.units {
				if u.Kode == rec.UnitKode {
					return true, u.fold
				}
			}
			return false, ""
		}
		if rec.Unit == "" {
			return true, ""
		}
		want := foldName(rec.Unit)
		for _, u := range r.units {
			if u.fold == want {
				return true, u.fold
			}
		}
		return false, ""
	}
	ok, unit := unitKnown()
	if !ok {
		u := rec.Unit
		if rec.UnitKode != "" {
			u = rec.UnitKode
		}
		return siasnJabatan{}, fmt.Sprintf("Unit kerja %q tidak ditemukan di OPD ini; jabatan tidak dibandingkan. Tambahkan unit kerja itu lebih dulu.", truncate(u, 80))
	}
	if rec.JabatanKode != "" {
		j, ok := r.jabByKode[rec.JabatanKode]
		if !ok {
			return j, fmt.Sprintf("Jabatan dengan kode %q tidak ditemukan di OPD ini.", truncate(rec.JabatanKode, 40))
		}
		return j, ""
	}
	if rec.Jabatan == "" {
		return siasnJabatan{}, ""
	}
	var named, inUnit []siasnJabatan
	want := foldName(rec.Jabatan)
	for _, j := range r.jab {
		if j.fold == want {
			named = append(named, j)
			if unit != "" && j.unitFold == unit {
				inUnit = append(inUnit, j)
			}
		}
	}
	switch {
	case len(named) == 0:
		return siasnJabatan{}, fmt.Sprintf("Jabatan %q tidak ditemukan di OPD ini; tambahkan jabatan itu lebih dulu (atau impor jabatan).", truncate(rec.Jabatan, 80))
	case unit != "" && len(inUnit) == 1:
		return inUnit[0], ""
	case unit != "" && len(inUnit) == 0:
		return siasnJabatan{}, fmt.Sprintf("Jabatan %q tidak ada di unit kerja %q.", truncate(rec.Jabatan, 80), truncate(rec.Unit, 80))
	case len(named) == 1:
		return named[0], ""
	}
	return siasnJabatan{}, fmt.Sprintf("Jabatan %q ada lebih dari satu di OPD ini; isi unit kerja atau kode jabatan agar jelas.", truncate(rec.Jabatan, 80))
}

// SIASNPreview reads a SIASN export for an OPD (an admin_opd's own; the one
// a superadmin chose), compares it with the stored employees, and keeps the
// difference on the server as a batch to be applied later by its id. A file
// that cannot be read is a validation error on "berkas"; nothing is stored.
func (s *Store) SIASNPreview(ctx context.Context, a Actor, opdID int64, fileName string, r io.Reader) (SIASNDiff, error) {
	d := SIASNDiff{FileName: truncate(fileName, 200)}
	opdID, err := siasnOPD(a, opdID)
	if err != nil {
		return d, err
	}
	d.OPDID = opdID
	db := s.db.WithContext(ctx)
	if err := db.Raw(`SELECT nama FROM opd WHERE id = ?`, opdID).Scan(&d.OPDNama).Error; err != nil {
		return d, err
	}
	if d.OPDNama == "" {
		return d, apperr.Invalid("opd_id", "OPD tidak dikenal.")
	}
	t, err := tabular.Read(r, fileName, tabular.Options{MaxBytes: MaxImportBytes, MaxRows: 50000})
	var tfe *tabular.FileError
	if errors.As(err, &tfe) {
		return d, apperr.Invalid("berkas", tfe.Reason)
	}
	if err != nil {
		return d, err
	}
	ps, err := ParseSIASN(t)
	h, recs, bad := ps.Header, ps.Records, ps.Refused
	var fe *FileError
	if errors.As(err, &fe) {
		return d, apperr.Invalid("berkas", fe.Reason)
	}
	if err != nil {
		return d, err
	}
	if len(recs)+len(bad) == 0 {
		return d, apperr.Invalid("berkas", "Berkas hanya berisi baris judul; tidak ada data.")
	}
	for f := SIASNNIP; f < siasnFieldCount; f++ {
		if h.Has(f) {
			d.Columns = append(d.Columns, h.Names[f]+" → "+f.Label())
		}
	}
	d.Rows, d.Refused = len(recs)+len(bad), bad
	if err := s.siasnCompare(ctx, &d, h, recs, ps.Listed); err != nil {
		return d, err
	}
	data, err := json.Marshal(d)
	if err != nil {
		return d, err
	}
	var row struct {
		ID        int64     `gorm:"column:id"`
		CreatedAt time.Time `gorm:"column:created_at"`
	}
	var uid *int64
	if a.UserID != 0 {
		uid = &a.UserID
	}
	if err := db.Raw(`INSERT INTO siasn_impor (opd_id, user_id, actor_nip, berkas, data) VALUES (?, ?, ?, ?, ?::jsonb) RETURNING id, created_at`,
		opdID, uid, a.NIP, d.FileName, string(data)).Scan(&row).Error; err != nil {
		return d, fmt.Errorf("siasn batch: %w", err)
	}
	d.ID, d.CreatedAt, d.Status, d.Applied = row.ID, row.CreatedAt, "pratinjau", map[string]bool{}
	return d, nil
}

// siasnCompare fills d with the records' difference against the OPD.
func (s *Store) siasnCompare(ctx context.Context, d *SIASNDiff, h SIASNHeader, recs []SIASNRecord, listed map[string]bool) error {
	db := s.db.WithContext(ctx)
	nips := make([]string, len(recs))
	for i, r := range recs {
		nips[i] = r.NIP
	}
	var stored []siasnStored
	if err := db.Raw(siasnStoredSelect+`WHERE p.opd_id = ? ORDER BY p.nama, p.id`, d.OPDID).Scan(&stored).Error; err != nil {
		return fmt.Errorf("siasn stored: %w", err)
	}
	byNIP := map[string]siasnStored{}
	for _, p := range stored {
		byNIP[p.NIP] = p
	}
	other := map[string]bool{}
	for i := 0; i < len(nips); i += 2000 {
		var o []string
		if err := db.Raw(`SELECT nip FROM pegawai WHERE opd_id <> ? AND nip IN ?`, d.OPDID, nips[i:min(i+2000, len(nips))]).Scan(&o).Error; err != nil {
			return fmt.Errorf("siasn other: %w", err)
		}
		for _, n := range o {
			other[n] = true
		}
	}
	refs, err := s.siasnRefs(ctx, s.db, d.OPDID)
	if err != nil {
		return err
	}
	note := func(line int, col, reason string) {
		d.Notes = append(d.Notes, RowError{Line: line, Column: col, Reason: reason})
	}
	for _, r := range recs {
		if other[r.NIP] {
			d.Refused = append(d.Refused, RowError{Line: r.Line, Column: h.Names[SIASNNIP],
				Reason: "NIP ini terdaftar di OPD lain; mutasi antar-OPD dilakukan oleh Super Admin di halaman pegawai."})
			continue
		}
		var target siasnJabatan
		if h.Has(SIASNJabatan) || h.Has(SIASNJabatanKode) {
			var why string
			if target, why = refs.resolve(r); why != "" {
				note(r.Line, h.Names[SIASNJabatan], why)
			}
		}
		old, ok := byNIP[r.NIP]
		if !ok {
			st := r.Status
			if st == "" {
				if n, _ := ParseNIP(r.NIP); n.PPPK {
					st = PPPK
				}
			}
			in := PegawaiInput{NIP: r.NIP, Nama: r.Nama, StatusASN: string(st), Golongan: r.Golongan, OPDID: d.OPDID, Keadaan: "aktif"}
			p, ve := in.Validate()
			if len(ve.Fields) > 0 {
				keys := make([]string, 0, len(ve.Fields))
				for k := range ve.Fields {
					keys = append(keys, k)
				}
				sort.Strings(keys)
				for _, k := range keys {
					d.Refused = append(d.Refused, RowError{Line: r.Line, Column: k, Reason: "Pegawai baru: " + ve.Fields[k]})
				}
				continue
			}
			d.New = append(d.New, SIASNEntry{Line: r.Line, NIP: p.NIP, Nama: p.Nama, Status: string(p.StatusASN), Golongan: p.Golongan,
				JabatanID: target.ID, Jabatan: target.Nama, Unit: target.Unit})
			continue
		}
		e := SIASNEntry{Line: r.Line, NIP: r.NIP, Nama: old.Nama, PegawaiID: old.ID}
		add := func(field, from, to string) {
			e.Changes = append(e.Changes, SIASNChange{Key: r.NIP + ":" + field, Field: field, Old: from, New: to})
		}
		if r.Nama != old.Nama {
			add(SIASNUbahNama, old.Nama, r.Nama)
		}
		status := StatusASN(old.StatusASN)
		if r.Status != "" && r.Status != status {
			add(SIASNUbahStat, old.StatusASN, string(r.Status))
			status = r.Status
		}
		if r.Golongan != "" {
			if g, ok := NormalizeGolongan(status, r.Golongan); !ok {
				note(r.Line, h.Names[SIASNGolongan], fmt.Sprintf("Golongan %s tidak sesuai status %s; golongan tidak dibandingkan.", r.Golongan, status))
			} else if g != old.Golongan {
				add(SIASNUbahGol, old.Golongan, g)
			}
		}
		if target.ID != 0 && target.ID != old.JabatanID {
			e.Changes = append(e.Changes, SIASNChange{Key: r.NIP + ":" + SIASNUbahJab, Field: SIASNUbahJab, Old: old.Jabatan, New: target.Nama,
				OldID: old.JabatanID, NewID: target.ID, OldUnit: old.Unit, NewUnit: target.Unit})
		}
		if old.Keadaan != "aktif" {
			note(r.Line, h.Names[SIASNNIP], fmt.Sprintf("Pegawai ini tercatat %s di sini tetapi ada di SIASN; ubah keadaannya di halaman pegawai bila perlu.", old.Keadaan))
		}
		if len(e.Changes) == 0 {
			d.Unchanged++
			continue
		}
		d.Changed = append(d.Changed, e)
	}
	for _, p := range stored {
		if p.Keadaan == "aktif" && !listed[p.NIP] {
			d.Missing = append(d.Missing, SIASNMissing{PegawaiID: p.ID, NIP: p.NIP, Nama: p.Nama, Jabatan: p.Jabatan})
		}
	}
	sort.SliceStable(d.Refused, func(i, j int) bool { return d.Refused[i].Line < d.Refused[j].Line })
	sort.SliceStable(d.Notes, func(i, j int) bool { return d.Notes[i].Line < d.Notes[j].Line })
	return nil
}

type siasnBatchRow struct {
	ID         int64     `gorm:"column:id"`
	OPDID      int64     `gorm:"column:opd_id"`
	Status     string    `gorm:"column:status"`
	Data       string    `gorm:"column:data"`
	Diterapkan string    `gorm:"column:diterapkan"`
	Hasil      *string   `gorm:"column:hasil"`
	CreatedAt  time.Time `gorm:"column:created_at"`
}

const siasnBatchSelect = `SELECT id, opd_id, status, data::text AS data, diterapkan::text AS diterapkan, hasil::text AS hasil, created_at
FROM siasn_impor WHERE id = ?`

// siasnBatch reads a batch in the actor's scope (another OPD's reads as not
// found), locked FOR UPDATE when lock is set.
func siasnBatch(ctx context.Context, db *gorm.DB, a Actor, id int64, lock bool) (SIASNDiff, error) {
	var d SIASNDiff
	if !CanEdit(a.Role) {
		return d, apperr.ErrForbidden
	}
	sc := ScopeOPD(a.OPDID)
	if a.Role == auth.RoleSuperadmin {
		sc = All
	}
	var b siasnBatchRow
	var err error
	if lock {
		err = db.WithContext(ctx).Raw(siasnBatchSelect+` FOR UPDATE`, id).Scan(&b).Error
	} else {
		err = db.WithContext(ctx).Raw(siasnBatchSelect, id).Scan(&b).Error
	}
	if err != nil {
		return d, fmt.Errorf("siasn batch %d: %w", id, err)
	}
	if b.ID == 0 || !sc.Allows(b.OPDID) {
		return d, notFound("impor siasn", id)
	}
	if err := json.Unmarshal([]byte(b.Data), &d); err != nil {
		return d, fmt.Errorf("siasn batch %d data: %w", id, err)
	}
	var applied []string
	if err := json.Unmarshal([]byte(b.Diterapkan), &applied); err != nil {
		return d, fmt.Errorf("siasn batch %d applied: %w", id, err)
	}
	d.Applied = make(map[string]bool, len(applied))
	for _, k := range applied {
		d.Applied[k] = true
	}
	if b.Hasil != nil {
		var r SIASNResult
		if err := json.Unmarshal([]byte(*b.Hasil), &r); err != nil {
			return d, fmt.Errorf("siasn batch %d result: %w", id, err)
		}
		d.Result = &r
	}
	d.ID, d.OPDID, d.Status, d.CreatedAt = b.ID, b.OPDID, b.Status, b.CreatedAt
	return d, nil
}

// SIASNBatch returns a stored preview in the actor's scope.
func (s *Store) SIASNBatch(ctx context.Context, a Actor, id int64) (SIASNDiff, error) {
	return siasnBatch(ctx, s.db, a, id, false)
}

// SIASNApply applies the accepted changes of batch id (keys as the preview
// offered them: "NIP:baru", "NIP:nama", "NIP:jabatan", "NIP:pindah", ...)
// in one transaction, with the values stored in the batch, never the
// client's. Each change writes an audit row with its before and after. A
// key applied before is skipped (so a second apply, or a second request
// racing the first, changes nothing); a change whose stored value moved
// since the preview refuses the whole apply (conflict: upload again).
// A new position starts on day.
func (s *Store) SIASNApply(ctx context.Context, a Actor, id int64, accepted []string, day time.Time) (SIASNResult, error) {
	var res SIASNResult
	if len(accepted) == 0 {
		return res, apperr.Invalid("terima", "Centang paling sedikit satu perubahan yang diterima.")
	}
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		d, err := siasnBatch(ctx, tx, a, id, true)
		if err != nil {
			return err
		}
		offered := d.keys()
		want := map[string]bool{}
		for _, k := range accepted {
			if !offered[k] {
				return apperr.Invalid("terima", fmt.Sprintf("Perubahan %q tidak ada di pratinjau ini.", truncate(k, 60)))
			}
			if d.Applied[k] {
				res.Again++
				continue
			}
			want[k] = true
		}
		for _, m := range d.Missing {
			if want[m.Key(SIASNPindah)] && want[m.Key(SIASNPensiun)] {
				return apperr.Invalid("terima", fmt.Sprintf("Pegawai %s: pilih pindah atau pensiun, tidak keduanya.", m.NIP))
			}
		}
		if len(want) == 0 {
			return nil
		}
		ap := siasnApplier{tx: tx, a: a, d: d, day: day, res: &res, jabOK: map[int64]bool{}}
		if err := ap.apply(ctx, want); err != nil {
			return err
		}
		keys := make([]string, 0, len(d.Applied)+len(want))
		for k := range d.Applied {
			keys = append(keys, k)
		}
		for k := range want {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		kj, _ := json.Marshal(keys)
		rj, _ := json.Marshal(res)
		var uid *int64
		if a.UserID != 0 {
			uid = &a.UserID
		}
		if err := tx.Exec(`UPDATE siasn_impor SET status = 'diterapkan', diterapkan = ?::jsonb, hasil = ?::jsonb, applied_at = now(), applied_by = ? WHERE id = ?`,
			string(kj), string(rj), uid, id).Error; err != nil {
			return fmt.Errorf("siasn mark applied: %w", err)
		}
		return audit.Record(ctx, tx, entry(a, "org.siasn_terapkan", "siasn_impor", id, map[string]any{"opd_id": d.OPDID,
			"berkas": d.FileName, "baru": res.Created, "diubah": res.Updated, "jabatan": res.Assigned, "nonaktif": res.Deactivated}))
	})
	if isUniqueViolation(err) {
		return SIASNResult{}, apperr.New(apperr.ErrConflict, "NIP pegawai baru sudah terdaftar sejak pratinjau dibuat. Unggah ulang berkasnya.")
	}
	return res, err
}

type siasnApplier struct {
	tx  *gorm.DB
	a   Actor
	d   SIASNDiff
	day time.Time
	res *SIASNResult
	// jabOK are the positions already found still in the OPD.
	jabOK map[int64]bool
}

// conflict is the refusal of a change whose stored value moved since the preview.
func siasnConflict(nip, what string) error {
	return apperr.New(apperr.ErrConflict, fmt.Sprintf("Data %s pegawai %s berubah sejak pratinjau dibuat; tidak ada yang diterapkan. Unggah ulang berkas SIASN.", what, nip))
}

func (ap siasnApplier) audit(ctx context.Context, action string, pegawaiID int64, detail map[string]any) error {
	detail["impor_siasn"] = ap.d.ID
	return audit.Record(ctx, ap.tx, entry(ap.a, action, "pegawai", pegawaiID, detail))
}

func (ap siasnApplier) apply(ctx context.Context, want map[string]bool) error {
	tx := ap.tx
	for _, e := range ap.d.New {
		if !want[e.Key()] {
			continue
		}
		p := Pegawai{NIP: e.NIP, Nama: e.Nama, StatusASN: StatusASN(e.Status), Golongan: e.Golongan, OPDID: ap.d.OPDID, Keadaan: "aktif"}
		if err := tx.Create(&p).Error; err != nil {
			return fmt.Errorf("siasn create %s: %w", e.NIP, err)
		}
		detail := map[string]any{"nip": p.NIP, "sesudah": map[string]any{"nama": p.Nama, "status_asn": p.StatusASN, "golongan": p.Golongan, "opd_id": p.OPDID}}
		if e.JabatanID != 0 {
			if err := ap.checkJabatan(ctx, e.JabatanID); err != nil {
				return err
			}
			if err := tx.Create(&RiwayatJabatan{PegawaiID: p.ID, JabatanID: e.JabatanID, Jenis: Definitif, Mulai: ap.day, NomorSK: "impor SIASN"}).Error; err != nil {
				return fmt.Errorf("siasn assign %s: %w", e.NIP, err)
			}
			detail["sesudah"].(map[string]any)["jabatan"] = e.Jabatan
			detail["sesudah"].(map[string]any)["unit"] = e.Unit
		}
		if err := ap.audit(ctx, "org.siasn_tambah", p.ID, detail); err != nil {
			return err
		}
		ap.res.Created++
	}
	for _, e := range ap.d.Changed {
		var fields []SIASNChange
		for _, c := range e.Changes {
			if want[c.Key] {
				fields = append(fields, c)
			}
		}
		if len(fields) == 0 {
			continue
		}
		if err := ap.change(ctx, e, fields); err != nil {
			return err
		}
	}
	for _, m := range ap.d.Missing {
		reason := ""
		switch {
		case want[m.Key(SIASNPindah)]:
			reason = SIASNPindah
		case want[m.Key(SIASNPensiun)]:
			reason = SIASNPensiun
		default:
			continue
		}
		res := tx.Exec(`UPDATE pegawai SET keadaan = ?, updated_at = now() WHERE id = ? AND opd_id = ? AND keadaan = 'aktif'`, reason, m.PegawaiID, ap.d.OPDID)
		if res.Error != nil {
			return fmt.Errorf("siasn nonaktif %s: %w", m.NIP, res.Error)
		}
		if res.RowsAffected != 1 {
			return siasnConflict(m.NIP, "keadaan")
		}
		if err := ap.audit(ctx, "org.siasn_nonaktif", m.PegawaiID, map[string]any{"nip": m.NIP, "kolom": "keadaan", "sebelum": "aktif", "sesudah": reason}); err != nil {
			return err
		}
		ap.res.Deactivated++
	}
	return nil
}

// checkJabatan refuses a position that left the OPD since the preview.
func (ap siasnApplier) checkJabatan(ctx context.Context, id int64) error {
	if ap.jabOK[id] {
		return nil
	}
	var n int64
	if err := ap.tx.WithContext(ctx).Raw(`SELECT count(*) FROM jabatan WHERE id = ? AND opd_id = ?`, id, ap.d.OPDID).Scan(&n).Error; err != nil {
		return err
	}
	if n == 0 {
		return apperr.New(apperr.ErrConflict, "Sebuah jabatan dari pratinjau tidak lagi ada di OPD ini; unggah ulang berkas SIASN.")
	}
	ap.jabOK[id] = true
	return nil
}

// change applies the accepted fields of one stored employee, each checked
// against the value the preview saw.
func (ap siasnApplier) change(ctx context.Context, e SIASNEntry, fields []SIASNChange) error {
	tx := ap.tx
	var cur []siasnStored
	if err := tx.Raw(siasnStoredSelect+`WHERE p.id = ? FOR UPDATE OF p`, e.PegawaiID).Scan(&cur).Error; err != nil {
		return fmt.Errorf("siasn read %s: %w", e.NIP, err)
	}
	if len(cur) != 1 || cur[0].OPDID != ap.d.OPDID || cur[0].NIP != e.NIP {
		return siasnConflict(e.NIP, "OPD")
	}
	p := cur[0]
	nama, status, gol := p.Nama, StatusASN(p.StatusASN), p.Golongan
	var jab *SIASNChange
	for i, c := range fields {
		var now string
		switch c.Field {
		case SIASNUbahNama:
			now, nama = p.Nama, c.New
		case SIASNUbahStat:
			now, status = p.StatusASN, StatusASN(c.New)
		case SIASNUbahGol:
			now, gol = p.Golongan, c.New
		case SIASNUbahJab:
			if p.JabatanID != c.OldID {
				return siasnConflict(e.NIP, "jabatan")
			}
			jab = &fields[i]
			continue
		}
		if now != c.Old {
			return siasnConflict(e.NIP, strings.ToLower(c.Label()))
		}
	}
	if nama != p.Nama || status != StatusASN(p.StatusASN) || gol != p.Golongan {
		if _, ok := NormalizeGolongan(status, gol); !ok {
			return apperr.Invalid("terima", fmt.Sprintf("Pegawai %s: golongan %s tidak sesuai status %s. Terima status dan golongan bersama-sama.", e.NIP, gol, status))
		}
		if err := tx.Exec(`UPDATE pegawai SET nama = ?, status_asn = ?, golongan = ?, updated_at = now() WHERE id = ?`, nama, status, gol, p.ID).Error; err != nil {
			return fmt.Errorf("siasn update %s: %w", e.NIP, err)
		}
		for _, c := range fields {
			if c.Field == SIASNUbahJab {
				continue
			}
			if err := ap.audit(ctx, "org.siasn_ubah", p.ID, map[string]any{"nip": e.NIP, "kolom": c.Field, "sebelum": c.Old, "sesudah": c.New}); err != nil {
				return err
			}
			ap.res.Updated++
		}
	}
	if jab != nil {
		if err := ap.checkJabatan(ctx, jab.NewID); err != nil {
			return err
		}
		if p.Mulai != nil && !ap.day.After(*p.Mulai) {
			return apperr.Invalid("terima", fmt.Sprintf("Pegawai %s: jabatan sekarang baru mulai %s; jabatan baru dari SIASN hanya dapat mulai sesudahnya. Ubah lewat halaman pegawai.",
				e.NIP, p.Mulai.Format("02-01-2006")))
		}
		if p.JabatanID != 0 {
			if err := tx.Exec(`UPDATE riwayat_jabatan SET selesai = ? WHERE pegawai_id = ? AND jenis = 'definitif' AND selesai IS NULL`, ap.day.AddDate(0, 0, -1), p.ID).Error; err != nil {
				return fmt.Errorf("siasn close %s: %w", e.NIP, err)
			}
		}
		if err := tx.Create(&RiwayatJabatan{PegawaiID: p.ID, JabatanID: jab.NewID, Jenis: Definitif, Mulai: ap.day, NomorSK: "impor SIASN"}).Error; err != nil {
			return fmt.Errorf("siasn assign %s: %w", e.NIP, err)
		}
		if err := ap.audit(ctx, "org.siasn_jabatan", p.ID, map[string]any{"nip": e.NIP, "kolom": "jabatan",
			"sebelum": map[string]any{"jabatan_id": jab.OldID, "jabatan": jab.Old, "unit": jab.OldUnit},
			"sesudah": map[string]any{"jabatan_id": jab.NewID, "jabatan": jab.New, "unit": jab.NewUnit, "mulai": ap.day.Format(time.DateOnly)}}); err != nil {
			return err
		}
		ap.res.Assigned++
	}
	return nil
}

// SIASNPerPage is how many lines one page of a preview shows.
const SIASNPerPage = 100

// SIASNPage is one page of a preview: the lists New, Changed, Missing,
// Refused and Notes in that order, cut into pages of SIASNPerPage lines.
type SIASNPage struct {
	Page, Pages int
	New         []SIASNEntry
	Changed     []SIASNEntry
	Missing     []SIASNMissing
	Refused     []RowError
	Notes       []RowError
}

// Page returns page p (1-based; out of range is the nearest page).
func (d SIASNDiff) Page(p int) SIASNPage {
	total := len(d.New) + len(d.Changed) + len(d.Missing) + len(d.Refused) + len(d.Notes)
	pg := SIASNPage{Pages: max(1, (total+SIASNPerPage-1)/SIASNPerPage)}
	pg.Page = min(max(p, 1), pg.Pages)
	lo, hi := (pg.Page-1)*SIASNPerPage, pg.Page*SIASNPerPage
	off := 0
	window := func(n int) (int, int) {
		a, b := max(lo-off, 0), min(hi-off, n)
		off += n
		if a >= b {
			return 0, 0
		}
		return a, b
	}
	a, b := window(len(d.New))
	pg.New = d.New[a:b]
	a, b = window(len(d.Changed))
	pg.Changed = d.Changed[a:b]
	a, b = window(len(d.Missing))
	pg.Missing = d.Missing[a:b]
	a, b = window(len(d.Refused))
	pg.Refused = d.Refused[a:b]
	a, b = window(len(d.Notes))
	pg.Notes = d.Notes[a:b]
	return pg
}
