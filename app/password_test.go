package main

import "testing"

func TestPasswordRefusedBeforeSending(t *testing.T) {
	f, p := pageOn(t, &passwordPage{})
	typed(f, p, "current", "", "old-password-1")
	typed(f, p, "next", "", "short")
	act(f, p, "submit", "")
	if p.err == nil || p.err.Field != "new" {
		t.Errorf("a short password: %v", p.err)
	}
	typed(f, p, "next", "", "a-long-new-password")
	typed(f, p, "repeat", "", "a-long-new-passw0rd")
	act(f, p, "submit", "")
	if p.err == nil || p.err.Field != "repeat" {
		t.Errorf("a repeat that differs: %v", p.err)
	}
	f.run()
	if f.calls() != 0 {
		t.Fatal("a refused password was sent")
	}
	shows(t, p.Render(), "The two new passwords are not the same.")

	typed(f, p, "repeat", "", "a-long-new-password")
	f.then(answer(200, map[string]any{"username": "alice", "role": "moderator"}))
	act(f, p, "submit", "")
	f.run()
	if r := f.request(0); r.path != "/api/v1/session/password" || r.body != `{"current":"old-password-1","new":"a-long-new-password"}` {
		t.Errorf("sent %s %s", r.path, r.body)
	}
	if !p.done || p.current != "" || p.next != "" {
		t.Errorf("done %v, the fields kept", p.done)
	}
}
