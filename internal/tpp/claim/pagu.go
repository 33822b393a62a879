package claim

import (
	"context"
	"fmt"
	"strings"
	"unicode/utf8"

	"gorm.io/gorm"

	"github.com/ekinerja/ekinerja/internal/apperr"
	"github.com/ekinerja/ekinerja/internal/audit"
	"github.com/ekinerja/ekinerja/internal/auth"
)

// PaguRow is one OPD's TPP budget for a year with its use and projection:
// paid + approved + the months left at the last month's level.
type PaguRow struct {
	OPDID   int64  `gorm:"column:opd_id" json:"opd_id"`
	OPDKode string `gorm:"column:opd_kode" json:"opd_kode"`
	OPDNama string `gorm:"column:opd_nama" json:"opd_nama"`
	// Pagu is the latest entry (APBD, or its APBD-P change); -1 when none.
	Pagu  int64  `gorm:"column:pagu" json:"pagu"`
	Jenis string `gorm:"column:jenis" json:"jenis"`
	// Paid and Approved are what paid and approved (unpaid) claims of the year pay.
	Paid     int64 `gorm:"column:paid" json:"dibayar"`
	Approved int64 `gorm:"column:approved" json:"disetujui"`
	// LastMonth is the last approved or paid month's monthly claims; LastPeriod that month (0: none).
	LastMonth  int64 `gorm:"column:last_month" json:"bulan_terakhir"`
	LastPeriod int   `gorm:"column:last_period" json:"bulan_ke"`
}

// MonthsLeft is the months of the year after the last approved or paid one.
func (r PaguRow) MonthsLeft() int64 { return int64(12 - r.LastPeriod) }

// Projection is paid + approved + the months left at the last month's level.
func (r PaguRow) Projection() int64 { return r.Paid + r.Approved + r.MonthsLeft()*r.LastMonth }

// Remaining is the pagu left after what is paid and approved.
func (r PaguRow) Remaining() int64 { return r.Pagu - r.Paid - r.Approved }

// Left is Remaining, 0 when the pagu is spent or over-spent (a chart's
// last stacked part).
func (r PaguRow) Left() int64 { return max(r.Remaining(), 0) }

// PaguReport is the year's pagu of every OPD and the regency's sums.
type PaguReport struct {
	Tahun int       `json:"tahun"`
	Rows  []PaguRow `json:"opd"`
	Total PaguRow   `json:"kabupaten"`
	// Projection is the regency's: the sum of the OPDs' projections.
	Projection int64 `json:"proyeksi_kabupaten"`
}

// Pagu reports the year's pagu, use and projection per OPD and for the
// regency (admin_opd: its own OPD).
func (s *Service) Pagu(ctx context.Context, a Actor, tahun int) (PaguReport, error) {
	if !canReadClaims(a) {
		return PaguReport{}, apperr.ErrForbidden
	}
	if tahun < 2000 || tahun > 2999 {
		return PaguReport{}, apperr.Invalid("tahun", "tahun harus antara 2000 dan 2999")
	}
	opd := int64(0)
	if a.Role == auth.RoleAdminOPD {
		opd = a.OPDID
	}
	rep := PaguReport{Tahun: tahun, Total: PaguRow{OPDKode: "KABUPATEN", OPDNama: "Seluruh OPD"}}
	if err := s.db.WithContext(ctx).Raw(paguQuery, map[string]any{"y": tahun, "opd": opd}).Scan(&rep.Rows).Error; err != nil {
		return PaguReport{}, fmt.Errorf("pagu report: %w", err)
	}
	for _, r := range rep.Rows {
		rep.Total.Pagu += max(r.Pagu, 0)
		rep.Total.Paid += r.Paid
		rep.Total.Approved += r.Approved
	}
	for _, r := range rep.Rows {
		rep.Projection += r.Projection()
	}
	return rep, nil
}

// paguQuery reads the year @y's pagu, use and last month per OPD (@opd 0: every OPD).
const paguQuery = `WITH pay AS (
    SELECT b.opd_id, c.status, c.jenis, b.period, b.amount FROM tpp_bayar_pegawai b JOIN tpp_claim c ON c.id = b.claim_id
    WHERE b.period >= make_date(@y, 1, 1) AND b.period < make_date(@y + 1, 1, 1)
), last AS (
    SELECT opd_id, max(period) AS period FROM pay WHERE jenis = 'bulanan' GROUP BY opd_id
)
SELECT o.id AS opd_id, o.kode AS opd_kode, o.nama AS opd_nama, coalesce(pg.amount, -1) AS pagu, coalesce(pg.jenis, '') AS jenis,
    coalesce((SELECT sum(amount) FROM pay WHERE pay.opd_id = o.id AND status = 'paid'), 0) AS paid,
    coalesce((SELECT sum(amount) FROM pay WHERE pay.opd_id = o.id AND status = 'approved'), 0) AS approved,
    coalesce((SELECT sum(amount) FROM pay JOIN last l ON l.opd_id = pay.opd_id AND l.period = pay.period WHERE pay.opd_id = o.id AND pay.jenis = 'bulanan'), 0) AS last_month,
    coalesce((SELECT extract(month FROM period)::int FROM last WHERE last.opd_id = o.id), 0) AS last_period
FROM opd o
LEFT JOIN LATERAL (SELECT amount, jenis FROM tpp_pagu WHERE opd_id = o.id AND tahun = @y ORDER BY id DESC LIMIT 1) pg ON true
WHERE o.aktif AND (@opd = 0 OR o.id = @opd)
ORDER BY o.kode`

// PaguInput is one pagu entry: the APBD, or a change in the APBD-Perubahan.
type PaguInput struct {
	OPDID      int64
	Tahun      int
	Jenis      string
	Amount     int64
	Keterangan string
}

// SavePagu records a pagu entry (superadmin), audited; the latest entry of
// an OPD and year is its pagu.
func (s *Service) SavePagu(ctx context.Context, a Actor, in PaguInput) error {
	if a.Role != auth.RoleSuperadmin {
		return apperr.ErrForbidden
	}
	in.Keterangan = strings.TrimSpace(in.Keterangan)
	ve := &apperr.ValidationError{}
	if in.Tahun < 2000 || in.Tahun > 2999 {
		ve.Add("tahun", "tahun harus antara 2000 dan 2999")
	}
	if in.Jenis != "apbd" && in.Jenis != "apbd_p" {
		ve.Add("jenis", "pilih APBD atau APBD-Perubahan")
	}
	if in.Amount < 0 || in.Amount > 1_000_000_000_000_000 {
		ve.Add("jumlah", "pagu harus rupiah bulat, tidak negatif")
	}
	if utf8.RuneCountInString(in.Keterangan) > 300 {
		ve.Add("keterangan", "keterangan paling banyak 300 huruf")
	}
	var n int64
	if err := s.db.WithContext(ctx).Raw(`SELECT count(*) FROM opd WHERE id = ?`, in.OPDID).Scan(&n).Error; err != nil {
		return err
	}
	if n == 0 {
		ve.Add("opd_id", "OPD wajib dipilih")
	}
	if err := ve.OrNil(); err != nil {
		return err
	}
	return s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var ids []int64
		if err := tx.Raw(`INSERT INTO tpp_pagu (opd_id, tahun, jenis, amount, keterangan, created_by) VALUES (?, ?, ?, ?, ?, NULLIF(?, 0)) RETURNING id`,
			in.OPDID, in.Tahun, in.Jenis, in.Amount, in.Keterangan, a.UserID).Scan(&ids).Error; err != nil {
			return fmt.Errorf("insert pagu: %w", err)
		}
		return audit.Record(ctx, tx, audit.Entry{ActorID: a.UserID, ActorNIP: a.NIP, IP: a.IP, Action: "tpp.pagu",
			ObjectType: "tpp_pagu", ObjectID: fmt.Sprint(ids), Detail: map[string]any{"opd_id": in.OPDID, "tahun": in.Tahun,
				"jenis": in.Jenis, "jumlah": in.Amount, "keterangan": in.Keterangan}})
	})
}
