package kinerja

import (
	"context"
	"fmt"
	"strings"

	"gorm.io/gorm"

	"github.com/ekinerja/ekinerja/internal/apperr"
)

// NilaiInti is one of the seven BerAKHLAK core values on which perilaku
// kerja is rated (SPEC 3, PermenPANRB 6/2022).
type NilaiInti string

// The seven core values, in the order of the acronym.
const (
	BerorientasiPelayanan NilaiInti = "berorientasi_pelayanan"
	Akuntabel             NilaiInti = "akuntabel"
	Kompeten              NilaiInti = "kompeten"
	Harmonis              NilaiInti = "harmonis"
	Loyal                 NilaiInti = "loyal"
	Adaptif               NilaiInti = "adaptif"
	Kolaboratif           NilaiInti = "kolaboratif"
)

// NilaiIntiAll are the seven core values in order.
var NilaiIntiAll = []NilaiInti{BerorientasiPelayanan, Akuntabel, Kompeten, Harmonis, Loyal, Adaptif, Kolaboratif}

// Label is the core value as people read it.
func (n NilaiInti) Label() string {
	switch n {
	case BerorientasiPelayanan:
		return "Berorientasi Pelayanan"
	case Akuntabel:
		return "Akuntabel"
	case Kompeten:
		return "Kompeten"
	case Harmonis:
		return "Harmonis"
	case Loyal:
		return "Loyal"
	case Adaptif:
		return "Adaptif"
	case Kolaboratif:
		return "Kolaboratif"
	}
	return string(n)
}

// PerilakuNilai is the rating of one core value with the atasan's feedback.
type PerilakuNilai struct {
	Nilai      NilaiInti  `gorm:"column:nilai"`
	Ekspektasi Ekspektasi `gorm:"column:ekspektasi"`
	UmpanBalik string     `gorm:"column:umpan_balik"`
}

// The rule by which perilaku kerja follows from the seven core values
// (stated here once and printed on the rating form by PerilakuRule):
// di bawah ekspektasi when at least PerilakuMinDiBawah values are below
// expectation; di atas ekspektasi when at least PerilakuMinDiAtas values are
// above expectation and none is below; otherwise sesuai ekspektasi.
const (
	PerilakuMinDiBawah = 2
	PerilakuMinDiAtas  = 4
)

// PerilakuRule is the rule as people read it.
func PerilakuRule() string {
	return fmt.Sprintf("Perilaku kerja di bawah ekspektasi bila %d nilai atau lebih di bawah ekspektasi; di atas ekspektasi bila %d nilai atau lebih di atas ekspektasi dan tidak ada yang di bawah; selain itu sesuai ekspektasi.",
		PerilakuMinDiBawah, PerilakuMinDiAtas)
}

// PerilakuFrom applies the rule to the seven ratings.
func PerilakuFrom(vals []PerilakuNilai) Ekspektasi {
	var atas, bawah int
	for _, v := range vals {
		switch v.Ekspektasi {
		case DiAtas:
			atas++
		case DiBawah:
			bawah++
		}
	}
	switch {
	case bawah >= PerilakuMinDiBawah:
		return DiBawah
	case atas >= PerilakuMinDiAtas && bawah == 0:
		return DiAtas
	}
	return Sesuai
}

// checkPerilaku checks that every core value is rated with feedback and
// returns them in order; field names are "perilaku_<nilai>" and
// "umpan_balik_<nilai>".
func checkPerilaku(in map[NilaiInti]PerilakuNilai, ve *apperr.ValidationError) []PerilakuNilai {
	out := make([]PerilakuNilai, 0, len(NilaiIntiAll))
	for _, n := range NilaiIntiAll {
		v := in[n]
		v.Nilai = n
		if v.Ekspektasi.Label() == "" {
			ve.Add("perilaku_"+string(n), "Pilih penilaian untuk nilai "+n.Label()+".")
		}
		v.UmpanBalik = strings.TrimSpace(v.UmpanBalik)
		if msg := checkText(v.UmpanBalik, 1000); msg != "" {
			ve.Add("umpan_balik_"+string(n), "Umpan balik untuk nilai "+n.Label()+" "+msg)
		}
		out = append(out, v)
	}
	return out
}

// savePerilaku replaces the core-value ratings of a monthly rating.
func savePerilaku(tx *gorm.DB, penilaianID int64, vals []PerilakuNilai) error {
	if err := tx.Exec(`DELETE FROM penilaian_perilaku WHERE penilaian_id = ?`, penilaianID).Error; err != nil {
		return err
	}
	for _, v := range vals {
		if err := tx.Exec(`INSERT INTO penilaian_perilaku (penilaian_id, nilai, ekspektasi, umpan_balik) VALUES (?, ?, ?, ?)`,
			penilaianID, string(v.Nilai), string(v.Ekspektasi), v.UmpanBalik).Error; err != nil {
			return err
		}
	}
	return nil
}

// loadPerilaku reads the core-value ratings of a monthly rating in the order
// of the acronym (none for a rating made before the seven values).
func (s *Store) loadPerilaku(ctx context.Context, p *Penilaian) error {
	if p.ID == 0 {
		return nil
	}
	var rows []PerilakuNilai
	if err := s.db.WithContext(ctx).Raw(`SELECT nilai, ekspektasi, umpan_balik FROM penilaian_perilaku WHERE penilaian_id = ?`, p.ID).Scan(&rows).Error; err != nil {
		return err
	}
	p.Perilaku = nil
	for _, n := range NilaiIntiAll {
		for _, r := range rows {
			if r.Nilai == n {
				p.Perilaku = append(p.Perilaku, r)
			}
		}
	}
	return nil
}
