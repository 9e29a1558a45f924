package main

import (
	"fmt"
	"time"

	"github.com/maxence-charriere/go-app/v10/pkg/app"
)

// Times are shown in the reader's time zone as Tencent's console writes
// them in every language, 2026-12-01 22:34:05: year first, 24 hours, read
// alike in English, Chinese, Japanese and Korean. The server, which
// prerenders pages before any time is loaded, writes UTC.

// localTime is a date and time to the minute, with the zone named.
func localTime(t time.Time) string {
	if app.IsServer {
		return t.UTC().Format("2006-01-02 15:04 UTC")
	}
	return t.Local().Format("2006-01-02 15:04 MST")
}

// localSeconds is a date and time to the second, for the audit log.
func localSeconds(t time.Time) string { return t.Local().Format("2006-01-02 15:04:05") }

// clock is a time of day.
func clock(t time.Time) string { return t.Local().Format("15:04") }

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

// zoneName names the browser's time zone, e.g. "Asia/Shanghai (UTC+8)".
func zoneName() string {
	name, offset := time.Now().Zone()
	if iana := app.Window().Get("Intl").Call("DateTimeFormat").Call("resolvedOptions").Get("timeZone"); iana.Truthy() {
		return iana.String() + " (" + utcOffset(offset) + ")"
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
