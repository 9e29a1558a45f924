//go:build !wasm

package main

import "github.com/imdesk/imdesk/server/i18n"

// message is the text of key in the language of the page the server is
// rendering (i18n.Render).
func message(key string) string { return i18n.Rendering().Text(key) }

// pageLang is the language tag of the page being rendered.
func pageLang() string { return i18n.Rendering().Lang }

// chooseLanguage is the browser's (i18n_wasm.go).
func chooseLanguage(string) {}
