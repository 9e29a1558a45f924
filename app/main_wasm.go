//go:build wasm

package main

// serverMain is never reached in the browser: app.RunWhenOnBrowser blocks.
func serverMain() {}
