package main

import (
	"slices"
	"testing"

	"github.com/imdesk/imdesk/server/api"
)

func accountsFor(f *fakeAPI) *accountsPage {
	p := &accountsPage{}
	p.beginReady(f.ctx)
	p.list = []api.Account{{Name: "bob", Role: api.RoleModerator, ScopeWords: "1 group", Sessions: 1}, {Name: "carol", Role: api.RoleViewer, Disabled: true}}
	return p
}

func TestAccountsResetAfterConfirmation(t *testing.T) {
	f := newFakeAPI(t)
	p := accountsFor(f)
	shows(t, p.Render(), "Enable") // carol is disabled: her toggle enables
	act(f, p, "reset", argOf("bob"))
	if p.confirm == nil || p.confirm.action != "reset" || p.confirm.account != "bob" {
		t.Fatalf("confirm %+v", p.confirm)
	}
	f.run()
	if f.calls() != 0 {
		t.Fatal("reset before confirmation")
	}
	f.then(answer(200, api.OneTimePassword{Account: p.list[0], Password: "tmp-123"}))
	act(f, p, "confirm", "")
	f.run()
	f.sentTo(0, "POST", "/api/v1/accounts/bob/password")
	if p.shown == nil || p.shown.Password != "tmp-123" || p.confirm != nil {
		t.Errorf("shown %+v confirm %+v", p.shown, p.confirm)
	}
	if r := f.request(1); r.path != "/api/v1/accounts" {
		t.Errorf("the list is not read again: %s", r.path)
	}
}

func TestAccountsScopeFromTheGroupFinder(t *testing.T) {
	f := newFakeAPI(t)
	p := accountsFor(f)
	act(f, p, "edit", argOf("bob"))
	if p.form == nil || p.form.existing == nil || p.form.existing.Name != "bob" {
		t.Fatalf("form %+v", p.form)
	}
	act(f, p, "scope-add", argOf("scope-members", "@g:1"))
	act(f, p, "scope-add", argOf("scope-groups", "@g:1"))
	if !slices.Equal(p.form.scope.MembersOf, []string{"@g:1"}) || !slices.Equal(p.form.scope.Groups, []string{"@g:1"}) {
		t.Errorf("scope %+v", p.form.scope)
	}
	act(f, p, "scope-remove", argOf("scope-groups", "@g:1"))
	if len(p.form.scope.Groups) != 0 || len(p.form.scope.MembersOf) != 1 {
		t.Errorf("after remove: %+v", p.form.scope)
	}
	shows(t, p.formView(), "@g:1")
}
