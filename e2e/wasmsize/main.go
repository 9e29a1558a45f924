// Command wasmsize says where the bytes of a Go WebAssembly binary come
// from: the size of every function's code, summed per package, from the
// binary's code section and its "name" section (build without -s to keep
// the names). Data segments (strings, tables, type descriptors) are summed
// apart. `make bench` runs it on app.wasm and on the floor's.
//
//	wasmsize [-n 40] [-funcs] app.wasm
package main

import (
	"bytes"
	"compress/flate"
	"encoding/binary"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"
)

func main() {
	top := flag.Int("n", 40, "packages (or functions) to list")
	funcs := flag.Bool("funcs", false, "list functions instead of packages")
	flag.Parse()
	if flag.NArg() != 1 {
		fmt.Fprintln(os.Stderr, "usage: wasmsize [-n N] [-funcs] FILE.wasm")
		os.Exit(2)
	}
	b, err := os.ReadFile(flag.Arg(0))
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	m, err := parse(b)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	sizes := map[string]int{}
	bodies := map[string][][]byte{}
	for i, body := range m.code {
		name := m.names[m.imports+i]
		key := name
		if !*funcs {
			key = packageOf(name)
		}
		sizes[key] += len(body)
		bodies[key] = append(bodies[key], body)
	}
	keys := make([]string, 0, len(sizes))
	for k := range sizes {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool { return sizes[keys[i]] > sizes[keys[j]] })
	total := 0
	for _, n := range sizes {
		total += n
	}
	fmt.Printf("%d bytes in all; code %d in %d functions, data %d\n", len(b), total, len(m.code), m.data)
	fmt.Printf("%10s %10s  %s\n", "code", "deflated", "package")
	for i, k := range keys {
		if i == *top {
			break
		}
		fmt.Printf("%10d %10d  %s\n", sizes[k], deflated(bodies[k]), k)
	}
}

// deflated is a rough share of the compressed size: the bodies deflated
// together (brotli of the whole file compresses across packages too).
func deflated(bodies [][]byte) int {
	var buf bytes.Buffer
	w, _ := flate.NewWriter(&buf, flate.BestCompression)
	for _, b := range bodies {
		w.Write(b)
	}
	w.Close()
	return buf.Len()
}

// packageOf is the package path of a Go symbol name such as
// "github.com/x/y.(*T).M" or "main.f.func1".
func packageOf(name string) string {
	if name == "" {
		return "?"
	}
	// The wasm name section writes a path's slashes as underscores:
	// github.com_maxence_charriere_go_app_v10_pkg_app.(*T).M. A module
	// path's host has dots of its own, so the package ends at the first
	// dot after it.
	start := strings.LastIndexByte(name, '/') + 1
	for _, host := range []string{"github.com_", "golang.org_", "google.golang.org_", "gopkg.in_"} {
		if strings.HasPrefix(name[start:], host) {
			start += len(host)
		}
	}
	if dot := strings.IndexByte(name[start:], '.'); dot >= 0 {
		return name[:start+dot]
	}
	return name
}

type module struct {
	imports int      // imported functions come first in the index space
	code    [][]byte // function bodies, in index order after the imports
	names   map[int]string
	data    int
}

func parse(b []byte) (*module, error) {
	if len(b) < 8 || string(b[:4]) != "\x00asm" {
		return nil, errors.New("not a WebAssembly binary")
	}
	m := &module{names: map[int]string{}}
	r := &reader{b: b[8:]}
	for r.more() {
		id := r.byte()
		size := int(r.uleb())
		sec := &reader{b: r.take(size)}
		switch id {
		case 2: // imports
			for n := int(sec.uleb()); n > 0; n-- {
				sec.name()
				sec.name()
				switch kind := sec.byte(); kind {
				case 0:
					sec.uleb()
					m.imports++
				case 1:
					sec.byte()
					limits(sec)
				case 2:
					limits(sec)
				case 3:
					sec.byte()
					sec.byte()
				}
			}
		case 10: // code
			for n := int(sec.uleb()); n > 0; n-- {
				m.code = append(m.code, sec.take(int(sec.uleb())))
			}
		case 11: // data
			m.data += size
		case 0: // custom
			if sec.name() != "name" {
				continue
			}
			for sec.more() {
				sub := sec.byte()
				body := &reader{b: sec.take(int(sec.uleb()))}
				if sub != 1 {
					continue
				}
				for n := int(body.uleb()); n > 0; n-- {
					idx := int(body.uleb())
					m.names[idx] = body.name()
				}
			}
		}
		if r.err != nil || sec.err != nil {
			return nil, errors.Join(r.err, sec.err)
		}
	}
	if len(m.names) == 0 {
		return nil, errors.New("no name section: build without -ldflags=-s")
	}
	return m, nil
}

func limits(r *reader) {
	if r.byte()&1 == 1 {
		r.uleb()
	}
	r.uleb()
}

type reader struct {
	b   []byte
	err error
}

func (r *reader) more() bool { return r.err == nil && len(r.b) > 0 }

func (r *reader) byte() byte {
	if len(r.b) == 0 {
		r.err = io.ErrUnexpectedEOF
		return 0
	}
	c := r.b[0]
	r.b = r.b[1:]
	return c
}

func (r *reader) take(n int) []byte {
	if n > len(r.b) {
		r.err = io.ErrUnexpectedEOF
		n = len(r.b)
	}
	out := r.b[:n]
	r.b = r.b[n:]
	return out
}

func (r *reader) uleb() uint64 {
	v, n := binary.Uvarint(r.b)
	if n <= 0 {
		r.err = io.ErrUnexpectedEOF
		return 0
	}
	r.b = r.b[n:]
	return v
}

func (r *reader) name() string { return string(r.take(int(r.uleb()))) }
