package server

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/imdesk/imdesk/server/api"
	"github.com/imdesk/imdesk/server/pgtest"
	"github.com/imdesk/imdesk/server/sqlite"
	"github.com/imdesk/imdesk/server/tim"
)

// BenchmarkReplicas measures the store on PostgreSQL against SQLite, side
// by side in one run: the p50 of a read and of an audited write at one
// client through one panel, and audited writes a second at 32 clients
// through one SQLite panel, one PostgreSQL panel and three PostgreSQL
// replicas (the clients spread over them). Rate limits are off on both
// sides, as in BenchmarkRelay, so the figures are imdesk's and the
// database's own cost. PostgreSQL runs with fsync on, as in production
// (Debian's server, started by pgtest on loopback). Then the finder's
// searches at GROUPINDEX_LARGE groups (1,000,000) on PostgreSQL. With
// BENCH_OUT set it writes replicas.md there. Run it with -benchtime 1x.
func BenchmarkReplicas(b *testing.B) {
	pg, err := pgtest.Start(pgtest.Options{Durable: true})
	if err != nil {
		b.Fatal(err)
	}
	defer pg.Stop()
	ctx := context.Background()
	const groups = 2000
	ids, ms := benchSimulator(b, groups)

	// panels starts n panels on one store (SQLite when url is "") and
	// returns a client signed in to each.
	panels := func(url string, n int) ([]*http.Client, []string) {
		var hcs []*http.Client
		var bases []string
		dir := b.TempDir()
		for i := range n {
			db, err := sqlite.Open(dir, sqlite.Options{DatabaseURL: url})
			if err != nil {
				b.Fatal(err)
			}
			b.Cleanup(func() { db.Close() })
			if i == 0 {
				if err := db.AddAccount(ctx, "admin", testPass, api.RoleAdmin, api.Scope{All: true}); err != nil {
					b.Fatal(err)
				}
			}
			tr := &http.Transport{MaxIdleConns: 256, MaxIdleConnsPerHost: 256, IdleConnTimeout: time.Minute}
			srv, _ := testPanel(b, &Config{DataDir: dir, SessionIdle: time.Hour, SessionMax: time.Hour}, db,
				tim.Config{BaseURL: ms.URL, Unlimited: true, HTTPClient: &http.Client{Transport: tr}})
			hs := httptest.NewServer(srv.Handler())
			b.Cleanup(hs.Close)
			hcs = append(hcs, signedIn(b, hs.URL, "admin", &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 256}}))
			bases = append(bases, hs.URL)
		}
		return hcs, bases
	}
	ops := func(hcs []*http.Client, bases []string) (read, write func(i int) error) {
		path := func(i int) (*http.Client, string) {
			p := i % len(hcs)
			return hcs[p], bases[p] + "/api/v1/groups/" + strings.ReplaceAll(ids[i%groups], "#", "%23") + "/attributes"
		}
		read = func(i int) error {
			hc, u := path(i)
			req, _ := http.NewRequest("GET", u, nil)
			return doOK(hc, req)
		}
		write = func(i int) error {
			hc, u := path(i)
			req, _ := http.NewRequest("PATCH", u, strings.NewReader(fmt.Sprintf(`{"set":[{"key":"a","value":"%d"}]}`, i)))
			req.Header.Set("Content-Type", "application/json")
			return doOK(hc, req)
		}
		return read, write
	}
	var md strings.Builder
	fmt.Fprintf(&md, "| store | panels | read p50, 1 client | audited write p50, 1 client | audited writes a second, 32 clients | p99 at 32 |\n|---|---|---|---|---|---|\n")
	var base [2]time.Duration // SQLite's read and write p50
	for _, setup := range []struct {
		name string
		pg   bool
		n    int
	}{{"SQLite", false, 1}, {"PostgreSQL", true, 1}, {"PostgreSQL", true, 3}} {
		url := ""
		if setup.pg {
			if url, err = pg.Database(ctx); err != nil {
				b.Fatal(err)
			}
		}
		read, write := ops(panels(url, setup.n))
		var r1, w1, w32 loadResult
		for _, step := range []struct {
			res  *loadResult
			op   func(int) error
			conc int
			n    int
		}{{&r1, read, 1, 600}, {&w1, write, 1, 600}, {&w32, write, 32, 3000}} {
			if _, err := runLoad(step.conc, 2*step.conc+20, step.op); err != nil { // warm up
				b.Fatal(err)
			}
			if *step.res, err = runLoad(step.conc, step.n, step.op); err != nil {
				b.Fatal(err)
			}
		}
		extra := ""
		if !setup.pg {
			base = [2]time.Duration{r1.p50, w1.p50}
		} else {
			extra = fmt.Sprintf(" (+%s)", ms3(r1.p50-base[0]))
		}
		wextra := ""
		if setup.pg {
			wextra = fmt.Sprintf(" (+%s)", ms3(w1.p50-base[1]))
		}
		fmt.Fprintf(&md, "| %s | %d | %s%s | %s%s | %.0f/s | %s |\n", setup.name, setup.n, ms3(r1.p50), extra, ms3(w1.p50), wextra, w32.perSec, ms3(w32.p99))
	}

	// The finder at a million groups on PostgreSQL.
	largeN := envInt("GROUPINDEX_LARGE", 1_000_000)
	url, err := pg.Database(ctx)
	if err != nil {
		b.Fatal(err)
	}
	db, err := sqlite.Open("", sqlite.Options{DatabaseURL: url})
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	fillTook := fillBenchIndex(b, db, largeN)
	if err := db.Analyze(ctx); err != nil {
		b.Fatal(err)
	}
	fmt.Fprintf(&md, "\nThe finder on PostgreSQL (filled directly in %.0f s, batches of 10,000):\n\n", fillTook.Seconds())
	fmt.Fprintf(&md, "| groups | query | example | p50 | p99 | p50 ≤ 20 ms | p99 ≤ 100 ms |\n|---|---|---|---|---|---|---|\n")
	measureSearches(b, db, largeN, &md)
	b.Log("\n" + md.String())
	if out := os.Getenv("BENCH_OUT"); out != "" {
		if err := os.WriteFile(filepath.Join(out, "replicas.md"), []byte(md.String()), 0o644); err != nil {
			b.Fatal(err)
		}
	}
}
