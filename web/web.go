// Package web holds the panel's static assets: icons, the style sheet and,
// once `make build` has run, app.wasm with its brotli and gzip variants and the
// toolchain's wasm_exec.js. They are embedded so that the imdesk binary is
// self-contained.
package web

import "embed"

// Files is everything in this folder. The pattern is a wildcard so that the
// server package compiles on a clean clone, before app.wasm exists; the server
// reports a missing app.wasm at start and in /readyz.
//
//go:embed *
var Files embed.FS
