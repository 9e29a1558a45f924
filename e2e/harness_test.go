// Package e2e drives the real imdesk binary in headless Chromium.
//
// `make test` (or `make e2e`) prepares everything and runs it with
// IMDESK_E2E=1, IMDESK_BIN, PLAYWRIGHT_DRIVER_PATH, AXE_PATH and
// CHROMIUM_PATH set. A plain `go test ./...` without IMDESK_E2E skips the
// suite with a message; in CI (CI set) a missing set-up is a failure, never a
// silent skip.
//
// For QA (README "For QA"):
//   - E2E_REPORTS (default e2e/reports): where a failed test leaves its
//     screenshot (screenshots/) and Playwright trace (traces/); `make e2e`
//     writes junit.xml there too.
//   - E2E_HEADED=1 shows the browser; E2E_SLOWMO=250 waits 250 ms between
//     actions; E2E_TRACE=off records no traces.
//   - E2E_BASE_URL, E2E_MOCK_CONTROL and E2E_ACCOUNTS run the suite against
//     a deployed panel instead of binaries it starts (see stagingPanel).
package e2e

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/mxschmitt/playwright-go"
)

// suite is shared by every test: one Chromium, and two panels — one in demo
// mode with its built-in simulator, one against `imdesk mock` run on its
// own, whose control endpoint injects faults.
var suite struct {
	baseURL string // the demo panel's
	demo    *panel
	live    *panel
	pw      *playwright.Playwright
	browser playwright.Browser
	axe     string // path of axe.min.js
	reports string // where failed tests leave screenshots and traces
	staging bool   // the panel is a deployment, not binaries started here
}

// panel is a running imdesk.
type panel struct {
	baseURL   string
	passwords map[string]string // account → password
	mockURL   string            // the standalone mock behind the live panel
	// served, for replicas behind a proxy, counts the requests each
	// replica answered.
	served []atomic.Int64
}

// device is a browser context shape the tests run at.
type device struct {
	name string
	opts playwright.BrowserNewContextOptions
}

var (
	desktop = device{"desktop", playwright.BrowserNewContextOptions{
		Viewport: &playwright.Size{Width: 1280, Height: 800},
	}}
	phone = device{"phone", playwright.BrowserNewContextOptions{
		Viewport:          &playwright.Size{Width: 360, Height: 740},
		DeviceScaleFactor: playwright.Float(3),
		IsMobile:          playwright.Bool(true),
		HasTouch:          playwright.Bool(true),
		UserAgent:         playwright.String("Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0.0.0 Mobile Safari/537.36"),
	}}
	devices = []device{desktop, phone}
)

func TestMain(m *testing.M) {
	if os.Getenv("IMDESK_E2E") != "1" {
		if os.Getenv("CI") != "" {
			fmt.Fprintln(os.Stderr, "e2e: IMDESK_E2E is not set in CI; run the suite through `make test`")
			os.Exit(1)
		}
		fmt.Fprintln(os.Stderr, "e2e: skipped; run `make test` or `make e2e` to build the binary and install Chromium and the driver")
		os.Exit(0)
	}
	os.Exit(runSuite(m))
}

func runSuite(m *testing.M) int {
	suite.axe = os.Getenv("AXE_PATH")
	suite.reports = os.Getenv("E2E_REPORTS")
	if suite.reports == "" {
		suite.reports = "reports"
	}
	if staging, err := stagingPanel(); err != nil {
		fmt.Fprintln(os.Stderr, "e2e:", err)
		return 1
	} else if staging != nil {
		suite.demo, suite.live, suite.baseURL, suite.staging = staging, staging, staging.baseURL, true
		fmt.Fprintf(os.Stderr, "e2e: against the deployed panel %s (mock control %s)\n", staging.baseURL, staging.mockURL)
	} else {
		bin := os.Getenv("IMDESK_BIN")
		if bin == "" {
			fmt.Fprintln(os.Stderr, "e2e: IMDESK_BIN must name the imdesk binary (make e2e sets it)")
			return 1
		}
		demo, stopDemo, err := startDemoPanel(bin)
		if err != nil {
			fmt.Fprintln(os.Stderr, "e2e:", err)
			return 1
		}
		defer stopDemo()
		live, stopLive, err := startLivePanel(bin)
		if err != nil {
			fmt.Fprintln(os.Stderr, "e2e:", err)
			return 1
		}
		defer stopLive()
		suite.demo, suite.live, suite.baseURL = demo, live, demo.baseURL
	}

	pw, err := playwright.Run(&playwright.RunOptions{SkipInstallBrowsers: true, Verbose: false})
	if err != nil {
		fmt.Fprintln(os.Stderr, "e2e: start playwright:", err)
		return 1
	}
	defer pw.Stop()
	chromium := os.Getenv("CHROMIUM_PATH")
	if chromium == "" {
		chromium = "/usr/bin/chromium"
	}
	var slowMo *float64
	if v := os.Getenv("E2E_SLOWMO"); v != "" {
		ms, err := strconv.ParseFloat(v, 64)
		if err != nil || ms < 0 {
			fmt.Fprintf(os.Stderr, "e2e: E2E_SLOWMO=%q is not a number of milliseconds\n", v)
			return 1
		}
		slowMo = &ms
	}
	browser, err := pw.Chromium.Launch(playwright.BrowserTypeLaunchOptions{
		ExecutablePath: playwright.String(chromium),
		Headless:       playwright.Bool(os.Getenv("E2E_HEADED") != "1"),
		SlowMo:         slowMo,
		// The sandbox needs user namespaces that CI's root user lacks; the
		// rest stops Chromium from calling home on a machine with no network.
		Args: []string{"--no-sandbox", "--disable-gpu", "--disable-background-networking",
			"--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"},
	})
	if err != nil {
		fmt.Fprintln(os.Stderr, "e2e: launch chromium:", err)
		return 1
	}
	defer browser.Close()
	suite.pw, suite.browser = pw, browser
	return m.Run()
}

var (
	listeningRE = regexp.MustCompile(`listening on (http://\S+)`)
	accountRE   = regexp.MustCompile(`account (\S+)\s+password (\S+)`)
)

// start runs `bin args…` with a data directory of its own on a random
// loopback port, and returns the address it prints and any demo accounts.
func start(bin string, env []string, args ...string) (url string, passwords map[string]string, stop func(), err error) {
	dir, err := os.MkdirTemp("", "imdesk-e2e-")
	if err != nil {
		return "", nil, nil, err
	}
	cmd := exec.Command(bin, args...)
	cmd.Env = append(append(filteredEnv(), "IMDESK_ADDR=127.0.0.1:0", "IMDESK_DATA_DIR="+dir), env...)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return "", nil, nil, err
	}
	logFile, err := os.Create(filepath.Join(dir, args[0]+".log"))
	if err != nil {
		return "", nil, nil, err
	}
	cmd.Stderr = logFile
	if err := cmd.Start(); err != nil {
		return "", nil, nil, fmt.Errorf("start %s: %w", bin, err)
	}
	stop = func() {
		_ = cmd.Process.Signal(syscall.SIGTERM)
		_ = cmd.Wait()
		logFile.Close()
		os.RemoveAll(dir)
	}
	found := make(chan string, 1)
	var mu sync.Mutex
	passwords = map[string]string{}
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			if m := accountRE.FindStringSubmatch(sc.Text()); m != nil {
				mu.Lock()
				passwords[m[1]] = m[2]
				mu.Unlock()
			}
			if m := listeningRE.FindStringSubmatch(sc.Text()); m != nil {
				found <- m[1]
			}
		}
		_, _ = io.Copy(io.Discard, stdout)
	}()
	select {
	case url = <-found:
	case <-time.After(30 * time.Second):
		stop()
		return "", nil, nil, fmt.Errorf("%s %s did not report its address within 30s", bin, args[0])
	}
	mu.Lock() // the accounts are printed before the address
	defer mu.Unlock()
	return url, passwords, stop, nil
}

// startDemoPanel starts `imdesk serve` in demo mode.
func startDemoPanel(bin string) (*panel, func(), error) {
	url, pw, stop, err := start(bin, nil, "serve")
	if err != nil {
		return nil, nil, err
	}
	return &panel{baseURL: url, passwords: pw}, stop, nil
}

// startLivePanel starts `imdesk mock --demo --control` and a panel that
// takes it for a real Tencent app, with an admin made by `imdesk account add`.
func startLivePanel(bin string) (*panel, func(), error) {
	return startMockPanel(bin, "--demo", "--control")
}

// startMockPanel starts `imdesk mock` with the given flags and a panel
// against it, with an admin made by `imdesk account add`.
func startMockPanel(bin string, mockArgs ...string) (*panel, func(), error) {
	return startMockPanels(bin, 1, nil, mockArgs...)
}

// startMockPanels starts `imdesk mock` with the given flags and n panels
// against it with env (replicas on one PostgreSQL database when env names
// one), with an admin made by `imdesk account add`; more than one panel
// are reached through a round-robin proxy, as behind a load balancer with
// no sticky sessions.
func startMockPanels(bin string, n int, env []string, mockArgs ...string) (*panel, func(), error) {
	keyDir, err := os.MkdirTemp("", "imdesk-e2e-key-")
	if err != nil {
		return nil, nil, err
	}
	keyFile := filepath.Join(keyDir, "secret")
	if err := os.WriteFile(keyFile, []byte("e2e-secret-key-for-the-standalone-mock\n"), 0o600); err != nil {
		return nil, nil, err
	}
	mockURL, _, stopMock, err := start(bin, nil, append([]string{"mock", "--addr", "127.0.0.1:0", "--sdkappid", "1400000077",
		"--secret-key-file", keyFile}, mockArgs...)...)
	if err != nil {
		return nil, nil, err
	}
	stops := []func(){func() { os.RemoveAll(keyDir) }, stopMock}
	stop := func() {
		for _, f := range slices.Backward(stops) {
			f()
		}
	}
	dataDir, err := os.MkdirTemp("", "imdesk-e2e-live-")
	if err != nil {
		stop()
		return nil, nil, err
	}
	stops = append(stops, func() { os.RemoveAll(dataDir) })
	env = append([]string{"IMDESK_DATA_DIR=" + dataDir}, env...)
	const password = "live-admin-password-1"
	add := exec.Command(bin, "account", "add", "admin", "--role", "admin")
	add.Env = append(filteredEnv(), env...)
	add.Stdin = strings.NewReader(password + "\n")
	if out, err := add.CombinedOutput(); err != nil {
		stop()
		return nil, nil, fmt.Errorf("imdesk account add: %v: %s", err, out)
	}
	env = append([]string{"IMDESK_SDKAPPID=1400000077", "IMDESK_SECRET_KEY_FILE=" + keyFile, "IMDESK_TENCENT_URL=" + mockURL}, env...)
	// Replicas start together (each waits for the others to make room in
	// Tencent's limits before it listens).
	urls, stopSrv, errs := make([]string, n), make([]func(), n), make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() { urls[i], _, stopSrv[i], errs[i] = start(bin, env, "serve") })
	}
	wg.Wait()
	for _, f := range stopSrv {
		if f != nil {
			stops = append(stops, f)
		}
	}
	if err := errors.Join(errs...); err != nil {
		stop()
		return nil, nil, err
	}
	p := &panel{baseURL: urls[0], passwords: map[string]string{"admin": password}, mockURL: mockURL}
	if n > 1 {
		proxy, err := startRoundRobin(urls)
		if err != nil {
			stop()
			return nil, nil, err
		}
		stops = append(stops, proxy.Close)
		p.baseURL, p.served = proxy.URL, proxy.served
	}
	return p, stop, nil
}

// stagingPanel describes a deployed panel when E2E_BASE_URL is set: the
// suite then runs against it instead of starting binaries. The deployment
// must run against `imdesk mock --demo --control` (E2E_MOCK_CONTROL is that
// mock's address, for injecting faults) with the accounts named in
// E2E_ACCOUNTS ("admin:PASSWORD,moderator:PASSWORD,viewer:PASSWORD"; the
// moderator's scope as the demo's). Tests that need binaries of their own
// (an update, a second build) are skipped there.
func stagingPanel() (*panel, error) {
	base := strings.TrimRight(os.Getenv("E2E_BASE_URL"), "/")
	if base == "" {
		return nil, nil
	}
	mock := strings.TrimRight(os.Getenv("E2E_MOCK_CONTROL"), "/")
	if mock == "" {
		return nil, errors.New("E2E_BASE_URL is set but E2E_MOCK_CONTROL is not: name the control address of the panel's imdesk mock")
	}
	p := &panel{baseURL: base, mockURL: mock, passwords: map[string]string{}}
	for _, pair := range strings.Split(os.Getenv("E2E_ACCOUNTS"), ",") {
		name, pw, ok := strings.Cut(strings.TrimSpace(pair), ":")
		if !ok || name == "" || pw == "" {
			return nil, fmt.Errorf("E2E_ACCOUNTS: %q is not ACCOUNT:PASSWORD", pair)
		}
		p.passwords[name] = pw
	}
	for _, need := range []string{"admin", "moderator", "viewer"} {
		if p.passwords[need] == "" {
			return nil, fmt.Errorf("E2E_ACCOUNTS must give the %s account's password", need)
		}
	}
	return p, nil
}

// ownPanelsOnly skips a test that starts binaries of its own or needs the
// demo panel's own traits, when the suite runs against a deployment.
func ownPanelsOnly(t *testing.T) {
	t.Helper()
	if suite.staging {
		t.Skip("needs panels started by the suite; skipped against a deployed panel")
	}
}

// filteredEnv drops the panel's own variables from the environment, so that
// the suite always runs as set up here, whatever the developer's shell holds.
func filteredEnv() []string {
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "IMDESK_") {
			env = append(env, kv)
		}
	}
	return env
}

// session is one test's browser context and page, with what the page logged.
type session struct {
	t      *testing.T
	ctx    playwright.BrowserContext
	page   playwright.Page
	panel  *panel
	device device

	mu     sync.Mutex
	errors []string // console errors and uncaught exceptions
}

// open gives the test a fresh browser context of the given shape on the demo
// panel. The page is screenshotted into e2e/screenshots/ if the test fails.
func open(t *testing.T, d device) *session { return openOn(t, d, suite.demo) }

// openOn is open on a given panel.
func openOn(t *testing.T, d device, p *panel) *session {
	t.Helper()
	opts := d.opts
	opts.BaseURL = playwright.String(p.baseURL)
	bctx, err := suite.browser.NewContext(opts)
	if err != nil {
		t.Fatalf("new browser context: %v", err)
	}
	bctx.SetDefaultTimeout(15000)
	page, err := bctx.NewPage()
	if err != nil {
		t.Fatalf("new page: %v", err)
	}
	s := &session{t: t, ctx: bctx, page: page, panel: p, device: d}
	tracing := os.Getenv("E2E_TRACE") != "off"
	if tracing {
		if err := bctx.Tracing().Start(playwright.TracingStartOptions{Screenshots: playwright.Bool(true),
			Snapshots: playwright.Bool(true), Title: playwright.String(t.Name())}); err != nil {
			t.Fatalf("start tracing: %v", err)
		}
	}
	page.OnConsole(func(m playwright.ConsoleMessage) {
		// A signed-out page is answered 401 by design (it then goes to the
		// sign-in page), a save after someone else's 412 (the editor then
		// shows both changes), and Chromium logs each as an error.
		if m.Type() == "error" && !strings.Contains(m.Text(), "status of 401 (Unauthorized)") &&
			!strings.Contains(m.Text(), "status of 412 (Precondition Failed)") {
			s.mu.Lock()
			s.errors = append(s.errors, "console: "+m.Text())
			s.mu.Unlock()
		}
	})
	page.OnPageError(func(err error) {
		s.mu.Lock()
		s.errors = append(s.errors, "page error: "+err.Error())
		s.mu.Unlock()
	})
	t.Cleanup(func() {
		if t.Failed() {
			s.screenshot("failed")
		}
		if tracing {
			s.keepTrace(t.Failed())
		}
		_ = bctx.Close()
	})
	return s
}

// reportPath is where a test's artefact of a kind goes: E2E_REPORTS/kind/<test>suffix.
func (s *session) reportPath(kind, suffix string) (string, error) {
	dir := filepath.Join(suite.reports, kind)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", err
	}
	name := regexp.MustCompile(`[^A-Za-z0-9_-]+`).ReplaceAllString(s.t.Name(), "_")
	path := filepath.Join(dir, name+suffix)
	// A test with several browser contexts keeps each one's artefact.
	for n := 2; ; n++ {
		if _, err := os.Stat(path); errors.Is(err, os.ErrNotExist) {
			return path, nil
		}
		path = filepath.Join(dir, fmt.Sprintf("%s-%d%s", name, n, suffix))
	}
}

// screenshot saves the page as E2E_REPORTS/screenshots/<test>-<label>.png.
func (s *session) screenshot(label string) {
	path, err := s.reportPath("screenshots", "-"+label+".png")
	if err == nil {
		_, err = s.page.Screenshot(playwright.PageScreenshotOptions{Path: playwright.String(path), FullPage: playwright.Bool(true)})
	}
	if err != nil {
		s.t.Logf("screenshot: %v", err)
		return
	}
	s.t.Logf("screenshot saved to %s", path)
}

// keepTrace ends the context's trace, saving it as
// E2E_REPORTS/traces/<test>.zip when the test failed.
func (s *session) keepTrace(failed bool) {
	if !failed {
		_ = s.ctx.Tracing().Stop()
		return
	}
	path, err := s.reportPath("traces", ".zip")
	if err == nil {
		err = s.ctx.Tracing().Stop(path)
	}
	if err != nil {
		s.t.Logf("trace: %v", err)
		return
	}
	s.t.Logf("trace saved to %s (open it with `make trace TRACE=%s`)", path, path)
}

// visit opens path and waits until the WebAssembly app runs. go-app
// prerenders pages on the server, so visible text alone does not prove the
// app is live: the shell sets data-imdesk="ready" on <html> once mounted.
func (s *session) visit(path string) {
	s.t.Helper()
	if _, err := s.page.Goto(path); err != nil {
		s.t.Fatalf("goto %s: %v", path, err)
	}
	s.waitLive()
}

func (s *session) waitLive() {
	s.t.Helper()
	if err := s.page.Locator(`html[data-imdesk="ready"]`).WaitFor(playwright.LocatorWaitForOptions{
		State: playwright.WaitForSelectorStateAttached,
	}); err != nil {
		s.t.Fatalf("the app did not start: %v", err)
	}
}

// noErrors fails the test if the page logged an error or threw.
func (s *session) noErrors() {
	s.t.Helper()
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.errors) > 0 {
		s.t.Errorf("the page reported errors:\n%s", strings.Join(s.errors, "\n"))
	}
}

var expect = playwright.NewPlaywrightAssertions(15000)

// check fails the test with what an assertion said.
func check(t *testing.T, err error, what string) {
	t.Helper()
	if err != nil {
		t.Fatalf("%s: %v", what, err)
	}
}

// forEachDevice runs f as a subtest at every device size.
func forEachDevice(t *testing.T, f func(t *testing.T, d device)) {
	for _, d := range devices {
		t.Run(d.name, func(t *testing.T) { f(t, d) })
	}
}

// groupAt is a group a test works on at a device size, and the group's
// name as the pages show it.
type groupAt struct {
	d           device
	group, name string
}

// forEachGroupAt runs f as a subtest for each group at its device size,
// named by the device.
func forEachGroupAt(t *testing.T, cases []groupAt, f func(t *testing.T, c groupAt)) {
	for _, c := range cases {
		t.Run(c.d.name, func(t *testing.T) { f(t, c) })
	}
}

// httpGet fetches a path of the panel with the given Accept-Encoding.
func httpGet(t *testing.T, path, acceptEncoding string) (*http.Response, []byte) {
	t.Helper()
	req, err := http.NewRequestWithContext(context.Background(), http.MethodGet, suite.baseURL+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	if acceptEncoding != "" {
		req.Header.Set("Accept-Encoding", acceptEncoding)
	}
	// A transport of its own, so Go does not add or undo gzip by itself.
	resp, err := (&http.Transport{DisableCompression: true}).RoundTrip(req)
	if err != nil {
		t.Fatalf("GET %s: %v", path, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("GET %s: %v", path, err)
	}
	return resp, body
}

// signIn signs in as account through the sign-in form and waits for the
// page it leads to.
func (s *session) signIn(account string) {
	s.t.Helper()
	s.visit("/signin")
	s.fillSignIn(account, s.panel.passwords[account])
	check(s.t, expect.Page(s.page).ToHaveURL(regexp.MustCompile(`/$`)), "home after sign-in")
	check(s.t, expect.Locator(s.page.GetByText("Signed in as "+account)).ToBeVisible(), "account in the header")
}

func (s *session) fillSignIn(account, password string) {
	s.t.Helper()
	check(s.t, s.page.GetByLabel("Account name").Fill(account), "fill account")
	check(s.t, s.page.GetByLabel("Password", playwright.PageGetByLabelOptions{Exact: playwright.Bool(true)}).Fill(password), "fill password")
	check(s.t, s.button("Sign in").Click(), "click sign in")
}

// button finds a button by its accessible name.
func (s *session) button(name string) playwright.Locator {
	return s.page.GetByRole("button", playwright.PageGetByRoleOptions{Name: name, Exact: playwright.Bool(true)})
}

// heading finds the page's h1.
func (s *session) heading(name string) playwright.Locator {
	return s.page.GetByRole("heading", playwright.PageGetByRoleOptions{Name: name, Level: playwright.Int(1)})
}

// apiJSON fetches an API path from the page, with its session, and returns
// the decoded body.
func (s *session) apiJSON(path string) map[string]any {
	s.t.Helper()
	v, err := s.page.Evaluate(`async (path) => { const r = await fetch(path); return await r.json(); }`, path)
	check(s.t, err, "fetch "+path)
	m, _ := v.(map[string]any)
	return m
}

// attributes reads a group's attributes through the API.
func (s *session) attributes(groupID string) map[string]string {
	s.t.Helper()
	body := s.apiJSON("/api/v1/groups/" + strings.ReplaceAll(groupID, "#", "%23") + "/attributes")
	out := map[string]string{}
	list, _ := body["attributes"].([]any)
	for _, it := range list {
		kv := it.(map[string]any)
		out[kv["key"].(string)] = kv["value"].(string)
	}
	return out
}

// inject adds a fault to the live panel's standalone mock.
func inject(t *testing.T, fault string) {
	t.Helper()
	resp, err := http.Post(suite.live.mockURL+"/control/faults", "application/json", strings.NewReader(fault))
	if err != nil || resp.StatusCode != http.StatusNoContent {
		t.Fatalf("inject fault %s: %v %v", fault, resp, err)
	}
	resp.Body.Close()
	t.Cleanup(func() {
		req, _ := http.NewRequest(http.MethodDelete, suite.live.mockURL+"/control/faults", nil)
		if resp, err := http.DefaultClient.Do(req); err == nil {
			resp.Body.Close()
		}
	})
}

// axeScan runs axe-core on the page and fails the test on any serious or
// critical violation.
func (s *session) axeScan(label string) {
	s.t.Helper()
	if suite.axe == "" {
		s.t.Fatal("AXE_PATH is not set (make e2e sets it)")
	}
	// Evaluated through the driver, so the page's CSP (no inline scripts)
	// stays on for the scan.
	src, err := os.ReadFile(suite.axe)
	if err != nil {
		s.t.Fatalf("read axe-core: %v", err)
	}
	if _, err := s.page.Evaluate(string(src) + "\n;true"); err != nil {
		s.t.Fatalf("inject axe-core: %v", err)
	}
	v, err := s.page.Evaluate(`async () => {
		const r = await axe.run(document, { resultTypes: ['violations'] });
		return r.violations.filter(v => v.impact === 'serious' || v.impact === 'critical')
			.map(v => v.id + ' (' + v.impact + '): ' + v.help + ' — ' + v.nodes.map(n => n.target.join(' ')).slice(0, 5).join(', '));
	}`)
	check(s.t, err, "axe")
	if list, _ := v.([]any); len(list) > 0 {
		for _, l := range list {
			s.t.Errorf("%s: %v", label, l)
		}
	}
}

// photograph saves the whole page as name.png into SCREENSHOT_DIR when set
// (`make screenshots` writes docs/screenshots for the README), else into a
// temporary folder, and fails when the picture is missing or blank.
func (s *session) photograph(name string) {
	s.t.Helper()
	dir := os.Getenv("SCREENSHOT_DIR")
	if dir == "" {
		dir = s.t.TempDir()
	}
	path := filepath.Join(dir, name+".png")
	if _, err := s.page.Screenshot(playwright.PageScreenshotOptions{Path: playwright.String(path), FullPage: playwright.Bool(true),
		Scale: playwright.ScreenshotScaleCss}); err != nil {
		s.t.Fatalf("screenshot: %v", err)
	}
	if st, err := os.Stat(path); err != nil || st.Size() < 10_000 {
		s.t.Fatalf("screenshot %s: %v", path, err)
	}
}

// openAt opens a browser on d signed in as account and visits path.
func openAt(t *testing.T, d device, account, path string) *session {
	t.Helper()
	s := open(t, d)
	s.signIn(account)
	s.visit(path)
	return s
}

// atSignIn opens a browser on d at the sign-in page.
func atSignIn(t *testing.T, d device) *session {
	t.Helper()
	s := open(t, d)
	s.visit("/signin")
	return s
}

// download clicks the link named link and waits for the file it
// downloads: the download and where the file is; what names the step.
func (s *session) download(link, what string) (playwright.Download, string) {
	s.t.Helper()
	dl, err := s.page.ExpectDownload(func() error {
		return s.page.GetByRole("link", playwright.PageGetByRoleOptions{Name: link}).Click()
	})
	check(s.t, err, what)
	path, err := dl.Path()
	check(s.t, err, what+": the downloaded file")
	return dl, path
}

// openPage opens a browser on d signed in as account, visits path and
// waits for the page's heading and then for its data; what names the step.
func openPage(t *testing.T, d device, account, path, heading, what string) *session {
	t.Helper()
	s := openAt(t, d, account, path)
	check(t, expect.Locator(s.heading(heading)).ToBeVisible(), what)
	s.loaded(what)
	return s
}

// readOnly checks that the page says, in sentence, that the account can
// view but not change it, and offers nothing to choose.
func (s *session) readOnly(sentence string) {
	s.t.Helper()
	check(s.t, expect.Locator(s.page.GetByText(sentence)).ToBeVisible(), "read only")
	check(s.t, expect.Locator(s.page.GetByRole("checkbox")).ToHaveCount(0), "nothing to choose")
}

// typeTooLong types text into the Name field of the form, checks its live
// byte counter says counter and that the button is disabled, and returns
// the field.
func typeTooLong(t *testing.T, form playwright.Locator, text, counter, button string) playwright.Locator {
	t.Helper()
	name := form.GetByLabel("Name", playwright.LocatorGetByLabelOptions{Exact: playwright.Bool(true)})
	check(t, name.Fill(text), counter)
	check(t, expect.Locator(form.GetByText(counter)).ToBeVisible(), "live counter")
	check(t, expect.Locator(roleButton(form, button)).ToBeDisabled(), "too long")
	return name
}

// photographNamed photographs a user's page at both sizes with a name typed
// in the form, so that its byte counter shows, as file-<device>.
func photographNamed(t *testing.T, path, heading, form, file string) {
	for _, d := range devices {
		s := openPage(t, d, "moderator", path, heading, "page")
		check(t, s.region(form).GetByLabel("Name", playwright.LocatorGetByLabelOptions{Exact: playwright.Bool(true)}).Fill("読書会 ✓"), "a name, so the counter shows")
		s.photograph(file + "-" + d.name)
	}
}

// follow clicks the link named and waits for the page it opens: its
// heading and then its data; what names the step.
func (s *session) follow(link, heading, what string) {
	s.t.Helper()
	check(s.t, s.page.GetByRole("link", playwright.PageGetByRoleOptions{Name: link}).Click(), "follow "+link)
	check(s.t, expect.Locator(s.heading(heading)).ToBeVisible(), what)
	s.loaded(what)
}

// inspect runs the accessibility scan on the page and, on the phone,
// checks it does not scroll sideways.
func (s *session) inspect(what string) {
	s.t.Helper()
	s.axeScan(what)
	s.noSidewaysScroll(what)
}

// pickAndType checks the box labelled pick in the form, types id into the
// field labelled field and adds it with the button add.
func pickAndType(t *testing.T, form playwright.Locator, pick, field, id, add string) {
	t.Helper()
	check(t, form.GetByLabel(pick).Check(), "pick "+pick)
	check(t, form.GetByLabel(field).Fill(id), "type "+id)
	check(t, roleButton(form, add).Click(), "add "+id)
}

// saysPartly checks the alert says a change was made but for some rows
// (sentence), and why one row was refused (row).
func (s *session) saysPartly(sentence, row string) {
	s.t.Helper()
	alert := s.page.GetByRole("alert")
	check(s.t, expect.Locator(alert).ToContainText(sentence), "partial")
	check(s.t, expect.Locator(alert).ToContainText(row), "why, on that row")
}
