package server

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/imdesk/imdesk/server/api"
	"github.com/imdesk/imdesk/server/timmock"
)

// BenchmarkBulk runs a bulk change of 10,000 groups in a panel process
// against the simulator at Tencent's real limits (200 calls a second per
// command, 5 attribute writes a second per group, in the mock and in the
// client), with the job's share at its default (160 of 200). It measures
// the rate the job reaches as a share of its share, the refusals Tencent
// would have sent (10049, 60007), the time the panel takes to go on after
// a kill -9 at half way, the groups changed more or less than once, and
// what a hand edit costs a moderator while the job runs (one PATCH every
// 300 ms, against the same edits with no job running).
//
//	go test -run xxx -bench BenchmarkBulk -benchtime 1x -timeout 20m ./server
func BenchmarkBulk(b *testing.B) {
	const n = 10_000
	g := newBulkRig(b, n, 0, timmock.SeedGroup{ID: "@TGS#_byhand", Type: "Public", Name: "Edited by hand"})
	// handEdits makes a PATCH every 300 ms (within the group's 5 writes a
	// second) until stop, and returns their times.
	handEdits := func(stop <-chan struct{}) []time.Duration {
		var took []time.Duration
		for i := 0; ; i++ {
			select {
			case <-stop:
				return took
			case <-time.After(300 * time.Millisecond):
			}
			start := time.Now()
			g.call("PATCH", "/api/v1/groups/"+escape("@TGS#_byhand")+"/attributes", api.AttrPatch{Set: attrs("note", fmt.Sprint(i))})
			took = append(took, time.Since(start))
		}
	}
	job := g.newJob()
	previewStart := time.Now()
	g.waitFor(job, api.BulkReady)
	preview := time.Since(previewStart)
	b.ResetTimer()
	g.call("POST", job+"/start", api.BulkStart{})
	stop := make(chan struct{})
	edits := make(chan []time.Duration)
	go func() { edits <- handEdits(stop) }()
	g.waitSent(n / 2)
	close(stop)
	busy := <-edits
	g.kill()
	g.mu.Lock()
	atKill := len(g.times)
	g.mu.Unlock()

	restart := time.Now()
	g.start()
	g.waitFor(job, api.BulkFinished)
	b.StopTimer()
	// The same edits with no job running, for comparison.
	stop = make(chan struct{})
	time.AfterFunc(10*time.Second, func() { close(stop) })
	idle := handEdits(stop)

	g.mu.Lock()
	defer g.mu.Unlock()
	modifyTimes, sends, codes := g.times, g.sends, g.codes
	var resumed time.Duration
	if len(modifyTimes) > atKill {
		resumed = modifyTimes[atKill].Sub(restart)
	}
	// The rate while running: changes per second over the run before the
	// kill, from its second second (the first batch starts its turns).
	first := modifyTimes[0]
	var steady int
	for _, t := range modifyTimes[:atKill] {
		if t.Sub(first) >= time.Second {
			steady++
		}
	}
	rate := float64(steady) / modifyTimes[atKill-1].Sub(first.Add(time.Second)).Seconds()
	twice, never := 0, 0
	for _, id := range g.ids {
		switch sends[id] {
		case 0:
			never++
		case 1:
		default:
			twice++
		}
	}
	pct := func(d []time.Duration, p int) time.Duration {
		s := slices.Clone(d)
		slices.Sort(s)
		return s[min(len(s)-1, len(s)*p/100)]
	}
	md := fmt.Sprintf(`| what | figure |
|---|---|
| groups | %d (preview %.0f s, then the run) |
| changes a second while running | %.1f — %.0f %% of the job's share (160 a second of modify_group_attr) |
| Tencent's refusals: 10049 (5 writes/s per group) / 60007 (calls per second) | %d / %d |
| other refusals | %s |
| from the new process's start to its first change after kill -9 at %d of %d | %.2f s |
| groups changed twice / never | %d / %d |
| a hand edit (PATCH), p50 / p99, no job running | %.1f / %.1f ms (%d edits) |
| a hand edit (PATCH), p50 / p99, while the job runs | %.1f / %.1f ms (%d edits) |
`, n, preview.Seconds(), rate, rate*100/160, codes[10049], codes[60007], otherCodes(codes), atKill, n, resumed.Seconds(), twice, never,
		millis(pct(idle, 50)), millis(pct(idle, 99)), len(idle), millis(pct(busy, 50)), millis(pct(busy, 99)), len(busy))
	b.Log("\n" + md)
	if out := os.Getenv("BENCH_OUT"); out != "" {
		if err := os.WriteFile(filepath.Join(out, "bulk.md"), []byte(md), 0o644); err != nil {
			b.Fatal(err)
		}
	}
}

func millis(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

// otherCodes says the refusals other than 10049 and 60007.
func otherCodes(codes map[int]int) string {
	var out []string
	for c, n := range codes {
		if c != 10049 && c != 60007 {
			out = append(out, fmt.Sprintf("%d × %d", n, c))
		}
	}
	if out == nil {
		return "none"
	}
	slices.Sort(out)
	return strings.Join(out, ", ")
}
