package main

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"strings"
	"time"

	"gorm.io/gorm"

	"github.com/ekinerja/ekinerja/internal/attendance"
	"github.com/ekinerja/ekinerja/internal/auth"
)

// seedActor is who the audit log names for the demo's attendance imports.
var seedActor = auth.Actor{NIP: "seed", IP: "cli"}

// seedAttendance imports the demo fingerprint data (attendance.DemoCSV,
// what `ekinerja attendance demo-csv` writes) for every active OPD: the
// whole of last month and this month up to yesterday, through
// attendance.Store.Import, the function POST /presensi/impor calls (the
// same checks, batch rows, stored recaps and audit rows). Without it a
// claim computed right after `make run` found nobody present and deducted
// TK for every working day. It returns the rows imported.
func seedAttendance(ctx context.Context, db *gorm.DB, loc *time.Location, now time.Time) (int, error) {
	st := attendance.NewStore(db, loc)
	var opds []struct {
		ID   int64  `gorm:"column:id"`
		Kode string `gorm:"column:kode"`
	}
	if err := db.WithContext(ctx).Raw(`SELECT id, kode FROM opd WHERE aktif ORDER BY kode`).Scan(&opds).Error; err != nil {
		return 0, fmt.Errorf("demo attendance: %w", err)
	}
	local := now.In(loc)
	today := local.Format(time.DateOnly)
	this := time.Date(local.Year(), local.Month(), 1, 0, 0, 0, 0, time.UTC)
	rows := 0
	for _, m := range []time.Time{this.AddDate(0, -1, 0), this} {
		for _, o := range opds {
			var buf bytes.Buffer
			if err := st.DemoCSV(ctx, &buf, o.ID, m.Year(), m.Month()); err != nil {
				return rows, fmt.Errorf("demo attendance %s %s: %w", o.Kode, m.Format("2006-01"), err)
			}
			body, n := beforeDay(buf.Bytes(), today)
			if n == 0 {
				continue // the first day of the month: nothing before today
			}
			rep, err := st.Import(ctx, attendance.ImportInput{OPDID: o.ID, Actor: seedActor,
				FileName: "demo-" + strings.ToLower(o.Kode) + "-" + m.Format("2006-01") + ".csv", Body: bytes.NewReader(body)})
			if err != nil {
				return rows, fmt.Errorf("demo attendance %s %s: %w", o.Kode, m.Format("2006-01"), err)
			}
			if !rep.Applied {
				return rows, fmt.Errorf("demo attendance %s %s refused: %s %v", o.Kode, m.Format("2006-01"), rep.FileError, rep.Errors)
			}
			rows += rep.Accepted
		}
	}
	return rows, nil
}

// beforeDay keeps the header and the rows of csv dated before day
// (YYYY-MM-DD, the second column) and counts the rows kept: today's
// clock-out has not happened yet, and a later day is in the future.
func beforeDay(csv []byte, day string) ([]byte, int) {
	var out bytes.Buffer
	n := 0
	sc := bufio.NewScanner(bytes.NewReader(csv))
	for first := true; sc.Scan(); first = false {
		line := sc.Text()
		if !first {
			f := strings.SplitN(line, ",", 3)
			if len(f) < 2 || f[1] >= day {
				continue
			}
			n++
		}
		out.WriteString(line)
		out.WriteByte('\n')
	}
	return out.Bytes(), n
}
