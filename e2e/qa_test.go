package e2e

import (
	"archive/zip"
	"encoding/xml"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mxschmitt/playwright-go"
)

// TestDeliberateFailure fails on purpose; only TestFailedTestLeavesReports
// runs it.
func TestDeliberateFailure(t *testing.T) {
	if os.Getenv("E2E_DELIBERATE_FAILURE") != "1" {
		t.Skip("run by TestFailedTestLeavesReports only")
	}
	s := open(t, desktop)
	s.visit("/signin")
	check(t, expect.Locator(s.heading("A heading this page does not have")).ToBeVisible(
		playwright.LocatorAssertionsToBeVisibleOptions{Timeout: playwright.Float(500)}), "a heading that is not there")
}

// A failing e2e test leaves what QA needs: a JUnit report that names it as
// failed, its Playwright trace (a zip the trace viewer opens) and a
// screenshot, all under E2E_REPORTS.
func TestFailedTestLeavesReports(t *testing.T) {
	ownPanelsOnly(t)
	gotestsum := os.Getenv("GOTESTSUM")
	if gotestsum == "" {
		t.Fatal("GOTESTSUM must name gotestsum (make e2e sets it)")
	}
	dir := t.TempDir()
	junit := filepath.Join(dir, "junit.xml")
	cmd := exec.Command(gotestsum, "--junitfile", junit, "--format", "standard-quiet", "--",
		"-count=1", "-run", "^TestDeliberateFailure$", ".")
	cmd.Env = append(os.Environ(), "E2E_DELIBERATE_FAILURE=1", "E2E_REPORTS="+dir)
	out, err := cmd.CombinedOutput()
	if err == nil {
		t.Fatalf("the deliberately failing test passed:\n%s", out)
	}
	var report struct {
		Suites []struct {
			Cases []struct {
				Name    string    `xml:"name,attr"`
				Failure *struct{} `xml:"failure"`
			} `xml:"testcase"`
		} `xml:"testsuite"`
	}
	b, err := os.ReadFile(junit)
	if err != nil {
		t.Fatalf("no JUnit report: %v\n%s", err, out)
	}
	if err := xml.Unmarshal(b, &report); err != nil {
		t.Fatalf("JUnit report: %v", err)
	}
	failed := false
	for _, s := range report.Suites {
		for _, c := range s.Cases {
			failed = failed || (c.Name == "TestDeliberateFailure" && c.Failure != nil)
		}
	}
	if !failed {
		t.Fatalf("the JUnit report does not show TestDeliberateFailure as failed:\n%s", b)
	}
	trace := filepath.Join(dir, "traces", "TestDeliberateFailure.zip")
	zr, err := zip.OpenReader(trace)
	if err != nil {
		t.Fatalf("no trace at %s: %v\n%s", trace, err, out)
	}
	defer zr.Close()
	hasTrace := false
	for _, f := range zr.File {
		hasTrace = hasTrace || strings.HasSuffix(f.Name, ".trace")
	}
	if !hasTrace {
		t.Fatalf("the trace zip holds no .trace file")
	}
	if _, err := os.Stat(filepath.Join(dir, "screenshots", "TestDeliberateFailure-failed.png")); err != nil {
		t.Fatalf("no screenshot: %v", err)
	}
}
