package server

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/imdesk/imdesk/server/api"
	"github.com/imdesk/imdesk/server/tim"
	"github.com/imdesk/imdesk/server/timmock"
)

// Budgets of the relay (issue 7), at one client.
const (
	readOverheadBudget  = 300 * time.Microsecond
	writeOverheadBudget = 3 * time.Millisecond
)

// BenchmarkRelay measures the same attribute read and write through the
// backend and straight to the mock, in one run, at 1, 8 and 64 concurrent
// clients: p50, p99 and throughput. Rate limits are off on both sides (the
// mock's and the client's), so the figures are imdesk's own cost, and writes
// go to 2000 groups in turn. With BENCH_OUT set it writes relay.md there.
// Run it with -benchtime 1x: one run is the whole measurement.
func BenchmarkRelay(b *testing.B) {
	const groups = 2000
	ids, ms := benchSimulator(b, groups)
	transport := func() *http.Transport {
		return &http.Transport{MaxIdleConns: 256, MaxIdleConnsPerHost: 256, IdleConnTimeout: time.Minute}
	}
	dir := b.TempDir()
	db := openTestDB(b, dir, "admin", "admin", api.Scope{})
	defer db.Close()
	srv, client := testPanel(b, &Config{DataDir: dir, SessionIdle: time.Hour, SessionMax: time.Hour}, db,
		tim.Config{BaseURL: ms.URL, Unlimited: true, HTTPClient: &http.Client{Transport: transport()}})
	hs := httptest.NewServer(srv.Handler())
	defer hs.Close()
	hc := signedIn(b, hs.URL, "admin", &http.Client{Transport: transport()})

	ctx := context.Background()
	path := func(i int) string {
		return hs.URL + "/api/v1/groups/" + strings.ReplaceAll(ids[i%groups], "#", "%23") + "/attributes"
	}
	ops := map[string]func(i int) error{
		"read direct": func(i int) error { _, err := client.GetGroupAttr(ctx, ids[i%groups]); return err },
		"read relay": func(i int) error {
			req, _ := http.NewRequest("GET", path(i), nil)
			return doOK(hc, req)
		},
		"write direct": func(i int) error {
			return client.ModifyGroupAttr(ctx, ids[i%groups], []tim.Attr{{Key: "a", Value: fmt.Sprint(i)}})
		},
		"write relay": func(i int) error {
			req, _ := http.NewRequest("PATCH", path(i), strings.NewReader(fmt.Sprintf(`{"set":[{"key":"a","value":"%d"}]}`, i)))
			req.Header.Set("Content-Type", "application/json")
			return doOK(hc, req)
		},
	}
	order := []string{"read direct", "read relay", "write direct", "write relay"}
	results := map[string]map[int]loadResult{}
	b.ResetTimer()
	for _, name := range order {
		results[name] = map[int]loadResult{}
		for _, conc := range []int{1, 8, 64} {
			// Warm up connections and caches, then measure.
			if _, err := runLoad(conc, 2*conc+20, ops[name]); err != nil {
				b.Fatal(err)
			}
			r, err := runLoad(conc, 600, ops[name])
			if err != nil {
				b.Fatal(err)
			}
			results[name][conc] = r
		}
	}
	b.StopTimer()

	readOver := results["read relay"][1].p50 - results["read direct"][1].p50
	writeOver := results["write relay"][1].p50 - results["write direct"][1].p50
	b.ReportMetric(float64(readOver.Microseconds()), "µs-read-overhead-p50")
	b.ReportMetric(float64(writeOver.Microseconds()), "µs-write-overhead-p50")

	var md strings.Builder
	fmt.Fprintf(&md, "| operation | clients | p50 | p99 | throughput |\n|---|---|---|---|---|\n")
	for _, name := range order {
		for _, conc := range []int{1, 8, 64} {
			r := results[name][conc]
			fmt.Fprintf(&md, "| %s | %d | %s | %s | %.0f/s |\n", name, conc, ms3(r.p50), ms3(r.p99), r.perSec)
		}
	}
	fmt.Fprintf(&md, "\n| overhead at 1 client (relay p50 − direct p50) | figure | budget | verdict |\n|---|---|---|---|\n")
	fmt.Fprintf(&md, "| read (session check, scope check, JSON) | %s | %s | %s |\n", ms3(readOver), ms3(readOverheadBudget), verdict(readOver <= readOverheadBudget))
	fmt.Fprintf(&md, "| audited write (session, read before, 2 durable audit appends, JSON) | %s | %s | %s |\n", ms3(writeOver), ms3(writeOverheadBudget), verdict(writeOver <= writeOverheadBudget))
	b.Log("\n" + md.String())
	if out := os.Getenv("BENCH_OUT"); out != "" {
		if err := os.WriteFile(filepath.Join(out, "relay.md"), []byte(md.String()), 0o644); err != nil {
			b.Fatal(err)
		}
	}
}

// benchSimulator serves the simulator, unlimited, with groups groups of
// four attributes each, and returns their IDs.
func benchSimulator(b *testing.B, groups int) ([]string, *httptest.Server) {
	seed := &timmock.Seed{}
	ids := make([]string, groups)
	for i := range ids {
		ids[i] = fmt.Sprintf("@TGS#bench%04d", i)
		seed.Groups = append(seed.Groups, timmock.SeedGroup{ID: ids[i], Type: "Public", Name: "bench",
			Attributes: []timmock.SeedAttr{{Key: "a", Value: "1"}, {Key: "b", Value: "2"}, {Key: "c", Value: "3"}, {Key: "d", Value: "4"}}})
	}
	m := timmock.New(timmock.Options{SDKAppID: testAppID, SecretKey: testKey, Unlimited: true})
	if err := m.Seed(seed); err != nil {
		b.Fatal(err)
	}
	ms := httptest.NewServer(m.Handler(false))
	b.Cleanup(ms.Close)
	return ids, ms
}

// doOK makes a request and reads its answer, which must be 200.
func doOK(hc *http.Client, req *http.Request) error {
	resp, err := hc.Do(req)
	if err != nil {
		return err
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 {
		return fmt.Errorf("%s %s: %s", req.Method, req.URL.Path, resp.Status)
	}
	return nil
}

func ms3(d time.Duration) string { return fmt.Sprintf("%.3f ms", float64(d)/float64(time.Millisecond)) }

func verdict(met bool) string {
	if met {
		return "met"
	}
	return "**missed**"
}

type loadResult struct {
	p50, p99 time.Duration
	perSec   float64
}

// runLoad runs n operations on conc workers and times each.
func runLoad(conc, n int, op func(i int) error) (loadResult, error) {
	lat := make([]time.Duration, n)
	var next int
	var mu sync.Mutex
	var firstErr error
	var wg sync.WaitGroup
	start := time.Now()
	for range conc {
		wg.Go(func() {
			for {
				mu.Lock()
				i := next
				next++
				mu.Unlock()
				if i >= n {
					return
				}
				t := time.Now()
				err := op(i)
				lat[i] = time.Since(t)
				if err != nil {
					mu.Lock()
					if firstErr == nil {
						firstErr = err
					}
					mu.Unlock()
				}
			}
		})
	}
	wg.Wait()
	total := time.Since(start)
	slices.Sort(lat)
	return loadResult{p50: lat[n/2], p99: lat[n*99/100], perSec: float64(n) / total.Seconds()}, firstErr
}
