package main

import "github.com/maxence-charriere/go-app/v10/pkg/app"

// typedBeforeStart returns what was typed into the field with this id of the
// server-rendered page before the app took over (web/boot.js keeps it), and
// forgets it, so it is put back once.
func typedBeforeStart(id string) (string, bool) {
	if app.IsServer {
		return "", false
	}
	typed := app.Window().Get("imdeskTyped")
	if !typed.Truthy() {
		return "", false
	}
	v := typed.Get(id)
	if v.Type() != app.TypeString {
		return "", false
	}
	typed.Delete(id)
	return v.String(), true
}

// refocusAfterStart puts the focus back where it was in the server-rendered
// page, once the app has rendered its own.
func refocusAfterStart(ctx app.Context) {
	if app.IsServer {
		return
	}
	id := app.Window().Get("imdeskFocus")
	if id.Type() != app.TypeString {
		return
	}
	app.Window().Set("imdeskFocus", app.Null())
	ctx.Defer(func(app.Context) { focus(id.String()) })
}
