//go:build wasm

package main

import "github.com/maxence-charriere/go-app/v10/pkg/app"

// The browser's words come from the catalogue the server put in the page
// (<script type="application/json" id="imdesk-i18n">), read once and looked
// up as they are needed.
var words struct {
	loaded bool
	lang   string
	js     app.Value // the parsed catalogue
	cache  map[string]string
}

func loadWords() {
	words.loaded, words.cache, words.lang = true, map[string]string{}, "en"
	el := app.Window().Get("document").Call("getElementById", "imdesk-i18n")
	if !el.Truthy() {
		return
	}
	words.lang = el.Call("getAttribute", "data-lang").String()
	words.js = app.Window().Get("JSON").Call("parse", el.Get("textContent"))
	// A page from the service worker's cache (the home page) keeps the
	// language it was cached in; the language chosen since wins.
	if chosen := app.Window().Get("localStorage").Call("getItem", langKey); chosen.Truthy() && chosen.String() != words.lang {
		// Offline, without the catalogue in the service worker's cache, the
		// request throws: the page's own language is kept.
		defer func() { _ = recover() }()
		xhr := app.Window().Get("XMLHttpRequest").New()
		xhr.Call("open", "GET", "/i18n/"+chosen.String()+".json", false) // rare, and needed before the first render
		xhr.Call("send")
		if xhr.Get("status").Int() == 200 {
			words.lang = chosen.String()
			words.js = app.Window().Get("JSON").Call("parse", xhr.Get("responseText"))
			app.Window().Get("document").Get("documentElement").Set("lang", words.lang)
		}
	}
}

// langKey keeps the chosen language on the device (beside the cookie, which
// tells the server).
const langKey = "imdesk.lang"

// chooseLanguage remembers lang on the device and for the server, and loads
// the page again in it: the server renders every page in its reader's
// language, so the first paint is in it too.
func chooseLanguage(lang string) {
	app.Window().Get("localStorage").Call("setItem", langKey, lang)
	app.Window().Get("document").Set("cookie", "imdesk-lang="+lang+"; path=/; max-age=31536000; SameSite=Strict")
	app.Window().Get("location").Call("reload")
}

// message is the text of key in the page's language; the key itself when
// the catalogue lacks it (TestViewsUseKnownKeys keeps that from happening).
func message(key string) string {
	if !words.loaded {
		loadWords()
	}
	if t, ok := words.cache[key]; ok {
		return t
	}
	t := key
	if words.js.Truthy() {
		if v := words.js.Get(key); v.Type() == app.TypeString {
			t = v.String()
		}
	}
	words.cache[key] = t
	return t
}

// pageLang is the language tag of the page's catalogue.
func pageLang() string {
	if !words.loaded {
		loadWords()
	}
	return words.lang
}
