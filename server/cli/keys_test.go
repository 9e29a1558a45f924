package cli

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/imdesk/imdesk/server/api"
	"github.com/imdesk/imdesk/server/sqlite"
)

// imdesk keys import and export: a file (or - for the standard streams)
// round trips, a bad file changes nothing and names the field, and each
// import is audited as the command line.
func TestKeysCommand(t *testing.T) {
	dir := t.TempDir()
	keys := runIn(dir, runKeys)
	file := filepath.Join(t.TempDir(), "attribute-keys.json")
	const registry = `{"keys": [
  {"key": "slowmode", "labels": {"en": "Slow mode", "zh-Hans": "慢速模式"}, "type": "number", "integer": true, "min": "0", "max": "600",
   "requiredIn": ["Community"], "default": "0", "owner": {"team": "Trust & Safety", "contact": "#tns"}},
  {"key": "region", "labels": {"en": "Region"}, "type": "choice", "choices": [{"value": "jp", "labels": {"en": "Japan", "ja": "日本"}}]}
]}`
	os.WriteFile(file, []byte(registry), 0o600)
	if code, out, errOut := keys("", "import", file); code != 0 || !strings.Contains(out, "2 added, 0 changed, 0 removed, 0 unchanged") {
		t.Fatalf("import: %d %s %s", code, out, errOut)
	}
	code, exported, errOut := keys("", "export", "-")
	if code != 0 || !strings.Contains(exported, `"日本"`) || strings.Index(exported, `"region"`) > strings.Index(exported, `"slowmode"`) {
		t.Fatalf("export: %d %s %s", code, exported, errOut)
	}
	if code, out, errOut := keys(exported, "import", "-"); code != 0 || !strings.Contains(out, "0 added, 0 changed, 0 removed, 2 unchanged") {
		t.Fatalf("import the export: %d %s %s", code, out, errOut)
	}
	out2 := filepath.Join(t.TempDir(), "again.json")
	if code, _, errOut := keys("", "export", out2); code != 0 {
		t.Fatalf("export to a file: %s", errOut)
	}
	if b, _ := os.ReadFile(out2); string(b) != exported {
		t.Fatalf("the file differs from standard output:\n%s\n%s", b, exported)
	}
	bad := strings.Replace(registry, `"max": "600"`, `"max": "-1"`, 1)
	if code, _, errOut := keys(bad, "import", "-"); code != 1 || !strings.Contains(errOut, "keys[0].max") {
		t.Fatalf("a bad file: %d %s", code, errOut)
	}
	if code, _, errOut := keys(`{"keys":[],"extra":1}`, "import", "-"); code != 1 || !strings.Contains(errOut, "extra") {
		t.Fatalf("an unknown field: %d %s", code, errOut)
	}
	if code, _, errOut := keys("", "import"); code != 2 || !strings.Contains(errOut, "name the file") {
		t.Fatalf("no file: %d %s", code, errOut)
	}
	db := openTestDB(t, dir)
	entries, err := db.Keys(context.Background())
	if err != nil || len(entries) != 2 || entries[1].Max != "600" || entries[1].Key != "slowmode" {
		t.Fatalf("the registry after a refused import: %+v %v", entries, err)
	}
	recs, err := db.Records(context.Background(), sqlite.Filter{Action: api.ActionKeysImport})
	if err != nil || len(recs) != 2 || !strings.HasPrefix(recs[0].Actor, "command line") || recs[0].RequestID != "cli" {
		t.Fatalf("audit: %v %+v", err, recs)
	}
}
