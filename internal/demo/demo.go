// Package demo seeds the demo regency: three agencies, about sixty employees
// with valid NIPs, a supervisor hierarchy, kelas jabatan, and one demo login
// per role. Seeding is deterministic and happens once: a second run changes
// nothing.
package demo

import (
	"context"
	"fmt"
	"time"

	"gorm.io/gorm"

	"github.com/ekinerja/ekinerja/internal/audit"
	"github.com/ekinerja/ekinerja/internal/auth"
	"github.com/ekinerja/ekinerja/internal/org"
)

// Login is one printed demo account.
type Login struct {
	Role     auth.Role
	NIP      string
	Password string
	Nama     string
	Jabatan  string
}

// Logins are the demo accounts; their passwords are public and refused
// outside dev mode by the password policy.
func Logins() []Login { return append([]Login(nil), demoLogins...) }

var demoLogins []Login

// Result says what a seed run did.
type Result struct {
	Created bool
	OPD     int
	Pegawai int
	Logins  []Login
}

type opdSpec struct {
	kode, nama, singkatan string
	bidang                [3]string
	fungsional            string
}

var opds = []opdSpec{
	{"BKPSDM", "Badan Kepegawaian dan Pengembangan Sumber Daya Manusia", "BKPSDM",
		[3]string{"Mutasi dan Promosi", "Pengembangan Kompetensi", "Penilaian Kinerja dan Penghargaan"}, "Analis Sumber Daya Manusia Aparatur Ahli Muda"},
	{"DINKES", "Dinas Kesehatan", "Dinkes",
		[3]string{"Pelayanan Kesehatan", "Kesehatan Masyarakat", "Pencegahan dan Pengendalian Penyakit"}, "Epidemiolog Kesehatan Ahli Muda"},
	{"BPKAD", "Badan Pengelolaan Keuangan dan Aset Daerah", "BPKAD",
		[3]string{"Anggaran", "Perbendaharaan", "Aset"}, "Analis Keuangan Pusat dan Daerah Ahli Muda"},
}

var maleNames = []string{"Ahmad", "Budi", "Hendra", "Agus", "Joko", "Rudi", "Eko", "Bambang", "Dedi", "Imam", "Taufik"}
var femaleNames = []string{"Siti", "Dewi", "Rina", "Nurul", "Sri", "Yuliana", "Fitri", "Wahyuni", "Ratna", "Lestari", "Indah"}
var lastNames = []string{"Saputra", "Rahmawati", "Santoso", "Lestari", "Hidayat", "Permata", "Kurniawan", "Wulandari", "Pratama", "Handayani", "Gunawan"}
var gelar = []string{", S.E.", ", S.Kom.", ", S.H.", ", S.Sos.", ", A.Md.", ", S.Kep.", ", S.E., M.Si.", ", S.KM.", "", ", S.T."}

type posSpec struct {
	nama   string
	jenis  org.JenisJabatan
	kelas  int
	parent int // index into the OPD's positions, -1 for none
	gol    string
	status org.StatusASN
}

func positions(o opdSpec) []posSpec {
	ps := []posSpec{
		{"Kepala " + o.nama, org.Struktural, 14, -1, "IV/c", org.PNS},
		{"Sekretaris", org.Struktural, 12, 0, "IV/b", org.PNS},
		{"Kepala Subbagian Umum dan Kepegawaian", org.Struktural, 9, 1, "III/d", org.PNS},
		{"Kepala Subbagian Keuangan", org.Struktural, 9, 1, "III/d", org.PNS},
		{"Pengadministrasi Kepegawaian", org.Pelaksana, 6, 2, "II/c", org.PNS},
		{"Bendahara Pengeluaran", org.Pelaksana, 7, 3, "III/a", org.PNS},
	}
	for _, b := range o.bidang {
		k := len(ps)
		ps = append(ps,
			posSpec{"Kepala Bidang " + b, org.Struktural, 11, 0, "IV/a", org.PNS},
			posSpec{o.fungsional + " Bidang " + b, org.Fungsional, 9, k, "III/c", org.PNS},
			posSpec{"Penata Laporan Keuangan Bidang " + b, org.Pelaksana, 7, k, "III/b", org.PNS},
			posSpec{"Pengolah Data Bidang " + b, org.Pelaksana, 6, k, "II/d", org.PNS},
			posSpec{"Pengadministrasi Umum Bidang " + b, org.Pelaksana, 5, k, "IX", org.PPPK},
		)
	}
	ps[len(ps)-2].status, ps[len(ps)-2].gol = org.CPNS, "III/a" // one CPNS per agency
	return ps
}

// nip builds a valid, deterministic NIP for the i-th employee.
func nip(i int, female bool) string {
	lahir := time.Date(1968, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, i*173)
	angkat := time.Date(lahir.Year()+25, time.Month(i%12+1), 1, 0, 0, 0, 0, time.UTC)
	sex := 1
	if female {
		sex = 2
	}
	return fmt.Sprintf("%s%s%d%03d", lahir.Format("20060102"), angkat.Format("200601"), sex, i%999+1)
}

// demo accounts: agency, position index, role, password.
var accounts = []struct {
	opd      string
	pos      int
	role     auth.Role
	password string
}{
	{"DINKES", 8, auth.RolePegawai, "Pegawai!Demo2026"},
	{"DINKES", 6, auth.RoleAtasan, "Atasan!Demo2026"},
	{"DINKES", 4, auth.RoleAdminOPD, "AdminOPD!Demo2026"},
	{"BKPSDM", 7, auth.RoleVerifikator, "Verifikator!Demo2026"},
	{"BKPSDM", 4, auth.RoleSuperadmin, "Superadmin!Demo2026"},
}

func init() {
	// The demo logins are a pure function of the layout above.
	idx := 0
	for _, o := range opds {
		ps := positions(o)
		for pi, p := range ps {
			for _, a := range accounts {
				if a.opd == o.kode && a.pos == pi {
					demoLogins = append(demoLogins, Login{Role: a.role, NIP: nip(idx, idx%2 == 1), Password: a.password, Nama: name(idx), Jabatan: p.nama})
				}
			}
			idx++
		}
	}
	order := map[auth.Role]int{}
	for i, r := range auth.AllRoles {
		order[r] = i
	}
	for i := 1; i < len(demoLogins); i++ {
		for j := i; j > 0 && order[demoLogins[j].Role] < order[demoLogins[j-1].Role]; j-- {
			demoLogins[j], demoLogins[j-1] = demoLogins[j-1], demoLogins[j]
		}
	}
}

func name(i int) string {
	first := maleNames[(i/2)%len(maleNames)]
	if i%2 == 1 { // nip(i, true): odd employees are women
		first = femaleNames[(i/2)%len(femaleNames)]
	}
	n := first + " " + lastNames[(i*7)%len(lastNames)] + gelar[(i*3)%len(gelar)]
	if i%9 == 0 {
		n = "Dr. " + n
	}
	return n
}

// Seed creates the demo regency in one transaction, unless it exists already.
func Seed(ctx context.Context, db *gorm.DB, hasher *auth.Hasher) (Result, error) {
	res := Result{Logins: Logins()}
	var exists int64
	if err := db.WithContext(ctx).Raw(`SELECT count(*) FROM opd WHERE kode = ?`, opds[0].kode).Scan(&exists).Error; err != nil {
		return res, fmt.Errorf("check demo: %w", err)
	}
	if exists > 0 {
		return res, nil
	}
	hashes := map[string]string{}
	for _, a := range accounts {
		h, err := hasher.Hash(ctx, a.password)
		if err != nil {
			return res, err
		}
		hashes[a.password] = h
	}
	mulai := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	err := db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		idx := 0
		for oi, o := range opds {
			opd := org.OPD{Kode: o.kode, Nama: o.nama, Singkatan: o.singkatan, Aktif: true}
			if err := tx.Create(&opd).Error; err != nil {
				return fmt.Errorf("opd %s: %w", o.kode, err)
			}
			res.OPD++
			ps := positions(o)
			ids := make([]int64, len(ps))
			for pi, p := range ps {
				j := org.Jabatan{OPDID: opd.ID, Kode: fmt.Sprintf("%s-%02d", o.kode, pi+1), Nama: p.nama, Jenis: p.jenis, Kelas: p.kelas}
				if p.parent >= 0 {
					parent := ids[p.parent]
					j.AtasanJabatanID = &parent
				}
				if err := tx.Create(&j).Error; err != nil {
					return fmt.Errorf("jabatan %s: %w", j.Kode, err)
				}
				ids[pi] = j.ID
				female := idx%2 == 1
				pg := org.Pegawai{NIP: nip(idx, female), Nama: name(idx), StatusASN: p.status, Golongan: p.gol, OPDID: opd.ID, Keadaan: "aktif",
					BankNama: "Bank Bengkulu", BankRekening: fmt.Sprintf("0%02d%010d", oi+1, 7000000000+int64(idx)*7919), BankAtasNama: name(idx)}
				if pi == 10 { // one employee per agency has no bank account yet: a warning to fix
					pg.BankNama, pg.BankRekening, pg.BankAtasNama = "", "", ""
				}
				if err := tx.Create(&pg).Error; err != nil {
					return fmt.Errorf("pegawai %s: %w", pg.NIP, err)
				}
				res.Pegawai++
				if err := tx.Create(&org.RiwayatJabatan{PegawaiID: pg.ID, JabatanID: j.ID, Jenis: org.Definitif, Mulai: mulai}).Error; err != nil {
					return err
				}
				for _, a := range accounts {
					if a.opd != o.kode || a.pos != pi {
						continue
					}
					var uid int64
					if err := tx.Raw(`INSERT INTO users (pegawai_id, nip, password_hash) VALUES (?, ?, ?) RETURNING id`, pg.ID, pg.NIP, hashes[a.password]).Scan(&uid).Error; err != nil {
						return fmt.Errorf("user %s: %w", pg.NIP, err)
					}
					grants := []auth.Grant{{Role: auth.RolePegawai}}
					switch a.role {
					case auth.RoleAdminOPD:
						grants = append(grants, auth.Grant{Role: a.role, OPDID: opd.ID})
					case auth.RolePegawai:
					default:
						grants = append(grants, auth.Grant{Role: a.role})
					}
					for _, g := range grants {
						if err := tx.Exec(`INSERT INTO user_roles (user_id, role, opd_id) VALUES (?, ?, NULLIF(?, 0))`, uid, string(g.Role), g.OPDID).Error; err != nil {
							return err
						}
					}
				}
				idx++
			}
		}
		if err := seedKinerja(ctx, tx, time.Now()); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Entry{Action: audit.ActionSeed, ObjectType: "demo", Detail: map[string]any{"opd": res.OPD, "pegawai": res.Pegawai}})
	})
	if err != nil {
		return Result{Logins: Logins()}, err
	}
	res.Created = true
	return res, nil
}
