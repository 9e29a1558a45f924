//go:build !wasm

package main

import (
	"fmt"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/maxence-charriere/go-app/v10/pkg/app"
)

// serve is the floor's server: floor DIR ADDR, where DIR holds web/app.wasm
// and web/app.wasm.br. It is built apart from the browser's code, as
// imdesk's is, so the floor's app.wasm holds only go-app and the page.
func serve() {
	dir, addr := os.Args[1], os.Args[2]
	wasm, err := os.ReadFile(filepath.Join(dir, "web", "app.wasm"))
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	br, err := os.ReadFile(filepath.Join(dir, "web", "app.wasm.br"))
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	h := &app.Handler{Name: "Hello", Description: "An Hello World! example", Version: "floor",
		WasmContentLength: strconv.Itoa(len(wasm)), WasmContentLengthHeader: "X-Uncompressed-Length"}
	mux := http.NewServeMux()
	mux.HandleFunc("/web/app.wasm", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/wasm")
		w.Header().Set("X-Uncompressed-Length", strconv.Itoa(len(wasm)))
		w.Header().Set("Vary", "Accept-Encoding")
		body := wasm
		if strings.Contains(r.Header.Get("Accept-Encoding"), "br") {
			w.Header().Set("Content-Encoding", "br")
			body = br
		}
		w.Write(body)
	})
	mux.Handle("/", h)
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	fmt.Printf("floor is listening on http://%s\n", ln.Addr())
	http.Serve(ln, mux)
}
