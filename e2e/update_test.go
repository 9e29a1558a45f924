package e2e

import (
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/mxschmitt/playwright-go"
)

// When a new version is deployed, an installed app says so and offers to
// reload. The test builds the same program with another version, runs the
// current one, lets its service worker take control, then replaces it with
// the new one on the same address.
func TestUpdateAvailablePrompt(t *testing.T) {
	ownPanelsOnly(t)
	next := filepath.Join(t.TempDir(), "imdesk-next")
	build := exec.Command("go", "build", "-trimpath", "-ldflags", "-X main.version=e2e-next", "-o", next, "./app")
	build.Dir = ".."
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("build the next version: %v\n%s", err, out)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	dataDir := t.TempDir()
	// t.TempDir follows the umask; the panel refuses a data directory
	// other users can read.
	if err := os.Chmod(dataDir, 0o700); err != nil {
		t.Fatal(err)
	}
	env := []string{"IMDESK_ADDR=" + addr, "IMDESK_DATA_DIR=" + dataDir}

	url, pw, stopOld, err := start(os.Getenv("IMDESK_BIN"), env, "serve")
	if err != nil {
		t.Fatal(err)
	}
	defer func() { stopOld() }()
	s := openOn(t, desktop, &panel{baseURL: url, passwords: pw})
	s.visit("/signin")
	_, err = s.page.Evaluate(`navigator.serviceWorker.ready.then(() => true)`)
	check(t, err, "service worker installed")
	_, err = s.page.Reload()
	check(t, err, "reload under the service worker")
	s.waitLive()
	controlled, err := s.page.Evaluate(`navigator.serviceWorker.controller !== null`)
	check(t, err, "controller")
	if controlled != true {
		t.Fatal("the page is not controlled by the service worker")
	}
	check(t, expect.Locator(s.page.GetByText("A new version of imdesk is ready.")).ToHaveCount(0), "no prompt before an update")

	stopOld()
	stopOld = func() {}
	_, _, stopNew, err := start(next, env, "serve")
	if err != nil {
		t.Fatal(err)
	}
	defer stopNew()
	_, err = s.page.Reload()
	check(t, err, "reload after the deployment")
	s.waitLive()
	check(t, expect.Locator(s.page.GetByText("A new version of imdesk is ready.")).ToBeVisible(), "update prompt")
	_, err = s.page.ExpectEvent("load", func() error { return s.button("Reload now").Click() })
	check(t, err, "reload now")
	s.waitLive()
	check(t, expect.Locator(s.page.GetByRole("heading", playwright.PageGetByRoleOptions{Name: "Sign in to imdesk"})).ToBeVisible(), "reloaded")
	running, err := s.page.Evaluate(`goappGetenv("GOAPP_VERSION")`)
	check(t, err, "version")
	if running != "e2e-next" {
		t.Fatalf("after Reload now the page runs version %v, want e2e-next", running)
	}
}
