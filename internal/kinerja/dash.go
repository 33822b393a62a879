package kinerja

import (
	"context"
	"fmt"
	"time"

	"github.com/ekinerja/ekinerja/internal/apperr"
	"github.com/ekinerja/ekinerja/internal/auth"
)

// OPDPredikat is one OPD's monthly ratings: how many active employees got
// each predikat (in the order of Predikats) and how many are not rated yet.
type OPDPredikat struct {
	OPDNama string
	Counts  [5]int64
	Belum   int64
}

// PredikatByOPD is the month's predikat distribution of every active OPD,
// for the verifikator and superadmin dashboards: a snapshot at most
// snapshot.DefaultTTL old (the regency is added up once per TTL, not on
// every view), shared by the requests that read it (do not change it).
func (s *Store) PredikatByOPD(ctx context.Context, a Actor, year int, month time.Month) ([]OPDPredikat, error) {
	if a.Role != auth.RoleVerifikator && a.Role != auth.RoleSuperadmin {
		return nil, apperr.ErrForbidden
	}
	return s.predikat.Get(ctx, time.Date(year, month, 1, 0, 0, 0, 0, time.UTC), func(ctx context.Context) ([]OPDPredikat, error) {
		return s.predikatByOPD(ctx, year, month)
	})
}

// predikatByOPD adds up PredikatByOPD from the tables.
func (s *Store) predikatByOPD(ctx context.Context, year int, month time.Month) ([]OPDPredikat, error) {
	var rows []struct {
		Nama string `gorm:"column:nama"`
		SB   int64  `gorm:"column:sb"`
		B    int64  `gorm:"column:b"`
		BP   int64  `gorm:"column:bp"`
		K    int64  `gorm:"column:k"`
		SK   int64  `gorm:"column:sk"`
		Nil  int64  `gorm:"column:nil"`
	}
	if err := s.db.WithContext(ctx).Raw(`SELECT o.nama,
  count(*) FILTER (WHERE b.predikat = 'sangat_baik') AS sb, count(*) FILTER (WHERE b.predikat = 'baik') AS b,
  count(*) FILTER (WHERE b.predikat = 'butuh_perbaikan') AS bp, count(*) FILTER (WHERE b.predikat = 'kurang') AS k,
  count(*) FILTER (WHERE b.predikat = 'sangat_kurang') AS sk, count(p.id) FILTER (WHERE b.predikat IS NULL) AS nil
FROM opd o LEFT JOIN pegawai p ON p.opd_id = o.id AND p.keadaan = 'aktif'
LEFT JOIN penilaian_bulanan b ON b.pegawai_id = p.id AND b.tahun = ? AND b.bulan = ? AND b.status = 'rated'
WHERE o.aktif GROUP BY o.id, o.kode, o.nama ORDER BY o.kode`, year, int(month)).Scan(&rows).Error; err != nil {
		return nil, fmt.Errorf("predikat by opd: %w", err)
	}
	out := make([]OPDPredikat, 0, len(rows))
	for _, r := range rows {
		out = append(out, OPDPredikat{OPDNama: r.Nama, Counts: [5]int64{r.SB, r.B, r.BP, r.K, r.SK}, Belum: r.Nil})
	}
	return out, nil
}

// TeamMember is one direct subordinate's month: approved and submitted
// (waiting) minutes and the monthly predikat if rated.
type TeamMember struct {
	Nama      string   `gorm:"column:nama"`
	Approved  int64    `gorm:"column:approved"`
	Submitted int64    `gorm:"column:submitted"`
	Predikat  Predikat `gorm:"column:predikat"`
}

// TeamMonth is the atasan's direct subordinates' month, by name.
func (s *Store) TeamMonth(ctx context.Context, a Actor, month time.Time) ([]TeamMember, error) {
	subs, err := s.subordinates(ctx, s.db, a)
	if err != nil {
		return nil, err
	}
	return s.TeamMonthOf(ctx, subs, month)
}

// TeamMonthOf is TeamMonth for an atasan's direct subordinates already
// known (subs, the actor's own: from org.HomePage.Subordinates).
func (s *Store) TeamMonthOf(ctx context.Context, subs []int64, month time.Time) ([]TeamMember, error) {
	if len(subs) == 0 {
		return nil, nil
	}
	from := time.Date(month.Year(), month.Month(), 1, 0, 0, 0, 0, time.UTC)
	var out []TeamMember
	err := s.db.WithContext(ctx).Raw(`SELECT p.nama,
  coalesce((SELECT sum(x.menit) FROM aktivitas x WHERE x.pegawai_id = p.id AND x.status = 'approved' AND x.tanggal >= ? AND x.tanggal < ?), 0) AS approved,
  coalesce((SELECT sum(x.menit) FROM aktivitas x WHERE x.pegawai_id = p.id AND x.status = 'submitted' AND x.tanggal >= ? AND x.tanggal < ?), 0) AS submitted,
  coalesce((SELECT b.predikat FROM penilaian_bulanan b WHERE b.pegawai_id = p.id AND b.tahun = ? AND b.bulan = ? AND b.status = 'rated'), '') AS predikat
FROM pegawai p WHERE p.id = ANY(?::bigint[]) ORDER BY p.nama, p.id`,
		from, from.AddDate(0, 1, 0), from, from.AddDate(0, 1, 0), from.Year(), int(from.Month()), pgInts(subs)).Scan(&out).Error
	return out, err
}
