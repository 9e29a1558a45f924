package usage

import (
	"slices"
	"testing"
	"time"

	"github.com/imdesk/imdesk/server/api"
)

// A process's calls are reported per command: the last minute's, the
// busiest second of five minutes, busiest first. Seconds go to the
// database once they have ended, in order, each once it is stored; the
// app's report adds what is stored to what is not yet.
func TestCounter(t *testing.T) {
	now := time.Unix(1_800_000_000, 0)
	u := New(func() time.Time { return now })
	add := func(op string, n int) {
		for range n {
			u.Add(op, 200)
		}
	}
	add("get_group_attr", 3)
	now = now.Add(time.Second)
	add("get_group_attr", 5)
	add("modify_group_attr", 1)
	now = now.Add(90 * time.Second)
	add("modify_group_attr", 2)
	want := []api.RateUse{{Op: "get_group_attr", PerSecond: 200, PeakPerSecond: 5}, {Op: "modify_group_attr", PerSecond: 200, LastMinute: 2, PeakPerSecond: 2}}
	if got := u.Report(); !slices.Equal(got, want) {
		t.Fatalf("report %+v, want %+v", got, want)
	}

	secs, upTo := u.Unshared()
	if len(secs) != 3 || secs[0].Calls != 3 || secs[1].Op != "get_group_attr" || secs[2].Op != "modify_group_attr" || upTo != now.Unix()-2 {
		t.Fatalf("unshared %+v up to %d: want the three ended seconds in order, not the current one", secs, upTo)
	}
	if again, _ := u.Unshared(); len(again) != 3 {
		t.Fatalf("seconds not yet stored are offered again: %+v", again)
	}
	u.Shared(upTo)
	if again, _ := u.Unshared(); len(again) != 0 {
		t.Fatalf("stored seconds offered again: %+v", again)
	}
	// Another replica's calls in the current second, and this one's
	// stored seconds, as the database holds them.
	stored := append(secs, Second{Unix: now.Unix(), Op: "modify_group_attr", PerSecond: 200, Calls: 4})
	want = []api.RateUse{{Op: "modify_group_attr", PerSecond: 200, LastMinute: 6, PeakPerSecond: 6}, {Op: "get_group_attr", PerSecond: 200, PeakPerSecond: 5}}
	if got := u.Together(stored); !slices.Equal(got, want) {
		t.Fatalf("the app's report %+v, want %+v", got, want)
	}
	if got := Summarize(now.Unix(), nil); got == nil || len(got) != 0 {
		t.Fatalf("no calls: %#v, want an empty list", got)
	}
}
