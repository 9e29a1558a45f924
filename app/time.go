package main

import (
	"fmt"
	"math"
	"time"

	"github.com/maxence-charriere/go-app/v10/pkg/app"
)

// Times are shown in the reader's time zone as Tencent's console writes
// them in every language, 2026-12-01 22:34:05: year first, 24 hours, read
// alike in English, Chinese, Japanese and Korean. The server, which
// prerenders pages before any time is loaded, writes UTC.
//
// The zone's offset is the one it has at the time shown or typed, by the
// browser's own rules: Go's js/wasm runtime makes time.Local one fixed
// offset, the one of the day the app started (time/zoneinfo_js.go), so a
// July time read or typed in a December Berlin would be an hour off.
// Every time of the app is shown with inZone and every time typed is read
// with fromLocal.

// browserOffset is the reader's offset from UTC at an instant, in seconds
// east: the browser's Date says it in the browser; elsewhere (the server,
// the tests) time.Local does. Tests give it other rules.
var browserOffset = func(t time.Time) int {
	if app.IsClient {
		minutes := app.Window().Get("Date").New(float64(t.UnixMilli())).Call("getTimezoneOffset").Float()
		return int(math.Round(-minutes * 60))
	}
	_, offset := t.In(time.Local).Zone()
	return offset
}

// inZone is t in the reader's zone at its offset at that instant, the zone
// named as Go's wasm runtime names it ("UTC+2").
func inZone(t time.Time) time.Time {
	offset := browserOffset(t)
	return t.In(time.FixedZone(utcOffset(offset), offset))
}

// How an input of type datetime-local writes a time: to the minute, or to
// the second when its step asks for seconds.
const (
	localMinute = "2006-01-02T15:04"
	localSecond = "2006-01-02T15:04:05"
)

// fromLocal reads a datetime-local input's text as the instant it names in
// the reader's zone (in that zone, inZone); ok is false when the text is
// no such time. A time the clocks skip when summer time starts is read
// with the offset before (02:30 is 03:30 summer time), and one they pass
// twice when it ends as the first, as the browser's own Date reads them.
func fromLocal(s string) (t time.Time, ok bool) {
	wall, err := time.Parse(localSecond, s)
	if err != nil {
		if wall, err = time.Parse(localMinute, s); err != nil {
			return time.Time{}, false
		}
	}
	at := func(offset int) time.Time { return wall.Add(-time.Duration(offset) * time.Second) }
	// The offsets a day before and after: a zone changes its offset at
	// most once in two days.
	before, after := browserOffset(wall.AddDate(0, 0, -1)), browserOffset(wall.AddDate(0, 0, 1))
	t = at(before)
	if browserOffset(t) != before && browserOffset(at(after)) == after {
		t = at(after)
	}
	return inZone(t), true
}

// localTime is a date and time to the minute, with the zone named.
func localTime(t time.Time) string {
	if app.IsServer {
		return t.UTC().Format("2006-01-02 15:04 UTC")
	}
	return inZone(t).Format("2006-01-02 15:04 MST")
}

// localSeconds is a date and time to the second, for the audit log.
func localSeconds(t time.Time) string { return inZone(t).Format("2006-01-02 15:04:05") }

// clock is a time of day.
func clock(t time.Time) string { return inZone(t).Format("15:04") }

// ianaZone is the browser's time zone as IANA names it (Asia/Shanghai),
// or "" where it cannot say (and while the server prerenders).
func ianaZone() string {
	if app.IsServer {
		return ""
	}
	if iana := app.Window().Get("Intl").Call("DateTimeFormat").Call("resolvedOptions").Get("timeZone"); iana.Truthy() {
		return iana.String()
	}
	return ""
}

// zoneName names the browser's time zone with its offset at the given
// time, e.g. "Europe/Berlin (UTC+2)" for a time in July.
func zoneName(at time.Time) string {
	name := inZone(at).Format("MST")
	if iana := ianaZone(); iana != "" {
		return iana + " (" + name + ")"
	}
	return name
}

func utcOffset(seconds int) string {
	sign := "+"
	if seconds < 0 {
		sign, seconds = "-", -seconds
	}
	if seconds%3600 == 0 {
		return fmt.Sprintf("UTC%s%d", sign, seconds/3600)
	}
	return fmt.Sprintf("UTC%s%d:%02d", sign, seconds/3600, seconds%3600/60)
}
