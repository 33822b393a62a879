package attendance

import (
	"bufio"
	"context"
	"fmt"
	"hash/fnv"
	"io"
	"time"
)

// WriteDemoCSV writes a month of plausible fingerprint data in the documented
// layout (docs/attendance-csv.md) for the given NIPs, judged against the demo
// five-day week and the holidays: most days on time, some late or early by
// varying minutes, a few forgotten times out and a few absences. It is
// deterministic: the same NIPs and month give the same file.
func WriteDemoCSV(w io.Writer, nips []string, year int, month time.Month, cal HolidayCalendar) error {
	first, last, err := monthBounds(year, month)
	if err != nil {
		return err
	}
	sch := FiveDayWeek()
	bw := bufio.NewWriter(w)
	fmt.Fprintln(bw, "nip,tanggal,jam_masuk,jam_pulang")
	for _, nip := range nips {
		for d := first; !d.After(last); d = d.AddDays(1) {
			p := sch.Plan(d, cal)
			if !p.Work {
				continue
			}
			h := fnv.New32a()
			fmt.Fprintf(h, "%s|%s", nip, d)
			r := h.Sum32()
			roll := r % 100
			if roll < 3 { // absent: no row at all
				continue
			}
			// Arrive up to 25 minutes early; 12% arrive late by 1-120 minutes.
			in := p.Window.Start - Clock(60*(r>>8%26))
			if roll >= 85 {
				in = p.Window.Start + Clock(60*(1+(r>>16)%120)) + Clock((r>>4)%60)
			}
			out := p.Window.End + Clock(60*((r>>12)%40))
			if roll >= 3 && roll < 8 {
				out = p.Window.End - Clock(60*(1+(r>>20)%100))
			}
			outText := out.String()
			if roll == 8 || roll == 9 { // forgot to fingerprint on leaving
				outText = ""
			}
			fmt.Fprintf(bw, "%s,%s,%s,%s\n", nip, d, in.String(), outText)
		}
	}
	return bw.Flush()
}

// DemoCSV writes the demo month for the active employees of one OPD (all
// OPDs when opdID is 0), with the stored holiday calendar.
func (s *Store) DemoCSV(ctx context.Context, w io.Writer, opdID int64, year int, month time.Month) error {
	first, last, err := monthBounds(year, month)
	if err != nil {
		return err
	}
	var nips []string
	q := s.db.WithContext(ctx).Table("pegawai").Where("keadaan = 'aktif'").Order("opd_id, nip")
	if opdID != 0 {
		q = q.Where("opd_id = ?", opdID)
	}
	if err := q.Pluck("nip", &nips).Error; err != nil {
		return err
	}
	hs, err := s.Holidays(ctx, first, last)
	if err != nil {
		return err
	}
	cal, err := NewHolidayCalendar(hs)
	if err != nil {
		return err
	}
	return WriteDemoCSV(w, nips, year, month, cal)
}
