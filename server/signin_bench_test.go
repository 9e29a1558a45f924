package server

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/imdesk/imdesk/server/api"
	"github.com/imdesk/imdesk/server/sqlite"
	"github.com/imdesk/imdesk/server/tim"
	"github.com/imdesk/imdesk/server/timmock"
)

// BenchmarkSignedInGETUnderSignInFlood measures a signed-in moderator's
// GET /api/v1/audit (p50, p99, one request at a time) while 30 goroutines
// send sign-in attempts for unknown accounts, each from an address of its
// own (so the throttle never slows them: every one costs a bcrypt check at
// the production cost, 12). It measures three cases: no sign-ins, the
// flood with the panel's pool of password checks, and the flood with a
// pool too large to bound anything (how the panel behaved before). Run it
// alone, so that the tests' cheap bcrypt cost is not already in use:
//
//	go test -run '^$' -bench SignedInGETUnderSignInFlood -benchtime 1x ./server/
func BenchmarkSignedInGETUnderSignInFlood(b *testing.B) {
	const (
		attackers = 30
		gets      = 60
	)
	cost := sqlite.BcryptCost
	sqlite.BcryptCost = 12
	defer func() { sqlite.BcryptCost = cost }()

	m := timmock.New(timmock.Options{SDKAppID: testAppID, SecretKey: testKey, Unlimited: true})
	ms := httptest.NewServer(m.Handler(false))
	defer ms.Close()
	dir := b.TempDir()
	db := openTestDB(b, dir, "mod", "moderator", api.Scope{Groups: []string{"@TGS#_trailhead"}})
	defer db.Close()
	// The attackers' addresses come in X-Forwarded-For from a trusted
	// proxy: the loopback address the benchmark connects from.
	srv, _ := testPanel(b, &Config{DataDir: dir, SessionIdle: time.Hour, SessionMax: time.Hour,
		TrustedProxies: []netip.Prefix{netip.MustParsePrefix("127.0.0.1/32")}}, db, tim.Config{BaseURL: ms.URL, Unlimited: true})
	hs := httptest.NewServer(srv.Handler())
	defer hs.Close()
	transport := &http.Transport{MaxIdleConns: 256, MaxIdleConnsPerHost: 256, IdleConnTimeout: time.Minute}
	mod := signedIn(b, hs.URL, "mod", &http.Client{Transport: transport})

	var sent atomic.Int64
	signIn := func() (int, error) {
		n := sent.Add(1)
		body := fmt.Sprintf(`{"username":"nobody%d","password":"guess guess guess"}`, n)
		req, _ := http.NewRequest("POST", hs.URL+"/api/v1/session", strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Sec-Fetch-Site", "same-origin")
		req.Header.Set("X-Forwarded-For", fmt.Sprintf("10.%d.%d.%d", n>>16&255, n>>8&255, n&255))
		resp, err := transport.RoundTrip(req)
		if err != nil {
			return 0, err
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		return resp.StatusCode, nil
	}
	// One attempt alone shows whether bcrypt runs at the production cost:
	// the tests lower it, and the dummy hash keeps the cost of its first use.
	if t := time.Now(); func() bool { code, err := signIn(); return err == nil && code == 401 }() && time.Since(t) < 10*time.Millisecond {
		b.Skip("the unknown-account hash was made at the tests' low cost; run this benchmark alone (-run '^$')")
	}
	get := func(int) error {
		resp, err := mod.Get(hs.URL + "/api/v1/audit?limit=20")
		if err != nil {
			return err
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 {
			return fmt.Errorf("GET: %s", resp.Status)
		}
		return nil
	}

	type result struct {
		name          string
		r             loadResult
		checked, busy int64
	}
	var results []result
	b.ResetTimer()
	for _, c := range []struct {
		name  string
		flood bool
		pool  *checkPool
	}{
		{name: "no sign-ins", pool: defaultCheckPool()},
		{name: fmt.Sprintf("%d sign-in goroutines, pool of password checks", attackers), flood: true, pool: defaultCheckPool()},
		{name: fmt.Sprintf("%d sign-in goroutines, no bound (as before)", attackers), flood: true, pool: newCheckPool(1000, 0)},
	} {
		srv.checks = c.pool
		stop := make(chan struct{})
		var wg sync.WaitGroup
		var checked, busy atomic.Int64
		if c.flood {
			for range attackers {
				wg.Go(func() {
					for {
						select {
						case <-stop:
							return
						default:
						}
						switch code, _ := signIn(); code {
						case 401:
							checked.Add(1)
						case 429:
							busy.Add(1)
						}
					}
				})
			}
		}
		if _, err := runLoad(1, 5, get); err != nil { // warm up
			b.Fatal(err)
		}
		r, err := runLoad(1, gets, get)
		close(stop)
		wg.Wait()
		if err != nil {
			b.Fatal(err)
		}
		results = append(results, result{name: c.name, r: r, checked: checked.Load(), busy: busy.Load()})
	}
	b.StopTimer()
	var md strings.Builder
	fmt.Fprintf(&md, "| signed-in moderator's GET /api/v1/audit | p50 | p99 | sign-ins checked | refused at once (429) |\n|---|---|---|---|---|\n")
	for _, x := range results {
		fmt.Fprintf(&md, "| %s | %s | %s | %d | %d |\n", x.name, ms3(x.r.p50), ms3(x.r.p99), x.checked, x.busy)
	}
	b.ReportMetric(float64(results[1].r.p50.Microseconds())/1000, "ms-p50-flood")
	b.ReportMetric(float64(results[1].r.p99.Microseconds())/1000, "ms-p99-flood")
	fmt.Print("\n" + md.String())
	if out := os.Getenv("BENCH_OUT"); out != "" {
		if err := os.WriteFile(filepath.Join(out, "signin.md"), []byte(md.String()), 0o600); err != nil {
			b.Fatal(err)
		}
	}
}
