package server

import (
	"context"
	"encoding/json"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"

	"github.com/imdesk/imdesk/server/api"
	"github.com/imdesk/imdesk/server/sqlite"
)

var slowMode = api.KeySpec{Key: "slowmode", Type: api.KeyTypeNumber, Integer: true, Min: "0", Max: "600",
	Labels:     api.Localized{"en": "Slow mode", "zh-Hans": "慢速模式", "ja": "スローモード"},
	RequiredIn: []string{"Community"}, Owner: &api.KeyOwner{Team: "Trust & Safety", Contact: "#tns"}}

func wantRefusal(t *testing.T, w *httptest.ResponseRecorder, status int, field, message string) {
	t.Helper()
	if w.Code != status {
		t.Fatalf("status %d, want %d: %s", w.Code, status, w.Body)
	}
	_, msg, f := apiErr(t, w)
	if f != field || (message != "" && msg != message) {
		t.Fatalf("refused at %q with %q; want %q with %q", f, msg, field, message)
	}
}

// An admin describes a key; a moderator's change the registry refuses is
// refused at its field with the key's label, in the reader's language;
// undescribed keys are as before; the registry's changes are audited.
func TestKeyRegistryAPI(t *testing.T) {
	e := newEnv(t)
	admin, mod := e.signIn("admin"), e.signIn("mod")
	if w := admin.do("PUT", "/api/v1/attribute-keys/slowmode", slowMode); w.Code != 201 {
		t.Fatalf("put: %d %s", w.Code, w.Body)
	}
	if w := mod.do("PUT", "/api/v1/attribute-keys/slowmode", slowMode); w.Code != 403 {
		t.Fatalf("a moderator puts a key: %d", w.Code)
	}
	var list api.KeyList
	w := mod.do("GET", "/api/v1/attribute-keys", nil)
	mustDecode(t, w.Body.Bytes(), &list)
	if w.Code != 200 || len(list.Keys) != 1 || list.Keys[0].Labels["ja"] != "スローモード" || list.Keys[0].UpdatedBy != "admin" || list.Keys[0].Updated.IsZero() {
		t.Fatalf("list: %d %s", w.Code, w.Body)
	}

	path := "/api/v1/groups/" + escape(community) + "/attributes"
	patch := func(key, value string) map[string]any {
		return map[string]any{"set": []map[string]string{{"key": "welcome", "value": "hi"}, {"key": key, "value": value}}}
	}
	calls := e.calls("modify_group_attr", "set_group_attr", "delete_group_attr")
	wantRefusal(t, mod.do("PATCH", path, patch("slowmode", "700")), 400, "set[1].value", "Slow mode must be a whole number from 0 to 600.")
	wantRefusal(t, mod.do("PATCH", path, patch("slowmode", "2.5"), "Accept-Language", "zh-CN"), 400, "set[1].value", "慢速模式 必须是 0 到 600 之间的整数。")
	wantRefusal(t, mod.do("PATCH", path, patch("slowmode", "x"), "Accept-Language", "ko"), 400, "set[1].value", "Slow mode은(는) 0에서 600 사이의 정수여야 합니다.")
	wantRefusal(t, mod.do("PUT", path, map[string]any{"attributes": []map[string]string{{"key": "slowmode", "value": "-1"}}}), 400, "attributes[0].value", "")
	if e.calls("modify_group_attr", "set_group_attr", "delete_group_attr") != calls {
		t.Fatal("a refused change reached Tencent")
	}
	if w := mod.do("PATCH", path, patch("slowmode", "30")); w.Code != 200 {
		t.Fatalf("a good value: %d %s", w.Code, w.Body)
	}
	if w := mod.do("PATCH", path, patch("undescribed", "anything at all")); w.Code != 200 {
		t.Fatalf("an undescribed key: %d %s", w.Code, w.Body)
	}
	// Required in Community groups: not removed, by delete, replace or clear.
	wantRefusal(t, mod.do("PATCH", path, map[string]any{"delete": []string{"undescribed", "slowmode"}}), 400, "delete[1]",
		`Slow mode ("slowmode") is required in Community groups; it cannot be removed. Change its value instead.`)
	wantRefusal(t, mod.do("PUT", path, map[string]any{"attributes": []map[string]string{{"key": "welcome", "value": "hi"}}}), 400, "attributes", "")
	if e.attrs(community)["slowmode"] != "30" {
		t.Fatal("the required key went")
	}
	// In a Public group it may go; a deprecated key's values are still taken.
	pub := "/api/v1/groups/" + escape(public) + "/attributes"
	if w := mod.do("PATCH", pub, patch("slowmode", "10")); w.Code != 200 {
		t.Fatalf("%d %s", w.Code, w.Body)
	}
	dep := slowMode
	dep.Deprecated = &api.KeyDeprecation{ReplacedBy: "slow_mode_seconds", Note: "renamed"}
	if w := admin.do("PUT", "/api/v1/attribute-keys/slowmode", dep); w.Code != 200 {
		t.Fatalf("put again: %d %s", w.Code, w.Body)
	}
	if w := mod.do("PATCH", pub, map[string]any{"set": []map[string]string{{"key": "slowmode", "value": "20"}}}); w.Code != 200 {
		t.Fatalf("a deprecated key: %d %s", w.Code, w.Body)
	}
	if w := mod.do("PATCH", pub, map[string]any{"delete": []string{"slowmode"}}); w.Code != 200 {
		t.Fatalf("removed from a Public group: %d %s", w.Code, w.Body)
	}

	// The spec is checked, naming the field.
	bad := slowMode
	bad.Min, bad.Max = "10", "5"
	wantRefusal(t, admin.do("PUT", "/api/v1/attribute-keys/slowmode", bad), 400, "max", "")
	wantRefusal(t, admin.do("PUT", "/api/v1/attribute-keys/other", slowMode), 400, "key", "")
	wantRefusal(t, admin.do("PUT", "/api/v1/attribute-keys/slowmode", `{"key":"slowmode","labels":{"en":"S"},"type":"text","maxbytes":3}`), 400, "maxbytes", "")

	// Audited before → after.
	puts := e.records(t, api.ActionKeysPut)
	if len(puts) != 2 {
		t.Fatalf("%d keys.put entries", len(puts))
	}
	var before, after api.KeySpec
	for _, r := range puts {
		if len(r.Before) == 0 {
			mustDecode(t, r.After, &after)
			if after.Max != "600" || r.Actor != "admin" || r.Target != "attribute key slowmode" {
				t.Fatalf("first put: %+v", r)
			}
		} else {
			mustDecode(t, r.Before, &before)
			mustDecode(t, r.After, &after)
			if before.Deprecated != nil || after.Deprecated == nil || after.Deprecated.ReplacedBy != "slow_mode_seconds" {
				t.Fatalf("second put: %s → %s", r.Before, r.After)
			}
		}
	}
	if w := mod.do("DELETE", "/api/v1/attribute-keys/slowmode", nil); w.Code != 403 {
		t.Fatalf("a moderator deletes: %d", w.Code)
	}
	if w := admin.do("DELETE", "/api/v1/attribute-keys/slowmode", nil); w.Code != 204 {
		t.Fatalf("delete: %d %s", w.Code, w.Body)
	}
	wantRefusal(t, admin.do("DELETE", "/api/v1/attribute-keys/slowmode", nil), 404, "", "")
	dels := e.records(t, api.ActionKeysDelete)
	if len(dels) != 1 || len(dels[0].Before) == 0 || (len(dels[0].After) != 0 && string(dels[0].After) != "null") {
		t.Fatalf("keys.delete: %d %s → %s", len(dels), dels[0].Before, dels[0].After)
	}
	// Undescribed again: the plain rules.
	if w := mod.do("PATCH", path, patch("slowmode", "700")); w.Code != 200 {
		t.Fatalf("after delete: %d %s", w.Code, w.Body)
	}
}

// JSON values are checked against the key's JSON Schema by the library;
// a schema may not reach for files or the network.
func TestKeyRegistryJSONSchema(t *testing.T) {
	e := newEnv(t)
	admin := e.signIn("admin")
	spec := api.KeySpec{Key: "theme", Labels: api.Localized{"en": "Theme"}, Type: api.KeyTypeJSON,
		Schema: json.RawMessage(`{"type":"object","properties":{"color":{"type":"string","pattern":"^#[0-9a-f]{6}$"}},"required":["color"]}`)}
	if w := admin.do("PUT", "/api/v1/attribute-keys/theme", spec); w.Code != 201 {
		t.Fatalf("%d %s", w.Code, w.Body)
	}
	path := "/api/v1/groups/" + escape(public) + "/attributes"
	set := func(v string) any { return map[string]any{"set": []map[string]string{{"key": "theme", "value": v}}} }
	if w := admin.do("PATCH", path, set(`{"color":"#00ff00"}`)); w.Code != 200 {
		t.Fatalf("%d %s", w.Code, w.Body)
	}
	wantRefusal(t, admin.do("PATCH", path, set(`{"color":"green"}`)), 400, "set[0].value", "Theme does not match the key's JSON Schema at /color.")
	wantRefusal(t, admin.do("PATCH", path, set(`{}`)), 400, "set[0].value", "Theme does not match the key's JSON Schema.")
	wantRefusal(t, admin.do("PATCH", path, set(`{color}`)), 400, "set[0].value", "Theme must be JSON.")
	for _, schema := range []string{`{"$ref":"file:///etc/passwd"}`, `{"$ref":"https://example.com/s.json"}`, `{"type":"nonsense"}`} {
		spec.Schema = json.RawMessage(schema)
		wantRefusal(t, admin.do("PUT", "/api/v1/attribute-keys/theme", spec), 400, "schema", "")
	}
	// A reference outside the schema is said in the admin's language; the
	// checker's own English stays on one line.
	spec.Schema = json.RawMessage(`{"$ref":"https://example.com/s.json"}`)
	wantRefusal(t, admin.do("PUT", "/api/v1/attribute-keys/theme", spec, "Accept-Language", "zh-CN"), 400, "schema",
		"该 schema 引用了 https://example.com/s.json；键的 schema 只能引用其自身（#…）。")
	spec.Schema = json.RawMessage(`{"type":"nonsense"}`)
	if _, msg, _ := apiErr(t, admin.do("PUT", "/api/v1/attribute-keys/theme", spec)); !strings.HasPrefix(msg, "The schema is not a JSON Schema: ") || strings.Contains(msg, "\n") {
		t.Fatalf("%q", msg)
	}
	spec.Schema, spec.Default = json.RawMessage(`{"type":"object","required":["color"]}`), new(string)
	*spec.Default = `{}`
	wantRefusal(t, admin.do("PUT", "/api/v1/attribute-keys/theme", spec), 400, "default", "")
}

// Export and import round trip; an import is validated whole before
// anything changes, and replaces the registry.
func TestKeyRegistryImportExport(t *testing.T) {
	e := newEnv(t)
	admin := e.signIn("admin")
	region := api.KeySpec{Key: "region", Labels: api.Localized{"en": "Region", "ko": "지역"}, Type: api.KeyTypeChoice,
		Choices: []api.KeyChoice{{Value: "jp", Labels: api.Localized{"en": "Japan", "ja": "日本"}}, {Value: "kr", Labels: api.Localized{"en": "Korea"}}}}
	if w := admin.do("PUT", "/api/v1/attribute-keys/region", region); w.Code != 201 {
		t.Fatalf("%d %s", w.Code, w.Body)
	}
	if w := admin.do("PUT", "/api/v1/attribute-keys/slowmode", slowMode); w.Code != 201 {
		t.Fatalf("%d %s", w.Code, w.Body)
	}
	w := e.signIn("viewer").do("GET", "/api/v1/attribute-keys/export", nil)
	if w.Code != 200 || !strings.Contains(w.Header().Get("Content-Disposition"), "attribute-keys.json") || !strings.Contains(w.Body.String(), `"日本"`) {
		t.Fatalf("export: %d %v %s", w.Code, w.Header(), w.Body)
	}
	file := w.Body.String()
	var reg api.KeyRegistry
	mustDecode(t, w.Body.Bytes(), &reg)
	if len(reg.Keys) != 2 || reg.Keys[0].Key != "region" {
		t.Fatalf("%+v", reg)
	}
	// The same file back: nothing changes.
	var out api.KeyImported
	w = admin.do("POST", "/api/v1/attribute-keys/import", file)
	mustDecode(t, w.Body.Bytes(), &out)
	if w.Code != 200 || out != (api.KeyImported{Unchanged: 2}) {
		t.Fatalf("import the export: %d %s", w.Code, w.Body)
	}
	// A bad key anywhere: nothing changes, the field is named.
	reg.Keys = append(reg.Keys, api.KeySpec{Key: "x", Labels: api.Localized{"en": "X"}, Type: api.KeyTypeNumber, Min: "one"})
	wantRefusal(t, admin.do("POST", "/api/v1/attribute-keys/import", reg), 400, "keys[2].min", "")
	wantRefusal(t, e.signIn("mod").do("POST", "/api/v1/attribute-keys/import", reg), 403, "", "")
	// Replace, not merge: slowmode goes, region changes, theme comes.
	reg.Keys = []api.KeySpec{region, {Key: "theme", Labels: api.Localized{"en": "Theme"}, Type: api.KeyTypeText}}
	reg.Keys[0].Choices = reg.Keys[0].Choices[:1]
	w = admin.do("POST", "/api/v1/attribute-keys/import", reg)
	mustDecode(t, w.Body.Bytes(), &out)
	if w.Code != 200 || out != (api.KeyImported{Added: 1, Changed: 1, Removed: 1}) {
		t.Fatalf("import: %d %s", w.Code, w.Body)
	}
	entries, _ := e.db.Keys(context.Background())
	if len(entries) != 2 || entries[0].Key != "region" || len(entries[0].Choices) != 1 || entries[1].Key != "theme" {
		t.Fatalf("after import: %+v", entries)
	}
	recs := e.records(t, api.ActionKeysImport)
	if len(recs) != 2 {
		t.Fatalf("%d keys.import entries", len(recs))
	}
	var was, now api.KeyRegistry
	var last *sqlite.Record
	for _, r := range recs {
		if strings.Contains(r.Detail, "1 added") {
			last = r
		}
	}
	if last == nil {
		t.Fatalf("no entry of the second import: %+v", recs)
	}
	mustDecode(t, last.Before, &was)
	mustDecode(t, last.After, &now)
	if len(was.Keys) != 2 || was.Keys[1].Key != "slowmode" || len(now.Keys) != 2 || now.Keys[1].Key != "theme" {
		t.Fatalf("before %s after %s", last.Before, last.After)
	}
}

// Bulk changes: a value the registry refuses is refused when the job is
// made, at its field; a required key is refused per group when it runs.
func TestKeyRegistryBulk(t *testing.T) {
	e := newEnv(t)
	e.indexGroups()
	admin := e.signIn("admin")
	if w := admin.do("PUT", "/api/v1/attribute-keys/slowmode", slowMode); w.Code != 201 {
		t.Fatalf("%d %s", w.Code, w.Body)
	}
	mod := e.signIn("mod")
	wantRefusal(t, mod.do("POST", "/api/v1/bulk-changes", api.BulkNew{Source: api.BulkSource{IDs: []string{public}}, Op: api.BulkSet,
		Set: []api.Attr{{Key: "welcome", Value: "hi"}, {Key: "slowmode", Value: "9999"}}}, "Accept-Language", "ja"),
		400, "set[1].value", "スローモード は 0 から 600 までの整数でなければなりません。")
	for _, g := range []string{community, public} {
		if w := admin.do("PATCH", "/api/v1/groups/"+escape(g)+"/attributes", map[string]any{"set": []map[string]string{{"key": "slowmode", "value": "5"}}}); w.Code != 200 {
			t.Fatalf("%d %s", w.Code, w.Body)
		}
	}
	made := mod.newBulk(api.BulkNew{Source: api.BulkSource{IDs: []string{community, public}}, Op: api.BulkDelete, Delete: []string{"slowmode"}})
	e.runJobs()
	job := mod.bulkJob(made.Job.ID)
	if job.Preview.Changes != 1 || job.Preview.Refused != 1 {
		t.Fatalf("preview: %+v", job.Preview)
	}
	w := mod.do("GET", "/api/v1/bulk-changes/"+strconv.FormatInt(made.Job.ID, 10)+"/groups", nil, "Accept-Language", "zh-CN")
	if !strings.Contains(w.Body.String(), "慢速模式（\\\"slowmode\\\"）在 Community 群组中是必填的") && !strings.Contains(w.Body.String(), `慢速模式（\"slowmode\"）在 Community 群组中是必填的`) {
		t.Fatalf("the refused group's reason: %s", w.Body)
	}
}
