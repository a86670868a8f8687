// Package hours compiles the business-hours schedules of a call flow:
//
//	hours office "Mon-Fri 09:00-18:00" tz "Asia/Shanghai" except "2026-10-01..2026-10-07"
//	hours weekend "Sat 10:00-14:00, Sun 10:00-12:00" tz "Europe/London" except "2026-12-25", "2026-12-31..2027-01-01"
//	hours late "Fri 22:00-02:00" tz "America/New_York"
//
// # Spec
//
// A spec is a comma-separated list of items, each DAYS TIMERANGE:
//
//	spec      = item { "," item }
//	item      = days timerange
//	days      = day [ "-" day ] | "daily"
//	timerange = time "-" time
//	time      = H[H] ":" MM
//
// A day is an English name, abbreviated to three letters (Mon) or in full
// (Monday), in any case; "daily" means Mon-Sun. A day range runs forward and
// may wrap the week: Fri-Mon is Fri, Sat, Sun and Mon; Mon-Mon is Mon alone.
// Whitespace may surround any token. Several items give several windows, and
// overlapping windows simply merge.
//
// Times are 24-hour wall-clock times in the schedule's zone. The start is
// inclusive and the end exclusive, so "09:00-18:00" is open at 09:00 and
// closed at 18:00. 24:00 is allowed only as an end. An end at or before the
// start crosses midnight: "Fri 22:00-02:00" is open from Friday 22:00 until
// Saturday 02:00, "00:00-24:00" and "00:00-00:00" are both the whole day, and
// "09:00-09:00" is 24 hours from 09:00.
//
// # Time zone
//
// The zone is an IANA name loaded with time.LoadLocation; the package embeds
// time/tzdata so that flows behave the same in a bare container as on a
// laptop. An empty name and "Local" are rejected: a schedule that silently
// follows whatever zone the server happens to run in would open the office at
// the wrong hour after a redeploy. Names must be spelled exactly as in the
// IANA database ("Asia/Shanghai", not "asia/shanghai"), because some file
// systems would accept the other spelling and others would not.
//
// Because the windows are wall-clock times, daylight saving changes nothing:
// 09:00-18:00 is 09:00-18:00 local on both sides of a transition. In the hour
// a spring-forward skips, no wall time exists, so a window starting inside it
// effectively starts when the clocks resume; in the hour a fall-back repeats,
// both passes are judged by the same wall time.
//
// # Exceptions
//
// Each except entry is a date YYYY-MM-DD or an inclusive range
// YYYY-MM-DD..YYYY-MM-DD, as calendar dates in the schedule's zone. A window
// belongs to the day it starts on. An excepted date closes the whole of every
// window that starts on it, including the part after midnight, and also
// closes the part of the previous day's window that spills into it. In short:
// an excepted date is closed from its 00:00 to the end of anything that
// started on it. Holidays are planned per date, and this is the reading that
// never leaves a line open on a day the office declared closed.
//
// # Errors
//
// Parse reports the first problem as an *Error that names the part (spec, tz
// or the n-th except entry) and the byte span inside that string, so the
// compiler can underline the exact characters inside the string literal.
//
// # Use
//
// A Schedule is immutable and safe for concurrent use. Open does not
// allocate: the windows are precomputed per weekday as minute-of-day ranges,
// because it runs on every webhook.
package hours
