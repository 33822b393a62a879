package demo

import (
	"context"
	"fmt"
	"math/rand/v2"
	"time"

	"gorm.io/gorm"

	"github.com/ekinerja/ekinerja/internal/audit"
	"github.com/ekinerja/ekinerja/internal/auth"
	"github.com/ekinerja/ekinerja/internal/org"
)

// DefaultEmployees is the size of the plain demo regency.
const DefaultEmployees = 63

// GenerateOptions size a generated regency.
type GenerateOptions struct {
	Employees int   // total employees, demo included (DefaultEmployees: the plain demo)
	Seed      int64 // same seed, same regency
}

// extraOPD are the agencies a generated regency adds to the three demo ones.
var extraOPD = []struct{ kode, nama, singkatan string }{
	{"SETDA", "Sekretariat Daerah", "Setda"}, {"SETWAN", "Sekretariat DPRD", "Setwan"}, {"INSPEKTORAT", "Inspektorat Daerah", "Inspektorat"},
	{"BAPPEDA", "Badan Perencanaan Pembangunan, Penelitian dan Pengembangan Daerah", "Bappeda"},
	{"BAPENDA", "Badan Pendapatan Daerah", "Bapenda"}, {"BPBD", "Badan Penanggulangan Bencana Daerah", "BPBD"},
	{"KESBANGPOL", "Badan Kesatuan Bangsa dan Politik", "Kesbangpol"}, {"DISDIKBUD", "Dinas Pendidikan dan Kebudayaan", "Disdikbud"},
	{"DPUPR", "Dinas Pekerjaan Umum dan Penataan Ruang", "DPUPR"}, {"DISPERKIM", "Dinas Perumahan dan Kawasan Permukiman", "Disperkim"},
	{"SATPOLPP", "Satuan Polisi Pamong Praja", "Satpol PP"}, {"DINSOS", "Dinas Sosial", "Dinsos"},
	{"DISNAKERTRANS", "Dinas Tenaga Kerja dan Transmigrasi", "Disnakertrans"}, {"DP3AP2KB", "Dinas Pemberdayaan Perempuan, Perlindungan Anak, Pengendalian Penduduk dan Keluarga Berencana", "DP3AP2KB"},
	{"DKP", "Dinas Ketahanan Pangan", "DKP"}, {"DLH", "Dinas Lingkungan Hidup", "DLH"}, {"DISDUKCAPIL", "Dinas Kependudukan dan Pencatatan Sipil", "Disdukcapil"},
	{"DPMD", "Dinas Pemberdayaan Masyarakat dan Desa", "DPMD"}, {"DISHUB", "Dinas Perhubungan", "Dishub"}, {"DISKOMINFO", "Dinas Komunikasi, Informatika, Statistik dan Persandian", "Diskominfo"},
	{"DISKOPUKM", "Dinas Koperasi, Usaha Kecil dan Menengah", "Diskop UKM"}, {"DPMPTSP", "Dinas Penanaman Modal dan Pelayanan Terpadu Satu Pintu", "DPMPTSP"},
	{"DISPORA", "Dinas Pemuda dan Olahraga", "Dispora"}, {"DISPUSIP", "Dinas Perpustakaan dan Kearsipan", "Dispusip"},
	{"DKP2", "Dinas Kelautan dan Perikanan", "DKP"}, {"DISPAR", "Dinas Pariwisata", "Dispar"}, {"DISTAN", "Dinas Pertanian dan Peternakan", "Distan"},
	{"DISPERINDAG", "Dinas Perindustrian dan Perdagangan", "Disperindag"}, {"RSUD", "Rumah Sakit Umum Daerah", "RSUD"},
	{"KEC-KOTA", "Kecamatan Kota Mukomuko", "Kec. Kota"}, {"KEC-LUBUKPINANG", "Kecamatan Lubuk Pinang", "Kec. Lubuk Pinang"},
	{"KEC-PENARIK", "Kecamatan Penarik", "Kec. Penarik"}, {"KEC-TERAMANG", "Kecamatan Teramang Jaya", "Kec. Teramang Jaya"},
	{"KEC-IPUH", "Kecamatan Ipuh", "Kec. Ipuh"}, {"KEC-SELAGAN", "Kecamatan Selagan Raya", "Kec. Selagan Raya"},
	{"KEC-XIVKOTO", "Kecamatan XIV Koto", "Kec. XIV Koto"}, {"KEC-PONDOK", "Kecamatan Pondok Suguh", "Kec. Pondok Suguh"},
}

var genBidang = []string{"Perencanaan dan Evaluasi", "Pelayanan", "Pembinaan dan Pengawasan", "Pengembangan", "Data dan Informasi"}
var genFungsional = []string{"Analis Kebijakan Ahli Muda", "Perencana Ahli Muda", "Pranata Komputer Ahli Pertama", "Analis Keuangan Ahli Pertama", "Penyuluh Ahli Muda"}
var genPelaksana = []struct {
	nama  string
	kelas int
}{{"Pengolah Data dan Informasi", 6}, {"Pengadministrasi Perkantoran", 5}, {"Penata Kelola Sistem dan Teknologi Informasi", 7}, {"Operator Layanan Operasional", 5}}

// Generate seeds the demo regency and, for more than DefaultEmployees
// employees, adds agencies (up to 40 in all) with a plausible structure:
// head, secretary, sub-units and fields, supervisors, functional and
// executive posts. The result is a pure function of the options; running it
// again on a seeded database changes nothing. Only the demo passwords are
// hashed; generated employees have no login.
func Generate(ctx context.Context, db *gorm.DB, hasher *auth.Hasher, opt GenerateOptions) (Result, error) {
	res, err := Seed(ctx, db, hasher)
	if err != nil || opt.Employees <= DefaultEmployees {
		return res, err
	}
	var exists int64
	if err := db.WithContext(ctx).Raw(`SELECT count(*) FROM opd WHERE kode = ?`, extraOPD[0].kode).Scan(&exists).Error; err != nil {
		return res, err
	}
	if exists > 0 {
		return res, nil
	}
	extra := opt.Employees - DefaultEmployees
	nOPD := min(len(extraOPD), max(1, extra/100))
	rng := rand.New(rand.NewPCG(uint64(opt.Seed), 0x656b696e65726a61)) // #nosec G404 -- demo data must be reproducible from --seed; nothing secret
	usedNIP := map[string]bool{}
	for _, l := range Logins() {
		usedNIP[l.NIP] = true
	}
	mulai := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	g := &gen{rng: rng, used: usedNIP}
	err = db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		created := 0
		for oi := 0; oi < nOPD; oi++ {
			spec := extraOPD[oi]
			// Spread the employees evenly; the last agency takes the rest.
			want := extra / nOPD
			if oi == nOPD-1 {
				want = extra - created
			}
			n, err := g.agency(tx, spec.kode, spec.nama, spec.singkatan, want, oi, mulai)
			if err != nil {
				return fmt.Errorf("generate %s: %w", spec.kode, err)
			}
			created += n
			res.OPD++
		}
		res.Pegawai += created
		return audit.Record(ctx, tx, audit.Entry{Action: audit.ActionSeed, ObjectType: "demo",
			Detail: map[string]any{"opd_tambahan": nOPD, "pegawai_tambahan": created, "seed": opt.Seed}})
	})
	if err != nil {
		return res, err
	}
	res.Created = true
	return res, nil
}

type gen struct {
	rng  *rand.Rand
	used map[string]bool
	seq  int
}

// nip draws a valid, unused NIP (or NI PPPK) for a new employee.
func (g *gen) nip(status org.StatusASN, female bool) string {
	sex := 1
	if female {
		sex = 2
	}
	for {
		lahir := time.Date(1966+g.rng.IntN(34), time.Month(1+g.rng.IntN(12)), 1+g.rng.IntN(28), 0, 0, 0, 0, time.UTC)
		var mid string
		switch status {
		case org.PPPK:
			mid = fmt.Sprintf("%d2%d", min(lahir.Year()+23+g.rng.IntN(8), 2024), 1+g.rng.IntN(9))
		case org.CPNS:
			mid = fmt.Sprintf("%d%02d", 2024, 1+g.rng.IntN(12))
		default:
			mid = fmt.Sprintf("%d%02d", min(lahir.Year()+22+g.rng.IntN(10), 2023), 1+g.rng.IntN(12))
		}
		s := fmt.Sprintf("%s%s%d%03d", lahir.Format("20060102"), mid, sex, 1+g.rng.IntN(999))
		if !g.used[s] {
			g.used[s] = true
			return s
		}
	}
}

func (g *gen) person(status org.StatusASN) (string, string) {
	female := g.rng.IntN(2) == 1
	first := maleNames[g.rng.IntN(len(maleNames))]
	if female {
		first = femaleNames[g.rng.IntN(len(femaleNames))]
	}
	n := first + " " + lastNames[g.rng.IntN(len(lastNames))] + gelar[g.rng.IntN(len(gelar))]
	return g.nip(status, female), n
}

type genPos struct {
	j      org.Jabatan
	parent int
	slots  int // holders wanted
	gol    string
}

// agency creates one agency of about want employees and returns how many it made.
func (g *gen) agency(tx *gorm.DB, kode, nama, singkatan string, want, oi int, mulai time.Time) (int, error) {
	o := org.OPD{Kode: kode, Nama: nama, Singkatan: singkatan, Aktif: true}
	if err := tx.Create(&o).Error; err != nil {
		return 0, err
	}
	sek := org.UnitKerja{OPDID: o.ID, Kode: kode + "-SEK", Nama: "Sekretariat"}
	if err := tx.Create(&sek).Error; err != nil {
		return 0, err
	}
	nb := 2 + g.rng.IntN(3)
	units := []org.UnitKerja{}
	for b := 0; b < nb; b++ {
		units = append(units, org.UnitKerja{OPDID: o.ID, Kode: fmt.Sprintf("%s-B%d", kode, b+1), Nama: "Bidang " + genBidang[b]})
	}
	if err := tx.CreateInBatches(&units, 100).Error; err != nil {
		return 0, err
	}
	pos := []genPos{
		{j: org.Jabatan{Nama: "Kepala " + nama, Jenis: org.Struktural, Kelas: 14}, parent: -1, slots: 1, gol: "IV/c"},
		{j: org.Jabatan{Nama: "Sekretaris", Jenis: org.Struktural, Kelas: 12, UnitKerjaID: &sek.ID}, parent: 0, slots: 1, gol: "IV/b"},
		{j: org.Jabatan{Nama: "Kepala Subbagian Umum dan Kepegawaian", Jenis: org.Struktural, Kelas: 9, UnitKerjaID: &sek.ID}, parent: 1, slots: 1, gol: "III/d"},
		{j: org.Jabatan{Nama: "Pengadministrasi Perkantoran Sekretariat", Jenis: org.Pelaksana, Kelas: 5, UnitKerjaID: &sek.ID}, parent: 2, slots: 0, gol: "II/c"},
	}
	for b := range units {
		u := &units[b]
		k := len(pos)
		pos = append(pos, genPos{j: org.Jabatan{Nama: "Kepala " + u.Nama, Jenis: org.Struktural, Kelas: 11, UnitKerjaID: &u.ID}, parent: 0, slots: 1, gol: "IV/a"})
		pos = append(pos, genPos{j: org.Jabatan{Nama: genFungsional[(b+oi)%len(genFungsional)] + " " + u.Nama, Jenis: org.Fungsional, Kelas: 9, UnitKerjaID: &u.ID}, parent: k, gol: "III/c"})
		for _, p := range genPelaksana[:2+g.rng.IntN(3)] {
			pos = append(pos, genPos{j: org.Jabatan{Nama: p.nama + " " + u.Nama, Jenis: org.Pelaksana, Kelas: p.kelas, UnitKerjaID: &u.ID}, parent: k, gol: "II/d"})
		}
	}
	// Fill the structural posts first (one each, a few left vacant to show
	// the supervisor walk-up), then spread the rest over the other posts.
	remaining := want
	for i := range pos {
		if pos[i].slots == 1 {
			if remaining == 0 || (i > 1 && g.rng.IntN(25) == 0) {
				pos[i].slots = 0
				continue
			}
			remaining--
		}
	}
	var open []int
	for i := range pos {
		if pos[i].j.Jenis != org.Struktural {
			open = append(open, i)
		}
	}
	for ; remaining > 0; remaining-- {
		pos[open[g.rng.IntN(len(open))]].slots++
	}
	// Positions level by level, so each supervising post has its id.
	for level := 0; level < 4; level++ {
		var batch []*org.Jabatan
		for i := range pos {
			if depth(pos, i) != level {
				continue
			}
			p := &pos[i]
			p.j.OPDID = o.ID
			p.j.Kode = fmt.Sprintf("%s-%03d", kode, i+1)
			if p.parent >= 0 {
				id := pos[p.parent].j.ID
				p.j.AtasanJabatanID = &id
			}
			batch = append(batch, &p.j)
		}
		if len(batch) > 0 {
			if err := tx.CreateInBatches(batch, 200).Error; err != nil {
				return 0, err
			}
		}
	}
	var peg []*org.Pegawai
	var at []int64
	for i := range pos {
		for s := 0; s < pos[i].slots; s++ {
			status, gol := org.PNS, pos[i].gol
			if pos[i].j.Jenis != org.Struktural {
				switch r := g.rng.IntN(20); {
				case r < 3:
					status, gol = org.PPPK, []string{"V", "VII", "IX"}[g.rng.IntN(3)]
				case r < 4:
					status, gol = org.CPNS, "III/a"
				}
			}
			nip, name := g.person(status)
			g.seq++
			p := &org.Pegawai{NIP: nip, Nama: name, StatusASN: status, Golongan: gol, OPDID: o.ID, Keadaan: "aktif",
				BankNama: "Bank Bengkulu", BankRekening: fmt.Sprintf("1%02d%09d", oi+10, g.seq*7919%1000000000), BankAtasNama: name}
			if g.rng.IntN(60) == 0 { // a few without an account yet
				p.BankNama, p.BankRekening, p.BankAtasNama = "", "", ""
			}
			peg = append(peg, p)
			at = append(at, pos[i].j.ID)
		}
	}
	if len(peg) == 0 {
		return 0, nil
	}
	if err := tx.CreateInBatches(peg, 500).Error; err != nil {
		return 0, err
	}
	rs := make([]org.RiwayatJabatan, len(peg))
	for i, p := range peg {
		rs[i] = org.RiwayatJabatan{PegawaiID: p.ID, JabatanID: at[i], Jenis: org.Definitif, Mulai: mulai}
	}
	if err := tx.CreateInBatches(rs, 500).Error; err != nil {
		return 0, err
	}
	return len(peg), nil
}

func depth(pos []genPos, i int) int {
	d := 0
	for pos[i].parent >= 0 && d < 10 {
		i = pos[i].parent
		d++
	}
	return d
}
