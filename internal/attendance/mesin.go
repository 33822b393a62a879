package attendance

import (
	"context"
	"fmt"
	"regexp"
	"sort"
	"strings"

	"gorm.io/gorm"

	"github.com/ekinerja/ekinerja/internal/apperr"
	"github.com/ekinerja/ekinerja/internal/audit"
	"github.com/ekinerja/ekinerja/internal/auth"
	"github.com/ekinerja/ekinerja/internal/org"
	"github.com/ekinerja/ekinerja/internal/tabular"
)

// Mesin is a registered fingerprint machine of an OPD.
type Mesin struct {
	ID        int64  `gorm:"column:id"`
	OPDID     int64  `gorm:"column:opd_id"`
	NomorSeri string `gorm:"column:nomor_seri"`
	Nama      string `gorm:"column:nama"`
	Lokasi    string `gorm:"column:lokasi"`
	// PINs counts the machine's known PINs, Unmapped those without an employee.
	PINs     int   `gorm:"column:pins"`
	Unmapped int   `gorm:"column:unmapped"`
	Scans    int64 `gorm:"column:scans"`
}

// MesinInput is the machine form.
type MesinInput struct {
	NomorSeri, Nama, Lokasi string
}

var serialRe = regexp.MustCompile(`^[A-Za-z0-9._-]{3,40}$`)

// adminOPD returns the OPD of an admin_opd; machines are kept by the OPD's
// own admin only.
func adminOPD(p *auth.Principal) (int64, error) {
	if p.Active.Role != auth.RoleAdminOPD || p.Active.OPDID == 0 {
		return 0, apperr.ErrForbidden
	}
	return p.Active.OPDID, nil
}

const mesinSelect = `SELECT m.id, m.opd_id, m.nomor_seri, m.nama, m.lokasi,
  (SELECT count(*) FROM mesin_pin mp WHERE mp.mesin_id = m.id) AS pins,
  (SELECT count(*) FROM mesin_pin mp WHERE mp.mesin_id = m.id AND mp.pegawai_id IS NULL) AS unmapped,
  (SELECT count(*) FROM scan_presensi s WHERE s.mesin_id = m.id) AS scans
FROM mesin_presensi m `

// Machines lists the admin's OPD's machines by name.
func (s *Store) Machines(ctx context.Context, p *auth.Principal) ([]Mesin, error) {
	opd, err := adminOPD(p)
	if err != nil {
		return nil, err
	}
	var out []Mesin
	if err := s.db.WithContext(ctx).Raw(mesinSelect+`WHERE m.opd_id = ? ORDER BY m.nama, m.id`, opd).Scan(&out).Error; err != nil {
		return nil, fmt.Errorf("machines: %w", err)
	}
	return out, nil
}

// Machine returns one machine of the admin's OPD; another OPD's machine is
// ErrOutOfScope, an unknown id ErrNotFound.
func (s *Store) Machine(ctx context.Context, p *auth.Principal, id int64) (Mesin, error) {
	opd, err := adminOPD(p)
	if err != nil {
		return Mesin{}, err
	}
	var m Mesin
	if err := s.db.WithContext(ctx).Raw(mesinSelect+`WHERE m.id = ?`, id).Scan(&m).Error; err != nil {
		return m, fmt.Errorf("machine %d: %w", id, err)
	}
	if m.ID == 0 {
		return m, fmt.Errorf("machine %d: %w", id, apperr.ErrNotFound)
	}
	if m.OPDID != opd {
		return Mesin{}, fmt.Errorf("machine %d of opd %d for admin of %d: %w", id, m.OPDID, opd, apperr.ErrOutOfScope)
	}
	return m, nil
}

// SaveMachine registers (id 0) or edits a machine of the admin's OPD, audited.
func (s *Store) SaveMachine(ctx context.Context, p *auth.Principal, ip string, id int64, in MesinInput) (int64, error) {
	opd, err := adminOPD(p)
	if err != nil {
		return 0, err
	}
	var old Mesin
	if id != 0 {
		if old, err = s.Machine(ctx, p, id); err != nil {
			return 0, err
		}
	}
	var ve apperr.ValidationError
	serial := strings.TrimSpace(in.NomorSeri)
	nama := strings.TrimSpace(in.Nama)
	lokasi := strings.TrimSpace(in.Lokasi)
	if !serialRe.MatchString(serial) {
		ve.Add("nomor_seri", "Nomor seri 3 sampai 40 huruf, angka, titik, - atau _ (lihat menu Info Sistem di mesin).")
	}
	if n := len([]rune(nama)); n < 1 || n > 100 {
		ve.Add("nama", "Nama mesin wajib diisi (paling banyak 100 huruf).")
	} else if org.FormulaLed(nama) {
		ve.Add("nama", "Nama tidak boleh diawali =, +, -, @, tab atau baris baru.")
	}
	if len([]rune(lokasi)) > 200 {
		ve.Add("lokasi", "Lokasi paling banyak 200 huruf.")
	} else if org.FormulaLed(lokasi) {
		ve.Add("lokasi", "Lokasi tidak boleh diawali =, +, -, @, tab atau baris baru.")
	}
	if err := ve.OrNil(); err != nil {
		return 0, err
	}
	if id != 0 && old.NomorSeri == serial && old.Nama == nama && old.Lokasi == lokasi {
		return id, apperr.New(apperr.ErrConflict, "Tidak ada perubahan pada mesin ini.")
	}
	err = s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var taken int64
		if err := tx.Raw(`SELECT count(*) FROM mesin_presensi WHERE nomor_seri = ? AND id <> ?`, serial, id).Scan(&taken).Error; err != nil {
			return err
		}
		if taken > 0 {
			return apperr.Invalid("nomor_seri", "Nomor seri ini sudah terdaftar.")
		}
		action := "presensi.mesin_daftar"
		detail := map[string]any{"opd_id": opd, "nomor_seri": serial, "nama": nama, "lokasi": lokasi}
		if id == 0 {
			if err := tx.Raw(`INSERT INTO mesin_presensi (opd_id, nomor_seri, nama, lokasi) VALUES (?, ?, ?, ?) RETURNING id`,
				opd, serial, nama, lokasi).Scan(&id).Error; err != nil {
				return fmt.Errorf("register machine: %w", err)
			}
		} else {
			if err := tx.Exec(`UPDATE mesin_presensi SET nomor_seri = ?, nama = ?, lokasi = ? WHERE id = ? AND opd_id = ?`,
				serial, nama, lokasi, id, opd).Error; err != nil {
				return fmt.Errorf("edit machine: %w", err)
			}
			action = "presensi.mesin_ubah"
			detail["lama"] = map[string]any{"nomor_seri": old.NomorSeri, "nama": old.Nama, "lokasi": old.Lokasi}
		}
		return audit.Record(ctx, tx, audit.Entry{ActorID: p.UserID, ActorNIP: p.NIP, IP: ip, Action: action,
			ObjectType: "mesin_presensi", ObjectID: fmt.Sprint(id), Detail: detail})
	})
	if err != nil {
		return 0, err
	}
	return id, nil
}

// PINRow is one PIN of a machine and the employee it maps to.
type PINRow struct {
	PIN         string `gorm:"column:pin"`
	NamaDiMesin string `gorm:"column:nama_di_mesin"`
	PegawaiID   *int64 `gorm:"column:pegawai_id"`
	NIP         string `gorm:"column:nip"`
	Nama        string `gorm:"column:nama"`
	Scans       int64  `gorm:"column:scans"`
}

// Mapped reports whether the PIN maps to an employee.
func (r PINRow) Mapped() bool { return r.PegawaiID != nil }

// MachinePINs lists a machine's PINs, unmapped ones first, then by PIN
// (numerically when they are numbers).
func (s *Store) MachinePINs(ctx context.Context, p *auth.Principal, id int64) ([]PINRow, error) {
	if _, err := s.Machine(ctx, p, id); err != nil {
		return nil, err
	}
	var out []PINRow
	if err := s.db.WithContext(ctx).Raw(`
SELECT mp.pin, mp.nama_di_mesin, mp.pegawai_id, coalesce(pg.nip, '') AS nip, coalesce(pg.nama, '') AS nama,
  (SELECT count(*) FROM scan_presensi s WHERE s.mesin_id = mp.mesin_id AND s.pin = mp.pin) AS scans
FROM mesin_pin mp LEFT JOIN pegawai pg ON pg.id = mp.pegawai_id
WHERE mp.mesin_id = ?
ORDER BY mp.pegawai_id IS NOT NULL, length(mp.pin), mp.pin`, id).Scan(&out).Error; err != nil {
		return nil, fmt.Errorf("machine pins: %w", err)
	}
	return out, nil
}

// PINMapReport says what a PIN map change did.
type PINMapReport struct {
	Mapped, Unmapped, Added, Unchanged int
	Errors                             []RowError
	FileError                          string
	Applied                            bool
}

// pinChange is one requested mapping: PIN to NIP ("" unmaps).
type pinChange struct {
	Line      int
	PIN, NIP  string
	NamaMesin string
	hasNIP    bool
}

// SavePINs applies the PIN map edit page: pins maps a PIN to an NIP ("" to
// leave or make it unmapped). Every NIP must be an employee of the machine's
// OPD; with any error nothing changes.
func (s *Store) SavePINs(ctx context.Context, p *auth.Principal, ip string, id int64, pins map[string]string) (PINMapReport, error) {
	var ch []pinChange
	for pin, nip := range pins {
		ch = append(ch, pinChange{PIN: strings.TrimSpace(pin), NIP: strings.ReplaceAll(strings.TrimSpace(nip), " ", ""), hasNIP: true})
	}
	sort.Slice(ch, func(i, j int) bool { return ch[i].PIN < ch[j].PIN })
	return s.applyPINs(ctx, p, ip, id, ch, "presensi.mesin_pin_ubah", "")
}

// ImportUserList reads a machine's user list (CSV or .xlsx: a PIN column such
// as PIN, AC-No. or No. ID; optional Nama and NIP columns) into its PIN map.
// A row with an NIP maps the PIN; a row without one keeps the PIN listed (as
// unmapped unless already mapped); a PIN that is itself the NIP of an
// employee of the OPD maps to them.
func (s *Store) ImportUserList(ctx context.Context, p *auth.Principal, ip string, id int64, t *tabular.Table, name string) (PINMapReport, error) {
	if _, err := s.Machine(ctx, p, id); err != nil {
		return PINMapReport{}, err
	}
	hdr := -1
	var iPIN, iNama, iNIP int
	for r := 0; r < len(t.Rows) && r < 20; r++ {
		names := make([]string, len(t.Rows[r]))
		for i, c := range t.Rows[r] {
			names[i] = tabular.HeaderName(c)
		}
		iPIN = findCol(names, []string{"pin", "acno", "noid", "userid", "enrollno", "idmesin", "id", "no"})
		if iPIN >= 0 {
			iNama, iNIP = findCol(names, []string{"nama", "name", "namapegawai"}), findCol(names, []string{"nip", "nipnippk", "nipppk", "nomorindukpegawai"})
			hdr = r
			break
		}
	}
	if hdr < 0 {
		return PINMapReport{FileError: "Judul kolom tidak ditemukan: daftar pengguna harus memuat kolom PIN (atau AC-No./No. ID), dengan kolom Nama dan NIP bila ada."}, nil
	}
	var ch []pinChange
	var errs []RowError
	for r := hdr + 1; r < len(t.Rows); r++ {
		row, line := t.Rows[r], t.Lines[r]
		c := pinChange{Line: line, PIN: strings.TrimLeft(tabular.Cell(row, iPIN), "'"), NamaMesin: tabular.Cell(row, iNama)}
		if iNIP >= 0 {
			raw := tabular.Cell(row, iNIP)
			if tabular.LooksExcelNumber(raw) {
				errs = append(errs, RowError{Line: line, Column: "nip", Reason: tabular.NumberAsTextMessage("NIP", raw)})
				continue
			}
			c.NIP = strings.ReplaceAll(strings.TrimLeft(raw, "'"), " ", "")
			c.hasNIP = c.NIP != ""
		}
		if org.FormulaLed(c.NamaMesin) {
			errs = append(errs, RowError{Line: line, Column: "nama", Reason: "sel diawali =, +, - atau @ ditolak (dicurigai formula)"})
			continue
		}
		if !c.hasNIP && ValidNIP(c.PIN) == nil {
			c.NIP, c.hasNIP = c.PIN, true
		}
		ch = append(ch, c)
	}
	if len(errs) > 0 {
		return PINMapReport{Errors: errs}, nil
	}
	return s.applyPINs(ctx, p, ip, id, ch, "presensi.mesin_pin_impor", name)
}

func (s *Store) applyPINs(ctx context.Context, p *auth.Principal, ip string, id int64, ch []pinChange, action, fileName string) (PINMapReport, error) {
	m, err := s.Machine(ctx, p, id)
	if err != nil {
		return PINMapReport{}, err
	}
	var rep PINMapReport
	var peg []pegawaiKey
	if err := s.db.WithContext(ctx).Raw(`SELECT id, nip, opd_id FROM pegawai WHERE opd_id = ?`, m.OPDID).Scan(&peg).Error; err != nil {
		return rep, fmt.Errorf("employees: %w", err)
	}
	byNIP := make(map[string]int64, len(peg))
	for _, e := range peg {
		byNIP[e.NIP] = e.ID
	}
	type target struct {
		pegawai *int64
		nama    string
		set     bool
	}
	want := map[string]target{}
	first := map[string]int{}
	usedBy := map[int64]string{}
	for _, c := range ch {
		col := "pin"
		if !pinRe.MatchString(c.PIN) {
			rep.Errors = append(rep.Errors, RowError{Line: c.Line, Column: col, Reason: "PIN harus 1 sampai 24 huruf atau angka"})
			continue
		}
		if l, dup := first[c.PIN]; dup && c.Line > 0 {
			rep.Errors = append(rep.Errors, RowError{Line: c.Line, Column: col, Reason: fmt.Sprintf("PIN %s sudah ada di baris %d", c.PIN, l)})
			continue
		}
		first[c.PIN] = c.Line
		tg := target{nama: truncate(c.NamaMesin, 100), set: c.hasNIP || c.Line == 0}
		if c.NIP != "" {
			pid, ok := byNIP[c.NIP]
			switch {
			case ValidNIP(c.NIP) != nil:
				rep.Errors = append(rep.Errors, RowError{Line: c.Line, Column: "nip", Reason: "NIP PIN " + c.PIN + " tidak valid (18 digit)"})
				continue
			case !ok:
				rep.Errors = append(rep.Errors, RowError{Line: c.Line, Column: "nip", Reason: "NIP " + c.NIP + " (PIN " + c.PIN + ") bukan pegawai OPD ini"})
				continue
			}
			if other, dup := usedBy[pid]; dup {
				rep.Errors = append(rep.Errors, RowError{Line: c.Line, Column: "nip", Reason: "NIP " + c.NIP + " sudah dipetakan ke PIN " + other + " di mesin ini"})
				continue
			}
			usedBy[pid] = c.PIN
			tg.pegawai = &pid
		}
		want[c.PIN] = tg
	}
	if len(rep.Errors) > 0 {
		return rep, nil
	}
	var cur []PINRow
	if err := s.db.WithContext(ctx).Raw(`SELECT pin, nama_di_mesin, pegawai_id FROM mesin_pin WHERE mesin_id = ?`, id).Scan(&cur).Error; err != nil {
		return rep, fmt.Errorf("machine pins: %w", err)
	}
	curBy := map[string]PINRow{}
	for _, r := range cur {
		curBy[r.PIN] = r
		// A PIN mapped before and not re-mapped keeps its employee: the new
		// mapping may not take an employee another PIN keeps.
		if r.PegawaiID != nil {
			if tg, ok := want[r.PIN]; !ok || !tg.set {
				if other, dup := usedBy[*r.PegawaiID]; dup && other != r.PIN {
					rep.Errors = append(rep.Errors, RowError{Column: "nip", Reason: "pegawai PIN " + other + " sudah dipetakan ke PIN " + r.PIN + " di mesin ini; kosongkan dulu PIN " + r.PIN})
				}
			}
		}
	}
	if len(rep.Errors) > 0 {
		return rep, nil
	}
	var changes []map[string]any
	err = s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		pins := make([]string, 0, len(want))
		for pin := range want {
			pins = append(pins, pin)
		}
		sort.Strings(pins)
		// Unmap first, so a PIN may take an employee another PIN gives up.
		for pass := 0; pass < 2; pass++ {
			for _, pin := range pins {
				tg := want[pin]
				old, had := curBy[pin]
				if pass == 0 {
					if had && tg.set && old.PegawaiID != nil && (tg.pegawai == nil || *tg.pegawai != *old.PegawaiID) {
						if err := tx.Exec(`UPDATE mesin_pin SET pegawai_id = NULL, updated_at = now() WHERE mesin_id = ? AND pin = ?`, id, pin).Error; err != nil {
							return err
						}
					}
					continue
				}
				nama := tg.nama
				if nama == "" && had {
					nama = old.NamaDiMesin
				}
				newPeg := tg.pegawai
				if !tg.set && had {
					newPeg = old.PegawaiID
				}
				if had && eqID(old.PegawaiID, newPeg) && old.NamaDiMesin == nama {
					rep.Unchanged++
					continue
				}
				if err := tx.Exec(`INSERT INTO mesin_pin (mesin_id, pin, pegawai_id, nama_di_mesin) VALUES (?, ?, ?, ?)
ON CONFLICT (mesin_id, pin) DO UPDATE SET pegawai_id = EXCLUDED.pegawai_id, nama_di_mesin = EXCLUDED.nama_di_mesin, updated_at = now()`,
					id, pin, newPeg, nama).Error; err != nil {
					return fmt.Errorf("map pin: %w", err)
				}
				switch {
				case !had:
					rep.Added++
				}
				if newPeg != nil && !eqID(old.PegawaiID, newPeg) {
					rep.Mapped++
				} else if newPeg == nil && old.PegawaiID != nil {
					rep.Unmapped++
				}
				changes = append(changes, map[string]any{"pin": pin, "pegawai_lama": old.PegawaiID, "pegawai": newPeg})
			}
		}
		if len(changes) == 0 {
			return nil
		}
		if len(changes) > 200 {
			changes = changes[:200]
		}
		return audit.Record(ctx, tx, audit.Entry{ActorID: p.UserID, ActorNIP: p.NIP, IP: ip, Action: action,
			ObjectType: "mesin_presensi", ObjectID: fmt.Sprint(id), Detail: map[string]any{"berkas": truncate(fileName, 200),
				"dipetakan": rep.Mapped, "dilepas": rep.Unmapped, "ditambah": rep.Added, "perubahan": changes}})
	})
	if err != nil {
		return PINMapReport{}, err
	}
	rep.Applied = true
	return rep, nil
}

func eqID(a, b *int64) bool {
	if a == nil || b == nil {
		return a == nil && b == nil
	}
	return *a == *b
}
