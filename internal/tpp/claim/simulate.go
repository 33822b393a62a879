package claim

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"runtime"
	"sort"
	"sync"
	"time"

	"github.com/ekinerja/ekinerja/internal/apperr"
	"github.com/ekinerja/ekinerja/internal/audit"
	"github.com/ekinerja/ekinerja/internal/auth"
	"github.com/ekinerja/ekinerja/internal/tpp"
)

// A simulation (SPEC 4a, issue 11) runs a rule-set version that is not yet
// in force against the frozen inputs of the monthly claims of the last 1-12
// months, next to the rules in force for each of those months, and reports
// per OPD and for the regency what the new rules would have cost, against
// the current rules and the year's pagu, and which employees gain or lose
// most. It stores nothing but its audit row.
//
// The inputs are each employee's stored tpp.Input of the month's monthly
// claims (a monthly claim or a susulan; per employee, OPD and month the
// approved or paid claim, else the newest), without the month's settled
// differences (Input.Adjustments: they belong to other months and their own
// rules). Rows that could not be computed when the claim was computed are
// left out. Money is what the pagu counts: the net transferred; gross is
// shown beside it.

// SimulationMaxMonths is the longest window a simulation covers.
const SimulationMaxMonths = 12

// SimulationTop is how many employees the gain and loss lists show.
const SimulationTop = 10

// SimulationInput is what a simulation runs.
type SimulationInput struct {
	// RuleSetID is the version simulated: a draft, or one whose effective
	// month is after every month simulated.
	RuleSetID int64
	// End is the last month simulated; zero: the last month with a monthly claim.
	End tpp.Period
	// Months is the window's length, 1 to 12 (0: 12).
	Months int
}

// SimMoney is what a set of employee-months costs under one rule set.
type SimMoney struct {
	Gross int64 `json:"kotor"`
	Net   int64 `json:"bersih"`
}

// SimOPD is one OPD's (or the regency's) simulated cost.
type SimOPD struct {
	OPDID   int64  `json:"opd_id"`
	OPDKode string `json:"opd_kode"`
	OPDNama string `json:"opd_nama"`
	// Employees is the number of employees, EmployeeMonths of employee-months simulated.
	Employees      int `json:"pegawai"`
	EmployeeMonths int `json:"pegawai_bulan"`
	// Months is the number of months of the window with inputs.
	Months int `json:"bulan"`
	// Current is the cost under the rules in force for each month, Draft under the simulated rules.
	Current SimMoney `json:"aturan_berlaku"`
	Draft   SimMoney `json:"aturan_baru"`
	// Failed counts employee-months the simulated rules cannot compute (left out of both sums).
	Failed int `json:"gagal_dihitung"`
	// Pagu is the latest pagu of the end month's year; -1 when none.
	Pagu int64 `json:"pagu"`
	// CurrentYear and DraftYear are the net a whole year would cost at the
	// window's average month: net x 12 / months, rounded half-up.
	CurrentYear int64 `json:"setahun_aturan_berlaku"`
	DraftYear   int64 `json:"setahun_aturan_baru"`
}

// Difference is what the simulated rules cost more (negative: less) in the window, net.
func (o SimOPD) Difference() int64 { return o.Draft.Net - o.Current.Net }

// PaguLeft is the pagu less a year at the simulated rules (negative: over the pagu).
func (o SimOPD) PaguLeft() int64 { return o.Pagu - o.DraftYear }

// SimEmployee is one employee's simulated net over the window.
type SimEmployee struct {
	PegawaiID int64  `json:"pegawai_id"`
	NIP       string `json:"nip"`
	Nama      string `json:"nama"`
	OPDKode   string `json:"opd_kode"`
	Months    int    `json:"bulan"`
	Current   int64  `json:"bersih_aturan_berlaku"`
	Draft     int64  `json:"bersih_aturan_baru"`
}

// Difference is the employee's gain (negative: loss) under the simulated rules.
func (e SimEmployee) Difference() int64 { return e.Draft - e.Current }

// SimRuleSet names a rule-set version.
type SimRuleSet struct {
	ID      int64  `json:"id"`
	Version int    `json:"versi"`
	Name    string `json:"nama"`
}

// Simulation is a simulation's result.
type Simulation struct {
	RuleSet SimRuleSet `json:"aturan_baru"`
	// Current are the versions in force in the window's months.
	Current []SimRuleSet `json:"aturan_berlaku"`
	From    tpp.Period   `json:"dari"`
	To      tpp.Period   `json:"sampai"`
	Months  int          `json:"jumlah_bulan"`
	// PaguYear is the year whose pagu the cost is held against (To's year).
	PaguYear int      `json:"tahun_pagu"`
	Rows     []SimOPD `json:"opd"`
	Total    SimOPD   `json:"kabupaten"`
	// Gainers and Losers are the employees who gain (lose) most, largest first.
	Gainers []SimEmployee `json:"paling_naik"`
	Losers  []SimEmployee `json:"paling_turun"`
	Notes   []string      `json:"catatan"`
	// Elapsed is how long the computation took.
	Elapsed time.Duration `json:"-"`
}

// SimulationChoices is what the simulation form offers: every version not
// in force today's month, newest first.
func (s *Service) SimulationChoices(ctx context.Context, a Actor) ([]StoredRuleSet, error) {
	if a.Role != auth.RoleSuperadmin {
		return nil, apperr.ErrForbidden
	}
	all, err := s.RuleSets(ctx)
	if err != nil {
		return nil, err
	}
	now, err := ruleSetFor(ctx, s.db, tpp.PeriodOf(s.now()))
	if err != nil && !errors.Is(err, apperr.ErrNotFound) {
		return nil, err
	}
	out := make([]StoredRuleSet, 0, len(all))
	for _, r := range all {
		if r.ID != now.ID {
			out = append(out, r)
		}
	}
	return out, nil
}

// simRow is one stored employee-month input.
type simRow struct {
	OPDID     int64  `gorm:"column:opd_id"`
	PegawaiID int64  `gorm:"column:pegawai_id"`
	Month     int    `gorm:"column:m"`
	Input     []byte `gorm:"column:input"`
}

// simQuery reads the monthly claims' stored inputs of the window (first and last month):
// per employee, OPD and month the approved or paid claim, else the newest.
const simQuery = `SELECT DISTINCT ON (r.pegawai_id, c.opd_id, c.period) c.opd_id, r.pegawai_id,
    (extract(year FROM c.period)::int * 12 + extract(month FROM c.period)::int - 1) AS m, r.input::text AS input
FROM tpp_claim c JOIN tpp_claim_pegawai r ON r.claim_id = c.id
WHERE c.jenis = 'bulanan' AND c.period BETWEEN ?::date AND ?::date AND r.error = ''
ORDER BY r.pegawai_id, c.opd_id, c.period, (c.status IN ('approved', 'paid')) DESC, c.id DESC`

// Simulate runs a simulation (superadmin) and records that it was run in the
// audit log. Nothing else is stored.
func (s *Service) Simulate(ctx context.Context, a Actor, in SimulationInput) (Simulation, error) {
	if a.Role != auth.RoleSuperadmin {
		return Simulation{}, apperr.ErrForbidden
	}
	start := time.Now()
	if in.Months == 0 {
		in.Months = SimulationMaxMonths
	}
	ve := &apperr.ValidationError{}
	if in.Months < 1 || in.Months > SimulationMaxMonths {
		ve.Add("jumlah", fmt.Sprintf("jumlah bulan harus 1 sampai %d", SimulationMaxMonths))
	}
	if in.RuleSetID <= 0 {
		ve.Add("aturan", "pilih versi aturan yang disimulasikan")
	}
	if err := ve.OrNil(); err != nil {
		return Simulation{}, err
	}
	rs, err := ruleSetByID(ctx, s.db, in.RuleSetID)
	if errors.Is(err, apperr.ErrNotFound) {
		return Simulation{}, apperr.Invalid("aturan", "versi aturan itu tidak ada")
	}
	if err != nil {
		return Simulation{}, err
	}
	if in.End.IsZero() {
		var last []time.Time
		if err := s.db.WithContext(ctx).Raw(`SELECT max(period) FROM tpp_claim WHERE jenis = 'bulanan' HAVING max(period) IS NOT NULL`).Scan(&last).Error; err != nil {
			return Simulation{}, fmt.Errorf("last claim month: %w", err)
		}
		if len(last) == 0 {
			return Simulation{}, apperr.New(apperr.ErrConflict, "Belum ada klaim bulanan yang dihitung: simulasi memerlukan masukan klaim yang tersimpan.")
		}
		in.End = tpp.PeriodOf(last[0])
	}
	if !in.End.Valid() {
		return Simulation{}, apperr.Invalid("bulan", tpp.PeriodMessage)
	}
	from := in.End
	for range in.Months - 1 {
		from = from.Prev()
	}
	sim := Simulation{RuleSet: SimRuleSet{ID: rs.ID, Version: rs.Version, Name: rs.Name}, From: from, To: in.End, Months: in.Months, PaguYear: in.End.Year}

	// The rules in force for each month, and the simulated rules as if in
	// force from the window's first month on.
	current := make(map[int]tpp.RuleSet, in.Months)
	seen := map[int64]bool{}
	for p, i := from, 0; i < in.Months; p, i = p.Next(), i+1 {
		cur, err := ruleSetFor(ctx, s.db, p)
		if errors.Is(err, apperr.ErrNotFound) {
			sim.Notes = append(sim.Notes, "Tidak ada aturan TPP yang berlaku untuk "+p.String()+": bulan itu tidak disimulasikan.")
			continue
		}
		if err != nil {
			return Simulation{}, err
		}
		if cur.ID == rs.ID {
			return Simulation{}, apperr.Invalid("aturan", fmt.Sprintf("aturan versi %d sudah berlaku untuk %s; simulasikan versi yang belum berlaku (draf, atau yang berlaku mulai sesudah bulan yang disimulasikan)", rs.Version, p.String()))
		}
		current[monthIndex(p)] = cur.Rules
		if !seen[cur.ID] {
			seen[cur.ID] = true
			sim.Current = append(sim.Current, SimRuleSet{ID: cur.ID, Version: cur.Version, Name: cur.Name})
		}
	}
	draft := rs.Rules
	draft.EffectiveFrom, draft.EffectiveUntil = from, tpp.Period{}
	if err := draft.Validate(); err != nil {
		return Simulation{}, apperr.Invalid("aturan", fmt.Sprintf("aturan versi %d belum lengkap atau salah; perbaiki di menu Aturan TPP", rs.Version))
	}

	opds, err := s.simOPDs(ctx, sim.PaguYear)
	if err != nil {
		return Simulation{}, err
	}
	var rows []simRow
	if err := s.db.WithContext(ctx).Raw(simQuery, periodDate(from), periodDate(in.End)).Scan(&rows).Error; err != nil {
		return Simulation{}, fmt.Errorf("simulation inputs: %w", err)
	}
	res, err := simulateRows(draft, current, rows)
	if err != nil {
		return Simulation{}, err
	}
	sim.aggregate(opds, res)
	if len(rows) == 0 {
		sim.Notes = append(sim.Notes, "Tidak ada masukan klaim bulanan yang tersimpan untuk bulan-bulan ini.")
	}
	sim.Elapsed = time.Since(start)
	err = audit.Record(ctx, s.db.WithContext(ctx), audit.Entry{ActorID: a.UserID, ActorNIP: a.NIP, IP: a.IP, Action: "tpp.simulasi",
		ObjectType: "tpp_rule_set", ObjectID: fmt.Sprint(rs.ID),
		Detail: map[string]any{"versi": rs.Version, "dari": periodText(from), "sampai": periodText(in.End), "pegawai_bulan": sim.Total.EmployeeMonths,
			"bersih_aturan_berlaku": sim.Total.Current.Net, "bersih_aturan_baru": sim.Total.Draft.Net}})
	if err != nil {
		return Simulation{}, err
	}
	return sim, nil
}

func monthIndex(p tpp.Period) int { return p.Year*12 + p.Month - 1 }

// simOPDs lists the active OPDs with the year's pagu.
func (s *Service) simOPDs(ctx context.Context, year int) ([]SimOPD, error) {
	var rows []struct {
		ID   int64  `gorm:"column:opd_id"`
		Kode string `gorm:"column:opd_kode"`
		Nama string `gorm:"column:opd_nama"`
		Pagu int64  `gorm:"column:pagu"`
	}
	err := s.db.WithContext(ctx).Raw(`SELECT o.id AS opd_id, o.kode AS opd_kode, o.nama AS opd_nama, coalesce(pg.amount, -1) AS pagu
FROM opd o LEFT JOIN LATERAL (SELECT amount FROM tpp_pagu WHERE opd_id = o.id AND tahun = ? ORDER BY id DESC LIMIT 1) pg ON true
WHERE o.aktif ORDER BY o.kode`, year).Scan(&rows).Error
	if err != nil {
		return nil, fmt.Errorf("simulation opds: %w", err)
	}
	out := make([]SimOPD, len(rows))
	for i, r := range rows {
		out[i] = SimOPD{OPDID: r.ID, OPDKode: r.Kode, OPDNama: r.Nama, Pagu: r.Pagu}
	}
	return out, nil
}

// simResult is one employee-month under both rule sets.
type simResult struct {
	OPDID, PegawaiID int64
	Month            int
	NIP, Name        string
	Current, Draft   tpp.Result
	// Skipped: no rules in force that month; Failed: the simulated rules cannot compute it.
	Skipped, Failed bool
}

// simulateRows decodes and computes every row under both rule sets, spread
// over the CPUs (tpp.Calculate is pure; results keep input order).
func simulateRows(draft tpp.RuleSet, current map[int]tpp.RuleSet, rows []simRow) ([]simResult, error) {
	out := make([]simResult, len(rows))
	workers := min(runtime.GOMAXPROCS(0), max(1, len(rows)/256))
	chunk := (len(rows) + workers - 1) / max(workers, 1)
	errs := make([]error, workers)
	var wg sync.WaitGroup
	for w := range workers {
		lo, hi := w*chunk, min((w+1)*chunk, len(rows))
		if lo >= hi {
			continue
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := lo; i < hi; i++ {
				r := rows[i]
				o := simResult{OPDID: r.OPDID, PegawaiID: r.PegawaiID, Month: r.Month}
				cur, ok := current[r.Month]
				if !ok {
					o.Skipped = true
					out[i] = o
					continue
				}
				var in tpp.Input
				if err := json.Unmarshal(r.Input, &in); err != nil {
					errs[w] = fmt.Errorf("stored input of pegawai %d: %w", r.PegawaiID, err)
					return
				}
				in.Adjustments, in.Special = nil, nil
				o.NIP, o.Name = in.NIP, in.Name
				c, err := tpp.Calculate(cur, in)
				if err != nil {
					// The month's own rules computed it once; a stored input
					// they refuse now is left out like the simulated rules' failures.
					o.Failed = true
					out[i] = o
					continue
				}
				d, err := tpp.Calculate(draft, in)
				if err != nil {
					o.Failed = true
					out[i] = o
					continue
				}
				o.Current, o.Draft = c, d
				out[i] = o
			}
		}()
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return nil, err
		}
	}
	return out, nil
}

// aggregate adds the results up per OPD, for the regency and per employee.
func (sim *Simulation) aggregate(opds []SimOPD, res []simResult) {
	byID := make(map[int64]int, len(opds))
	for i, o := range opds {
		byID[o.OPDID] = i
	}
	months := make([]map[int]bool, len(opds))
	staff := make([]map[int64]bool, len(opds))
	allMonths, allStaff := map[int]bool{}, map[int64]bool{}
	emps := map[int64]*SimEmployee{}
	empMonth := map[int64]int{}
	for _, r := range res {
		i, ok := byID[r.OPDID]
		if !ok || r.Skipped {
			continue // an OPD no longer active, or a month without rules
		}
		o := &opds[i]
		if r.Failed {
			o.Failed++
			continue
		}
		if months[i] == nil {
			months[i], staff[i] = map[int]bool{}, map[int64]bool{}
		}
		months[i][r.Month], staff[i][r.PegawaiID] = true, true
		allMonths[r.Month], allStaff[r.PegawaiID] = true, true
		o.EmployeeMonths++
		o.Current.Gross += r.Current.Gross
		o.Current.Net += r.Current.Net
		o.Draft.Gross += r.Draft.Gross
		o.Draft.Net += r.Draft.Net
		e := emps[r.PegawaiID]
		if e == nil {
			e = &SimEmployee{PegawaiID: r.PegawaiID}
			emps[r.PegawaiID] = e
		}
		if r.Month >= empMonth[r.PegawaiID] {
			// Named as in the latest month simulated.
			empMonth[r.PegawaiID], e.NIP, e.Nama, e.OPDKode = r.Month, r.NIP, r.Name, o.OPDKode
		}
		e.Months++
		e.Current += r.Current.Net
		e.Draft += r.Draft.Net
	}
	t := SimOPD{OPDKode: "KABUPATEN", OPDNama: "Seluruh OPD"}
	for i := range opds {
		o := &opds[i]
		o.Employees, o.Months = len(staff[i]), len(months[i])
		o.CurrentYear, o.DraftYear = yearAt(o.Current.Net, o.Months), yearAt(o.Draft.Net, o.Months)
		t.EmployeeMonths += o.EmployeeMonths
		t.Failed += o.Failed
		t.Current.Gross += o.Current.Gross
		t.Current.Net += o.Current.Net
		t.Draft.Gross += o.Draft.Gross
		t.Draft.Net += o.Draft.Net
		t.CurrentYear += o.CurrentYear
		t.DraftYear += o.DraftYear
		t.Pagu += max(o.Pagu, 0)
	}
	t.Employees, t.Months = len(allStaff), len(allMonths)
	sim.Rows, sim.Total = opds, t

	list := make([]SimEmployee, 0, len(emps))
	for _, e := range emps {
		list = append(list, *e)
	}
	sort.Slice(list, func(i, j int) bool {
		if di, dj := list[i].Difference(), list[j].Difference(); di != dj {
			return di > dj
		}
		return list[i].NIP < list[j].NIP
	})
	for _, e := range list {
		if len(sim.Gainers) == SimulationTop || e.Difference() <= 0 {
			break
		}
		sim.Gainers = append(sim.Gainers, e)
	}
	for i := len(list) - 1; i >= 0; i-- {
		if len(sim.Losers) == SimulationTop || list[i].Difference() >= 0 {
			break
		}
		sim.Losers = append(sim.Losers, list[i])
	}
}

// yearAt is a year of net at the average of months months: net x 12 / months,
// rounded half-up (0 without months).
func yearAt(net int64, months int) int64 {
	if months == 0 {
		return 0
	}
	y, err := tpp.MulDivRound(net, 12, int64(months))
	if err != nil {
		return 0 // beyond any budget: cannot happen below tpp.MaxAmount
	}
	return y
}

// SimulationPage is the simulation page: the versions that can be simulated
// and, when in is given, the simulation's result (superadmin).
type SimulationPage struct {
	Choices []StoredRuleSet
	Input   SimulationInput
	Result  *Simulation
}

// SimulationPageFor answers the simulation page; in nil shows the form only.
// A refused simulation comes back with the page's choices and the error.
func (s *Service) SimulationPageFor(ctx context.Context, a Actor, in *SimulationInput) (SimulationPage, error) {
	choices, err := s.SimulationChoices(ctx, a)
	if err != nil {
		return SimulationPage{}, err
	}
	pg := SimulationPage{Choices: choices, Input: SimulationInput{Months: SimulationMaxMonths}}
	if in == nil {
		return pg, nil
	}
	pg.Input = *in
	sim, err := s.Simulate(ctx, a, *in)
	if err != nil {
		return pg, err
	}
	pg.Result = &sim
	return pg, nil
}
