package main

import (
	"testing"

	"github.com/imdesk/imdesk/server/api"
)

func TestShellSignOutAndDemoNotice(t *testing.T) {
	f := newFakeAPI(t)
	s := &shell{ctx: f.ctx}
	currentSession = &api.Session{Username: "mod", Role: api.RoleModerator}
	act(f, s, "hide-demo", "")
	if !s.demoHidden {
		t.Error("the demo notice is still shown")
	}
	var hidden bool
	if f.ctx.SessionStorage().Get(demoHiddenKey, &hidden); !hidden {
		t.Error("hiding the demo notice is not kept for the session")
	}
	act(f, s, "signout", "")
	f.run()
	f.sentTo(0, "DELETE", "/api/v1/session")
	if currentSession != nil {
		t.Error("the session is kept after signing out")
	}
}
