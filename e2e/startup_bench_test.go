package e2e

import (
	"bufio"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/mxschmitt/playwright-go"
)

// markMounted records, in the page, when the app mounted (performance.now()
// at <html data-imdesk="ready">), when the first contentful paint was, and
// how much the page jumped (the cumulative layout shift, CLS).
// Injected by the driver, so the page's CSP does not apply to it.
const markMounted = `
window.__cls = 0;
new PerformanceObserver(l => { for (const e of l.getEntries()) if (!e.hadRecentInput) window.__cls += e.value; })
  .observe({ type: 'layout-shift', buffered: true });
new MutationObserver((_, obs) => {
  if (document.documentElement.getAttribute('data-imdesk') === 'ready') { window.__mounted = performance.now(); obs.disconnect(); }
}).observe(document, { subtree: true, attributes: true, attributeFilter: ['data-imdesk'] });
new PerformanceObserver(l => { for (const e of l.getEntries()) if (e.name === 'first-contentful-paint') window.__fcp = e.startTime; })
  .observe({ type: 'paint', buffered: true });`

// startFloor runs go-app's hello world (e2e/floor, built by make bench into
// FLOOR_DIR) on a loopback port.
func startFloor(b *testing.B) (url string, stop func()) {
	dir := os.Getenv("FLOOR_DIR")
	if dir == "" {
		b.Skip("FLOOR_DIR is not set: run make bench")
	}
	cmd := exec.Command(filepath.Join(dir, "floor"), dir, "127.0.0.1:0")
	out, err := cmd.StdoutPipe()
	if err != nil {
		b.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		b.Fatal(err)
	}
	sc := bufio.NewScanner(out)
	re := regexp.MustCompile(`listening on (http://\S+)`)
	for sc.Scan() {
		if m := re.FindStringSubmatch(sc.Text()); m != nil {
			return m[1], func() { cmd.Process.Kill(); cmd.Wait() }
		}
	}
	b.Fatal("the floor did not start")
	return "", nil
}

// target is a page measured: where, and whether it needs a session.
type target struct {
	name, base, path string
	signIn           bool
}

// fromElsewhere is the page a load starts from when it arrives from another
// site, as a person does who types the panel's address into a tab that
// shows another page or follows a link to it (see BenchmarkStartup).
const fromElsewhere = "data:text/html,<title>elsewhere</title><p>another site"

// startTimes opens t once in a new context (cold: empty cache, no service
// worker), then again once the service worker runs (warm), and returns the
// ms from navigation start to mounted for both. With from, only the cold
// load is made (warm is 0), starting from that page instead of the new
// tab's about:blank.
func startTimes(b *testing.B, t target, opts playwright.BrowserNewContextOptions, from string) (cold, warm float64) {
	opts.BaseURL = playwright.String(t.base)
	bctx, err := suite.browser.NewContext(opts)
	if err != nil {
		b.Fatal(err)
	}
	defer bctx.Close()
	if err := bctx.AddInitScript(playwright.Script{Content: playwright.String(markMounted)}); err != nil {
		b.Fatal(err)
	}
	if t.signIn {
		resp, err := bctx.Request().Post("/api/v1/session", playwright.APIRequestContextPostOptions{
			Data: map[string]string{"username": "viewer", "password": suite.demo.passwords["viewer"]}})
		if err != nil || resp.Status() != 200 {
			b.Fatalf("sign in: %v", err)
		}
	}
	cold, _ = mountOnce(b, bctx, t.path, from)
	if from != "" {
		return cold, 0
	}
	page := bctx.Pages()[0]
	if _, err := page.Evaluate(`navigator.serviceWorker.ready.then(() => true)`); err != nil {
		b.Fatal(err)
	}
	page.Close()
	warm, _ = mountOnce(b, bctx, t.path, "")
	return cold, warm
}

func mountOnce(b *testing.B, bctx playwright.BrowserContext, path, from string) (mounted, fcp float64) {
	page, err := bctx.NewPage()
	if err != nil {
		b.Fatal(err)
	}
	if from != "" {
		if _, err := page.Goto(from); err != nil {
			b.Fatal(err)
		}
	}
	if _, err := page.Goto(path); err != nil {
		b.Fatal(err)
	}
	return marks(b, page, "__mounted", "__fcp", playwright.PageWaitForFunctionOptions{Timeout: playwright.Float(120000)})
}

// BenchmarkStartup measures imdesk's start-up against go-app's own hello
// world (the floor), side by side in one run, alternating, 14 times each:
// the sign-in page and the group finder (signed in), cold and warm; cold
// again arriving from another site's page; and the sign-in page on a
// throttled phone profile (1.6 Mbps, 150 ms, CPU ×4): the first contentful
// paint and the time until the app works. Ratios are what compare across
// machines. With BENCH_OUT set it writes startup.md there. Run it with
// -benchtime 1x.
//
// Why two cold starts: a new tab starts at about:blank in a renderer
// process of its own, which the floor's page then moves into. imdesk's page
// sends Cross-Origin-Opener-Policy, and the browser must then give it a new
// process after its response has arrived (a browsing context group of its
// own), which costs a process start the floor does not pay (about 40 ms,
// docs/startup.md). A tab that shows another site's page when the address
// is typed, or a link followed from one, starts a new process for either
// page while the request is under way. Both are starts a person meets, so
// both are measured and judged.
func BenchmarkStartup(b *testing.B) {
	floorURL, stop := startFloor(b)
	defer stop()
	desktopOpts := playwright.BrowserNewContextOptions{Viewport: &playwright.Size{Width: 1280, Height: 800}}
	targets := []target{
		{"floor (go-app hello world)", floorURL, "/", false},
		{"imdesk sign-in page", suite.demo.baseURL, "/signin", false},
		{"imdesk group finder", suite.demo.baseURL, "/groups", true},
	}
	const runs = 14
	cold := make([][]float64, len(targets))
	warm := make([][]float64, len(targets))
	away := make([][]float64, len(targets)) // cold, arriving from another site
	for range runs {
		for i, t := range targets {
			c, w := startTimes(b, t, desktopOpts, "")
			a, _ := startTimes(b, t, desktopOpts, fromElsewhere)
			cold[i], warm[i], away[i] = append(cold[i], c), append(warm[i], w), append(away[i], a)
		}
	}
	med := func(v []float64) float64 { return quantile(v, 0.5) }
	// paired is each round's load against the floor's load just before it:
	// the machine is shared, and a pair sees the same moment's load. Its
	// quartiles say how far one run's ratio can be trusted.
	paired := func(v, floor []float64) string {
		r := make([]float64, len(v))
		for k := range v {
			r[k] = v[k] / floor[k]
		}
		return fmt.Sprintf("%.2f× (%.2f–%.2f×)", quantile(r, 0.5), quantile(r, 0.25), quantile(r, 0.75))
	}
	var md strings.Builder
	fmt.Fprintf(&md, "Cold from a new tab (about:blank) and warm:\n\n")
	fmt.Fprintf(&md, "| page | cold (median) | × floor | cold, paired × floor (quartiles) | warm (median) | × floor | target |\n|---|---|---|---|---|---|---|\n")
	for i, t := range targets {
		rc, rw := med(cold[i])/med(cold[0]), med(warm[i])/med(warm[0])
		target, pc := "—", "—"
		if i > 0 {
			target = fmt.Sprintf("cold ≤ 1.2×: %s; warm ≤ 1.1×: %s", verdict(rc <= 1.2), verdict(rw <= 1.1))
			pc = paired(cold[i], cold[0])
		}
		fmt.Fprintf(&md, "| %s | %.0f ms | %.2f× | %s | %.0f ms | %.2f× | %s |\n", t.name, med(cold[i]), rc, pc, med(warm[i]), rw, target)
	}
	fmt.Fprintf(&md, "\nCold, arriving from another site's page (the tab showed a `data:` page first, as when the address is typed into a tab that shows another site, or a link on one is followed):\n\n")
	fmt.Fprintf(&md, "| page | cold (median) | × floor | paired × floor (quartiles) | target |\n|---|---|---|---|---|\n")
	for i, t := range targets {
		ra := med(away[i]) / med(away[0])
		target, pa := "—", "—"
		if i > 0 {
			target = fmt.Sprintf("cold ≤ 1.2×: %s", verdict(ra <= 1.2))
			pa = paired(away[i], away[0])
		}
		fmt.Fprintf(&md, "| %s | %.0f ms | %.2f× | %s | %s |\n", t.name, med(away[i]), ra, pa, target)
	}
	fmt.Fprintf(&md, "\nThe verdicts are on the ratio of the medians. The paired column divides each cold load by the floor's load just before it, in the same round, and gives the median and quartiles of those ratios: on a shared machine, a run's ratio can be off by about the distance between the quartiles. Why the two cold starts differ: the panel sends `Cross-Origin-Opener-Policy: same-origin`, so a page that arrives in a new tab's about:blank must move to a new renderer process once its response is in (the floor's page stays in the tab's); arriving from another site, either page gets a new process while its request is under way.\n")
	fmt.Fprintf(&md, "\nRuns, ms from navigation start until mounted (cold / warm / cold from another site):\n\n")
	for i, t := range targets {
		fmt.Fprintf(&md, "- %s: %v / %v / %v\n", t.name, rounded(cold[i]), rounded(warm[i]), rounded(away[i]))
	}

	// A first visit on a slow phone: what the person sees, and when it works.
	fmt.Fprintf(&md, "\nThrottled phone profile (1.6 Mbps down, 750 kbps up, 150 ms latency, CPU ×4; a new context each time, median of 3):\n\n")
	fmt.Fprintf(&md, "| page | first contentful paint | app works (mounted) | layout shift (CLS) when the app takes over |\n|---|---|---|---|\n")
	for _, t := range targets[:2] {
		var fcps, mounts, shifts []float64
		for range 3 {
			m, f, cls := throttledOnce(b, t)
			fcps, mounts, shifts = append(fcps, f), append(mounts, m), append(shifts, cls)
		}
		fmt.Fprintf(&md, "| %s | %.0f ms | %.0f ms | %.3f (worst %.3f) |\n", t.name, med(fcps), med(mounts), med(shifts), slices.Max(shifts))
	}
	fmt.Fprintf(&md, "\nCLS counts every unexpected move of what is on the screen from the first paint until two frames after the app has taken over; 0 is a page that does not jump (Chrome calls up to 0.1 good).\n")
	report(b, "startup.md", md.String())
}

// throttledOnce opens t cold in a phone-sized context whose network and CPU
// are slowed through the DevTools protocol.
func throttledOnce(b *testing.B, t target) (mounted, fcp, cls float64) {
	bctx, err := suite.browser.NewContext(playwright.BrowserNewContextOptions{BaseURL: playwright.String(t.base),
		Viewport: &playwright.Size{Width: 390, Height: 844}, IsMobile: playwright.Bool(true), HasTouch: playwright.Bool(true)})
	if err != nil {
		b.Fatal(err)
	}
	defer bctx.Close()
	if err := bctx.AddInitScript(playwright.Script{Content: playwright.String(markMounted)}); err != nil {
		b.Fatal(err)
	}
	page, err := bctx.NewPage()
	if err != nil {
		b.Fatal(err)
	}
	cdp, err := bctx.NewCDPSession(page)
	if err != nil {
		b.Fatal(err)
	}
	for _, c := range []struct {
		method string
		params map[string]any
	}{
		{"Network.enable", map[string]any{}},
		{"Network.emulateNetworkConditions", map[string]any{"offline": false, "latency": 150,
			"downloadThroughput": 1.6e6 / 8, "uploadThroughput": 750e3 / 8}},
		{"Emulation.setCPUThrottlingRate", map[string]any{"rate": 4}},
	} {
		if _, err := cdp.Send(c.method, c.params); err != nil {
			b.Fatalf("%s: %v", c.method, err)
		}
	}
	start := time.Now()
	if _, err := page.Goto(t.path); err != nil {
		b.Fatal(err)
	}
	if _, err := page.WaitForFunction(`() => window.__mounted !== undefined && window.__fcp !== undefined`, nil,
		playwright.PageWaitForFunctionOptions{Timeout: playwright.Float(180000)}); err != nil {
		b.Fatalf("throttled %s after %s: %v", t.name, time.Since(start), err)
	}
	v, err := page.Evaluate(`new Promise(done => requestAnimationFrame(() => requestAnimationFrame(() =>
  done([window.__mounted, window.__fcp, window.__cls]))))`)
	if err != nil {
		b.Fatal(err)
	}
	r := v.([]any)
	return toFloat(r[0]), toFloat(r[1]), toFloat(r[2])
}

// quantile is the q-quantile of v (0.5 the median), interpolated between
// the two nearest values.
func quantile(v []float64, q float64) float64 {
	s := slices.Clone(v)
	slices.Sort(s)
	x := q * float64(len(s)-1)
	i := int(x)
	if i+1 >= len(s) {
		return s[len(s)-1]
	}
	return s[i] + (x-float64(i))*(s[i+1]-s[i])
}
