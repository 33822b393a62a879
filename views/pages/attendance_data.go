package pages

import (
	"fmt"
	"strconv"
	"time"

	"github.com/ekinerja/ekinerja/internal/attendance"
	"github.com/ekinerja/ekinerja/internal/org"
	"github.com/ekinerja/ekinerja/internal/tpp"
	"github.com/ekinerja/ekinerja/views/components"
)

// AttendanceRecapView is the OPD monthly recap page.
type AttendanceRecapView struct {
	Month    tpp.Period
	OPD      org.OPD
	OPDs     []org.OPD // picker for verifikator/superadmin; empty for admin_opd
	Rows     []attendance.OPDRecapRow
	Sanction map[int64]attendance.SanctionInForce
}

// AttendanceEmployeeView is one employee's daily status page.
type AttendanceEmployeeView struct {
	Month      tpp.Period
	M          attendance.EmployeeMonth
	CanCorrect bool
	Form       attendance.CorrectionInput
	Errors     map[string]string
}

// AttendanceImportView is the import form and, after a post, its report.
type AttendanceImportView struct {
	OPDNama string
	Report  *attendance.ImportReport
	Error   string
	// Problems links to the stored report of every bad row.
	Problems components.ReportRef
}

// AttendanceLeaveView is the leave/DL page.
type AttendanceLeaveView struct {
	// ForOthers: the form files for an employee of the agency (attendance.FilesLeaveForOthers).
	ForOthers bool
	List      attendance.LeaveList
	Pegawai   []attendance.PegawaiRef // admin_opd: who the form can pick
	Form      attendance.LeaveInput
	Errors    map[string]string
}

// AttendanceSanctionView is the hukuman disiplin page.
type AttendanceSanctionView struct {
	Recent []attendance.Sanction
	Form   attendance.SanctionInput
	Errors map[string]string
}

// AttendanceHolidayView is the holiday calendar page.
type AttendanceHolidayView struct {
	Year     int
	Holidays []attendance.Holiday
	Form     attendance.HolidayInput
	Errors   map[string]string
}

// tgl formats an attendance date as "26 November 2026".
func tgl(d attendance.Date) string {
	return components.Date(time.Date(d.Year, d.Month, d.Day, 0, 0, 0, 0, time.UTC))
}

var hari = [...]string{"Minggu", "Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu"}

// hariTgl formats "Jumat, 7 Agustus 2026".
func hariTgl(d attendance.Date) string { return hari[d.Weekday()] + ", " + tgl(d) }

// tglTime formats a DATE column value.
func tglTime(t time.Time) string { return components.Date(t) }

// jam formats a record time, "-" when missing.
func jam(c attendance.Clock, has bool) string {
	if !has {
		return "-"
	}
	return c.String()
}

// itoa formats counts.
func itoa(n int) string { return strconv.Itoa(n) }

// statusClass is the badge colour of a day.
func statusClass(d attendance.Day) string {
	switch {
	case d.Status == attendance.StatusTK || d.Status == attendance.StatusTanpaRekam:
		return "badge err"
	case d.Status == attendance.StatusHadir && !d.OnTime():
		return "badge warn"
	case d.Status == attendance.StatusHadir, d.Status == attendance.StatusCuti, d.Status == attendance.StatusDinasLuar:
		return "badge ok"
	}
	return "badge"
}

// dayLabel is a day's status with its excuse kind and bands.
func dayLabel(d attendance.Day) string {
	switch d.Status {
	case attendance.StatusCuti, attendance.StatusDinasLuar:
		return attendance.ExcuseLabel(d.Excuse)
	case attendance.StatusHariLibur:
		if d.Plan.OnHoliday {
			return "Hari libur: " + d.Plan.Holiday.Name
		}
	case attendance.StatusHadir:
		s := "Hadir"
		for _, c := range d.Codes() {
			s += " " + c
		}
		return s
	}
	return d.Status.Label()
}

// bands formats [4]int as "1 / 2 / 0 / 1".
func bands(b [4]int) string {
	return fmt.Sprintf("%d / %d / %d / %d", b[0], b[1], b[2], b[3])
}

// excused formats a recap's excused days by kind, "Cuti tahunan 3, Dinas luar (DL) 1".
func excused(r attendance.MonthlyRecap) string {
	s := ""
	for _, k := range attendance.ExcuseKinds {
		if n := r.Excused[k]; n > 0 {
			if s != "" {
				s += ", "
			}
			s += attendance.ExcuseLabel(k) + " " + strconv.Itoa(n)
		}
	}
	if s == "" {
		return "-"
	}
	return s
}

// sanksi formats a sanction in force, "sedang (bulan ke-3, SK 800/12)".
func sanksi(s attendance.SanctionInForce) string {
	return fmt.Sprintf("%s (bulan ke-%d, SK %s)", s.Kind, s.MonthIndex, s.DecreeNumber)
}

func leaveStatusClass(s string) string {
	switch s {
	case "disetujui":
		return "badge ok"
	case "ditolak":
		return "badge err"
	case "dibatalkan":
		return "badge"
	}
	return "badge warn"
}

func opdParam(id int64) string { return strconv.FormatInt(id, 10) }

// monthOf formats a month, "Juni 2026".
func monthOf(t time.Time) string { return components.Month(t) }

// AttendanceScheduleView is the work schedule page.
type AttendanceScheduleView struct {
	Schedules   []attendance.JadwalKerja
	Assignments []attendance.ScheduleAssignment
	OPDs        []org.OPD // superadmin's picker; empty for admin_opd (own OPD)
	CanEdit     bool      // superadmin: create and edit schedules
	Form        attendance.ScheduleInput
	Errors      map[string]string
}

// AttendanceScheduleFormView is the create/edit form of one weekly schedule.
type AttendanceScheduleFormView struct {
	ID     int64 // 0: a new schedule
	Form   attendance.ScheduleForm
	Errors map[string]string
}

// Action is where the form posts.
func (v AttendanceScheduleFormView) Action() string {
	if v.ID == 0 {
		return "/presensi/jadwal/baru"
	}
	return "/presensi/jadwal/" + strconv.FormatInt(v.ID, 10) + "/ubah"
}

// AttendanceImportHistoryView is the list of past fingerprint imports.
type AttendanceImportHistoryView struct {
	OPDID   int64     // the OPD shown; 0 for all (verifikator, superadmin)
	OPDs    []org.OPD // picker for verifikator/superadmin; empty for admin_opd
	Batches []attendance.ImportBatch
}

// AttendanceMachinesView lists the OPD's fingerprint machines with the
// register form.
type AttendanceMachinesView struct {
	OPDNama  string
	Machines []attendance.Mesin
	Form     attendance.MesinInput
	Errors   map[string]string
}

// AttendanceMachineView is one machine: its data, its PIN -> NIP map and the
// user-list import.
type AttendanceMachineView struct {
	M      attendance.Mesin
	PINs   []attendance.PINRow
	Form   attendance.MesinInput
	Errors map[string]string
	// PINReport is the result of a PIN map edit or user-list import.
	PINReport *attendance.PINMapReport
	Error     string
	// Problems links to the stored report of a user list's bad rows.
	Problems components.ReportRef
}

// AttendanceScanImportView is the scan-log import form and its report.
type AttendanceScanImportView struct {
	OPDNama  string
	Machines []attendance.Mesin
	MesinID  int64
	Report   *attendance.ScanImportReport
	Error    string
	// Problems links to the stored report of every bad line.
	Problems components.ReportRef
}

// dayCodes is a judged day's short label for the scan report.
func dayCodes(d attendance.Day) string {
	if d.Status != attendance.StatusHadir {
		return d.Status.Label()
	}
	if d.OnTime() {
		return "Tepat waktu"
	}
	out := ""
	for i, c := range d.Codes() {
		if i > 0 {
			out += ", "
		}
		out += c
	}
	return out
}
