package e2e

import (
	"context"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/mxschmitt/playwright-go"

	"github.com/imdesk/imdesk/server/pgtest"
)

// roundRobin is a small load balancer: each request goes to the next
// replica, with no sticky sessions.
type roundRobin struct {
	*httptest.Server
	served []atomic.Int64 // requests each replica answered
}

func startRoundRobin(backends []string) (*roundRobin, error) {
	targets := make([]*url.URL, len(backends))
	for i, b := range backends {
		u, err := url.Parse(b)
		if err != nil {
			return nil, err
		}
		targets[i] = u
	}
	rr := &roundRobin{served: make([]atomic.Int64, len(backends))}
	var next atomic.Uint64
	proxy := &httputil.ReverseProxy{Rewrite: func(r *httputil.ProxyRequest) {
		i := int(next.Add(1)-1) % len(targets)
		rr.served[i].Add(1)
		r.SetURL(targets[i])
		r.Out.Host = r.In.Host // the name the browser used, as a load balancer keeps it
	}}
	rr.Server = httptest.NewServer(proxy)
	return rr, nil
}

// TestReplicasBehindAProxy runs three `imdesk serve` on one PostgreSQL
// database behind a round-robin proxy, against `imdesk mock`: signing
// in, the attribute editor's save and the audit log work though each
// request lands on the next replica (the page's own files, the session,
// the change and the log each come from different ones), and the health
// page lists the replicas and shows the finder's index from any of them.
func TestReplicasBehindAProxy(t *testing.T) {
	ownPanelsOnly(t)
	pg, err := pgtest.Start(pgtest.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer pg.Stop()
	db, err := pg.Database(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	auditKey := t.TempDir() + "/audit.key"
	if err := os.WriteFile(auditKey, []byte(strings.Repeat("5e", 32)+"\n"), 0o400); err != nil {
		t.Fatal(err)
	}
	p, stop, err := startMockPanels(os.Getenv("IMDESK_BIN"), 3,
		[]string{"IMDESK_DATABASE_URL=" + db, "IMDESK_AUDIT_KEY_FILE=" + auditKey}, "--demo")
	if err != nil {
		t.Fatal(err)
	}
	defer stop()

	forEachDevice(t, func(t *testing.T, d device) {
		s := openOn(t, d, p)
		s.signIn("admin")
		value := "through three replicas " + d.name
		s.visit(editorPath(photo))
		check(t, expect.Locator(s.heading("Attributes of Photography Club 摄影社")).ToBeVisible(), "editor")
		check(t, s.page.GetByLabel("Value of row 1").Fill(value), "edit a value")
		check(t, s.button("Review and save").Click(), "review")
		dialog := s.page.GetByRole("dialog", playwright.PageGetByRoleOptions{Name: "Review changes to Photography Club 摄影社"})
		check(t, dialog.GetByRole("button", playwright.LocatorGetByRoleOptions{Name: "Save changes to Photography Club 摄影社"}).Click(), "confirm")
		check(t, expect.Locator(s.page.GetByText("Saved.")).ToBeVisible(), "saved")

		s.visit("/audit?target=" + url.QueryEscape(photo))
		entry := s.page.GetByRole("listitem").Filter(playwright.LocatorFilterOptions{HasText: "Changed attributes"}).First()
		check(t, expect.Locator(entry).ToContainText("admin (admin)"), "who")
		check(t, expect.Locator(entry).ToContainText("Done"), "outcome")
		check(t, entry.GetByRole("button").Click(), "details")
		check(t, expect.Locator(entry).ToContainText(value), "the new value in the log")

		// The health page speaks of the app, whichever replica answers:
		// the replicas that run, and the finder's index that one of them
		// reads for all.
		s.visit("/health")
		check(t, expect.Locator(s.page.GetByRole("region", playwright.PageGetByRoleOptions{Name: "Use of Tencent's rate limits, last 5 minutes"})).
			ToContainText("3 replicas run on one database"), "the replicas")
		check(t, expect.Locator(s.page.GetByRole("region", playwright.PageGetByRoleOptions{Name: "The group finder's index"})).
			ToContainText(regexp.MustCompile(`[1-9][0-9,]* groups indexed`)), "the index as the crawling replica stored it")
		s.noErrors()
	})
	for i := range p.served {
		if n := p.served[i].Load(); n == 0 {
			t.Errorf("replica %d answered no request", i)
		}
	}
}
