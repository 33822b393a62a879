// Package attendance judges fingerprint attendance against work schedules and
// the holiday calendar, and sums a month of judged days into the recap that the
// TPP calculation reads (SPEC §4 step 4, §5).
//
// This file set is the pure core: standard library only, no database, no clock.
// Every time is a wall-clock time in the government's zone (Asia/Jakarta, or
// Asia/Makassar / Asia/Jayapura for WITA and WIT regencies); the zone matters only
// where an instant is turned into a Date and Clock (DateOf, ClockOn, Date.At).
//
// The flow is: Schedule.Plan (schedule + holidays for one date) -> JudgeDay
// (plan + fingerprint Record + Excuse + Correction -> Day) -> Summarize or
// RecapMonth (-> MonthlyRecap). ParseCSV streams fingerprint exports into Records.
package attendance
