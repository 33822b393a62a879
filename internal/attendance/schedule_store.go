package attendance

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"time"

	"gorm.io/gorm"

	"github.com/ekinerja/ekinerja/internal/apperr"
	"github.com/ekinerja/ekinerja/internal/audit"
	"github.com/ekinerja/ekinerja/internal/auth"
)

// WeekdayOrder is the order the schedule form and table list the days in:
// Monday first, as an Indonesian office calendar does.
var WeekdayOrder = [7]time.Weekday{time.Monday, time.Tuesday, time.Wednesday, time.Thursday, time.Friday, time.Saturday, time.Sunday}

// WeekdayName is the Bahasa Indonesia name of a weekday.
func WeekdayName(d time.Weekday) string {
	return [...]string{"Minggu", "Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu"}[d]
}

// ScheduleForm is the superadmin's form for one weekly schedule. Start and
// End are indexed by time.Weekday; both empty means a day off. An end earlier
// than the start is a window ending the next day (a night schedule).
type ScheduleForm struct {
	Kode  string
	Nama  string
	Start [7]string
	End   [7]string
}

var kodeRe = regexp.MustCompile(`^[A-Z0-9_-]{1,32}$`)

// FormOf fills the form from a stored schedule (the edit page).
func FormOf(j JadwalKerja) ScheduleForm {
	f := ScheduleForm{Kode: j.Kode, Nama: j.Nama}
	for d, w := range j.Week {
		if !w.IsZero() {
			f.Start[d], f.End[d] = hhmm(w.Start), hhmm(w.End)
		}
	}
	return f
}

// hhmm formats a clock as "HH:MM" within one day (a next-day end loses its "+1").
func hhmm(c Clock) string {
	c %= clockDay
	return fmt.Sprintf("%02d:%02d", c/3600, c/60%60)
}

// parse validates the form into a Week. Field names are "mulai_<weekday>"
// and "selesai_<weekday>" (weekday as in time.Weekday, Sunday 0); the week is
// checked with the same Schedule.Validate the recap relies on.
func (f ScheduleForm) parse(ve *apperr.ValidationError, withKode bool) (string, string, Week) {
	kode := strings.ToUpper(strings.TrimSpace(f.Kode))
	if withKode && !kodeRe.MatchString(kode) {
		ve.Add("kode", "Kode 1 sampai 32 huruf besar, angka, - atau _ (mis. 5HK-RSUD).")
	}
	nama := strings.TrimSpace(f.Nama)
	if n := len([]rune(nama)); n < 1 || n > 100 {
		ve.Add("nama", "Nama jadwal wajib diisi (paling banyak 100 huruf).")
	}
	var week Week
	work := 0
	for d := range 7 {
		a, b := strings.TrimSpace(f.Start[d]), strings.TrimSpace(f.End[d])
		field := fmt.Sprintf("mulai_%d", d)
		if a == "" && b == "" {
			continue
		}
		if a == "" || b == "" {
			ve.Add(field, WeekdayName(time.Weekday(d))+": isi jam masuk dan jam pulang, atau kosongkan keduanya untuk hari libur.")
			continue
		}
		start, err1 := ParseClock(a)
		end, err2 := ParseClock(b)
		if err1 != nil || err2 != nil {
			ve.Add(field, WeekdayName(time.Weekday(d))+": jam harus berformat HH:MM.")
			continue
		}
		if start == end {
			ve.Add(field, WeekdayName(time.Weekday(d))+": jam pulang tidak boleh sama dengan jam masuk.")
			continue
		}
		if end < start {
			end += clockDay
		}
		week[d] = Window{Start: start, End: end}
		work++
	}
	sched := Schedule{Name: nama, Week: week}
	if err := sched.Validate(); err != nil {
		ve.Add("mulai_1", "Jadwal tidak valid; periksa jam setiap hari.")
	} else if work == 0 && ve.OrNil() == nil {
		ve.Add("mulai_1", "Isi paling sedikit satu hari kerja.")
	}
	return kode, nama, week
}

// polaOf stores a Week as seven "HH:MM-HH:MM" windows, Sunday first, ”
// for a day off (the format WeekFromPola reads back).
func polaOf(w Week) []string {
	out := make([]string, 7)
	for d, win := range w {
		if !win.IsZero() {
			out[d] = hhmm(win.Start) + "-" + hhmm(win.End)
		}
	}
	return out
}

// pgTextArray renders a text[] literal for a bound parameter; the windows
// only hold digits, ':' and '-', so no element needs quoting beyond "".
func pgTextArray(ss []string) string {
	q := make([]string, len(ss))
	for i, s := range ss {
		q[i] = `"` + s + `"`
	}
	return "{" + strings.Join(q, ",") + "}"
}

// Schedule returns one stored schedule.
func (s *Store) Schedule(ctx context.Context, id int64) (JadwalKerja, error) {
	all, err := s.Schedules(ctx)
	if err != nil {
		return JadwalKerja{}, err
	}
	for _, j := range all {
		if j.ID == id {
			return j, nil
		}
	}
	return JadwalKerja{}, fmt.Errorf("jadwal %d: %w", id, apperr.ErrNotFound)
}

// SaveSchedule creates (id 0) or edits a weekly schedule; superadmin only,
// audited with the pattern before and after. The code of a stored schedule
// does not change (assignments and reports name it); the seeded 5HK and 6HK
// can be edited but not removed, as no schedule can. An edit that changes
// nothing answers ErrConflict. A schedule edit changes every recap not yet
// frozen by an approved TPP claim, like a holiday does.
func (s *Store) SaveSchedule(ctx context.Context, p *auth.Principal, ip string, id int64, f ScheduleForm) (int64, error) {
	if err := MayEditSchedules(p); err != nil {
		return 0, err
	}
	var old JadwalKerja
	if id != 0 {
		var err error
		if old, err = s.Schedule(ctx, id); err != nil {
			return 0, err
		}
	}
	var ve apperr.ValidationError
	kode, nama, week := f.parse(&ve, id == 0)
	if err := ve.OrNil(); err != nil {
		return 0, err
	}
	pola := polaOf(week)
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		action := "presensi.jadwal_buat"
		detail := map[string]any{"kode": kode, "nama": nama, "pola": pola}
		if id == 0 {
			if err := tx.Raw(`INSERT INTO jadwal_kerja (kode, nama, pola) VALUES (?, ?, ?::text[])
ON CONFLICT (kode) DO NOTHING RETURNING id`, kode, nama, pgTextArray(pola)).Scan(&id).Error; err != nil {
				return fmt.Errorf("create schedule: %w", err)
			}
			if id == 0 {
				return apperr.Invalid("kode", "Kode ini sudah dipakai jadwal lain.")
			}
		} else {
			if old.Nama == nama && old.Week == week {
				return apperr.New(apperr.ErrConflict, "Tidak ada perubahan pada jadwal ini.")
			}
			if err := tx.Exec(`UPDATE jadwal_kerja SET nama = ?, pola = ?::text[] WHERE id = ?`, nama, pgTextArray(pola), id).Error; err != nil {
				return fmt.Errorf("edit schedule: %w", err)
			}
			action = "presensi.jadwal_ubah"
			detail = map[string]any{"kode": old.Kode, "nama_lama": old.Nama, "nama": nama, "pola_lama": polaOf(old.Week), "pola": pola}
		}
		return audit.Record(ctx, tx, audit.Entry{ActorID: p.UserID, ActorNIP: p.NIP, IP: ip, Action: action,
			ObjectType: "jadwal_kerja", ObjectID: fmt.Sprint(id), Detail: detail})
	})
	if err != nil {
		return 0, err
	}
	return id, nil
}
