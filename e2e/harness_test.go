// Package e2e drives the real imdesk binary in headless Chromium.
//
// `make test` (or `make e2e`) prepares everything and runs it with
// IMDESK_E2E=1, IMDESK_BIN, PLAYWRIGHT_DRIVER_PATH and CHROMIUM_PATH set. A
// plain `go test ./...` without IMDESK_E2E skips the suite with a message; in
// CI (CI set) a missing set-up is a failure, never a silent skip.
package e2e

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/mxschmitt/playwright-go"
)

// suite is shared by every test: one imdesk process, one Chromium.
var suite struct {
	baseURL string
	pw      *playwright.Playwright
	browser playwright.Browser
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
		Viewport:          &playwright.Size{Width: 390, Height: 844},
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
	bin := os.Getenv("IMDESK_BIN")
	if bin == "" {
		fmt.Fprintln(os.Stderr, "e2e: IMDESK_BIN must name the imdesk binary (make e2e sets it)")
		return 1
	}
	stop, err := startPanel(bin)
	if err != nil {
		fmt.Fprintln(os.Stderr, "e2e:", err)
		return 1
	}
	defer stop()

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
	browser, err := pw.Chromium.Launch(playwright.BrowserTypeLaunchOptions{
		ExecutablePath: playwright.String(chromium),
		Headless:       playwright.Bool(true),
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

var listeningRE = regexp.MustCompile(`listening on (http://\S+)`)

// startPanel starts the binary in demo mode on a random loopback port with a
// data directory of its own, and waits until it is ready.
func startPanel(bin string) (stop func(), err error) {
	dataDir, err := os.MkdirTemp("", "imdesk-e2e-")
	if err != nil {
		return nil, err
	}
	cmd := exec.Command(bin, "serve")
	cmd.Env = append(filteredEnv(), "IMDESK_ADDR=127.0.0.1:0", "IMDESK_DATA_DIR="+dataDir)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	logFile, err := os.Create(filepath.Join(dataDir, "server.log"))
	if err != nil {
		return nil, err
	}
	cmd.Stderr = logFile
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("start %s: %w", bin, err)
	}
	stop = func() {
		_ = cmd.Process.Signal(syscall.SIGTERM)
		_ = cmd.Wait()
		logFile.Close()
		os.RemoveAll(dataDir)
	}

	found := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			if m := listeningRE.FindStringSubmatch(sc.Text()); m != nil {
				found <- m[1]
			}
		}
		_, _ = io.Copy(io.Discard, stdout)
	}()
	select {
	case suite.baseURL = <-found:
	case <-time.After(30 * time.Second):
		stop()
		return nil, fmt.Errorf("%s did not report its address within 30s", bin)
	}
	if err := checkReady(suite.baseURL + "/readyz"); err != nil {
		stop()
		return nil, err
	}
	return stop, nil
}

// filteredEnv drops the panel's own variables from the environment, so that
// the suite always runs in demo mode whatever the developer's shell holds.
func filteredEnv() []string {
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "IMDESK_") {
			env = append(env, kv)
		}
	}
	return env
}

// checkReady asks /readyz once: the binary prints its address only after it
// has started serving, so there is nothing to wait for.
func checkReady(url string) error {
	resp, err := http.Get(url)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("%s: %s %s", url, resp.Status, body)
	}
	return nil
}

// session is one test's browser context and page, with what the page logged.
type session struct {
	t    *testing.T
	ctx  playwright.BrowserContext
	page playwright.Page

	mu     sync.Mutex
	errors []string // console errors and uncaught exceptions
}

// open gives the test a fresh browser context of the given shape. The page is
// screenshotted into e2e/screenshots/ if the test fails.
func open(t *testing.T, d device) *session {
	t.Helper()
	opts := d.opts
	opts.BaseURL = playwright.String(suite.baseURL)
	bctx, err := suite.browser.NewContext(opts)
	if err != nil {
		t.Fatalf("new browser context: %v", err)
	}
	bctx.SetDefaultTimeout(15000)
	page, err := bctx.NewPage()
	if err != nil {
		t.Fatalf("new page: %v", err)
	}
	s := &session{t: t, ctx: bctx, page: page}
	page.OnConsole(func(m playwright.ConsoleMessage) {
		if m.Type() == "error" {
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
		_ = bctx.Close()
	})
	return s
}

// screenshot saves the page as e2e/screenshots/<test>-<label>.png.
func (s *session) screenshot(label string) {
	dir := "screenshots"
	if err := os.MkdirAll(dir, 0o755); err != nil {
		s.t.Logf("screenshot: %v", err)
		return
	}
	name := regexp.MustCompile(`[^A-Za-z0-9_-]+`).ReplaceAllString(s.t.Name(), "_")
	path := filepath.Join(dir, name+"-"+label+".png")
	if _, err := s.page.Screenshot(playwright.PageScreenshotOptions{Path: playwright.String(path), FullPage: playwright.Bool(true)}); err != nil {
		s.t.Logf("screenshot: %v", err)
		return
	}
	s.t.Logf("screenshot saved to e2e/%s", path)
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
