package main

import (
	"strings"
	"testing"

	"github.com/imdesk/imdesk/server/api"
)

func keysPageFor(f *fakeAPI) *keysPage {
	p := &keysPage{}
	p.beginReady(f.ctx)
	p.list = api.KeyList{Keys: testKeys()}
	return p
}

func TestKeysListAndDescribeANumber(t *testing.T) {
	f := newFakeAPI(t)
	currentSession = &api.Session{Role: api.RoleAdmin}
	p := keysPageFor(f)
	shows(t, p.body(), "Slow mode", "<code>slowmode</code>", "Replaced by theme_v2", `href="/api/v1/attribute-keys/export"`, `type="file"`)

	act(f, p, "add", "")
	typed(f, p, "kf-key", "", "wait")
	typed(f, p, "kf-type", "", api.KeyTypeNumber)
	shows(t, p.body(), `id="kf-min"`, `id="kf-integer"`)
	act(f, p, "kf-submit", "")
	if !strings.Contains(p.form.err, "labels.en") || f.calls() != 0 {
		t.Errorf("fault %q, %d calls", p.form.err, f.calls())
	}
	typed(f, p, "kf-label", argOf("en"), "Wait")
	typed(f, p, "kf-label", argOf("ja"), "待ち時間")
	tick(f, p, "kf-integer", "", true)
	typed(f, p, "kf-min", "", "0")
	typed(f, p, "kf-max", "", "600")
	typed(f, p, "kf-team", "", "Trust & Safety")
	tick(f, p, "kf-required", argOf("Public"), true)
	f.then(answer(201, api.KeyEntry{}), answer(200, api.KeyList{Keys: testKeys()}))
	act(f, p, "kf-submit", "")
	f.run()
	r := f.request(0)
	want := `{"key":"wait","labels":{"en":"Wait","ja":"待ち時間"},"type":"number","integer":true,"min":"0","max":"600","requiredIn":["Public"],"owner":{"team":"Trust \u0026 Safety"}}`
	if r.method != "PUT" || r.path != "/api/v1/attribute-keys/wait" || r.body != want {
		t.Errorf("sent %s %s %s", r.method, r.path, r.body)
	}
	if p.form != nil || p.notice != "wait is described." {
		t.Errorf("form %v notice %q", p.form, p.notice)
	}
}

func TestKeysEditDeleteImport(t *testing.T) {
	f := newFakeAPI(t)
	currentSession = &api.Session{Role: api.RoleAdmin}
	p := keysPageFor(f)
	act(f, p, "edit", argOf("region"))
	if p.form == nil || !p.form.existing || len(p.form.spec.Choices) != 2 {
		t.Fatalf("form %+v", p.form)
	}
	shows(t, p.body(), `value="jp"`, `value="Japan"`, "Change region")
	act(f, p, "kf-cancel", "")

	act(f, p, "delete", argOf("theme"))
	shows(t, p.dialogView(), "Delete the description of theme?", "Theme (theme)")
	f.then(answer(204, nil), answer(200, api.KeyList{}))
	act(f, p, "confirm-delete", "")
	f.run()
	f.sentTo(0, "DELETE", "/api/v1/attribute-keys/theme")

	p.chosen("nonsense.json", "nope")
	if p.pending != nil || p.actErr == nil {
		t.Error("a file that is not JSON is offered to import")
	}
	file := `{"keys":[{"key":"a","labels":{"en":"A"},"type":"text"}]}`
	p.chosen("keys.json", file)
	shows(t, p.dialogView(), "keys.json describes 1 key;")
	f.then(answer(200, api.KeyImported{Unchanged: 1}), answer(200, api.KeyList{}))
	act(f, p, "confirm-import", "")
	f.run()
	if r := f.request(2); r.method != "POST" || r.path != "/api/v1/attribute-keys/import" || r.body != file {
		t.Errorf("sent %s %s %s", r.method, r.path, r.body)
	}
	if p.notice != "Imported: 0 added, 0 changed, 0 removed, 1 unchanged." || p.pending != nil {
		t.Errorf("notice %q", p.notice)
	}
}

func TestKeysForAdminsOnly(t *testing.T) {
	f := newFakeAPI(t)
	currentSession = &api.Session{Role: api.RoleModerator}
	p := keysPageFor(f)
	hides(t, p.body(), "kf-key", "Describe a key", "keys-import")
}
