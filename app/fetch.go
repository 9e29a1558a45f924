package main

import (
	"encoding/json"
	"net/url"
	"reflect"
	"strings"

	"github.com/maxence-charriere/go-app/v10/pkg/app"

	"github.com/imdesk/imdesk/server/api"
)

// response is an API answer as the pages use it.
type response struct {
	status     int
	body       []byte
	retryAfter string
	err        *api.Error // set for every answer that is not 2xx, and for network failures
}

func (r response) ok() bool { return r.err == nil }

// callAPI calls the panel's JSON API with the browser's own fetch (through
// syscall/js), not net/http, which would add about 0.85 MB (brotli) to
// app.wasm. It blocks, so call it from ctx.Async, never on the UI
// goroutine. in, when not nil, is sent as JSON.
func callAPI(method, path string, in any, header map[string]string) response {
	if app.IsServer {
		// Prerendering on the server has no browser to fetch with.
		return response{err: &api.Error{Code: "internal", Message: message("ErrUnexpected")}}
	}
	if offline && method != "GET" {
		// Nothing is sent that cannot arrive (offline.go); the edits stay.
		return response{err: &api.Error{Code: "network", Message: message("ErrOffline")}}
	}
	headers := map[string]any{"Accept": "application/json"}
	for k, v := range header {
		headers[k] = v
	}
	opts := map[string]any{"method": method, "credentials": "same-origin", "cache": "no-store"}
	if in != nil {
		b, err := json.Marshal(in)
		if err != nil {
			return response{err: &api.Error{Code: "internal", Message: message("ErrUnexpected")}}
		}
		headers["Content-Type"] = "application/json"
		opts["body"] = string(b)
	}
	opts["headers"] = headers

	res, ok := await(app.Window().Call("fetch", path, opts))
	var text app.Value
	if ok {
		text, ok = await(res.Call("text"))
	}
	if !ok {
		return response{err: &api.Error{Code: "network", Message: message("ErrNetwork")}}
	}
	h := res.Get("headers")
	get := func(name string) string {
		if v := h.Call("get", name); v.Truthy() {
			return v.String()
		}
		return ""
	}
	out := response{status: res.Get("status").Int(), body: []byte(text.String()), retryAfter: get("Retry-After")}
	if out.status < 200 || out.status > 299 {
		var e struct {
			Error api.Error `json:"error"`
		}
		if json.Unmarshal(out.body, &e) != nil || e.Error.Message == "" {
			e.Error = api.Error{Code: "unexpected", Message: message("ErrUnexpected"), RequestID: get("X-Request-Id")}
		}
		out.err = &e.Error
	}
	return out
}

// decode reads a successful answer into v, or returns the answer's error.
func (r response) decode(v any) *api.Error {
	if r.err != nil {
		return r.err
	}
	// Into a fresh value, then in place: encoding/json fills an existing
	// slice's elements where they are and keeps what the answer leaves out
	// (a new account in a reloaded list kept the last sign-in of the
	// account that stood there before), and a failed decode must leave
	// nothing half-filled.
	fresh := reflect.New(reflect.TypeOf(v).Elem())
	if err := json.Unmarshal(r.body, fresh.Interface()); err != nil {
		return &api.Error{Code: "unexpected", Message: message("ErrUnexpected")}
	}
	reflect.ValueOf(v).Elem().Set(fresh.Elem())
	return nil
}

// groupPath is the API path of a group; IDs hold #, so they are escaped.
func groupPath(id string) string { return "/api/v1/groups/" + url.PathEscape(id) }

// signInURL is the sign-in page, to come back to the current page after.
func signInURL() string {
	u := app.Window().URL()
	next := u.Path
	if u.RawQuery != "" {
		next += "?" + u.RawQuery
	}
	if next == pathSignIn || strings.HasPrefix(next, pathSignIn+"?") {
		next = pathHome
	}
	return pathSignIn + "?next=" + url.QueryEscape(next)
}

// needSignIn sends the browser to the sign-in page when an answer says the
// session has ended, and reports whether it did.
func needSignIn(ctx app.Context, r response) bool {
	if r.status != 401 || app.Window().URL().Path == pathSignIn {
		return false // on the sign-in page a 401 is the answer to a wrong password
	}
	if currentSession != nil && r.err != nil {
		signInNote = r.err.Message // why the session ended, said on the sign-in page
	}
	currentSession = nil
	signedOut(ctx)    // what the account kept on the device goes with its session (kept.go)
	setUnsaved(false) // kept as a draft (keepDraft) where the page can
	replaceTo(signInURL())
	return true
}

// await waits for a JavaScript promise; ok is false if it was rejected.
// Call it off the UI goroutine.
func await(promise app.Value) (v app.Value, ok bool) {
	done := make(chan struct{})
	then := app.FuncOf(func(_ app.Value, args []app.Value) any {
		if len(args) > 0 {
			v = args[0]
		}
		ok = true
		close(done)
		return nil
	})
	catch := app.FuncOf(func(app.Value, []app.Value) any { close(done); return nil })
	promise.Call("then", then, catch)
	<-done
	then.Release()
	catch.Release()
	return v, ok
}
