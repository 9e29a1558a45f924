package server

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io/fs"
	"net/http"
	"path"
	"strconv"
	"strings"
	"time"
)

// asset is one embedded file, with its pre-compressed variants when the build
// made them.
type asset struct {
	name        string
	contentType string
	etag        string
	raw, br, gz []byte
}

// assets serves the embedded web/ folder under /web/. Files are read once at
// start; compressed variants (name.br, name.gz) are chosen by Accept-Encoding,
// and go-app's own resources at the root (app.js, manifest) are left to it.
type assets struct {
	files map[string]*asset // by name inside web/, e.g. "app.wasm"
}

// servedTypes lists what may be served from web/: the Go source of the embed
// package, and anything unexpected, stays private.
var servedTypes = map[string]string{
	".wasm":        "application/wasm",
	".js":          "text/javascript; charset=utf-8",
	".css":         "text/css; charset=utf-8",
	".png":         "image/png",
	".svg":         "image/svg+xml",
	".txt":         "text/plain; charset=utf-8",
	".webmanifest": "application/manifest+json",
}

func loadAssets(fsys fs.FS) (*assets, error) {
	a := &assets{files: map[string]*asset{}}
	err := fs.WalkDir(fsys, ".", func(name string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		ext := path.Ext(name)
		if ext == ".br" || ext == ".gz" {
			return nil // attached to their originals below
		}
		ctype, ok := servedTypes[ext]
		if !ok {
			return nil
		}
		raw, err := fs.ReadFile(fsys, name)
		if err != nil {
			return err
		}
		sum := sha256.Sum256(raw)
		f := &asset{name: name, contentType: ctype, raw: raw, etag: `"` + hex.EncodeToString(sum[:8]) + `"`}
		f.br, _ = fs.ReadFile(fsys, name+".br")
		f.gz, _ = fs.ReadFile(fsys, name+".gz")
		a.files[name] = f
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("load web assets: %w", err)
	}
	return a, nil
}

// get returns the named asset or nil.
func (a *assets) get(name string) *asset { return a.files[name] }

// ServeHTTP serves /web/{name}.
func (a *assets) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	f := a.get(strings.TrimPrefix(r.URL.Path, "/web/"))
	if f == nil {
		http.NotFound(w, r)
		return
	}
	f.serve(w, r)
}

// serve writes the asset, compressed when the client accepts it. Assets are
// revalidated on every use (no-cache + ETag): the service worker keeps the
// offline copy, and a new deployment is never hidden behind a stale cache.
func (f *asset) serve(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	h.Set("Content-Type", f.contentType)
	h.Set("Cache-Control", "no-cache")
	h.Add("Vary", "Accept-Encoding")
	body, etag := f.raw, f.etag
	switch accepts := r.Header.Get("Accept-Encoding"); {
	case f.br != nil && acceptsEncoding(accepts, "br"):
		body, etag = f.br, strings.TrimSuffix(etag, `"`)+`-br"`
		h.Set("Content-Encoding", "br")
	case f.gz != nil && acceptsEncoding(accepts, "gzip"):
		body, etag = f.gz, strings.TrimSuffix(etag, `"`)+`-gz"`
		h.Set("Content-Encoding", "gzip")
	}
	h.Set("ETag", etag)
	if f.contentType == "application/wasm" {
		// go-app's loader shows progress against the uncompressed size.
		h.Set("X-Uncompressed-Length", strconv.Itoa(len(f.raw)))
	}
	http.ServeContent(w, r, "", time.Time{}, bytes.NewReader(body))
}

// acceptsEncoding reports whether an Accept-Encoding header allows coding.
func acceptsEncoding(header, coding string) bool {
	for part := range strings.SplitSeq(header, ",") {
		name, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		if !strings.EqualFold(strings.TrimSpace(name), coding) {
			continue
		}
		params = strings.ReplaceAll(params, " ", "")
		return params != "q=0" && params != "q=0.0" && params != "q=0.00" && params != "q=0.000"
	}
	return false
}
