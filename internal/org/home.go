package org

import (
	"context"
	"strconv"
	"time"

	"github.com/ekinerja/ekinerja/internal/auth"
)

// HomePage is what the organisation puts on a role's home page: the
// heading and the one-line introduction of the role, the actor's own
// record (for the roles that act as an employee), what waits and the
// headline facts of the role's reach. The other areas add their own items
// to the page; this is where the page starts.
type HomePage struct {
	Heading string
	Intro   string
	// Profile is the actor's own record for a pegawai or atasan; nil for
	// the administrative roles.
	Profile *Profile
	Waiting []HomeItem
	Facts   []HomeItem
	// Subordinates are an atasan's direct subordinates on day (nil for the
	// other roles), looked up once: the other areas' parts of the same home
	// page take them from here instead of finding them again.
	Subordinates []int64
}

// HomeItem is one worded line of the home page: a fact (Label, Value) or
// something that waits (Label, Count, Href, Hint).
type HomeItem struct {
	Label string
	Value string
	Count int64
	Href  string
	Hint  string
}

// homeText is each role's heading and introduction.
var homeText = map[auth.Role][2]string{
	auth.RolePegawai:     {"Beranda Pegawai", "Catat aktivitas harian Anda dan pantau TPP Anda."},
	auth.RoleAtasan:      {"Beranda Atasan", "Tinjau aktivitas dan nilai kinerja bawahan langsung Anda."},
	auth.RoleAdminOPD:    {"Beranda Admin OPD", "Kelola data pegawai dan presensi, lalu ajukan klaim TPP bulanan OPD."},
	auth.RoleVerifikator: {"Beranda Verifikator", "Verifikasi klaim TPP OPD, hitung dan kunci TPP, ekspor daftar nominatif dan berkas bank."},
	auth.RoleSuperadmin:  {"Beranda Super Admin", "Kelola OPD, kelas jabatan, aturan TPP, pengguna, dan pantau log audit."},
}

// Home answers the home page of a acting in their role on day: a pegawai
// sees their own record, an atasan also the number of direct subordinates,
// an admin_opd the agency's employees, positions and those without a bank
// account, a verifikator or superadmin the regency's agencies, employees
// and accounts. opdName is the agency's short name (the principal's).
func (s *Store) Home(ctx context.Context, a Actor, opdName string, day time.Time) (HomePage, error) {
	t := homeText[a.Role]
	h := HomePage{Heading: t[0], Intro: t[1]}
	switch a.Role {
	case auth.RolePegawai, auth.RoleAtasan:
		p, err := s.Profile(ctx, a.PegawaiID, day)
		if err != nil {
			return HomePage{}, err
		}
		h.Profile = &p
		if a.Role == auth.RoleAtasan {
			subs, err := s.SubordinateIDs(ctx, a.PegawaiID, day)
			if err != nil {
				return HomePage{}, err
			}
			h.Subordinates = subs
			h.Facts = append(h.Facts, HomeItem{Label: "Bawahan langsung", Value: strconv.Itoa(len(subs)) + " orang"})
		}
	case auth.RoleAdminOPD:
		c, err := s.CountOPD(ctx, a.OPDID)
		if err != nil {
			return HomePage{}, err
		}
		h.Waiting = append(h.Waiting, HomeItem{Label: "Pegawai tanpa nomor rekening bank", Count: c.TanpaRekening, Href: "/pegawai",
			Hint: "TPP tidak dapat ditransfer sebelum rekening diisi."})
		h.Facts = append(h.Facts,
			HomeItem{Label: "OPD", Value: opdName},
			HomeItem{Label: "Pegawai aktif", Value: strconv.FormatInt(c.Pegawai, 10)},
			HomeItem{Label: "Jabatan", Value: strconv.FormatInt(c.Jabatan, 10)})
	case auth.RoleVerifikator, auth.RoleSuperadmin:
		c, err := s.CountRegency(ctx)
		if err != nil {
			return HomePage{}, err
		}
		h.Facts = append(h.Facts,
			HomeItem{Label: "OPD aktif", Value: strconv.FormatInt(c.OPD, 10)},
			HomeItem{Label: "Pegawai aktif", Value: strconv.FormatInt(c.Pegawai, 10)},
			HomeItem{Label: "Pengguna aktif", Value: strconv.FormatInt(c.Users, 10)})
	}
	return h, nil
}
