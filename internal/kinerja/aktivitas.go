package kinerja

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"fmt"
	"strings"
	"time"

	"gorm.io/gorm"

	"github.com/ekinerja/ekinerja/internal/apperr"
	"github.com/ekinerja/ekinerja/internal/auth"
)

const aktivitasCols = `a.id, a.pegawai_id, a.rhk_id, a.tanggal, a.uraian, a.output_jumlah, a.output_satuan, a.menit, a.bukti_link,
       a.status, a.catatan, a.versi, a.submitted_at, a.reviewed_at, r.uraian AS rhk_uraian, coalesce(b.nama_berkas, '') AS bukti_nama,
       p.nip AS pegawai_nip, p.nama AS pegawai_nama`

const aktivitasFrom = `FROM aktivitas a JOIN rhk r ON r.id = a.rhk_id JOIN pegawai p ON p.id = a.pegawai_id
LEFT JOIN aktivitas_bukti b ON b.aktivitas_id = a.id`

// SaveAktivitas is a create or an edit: the fields, optional evidence (a
// new file, or the token of one held by HoldBukti when the form was shown
// again with errors), and whether to submit right away.
type SaveAktivitas struct {
	Input      AktivitasInput
	Bukti      *Bukti
	BuktiToken string
	Ajukan     bool
}

// CreateAktivitas logs an aktivitas for the actor.
func (s *Store) CreateAktivitas(ctx context.Context, a Actor, req SaveAktivitas) (int64, error) {
	return s.saveAktivitas(ctx, a, 0, req)
}

// UpdateAktivitas changes the actor's own aktivitas while it is not approved.
func (s *Store) UpdateAktivitas(ctx context.Context, a Actor, id int64, req SaveAktivitas) error {
	_, err := s.saveAktivitas(ctx, a, id, req)
	return err
}

func (s *Store) saveAktivitas(ctx context.Context, a Actor, id int64, req SaveAktivitas) (int64, error) {
	v, err := req.Input.Parse(s.Today())
	if err != nil {
		return 0, err
	}
	var ct string
	if req.Bukti != nil {
		if ct, err = CheckBukti(*req.Bukti); err != nil {
			return 0, err
		}
	}
	err = s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := lockPegawai(ctx, tx, a.PegawaiID); err != nil {
			return err
		}
		if req.Bukti == nil && req.BuktiToken != "" {
			b, err := takeHeld(ctx, tx, a, req.BuktiToken)
			if err != nil {
				return err
			}
			// Checked when held; checked again, as every stored upload is.
			if ct, err = CheckBukti(b); err != nil {
				return err
			}
			req.Bukti = &b
		}
		if id != 0 {
			old, err := s.ownAktivitas(ctx, tx, a, id)
			if err != nil {
				return err
			}
			if !old.Status.Editable() {
				return errFrozen
			}
			if err := s.monthOpen(ctx, tx, a.PegawaiID, old.Tanggal); err != nil {
				return err
			}
		}
		if err := s.monthOpen(ctx, tx, a.PegawaiID, v.tanggal); err != nil {
			return err
		}
		if err := s.ownRHK(ctx, tx, a.PegawaiID, v.rhkID, v.tanggal.Year()); err != nil {
			return err
		}
		var total int64
		if err := tx.Raw(`SELECT coalesce(sum(menit), 0) FROM aktivitas WHERE pegawai_id = ? AND tanggal = ? AND id <> ?`,
			a.PegawaiID, v.tanggal, id).Scan(&total).Error; err != nil {
			return err
		}
		if total+int64(v.menit) > MaxMenitHarian {
			return apperr.Invalid("menit", fmt.Sprintf("Total aktivitas tanggal %d %s menjadi %d menit, melebihi batas 1.440 menit (24 jam) sehari. Sudah tercatat %d menit.",
				v.tanggal.Day(), monthName(v.tanggal), total+int64(v.menit), total))
		}
		action := "kinerja.aktivitas_ubah"
		if id == 0 {
			action = "kinerja.aktivitas_catat"
			if err := tx.Raw(`INSERT INTO aktivitas (pegawai_id, rhk_id, tanggal, uraian, output_jumlah, output_satuan, menit, bukti_link)
VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`, a.PegawaiID, v.rhkID, v.tanggal, v.uraian, v.outputJumlah, v.outputSatuan, v.menit, v.buktiLink).
				Scan(&id).Error; err != nil {
				return err
			}
		} else {
			// Conditional: an approval that committed meanwhile wins, and this edit fails.
			res := tx.Exec(`UPDATE aktivitas SET rhk_id = ?, tanggal = ?, uraian = ?, output_jumlah = ?, output_satuan = ?, menit = ?, bukti_link = ?,
       versi = versi + 1, updated_at = now()
WHERE id = ? AND pegawai_id = ? AND status IN ('draft', 'submitted', 'returned')`,
				v.rhkID, v.tanggal, v.uraian, v.outputJumlah, v.outputSatuan, v.menit, v.buktiLink, id, a.PegawaiID)
			if res.Error != nil {
				return res.Error
			}
			if res.RowsAffected != 1 {
				return errFrozen
			}
		}
		if req.Bukti != nil {
			sum := sha256.Sum256(req.Bukti.Isi)
			if err := tx.Exec(`INSERT INTO aktivitas_bukti (aktivitas_id, nama_berkas, content_type, ukuran, sha256, isi) VALUES (?, ?, ?, ?, ?, ?)
ON CONFLICT (aktivitas_id) DO UPDATE SET nama_berkas = EXCLUDED.nama_berkas, content_type = EXCLUDED.content_type, ukuran = EXCLUDED.ukuran,
    sha256 = EXCLUDED.sha256, isi = EXCLUDED.isi, created_at = now()`,
				id, safeFileName(req.Bukti.Nama, ct), ct, len(req.Bukti.Isi), hex.EncodeToString(sum[:]), req.Bukti.Isi).Error; err != nil {
				return err
			}
		}
		detail := map[string]any{"tanggal": v.tanggal.Format(time.DateOnly), "menit": v.menit, "rhk_id": v.rhkID}
		if req.Bukti != nil {
			detail["bukti"] = ct
		}
		if req.Ajukan {
			if _, err := submit(ctx, tx, a, []int64{id}); err != nil {
				return err
			}
			detail["ajukan"] = true
		}
		return record(ctx, tx, a, action, "aktivitas", id, detail)
	})
	return id, err
}

// errFrozen refuses a change to an approved aktivitas.
var errFrozen = apperr.New(apperr.ErrConflict, "Aktivitas ini sudah disetujui sehingga tidak dapat diubah lagi.")

// ownRHK checks the RHK belongs to the employee's SKP of year.
func (s *Store) ownRHK(ctx context.Context, tx *gorm.DB, pegawaiID, rhkID int64, year int) error {
	var row struct {
		PegawaiID int64 `gorm:"column:pegawai_id"`
		Tahun     int   `gorm:"column:tahun"`
	}
	if err := tx.WithContext(ctx).Raw(`SELECT k.pegawai_id, k.tahun FROM rhk r JOIN skp k ON k.id = r.skp_id WHERE r.id = ?`, rhkID).Scan(&row).Error; err != nil {
		return err
	}
	switch {
	case row.PegawaiID == 0:
		return apperr.Invalid("rhk_id", "RHK tidak ditemukan. Pilih RHK dari SKP Anda.")
	case row.PegawaiID != pegawaiID:
		return apperr.New(apperr.ErrForbidden, "RHK ini bukan milik Anda.")
	case row.Tahun != year:
		return apperr.Invalid("rhk_id", fmt.Sprintf("RHK ini dari SKP tahun %d; pilih RHK dari SKP tahun %d.", row.Tahun, year))
	}
	return nil
}

// ownAktivitas reads an aktivitas the actor owns (403 for another's, 404 for none).
func (s *Store) ownAktivitas(ctx context.Context, db *gorm.DB, a Actor, id int64) (Aktivitas, error) {
	var ak Aktivitas
	if err := db.WithContext(ctx).Raw(`SELECT `+aktivitasCols+` `+aktivitasFrom+` WHERE a.id = ?`, id).Scan(&ak).Error; err != nil {
		return ak, err
	}
	if ak.ID == 0 {
		return ak, apperr.ErrNotFound
	}
	if ak.PegawaiID != a.PegawaiID {
		return ak, apperr.New(apperr.ErrForbidden, "Aktivitas ini bukan milik Anda.")
	}
	return ak, nil
}

// GetAktivitas reads one aktivitas the actor may see.
func (s *Store) GetAktivitas(ctx context.Context, a Actor, id int64) (Aktivitas, error) {
	var ak Aktivitas
	if err := s.db.WithContext(ctx).Raw(`SELECT `+aktivitasCols+` `+aktivitasFrom+` WHERE a.id = ?`, id).Scan(&ak).Error; err != nil {
		return ak, err
	}
	if ak.ID == 0 {
		return ak, apperr.ErrNotFound
	}
	return ak, s.canSee(ctx, s.db, a, ak.PegawaiID)
}

// ListAktivitas lists the actor's own aktivitas in a month, newest day first.
func (s *Store) ListAktivitas(ctx context.Context, a Actor, month time.Time) ([]Aktivitas, error) {
	from := time.Date(month.Year(), month.Month(), 1, 0, 0, 0, 0, time.UTC)
	return s.scanAktivitas(ctx, `SELECT `+aktivitasCols+` `+aktivitasFrom+`
WHERE a.pegawai_id = ? AND a.tanggal >= ? AND a.tanggal < ? ORDER BY a.tanggal DESC, a.id DESC`,
		a.PegawaiID, from, from.AddDate(0, 1, 0))
}

// scanAktivitas runs a query selecting aktivitasCols and scans the columns
// one by one, in that order: the month's list and the review queue read
// hundreds of rows per view, and GORM's reflection was most of their CPU.
func (s *Store) scanAktivitas(ctx context.Context, q string, args ...any) ([]Aktivitas, error) {
	rs, err := s.db.WithContext(ctx).Raw(q, args...).Rows()
	if err != nil {
		return nil, err
	}
	defer rs.Close()
	out := []Aktivitas{} // never nil: an empty list is [] in the API, as GORM's Scan gave
	for rs.Next() {
		var (
			x                   Aktivitas
			status              string
			submitted, reviewed sql.NullTime
		)
		if err := rs.Scan(&x.ID, &x.PegawaiID, &x.RHKID, &x.Tanggal, &x.Uraian, &x.OutputJumlah, &x.OutputSatuan, &x.Menit, &x.BuktiLink,
			&status, &x.Catatan, &x.Versi, &submitted, &reviewed, &x.RHKUraian, &x.BuktiNama, &x.PegawaiNIP, &x.Nama); err != nil {
			return nil, err
		}
		x.Status = Status(status)
		if submitted.Valid {
			x.SubmittedAt = &submitted.Time
		}
		if reviewed.Valid {
			x.ReviewedAt = &reviewed.Time
		}
		out = append(out, x)
	}
	return out, rs.Err()
}

// SubmitAktivitas submits the actor's draft or returned aktivitas; it
// returns how many moved.
func (s *Store) SubmitAktivitas(ctx context.Context, a Actor, ids []int64) (int, error) {
	if len(ids) == 0 {
		return 0, apperr.Invalid("pilih", "Pilih aktivitas yang akan diajukan.")
	}
	var n int
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := lockPegawai(ctx, tx, a.PegawaiID); err != nil {
			return err
		}
		var rows []Aktivitas
		if err := tx.Raw(`SELECT id, pegawai_id, tanggal, status FROM aktivitas WHERE id IN ?`, ids).Scan(&rows).Error; err != nil {
			return err
		}
		if len(rows) == 0 {
			return apperr.ErrNotFound
		}
		for _, r := range rows {
			if r.PegawaiID != a.PegawaiID {
				return apperr.New(apperr.ErrForbidden, "Aktivitas ini bukan milik Anda.")
			}
			if err := s.monthOpen(ctx, tx, a.PegawaiID, r.Tanggal); err != nil {
				return err
			}
		}
		var err error
		if n, err = submit(ctx, tx, a, ids); err != nil {
			return err
		}
		if n == 0 {
			return apperr.New(apperr.ErrConflict, "Aktivitas yang dipilih sudah diajukan atau disetujui.")
		}
		if err := s.notifyWaiting(ctx, tx, a, n); err != nil {
			return err
		}
		return record(ctx, tx, a, "kinerja.aktivitas_ajukan", "aktivitas", ids[0], map[string]any{"ids": ids, "jumlah": n})
	})
	return n, err
}

func submit(ctx context.Context, tx *gorm.DB, a Actor, ids []int64) (int, error) {
	res := tx.WithContext(ctx).Exec(`UPDATE aktivitas SET status = 'submitted', submitted_at = now(), updated_at = now()
WHERE id IN ? AND pegawai_id = ? AND status IN ('draft', 'returned')`, ids, a.PegawaiID)
	return int(res.RowsAffected), res.Error
}

// DeleteAktivitas removes the actor's own draft or returned aktivitas.
func (s *Store) DeleteAktivitas(ctx context.Context, a Actor, id int64) error {
	return s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		old, err := s.ownAktivitas(ctx, tx, a, id)
		if err != nil {
			return err
		}
		if err := s.monthOpen(ctx, tx, a.PegawaiID, old.Tanggal); err != nil {
			return err
		}
		res := tx.Exec(`DELETE FROM aktivitas WHERE id = ? AND pegawai_id = ? AND status IN ('draft', 'returned')`, id, a.PegawaiID)
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected != 1 {
			return apperr.New(apperr.ErrConflict, "Hanya aktivitas draf atau yang dikembalikan yang dapat dihapus.")
		}
		return record(ctx, tx, a, "kinerja.aktivitas_hapus", "aktivitas", id, map[string]any{"tanggal": old.Tanggal.Format(time.DateOnly), "menit": old.Menit})
	})
}

// BuktiFile is stored evidence, ready to download.
type BuktiFile struct {
	Nama        string `gorm:"column:nama_berkas"`
	ContentType string `gorm:"column:content_type"`
	Isi         []byte `gorm:"column:isi"`
}

// GetBukti returns an aktivitas's uploaded evidence, for those who may see it.
func (s *Store) GetBukti(ctx context.Context, a Actor, aktivitasID int64) (BuktiFile, error) {
	var f BuktiFile
	if _, err := s.GetAktivitas(ctx, a, aktivitasID); err != nil {
		return f, err
	}
	if err := s.db.WithContext(ctx).Raw(`SELECT nama_berkas, content_type, isi FROM aktivitas_bukti WHERE aktivitas_id = ?`, aktivitasID).Scan(&f).Error; err != nil {
		return f, err
	}
	if f.ContentType == "" {
		return f, apperr.New(apperr.ErrNotFound, "Aktivitas ini tidak memiliki berkas bukti.")
	}
	return f, nil
}

// ReviewResult says what a review did.
type ReviewResult struct {
	Done    int // moved to approved or returned
	Skipped int // changed meanwhile (reviewed by someone else, edited, or withdrawn)
}

// Review approves (or returns, with a note) submitted aktivitas of the
// actor's direct subordinates. Each item names the version the atasan saw;
// an item reviewed or edited meanwhile is skipped, never approved unseen.
// One set-based conditional UPDATE: concurrent reviews cannot both win.
func (s *Store) Review(ctx context.Context, a Actor, items []ReviewItem, approve bool, catatan string) (ReviewResult, error) {
	var res ReviewResult
	if len(items) == 0 {
		return res, apperr.Invalid("pilih", "Pilih paling sedikit satu aktivitas.")
	}
	if a.Role != auth.RoleAtasan {
		return res, errScope
	}
	catatan = strings.TrimSpace(catatan)
	if !approve {
		if msg := checkText(catatan, 1000); msg != "" {
			return res, apperr.Invalid("catatan", "Catatan pengembalian "+msg)
		}
	}
	if approve {
		catatan = ""
	}
	ids := make([]int64, len(items))
	versi := make(pgInts, len(items))
	for i, it := range items {
		ids[i], versi[i] = it.ID, int64(it.Versi)
	}
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		subs, err := s.subordinates(ctx, tx, a)
		if err != nil {
			return err
		}
		var owners []int64
		if err := tx.Raw(`SELECT DISTINCT pegawai_id FROM aktivitas WHERE id IN ?`, ids).Scan(&owners).Error; err != nil {
			return err
		}
		if len(owners) == 0 {
			return apperr.ErrNotFound
		}
		for _, o := range owners {
			if !containsID(subs, o) {
				return apperr.New(apperr.ErrForbidden, "Hanya atasan langsung yang dapat meninjau aktivitas ini.")
			}
		}
		status := Returned
		if approve {
			status = Approved
		}
		var done []int64
		if err := tx.Raw(`UPDATE aktivitas a SET status = ?, catatan = ?, reviewer_id = ?, reviewed_at = now(), updated_at = now()
FROM unnest(?::bigint[], ?::int[]) AS v(id, versi)
WHERE a.id = v.id AND a.versi = v.versi AND a.status = 'submitted' AND a.pegawai_id = ANY(?::bigint[])
RETURNING a.id`, string(status), catatan, a.PegawaiID, pgInts(ids), versi, pgInts(subs)).Scan(&done).Error; err != nil {
			return err
		}
		res.Done, res.Skipped = len(done), len(items)-len(done)
		if len(done) == 0 {
			return apperr.New(apperr.ErrConflict, "Aktivitas ini sudah ditinjau atau baru saja diubah pegawai. Muat ulang halaman lalu periksa kembali.")
		}
		action := "kinerja.aktivitas_kembalikan"
		if approve {
			action = "kinerja.aktivitas_setujui"
		} else if err := notifyReturned(ctx, tx, done, catatan); err != nil {
			return err
		}
		return record(ctx, tx, a, action, "aktivitas", done[0], map[string]any{"ids": done, "dilewati": res.Skipped, "catatan": catatan})
	})
	return res, err
}

func containsID(ids []int64, id int64) bool {
	for _, x := range ids {
		if x == id {
			return true
		}
	}
	return false
}

// QueueDay is one subordinate's submitted aktivitas on one day.
type QueueDay struct {
	Tanggal time.Time
	Menit   int
	Items   []Aktivitas
}

// QueuePerson is one subordinate's part of the review queue.
type QueuePerson struct {
	PegawaiID int64
	NIP       string
	Nama      string
	Jumlah    int
	Days      []QueueDay
}

// ReviewQueue is the atasan's queue: submitted aktivitas of direct
// subordinates, grouped by person and day. One query after the
// subordinates.
func (s *Store) ReviewQueue(ctx context.Context, a Actor) ([]QueuePerson, error) {
	subs, err := s.subordinates(ctx, s.db, a)
	if err != nil || len(subs) == 0 {
		return nil, err
	}
	return s.queueOf(ctx, subs)
}

// queueOf is the submitted aktivitas of the employees ids (subordinates of
// the actor, found by the caller), grouped by person (in name order) and day.
// The ids are also a condition on p, so the people are read by their key
// and not by hashing the whole pegawai table.
func (s *Store) queueOf(ctx context.Context, ids []int64) ([]QueuePerson, error) {
	rows, err := s.scanAktivitas(ctx, `SELECT `+aktivitasCols+` `+aktivitasFrom+`
WHERE a.pegawai_id = ANY(?::bigint[]) AND a.status = 'submitted' AND p.id = ANY(?::bigint[])
ORDER BY p.nama, a.pegawai_id, a.tanggal, a.id`, pgInts(ids), pgInts(ids))
	if err != nil {
		return nil, err
	}
	var out []QueuePerson
	for _, r := range rows {
		if len(out) == 0 || out[len(out)-1].PegawaiID != r.PegawaiID {
			out = append(out, QueuePerson{PegawaiID: r.PegawaiID, NIP: r.PegawaiNIP, Nama: r.Nama})
		}
		p := &out[len(out)-1]
		p.Jumlah++
		if len(p.Days) == 0 || !p.Days[len(p.Days)-1].Tanggal.Equal(r.Tanggal) {
			p.Days = append(p.Days, QueueDay{Tanggal: r.Tanggal})
		}
		d := &p.Days[len(p.Days)-1]
		d.Menit += r.Menit
		d.Items = append(d.Items, r)
	}
	return out, nil
}

// QueueFilter narrows the review queue page: one subordinate (?pegawai=,
// 0: everyone) and the page of people (?hal=, 1-based).
type QueueFilter struct {
	PegawaiID int64
	Page      int
}

// QueuePeoplePerPage is how many subordinates one page of the queue shows.
const QueuePeoplePerPage = 10

// QueuePage is one page of the review queue: the people on it, everyone
// waiting (for the filter's choice), and the page counts.
type QueuePage struct {
	People []QueuePerson
	// Everyone is every subordinate with aktivitas waiting (Days left out).
	Everyone []QueuePerson
	Filter   QueueFilter
	Pages    int
	// Total is how many aktivitas the page shows; All how many wait in all.
	Total, All int
}

// ReviewQueuePage is ReviewQueue narrowed to one subordinate when asked
// (someone not waiting shows nobody) and paged by QueuePeoplePerPage
// people; a page past the end is the last.
func (s *Store) ReviewQueuePage(ctx context.Context, a Actor, f QueueFilter) (QueuePage, error) {
	subs, err := s.subordinates(ctx, s.db, a)
	if err != nil || len(subs) == 0 {
		f.Page = 1
		return QueuePage{Filter: f, Pages: 1}, err
	}
	// Who waits, and with how many, in the queue's order; the aktivitas
	// themselves are read for the page's people only (a queue of 1,000
	// shows 10 people, not all 1,000 rows).
	var waiting []struct {
		PegawaiID int64  `gorm:"column:pegawai_id"`
		NIP       string `gorm:"column:nip"`
		Nama      string `gorm:"column:nama"`
		Jumlah    int    `gorm:"column:jumlah"`
	}
	// Counted per person first, then the (few) people looked up by id. The
	// people's ids are given to the pegawai side too (p.id = ANY): without
	// it the planner still hashed the whole pegawai table to join 30 counts
	// (a 5,000-row scan, 1.7 ms under EXPLAIN ANALYZE, growing with the
	// regency); with it, 30 primary-key probes.
	subIDs := pgInts(subs)
	if err := s.db.WithContext(ctx).Raw(`SELECT p.id AS pegawai_id, p.nip, p.nama, w.jumlah
FROM (SELECT a.pegawai_id, count(*) AS jumlah FROM aktivitas a
      WHERE a.pegawai_id = ANY(?::bigint[]) AND a.status = 'submitted' GROUP BY a.pegawai_id) w
JOIN pegawai p ON p.id = w.pegawai_id
WHERE p.id = ANY(?::bigint[])
ORDER BY p.nama, p.id`, subIDs, subIDs).Scan(&waiting).Error; err != nil {
		return QueuePage{}, err
	}
	everyone := make([]QueuePerson, len(waiting))
	for i, w := range waiting {
		everyone[i] = QueuePerson{PegawaiID: w.PegawaiID, NIP: w.NIP, Nama: w.Nama, Jumlah: w.Jumlah}
	}
	pg := QueuePage{All: QueueCount(everyone), Everyone: everyone}
	people := everyone
	if f.PegawaiID != 0 {
		var one []QueuePerson
		for _, p := range people {
			if p.PegawaiID == f.PegawaiID {
				one = append(one, p)
			}
		}
		people = one
	}
	pg.Pages = max((len(people)+QueuePeoplePerPage-1)/QueuePeoplePerPage, 1)
	f.Page = min(max(f.Page, 1), pg.Pages)
	pg.Filter = f
	from := (f.Page - 1) * QueuePeoplePerPage
	people = people[from:min(from+QueuePeoplePerPage, len(people))]
	if len(people) == 0 {
		return pg, nil
	}
	ids := make([]int64, len(people))
	for i, p := range people {
		ids[i] = p.PegawaiID
	}
	if pg.People, err = s.queueOf(ctx, ids); err != nil {
		return QueuePage{}, err
	}
	pg.Total = QueueCount(pg.People)
	return pg, nil
}

// QueueCount is how many aktivitas the queue holds in all.
func QueueCount(q []QueuePerson) int {
	n := 0
	for _, p := range q {
		n += p.Jumlah
	}
	return n
}

// PendingCount is how many aktivitas and months wait for review from one subordinate.
type PendingCount struct {
	PegawaiID int64  `gorm:"column:pegawai_id"`
	Nama      string `gorm:"column:nama"`
	NIP       string `gorm:"column:nip"`
	Aktivitas int64  `gorm:"column:aktivitas"`
	Bulan     int64  `gorm:"column:bulan"`
}

// PendingBySubordinate counts, per direct subordinate, the submitted
// aktivitas and the submitted months waiting for the atasan. One query.
func (s *Store) PendingBySubordinate(ctx context.Context, a Actor) ([]PendingCount, error) {
	subs, err := s.subordinates(ctx, s.db, a)
	if err != nil {
		return nil, err
	}
	return s.PendingOf(ctx, subs)
}

// PendingOf is PendingBySubordinate for an atasan's direct subordinates
// already known (subs, the actor's own: from org.HomePage.Subordinates).
func (s *Store) PendingOf(ctx context.Context, subs []int64) ([]PendingCount, error) {
	if len(subs) == 0 {
		return nil, nil
	}
	var out []PendingCount
	err := s.db.WithContext(ctx).Raw(`SELECT p.id AS pegawai_id, p.nama, p.nip,
  (SELECT count(*) FROM aktivitas a WHERE a.pegawai_id = p.id AND a.status = 'submitted') AS aktivitas,
  (SELECT count(*) FROM penilaian_bulanan b WHERE b.pegawai_id = p.id AND b.status = 'submitted') AS bulan
FROM pegawai p WHERE p.id = ANY(?::bigint[]) ORDER BY p.nama`, pgInts(subs)).Scan(&out).Error
	return out, err
}

// MinutesSummary is one employee's month in minutes by state.
type MinutesSummary struct {
	Draft          int64 `gorm:"column:draft"`
	Submitted      int64 `gorm:"column:submitted"`
	Approved       int64 `gorm:"column:approved"`
	Returned       int64 `gorm:"column:returned"`
	ReturnedCount  int64 `gorm:"column:returned_count"`
	Target         int64 `gorm:"-"`
	ApprovedPctBP  int64 `gorm:"-"` // approved / target in basis points, capped at 10000
	SubmittedTotal int64 `gorm:"-"` // submitted + approved
}

// MonthMinutes sums the actor's own minutes in a month by state.
func (s *Store) MonthMinutes(ctx context.Context, a Actor, month time.Time) (MinutesSummary, error) {
	from := time.Date(month.Year(), month.Month(), 1, 0, 0, 0, 0, time.UTC)
	var m MinutesSummary
	err := s.db.WithContext(ctx).Raw(`SELECT
  coalesce(sum(menit) FILTER (WHERE status = 'draft'), 0) AS draft,
  coalesce(sum(menit) FILTER (WHERE status = 'submitted'), 0) AS submitted,
  coalesce(sum(menit) FILTER (WHERE status = 'approved'), 0) AS approved,
  coalesce(sum(menit) FILTER (WHERE status = 'returned'), 0) AS returned,
  count(*) FILTER (WHERE status = 'returned') AS returned_count
FROM aktivitas WHERE pegawai_id = ? AND tanggal >= ? AND tanggal < ?`, a.PegawaiID, from, from.AddDate(0, 1, 0)).Scan(&m).Error
	m.Target = TargetMenitBulanan
	m.ApprovedPctBP = min(m.Approved*10000/m.Target, 10000)
	m.SubmittedTotal = m.Submitted + m.Approved
	return m, err
}
