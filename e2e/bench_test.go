package e2e

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/mxschmitt/playwright-go"
)

// Page-load budgets (issue 7), to the first data rendered.
const (
	coldBudgetMS = 1000.0
	warmBudgetMS = 400.0
)

// markTimes records, in the page, when the app went live and when the group
// finder's first result appeared (ms since navigation start). It is injected
// by the driver, so the page's CSP does not apply to it.
const markTimes = `
new MutationObserver((_, obs) => {
  if (window.__live === undefined && document.documentElement.getAttribute('data-imdesk') === 'ready') window.__live = performance.now();
  if (window.__data === undefined && document.querySelector('.group-item')) { window.__data = performance.now(); }
  if (window.__live !== undefined && window.__data !== undefined) obs.disconnect();
}).observe(document, { subtree: true, childList: true, attributes: true });`

// BenchmarkPageLoad opens the group finder, signed in, in headless Chromium
// on loopback: cold (a new browser context: empty cache, no service worker)
// and warm (the same context again, served by the service worker), ten
// times each. It reports the medians from navigation to the app being live
// and to the first group listed; with BENCH_OUT set it writes pageload.md
// there. Run it with -benchtime 1x.
func BenchmarkPageLoad(b *testing.B) {
	const runs = 10
	var coldLive, coldData, warmLive, warmData []float64
	for range runs {
		bctx, err := suite.browser.NewContext(playwright.BrowserNewContextOptions{
			BaseURL: playwright.String(suite.demo.baseURL), Viewport: &playwright.Size{Width: 1280, Height: 800}})
		if err != nil {
			b.Fatal(err)
		}
		if err := bctx.AddInitScript(playwright.Script{Content: playwright.String(markTimes)}); err != nil {
			b.Fatal(err)
		}
		resp, err := bctx.Request().Post("/api/v1/session", playwright.APIRequestContextPostOptions{
			Data: map[string]string{"username": "viewer", "password": suite.demo.passwords["viewer"]}})
		if err != nil || resp.Status() != 200 {
			b.Fatalf("sign in: %v", err)
		}
		live, data := loadOnce(b, bctx)
		coldLive, coldData = append(coldLive, live), append(coldData, data)
		// Let the service worker take over, then load again: warm.
		page := bctx.Pages()[0]
		if _, err := page.Evaluate(`navigator.serviceWorker.ready.then(() => true)`); err != nil {
			b.Fatal(err)
		}
		page.Close()
		live, data = loadOnce(b, bctx)
		warmLive, warmData = append(warmLive, live), append(warmData, data)
		bctx.Close()
	}
	med := func(v []float64) float64 {
		s := slices.Clone(v)
		slices.Sort(s)
		return (s[len(s)/2-1] + s[len(s)/2]) / 2
	}
	b.ReportMetric(med(coldData), "ms-cold-data")
	b.ReportMetric(med(warmData), "ms-warm-data")
	var md strings.Builder
	fmt.Fprintf(&md, "| load | to app live (median) | to first data (median) | budget (first data) | verdict |\n|---|---|---|---|---|\n")
	fmt.Fprintf(&md, "| cold: new context, empty cache | %.0f ms | %.0f ms | %.0f ms | %s |\n", med(coldLive), med(coldData), coldBudgetMS, verdict(med(coldData) <= coldBudgetMS))
	fmt.Fprintf(&md, "| warm: service worker cache | %.0f ms | %.0f ms | %.0f ms | %s |\n", med(warmLive), med(warmData), warmBudgetMS, verdict(med(warmData) <= warmBudgetMS))
	fmt.Fprintf(&md, "\nRuns (ms to first data): cold %v; warm %v.\n", rounded(coldData), rounded(warmData))
	report(b, "pageload.md", md.String())
}

// loadOnce opens the finder in a new page and returns the times to live and
// to first data, in ms since navigation start.
func loadOnce(b *testing.B, bctx playwright.BrowserContext) (live, data float64) {
	page, err := bctx.NewPage()
	if err != nil {
		b.Fatal(err)
	}
	if _, err := page.Goto("/groups"); err != nil {
		b.Fatal(err)
	}
	return marks(b, page, "__live", "__data")
}

// marks waits until the page has set window[first] and window[second],
// times the app marks in ms since navigation start, and returns them.
func marks(b *testing.B, page playwright.Page, first, second string, opts ...playwright.PageWaitForFunctionOptions) (float64, float64) {
	b.Helper()
	if _, err := page.WaitForFunction(`([a, b]) => window[a] !== undefined && window[b] !== undefined`, []string{first, second}, opts...); err != nil {
		b.Fatal(err)
	}
	v, err := page.Evaluate(`([a, b]) => [window[a], window[b]]`, []string{first, second})
	if err != nil {
		b.Fatal(err)
	}
	t := v.([]any)
	return toFloat(t[0]), toFloat(t[1])
}

func toFloat(v any) float64 {
	switch n := v.(type) {
	case float64:
		return n
	case int:
		return float64(n)
	}
	return -1
}

func rounded(v []float64) []int {
	out := make([]int, len(v))
	for i, f := range v {
		out[i] = int(f + 0.5)
	}
	return out
}

func verdict(met bool) string {
	if met {
		return "met"
	}
	return "**missed**"
}

// BenchmarkFirstLoadBytes opens the sign-in page once per language in a new
// browser context (a first visit: empty cache) and counts the bytes it
// transferred until the app had mounted: the page (which carries its
// language's catalogue), style sheets, scripts and app.wasm. With
// BENCH_OUT set it writes firstload.md there. Run it with -benchtime 1x.
func BenchmarkFirstLoadBytes(b *testing.B) {
	var md strings.Builder
	fmt.Fprintf(&md, "| language | page (HTML) | app.wasm | everything else | first load in all |\n|---|---|---|---|---|\n")
	for _, lang := range []string{"en", "zh-Hans", "ja", "ko"} {
		locale := map[string]string{"en": "en-US", "zh-Hans": "zh-CN", "ja": "ja-JP", "ko": "ko-KR"}[lang]
		bctx, err := suite.browser.NewContext(playwright.BrowserNewContextOptions{BaseURL: playwright.String(suite.demo.baseURL),
			Locale: playwright.String(locale), ServiceWorkers: playwright.ServiceWorkerPolicyBlock})
		if err != nil {
			b.Fatal(err)
		}
		page, err := bctx.NewPage()
		if err != nil {
			b.Fatal(err)
		}
		if _, err := page.Goto("/signin"); err != nil {
			b.Fatal(err)
		}
		if err := page.Locator(`html[data-imdesk="ready"]`).WaitFor(playwright.LocatorWaitForOptions{State: playwright.WaitForSelectorStateAttached}); err != nil {
			b.Fatal(err)
		}
		v, err := page.Evaluate(`() => {
		  const nav = performance.getEntriesByType('navigation')[0];
		  let wasm = 0, other = 0;
		  for (const e of performance.getEntriesByType('resource')) {
		    if (e.name.includes('/web/app.wasm')) wasm += e.transferSize; else other += e.transferSize;
		  }
		  return [nav.transferSize, wasm, other, document.documentElement.lang];
		}`)
		if err != nil {
			b.Fatal(err)
		}
		r := v.([]any)
		if r[3] != lang {
			b.Fatalf("%s: the page came in %v", lang, r[3])
		}
		html, wasm, other := toFloat(r[0]), toFloat(r[1]), toFloat(r[2])
		fmt.Fprintf(&md, "| %s | %.0f B | %.0f B | %.0f B | %.0f B |\n", lang, html, wasm, other, html+wasm+other)
		bctx.Close()
	}
	report(b, "firstload.md", md.String())
}

// report logs a benchmark's report (Markdown) and, with BENCH_OUT set,
// writes it there as name.
func report(b *testing.B, name, md string) {
	b.Helper()
	b.Log("\n" + md)
	if out := os.Getenv("BENCH_OUT"); out != "" {
		if err := os.WriteFile(filepath.Join(out, name), []byte(md), 0o644); err != nil {
			b.Fatal(err)
		}
	}
}
