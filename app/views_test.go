package main

import (
	"bufio"
	"bytes"
	"fmt"
	"go/ast"
	gobuild "go/build"
	"go/constant"
	"go/importer"
	"go/parser"
	"go/token"
	"go/types"
	"io"
	"os"
	"os/exec"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// TestViewsAreChecked reads the package as the compiler does and checks
// what the view engine cannot check at run time:
//
//   - every view parses;
//   - every call of a view's ui or uis gives exactly as many values as the
//     view has holes, and the view uses each of them; every call of with or
//     withs names each hole of the view once, and nothing else;
//   - an on: event whose name is a hole is given a constant;
//   - every on: event that a page's Render can show (through any function
//     it calls) has a case in a switch on the event's name in the page's
//     act (or a function act calls, such as the user finder's), and every
//     such case is an event the page can show.
func TestViewsAreChecked(t *testing.T) {
	a := loadApp(t)
	views := a.views(t)
	facts := map[*types.Func]*funcFacts{}
	for fn, decl := range a.funcs {
		facts[fn] = a.factsOf(t, decl, views)
	}
	closure := func(root *types.Func, pick func(*funcFacts) map[string]bool) map[string]bool {
		out, seen, todo := map[string]bool{}, map[*types.Func]bool{root: true}, []*types.Func{root}
		for len(todo) > 0 {
			f := facts[todo[0]]
			todo = todo[1:]
			if f == nil {
				continue
			}
			for n := range pick(f) {
				out[n] = true
			}
			for c := range f.callees {
				if !seen[c] {
					seen[c] = true
					todo = append(todo, c)
				}
			}
		}
		return out
	}
	actor := a.pkg.Scope().Lookup("actor").Type().Underlying().(*types.Interface)
	pages := 0
	for _, name := range a.pkg.Scope().Names() {
		tn, ok := a.pkg.Scope().Lookup(name).(*types.TypeName)
		if !ok || !types.Implements(types.NewPointer(tn.Type()), actor) {
			continue
		}
		render := method(tn, "Render", a.pkg)
		act := method(tn, "act", a.pkg)
		if render == nil || act == nil {
			continue
		}
		pages++
		shown := closure(render, func(f *funcFacts) map[string]bool { return f.events })
		handled := closure(act, func(f *funcFacts) map[string]bool { return f.cases })
		for _, n := range sortedKeys(shown) {
			if !handled[n] {
				t.Errorf("%s: its views have on:…=%q, which act has no case for", name, n)
			}
		}
		for _, n := range sortedKeys(handled) {
			if !shown[n] {
				t.Errorf("%s: act has a case %q that none of its views names", name, n)
			}
		}
	}
	if pages < 10 {
		t.Errorf("found %d pages with Render and act; the test no longer sees them", pages)
	}
}

// appPackage is the app package type-checked for the host.
type appPackage struct {
	fset  *token.FileSet
	files []*ast.File
	pkg   *types.Package
	info  *types.Info
	funcs map[*types.Func]*ast.FuncDecl
}

func loadApp(t *testing.T) *appPackage {
	t.Helper()
	// The compiled export data of every dependency, from the build cache.
	out, err := exec.Command("go", "list", "-export", "-deps", "-f", "{{if .Export}}{{.ImportPath}}={{.Export}}{{end}}", ".").Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	exports := map[string]string{}
	for sc := bufio.NewScanner(bytes.NewReader(out)); sc.Scan(); {
		if path, file, ok := strings.Cut(sc.Text(), "="); ok {
			exports[path] = file
		}
	}
	bp, err := gobuild.Default.ImportDir(".", 0)
	if err != nil {
		t.Fatal(err)
	}
	// The package is read as built for the host: a view in a file built
	// only for the browser would go unchecked.
	for _, name := range bp.IgnoredGoFiles {
		if src, _ := os.ReadFile(name); bytes.Contains(src, []byte("&view{")) {
			t.Errorf("%s: views belong in files built everywhere, where this test reads them", name)
		}
	}
	a := &appPackage{fset: token.NewFileSet(), funcs: map[*types.Func]*ast.FuncDecl{}}
	for _, name := range bp.GoFiles {
		f, err := parser.ParseFile(a.fset, name, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		a.files = append(a.files, f)
	}
	conf := types.Config{Importer: importer.ForCompiler(a.fset, "gc", func(path string) (io.ReadCloser, error) {
		if file, ok := exports[path]; ok {
			return os.Open(file)
		}
		return nil, fmt.Errorf("no export data for %s", path)
	})}
	a.info = &types.Info{Types: map[ast.Expr]types.TypeAndValue{}, Defs: map[*ast.Ident]types.Object{}, Uses: map[*ast.Ident]types.Object{}}
	if a.pkg, err = conf.Check("main", a.fset, a.files, a.info); err != nil {
		t.Fatal(err)
	}
	for _, f := range a.files {
		for _, d := range f.Decls {
			if fd, ok := d.(*ast.FuncDecl); ok && fd.Body != nil {
				a.funcs[a.info.Defs[fd.Name].(*types.Func)] = fd
			}
		}
	}
	return a
}

// method is T's (or *T's) method name, promoted ones included, when it is
// declared in pkg.
func method(tn *types.TypeName, name string, pkg *types.Package) *types.Func {
	obj, _, _ := types.LookupFieldOrMethod(types.NewPointer(tn.Type()), true, pkg, name)
	fn, _ := obj.(*types.Func)
	if fn == nil || fn.Pkg() != pkg {
		return nil
	}
	return fn
}

// viewFacts is what a view's markup asks of its callers.
type viewFacts struct {
	name   string
	names  []string // of its named holes, by index; nil when numbered
	holes  int      // the values a call must give
	used   []bool   // by hole
	events []viewEvent
}

// viewEvent is an on: attribute: a name, or the hole that gives it.
type viewEvent struct {
	name string
	hole int
}

// views finds every package-level `var x = &view{src: …}` and reads its
// markup.
func (a *appPackage) views(t *testing.T) map[types.Object]*viewFacts {
	out := map[types.Object]*viewFacts{}
	for _, f := range a.files {
		for _, d := range f.Decls {
			gd, ok := d.(*ast.GenDecl)
			if !ok || gd.Tok != token.VAR {
				continue
			}
			for _, spec := range gd.Specs {
				vs := spec.(*ast.ValueSpec)
				for i, v := range vs.Values {
					u, ok := v.(*ast.UnaryExpr)
					if !ok {
						continue
					}
					lit, ok := u.X.(*ast.CompositeLit)
					if id, isIdent := lit.Type.(*ast.Ident); !ok || !isIdent || id.Name != "view" {
						continue
					}
					src, err := strconv.Unquote(lit.Elts[0].(*ast.KeyValueExpr).Value.(*ast.BasicLit).Value)
					if err != nil {
						t.Fatal(err)
					}
					vf := &viewFacts{name: vs.Names[i].Name}
					func() {
						defer func() {
							if r := recover(); r != nil {
								t.Errorf("%s: %v", a.fset.Position(lit.Pos()), r)
							}
						}()
						vp := &viewParser{s: src}
						vf.read(vp.nodes(""))
						vf.names = vp.names
					}()
					for _, ev := range vf.events {
						if ev.hole < 0 && ev.name == "" {
							t.Errorf("%s: view %s has an on: attribute that is neither a name nor one hole", a.fset.Position(lit.Pos()), vf.name)
						}
					}
					out[a.info.Defs[vs.Names[i]]] = vf
				}
			}
		}
	}
	return out
}

func (vf *viewFacts) use(h int) {
	for len(vf.used) <= h {
		vf.used = append(vf.used, false)
	}
	vf.used[h] = true
	vf.holes = max(vf.holes, h+1)
}

func (vf *viewFacts) usePieces(ps []piece) {
	for _, p := range ps {
		if p.hole >= 0 {
			vf.use(p.hole)
		}
		for _, h := range p.args {
			vf.use(h)
		}
	}
}

func (vf *viewFacts) read(nodes []vnode) {
	for _, n := range nodes {
		vf.usePieces(n.text)
		for _, at := range n.attrs {
			vf.usePieces(at.value)
			if !strings.HasPrefix(at.name, "on:") {
				continue
			}
			switch {
			case len(at.value) == 1 && at.value[0].hole >= 0:
				vf.events = append(vf.events, viewEvent{hole: at.value[0].hole})
			case len(at.value) == 1 && at.value[0].key == "":
				vf.events = append(vf.events, viewEvent{name: at.value[0].lit, hole: -1})
			default:
				vf.events = append(vf.events, viewEvent{hole: -1})
			}
		}
		vf.read(n.kids)
	}
}

// funcFacts is what one function does that the test follows: the events
// of the views it builds, the names its switches on an event's name
// answer, and the functions of the package it calls or refers to.
type funcFacts struct {
	events, cases map[string]bool
	callees       map[*types.Func]bool
}

func (a *appPackage) factsOf(t *testing.T, decl *ast.FuncDecl, views map[types.Object]*viewFacts) *funcFacts {
	f := &funcFacts{events: map[string]bool{}, cases: map[string]bool{}, callees: map[*types.Func]bool{}}
	ast.Inspect(decl.Body, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.Ident:
			if fn, ok := a.info.Uses[n].(*types.Func); ok && fn.Pkg() == a.pkg {
				f.callees[fn] = true
			}
		case *ast.SwitchStmt:
			if sel, ok := n.Tag.(*ast.SelectorExpr); ok && sel.Sel.Name == "name" && types.TypeString(a.info.Types[sel.X].Type, nil) == "main.event" {
				for _, c := range n.Body.List {
					for _, e := range c.(*ast.CaseClause).List {
						if tv := a.info.Types[e]; tv.Value != nil && tv.Value.Kind() == constant.String {
							f.cases[constant.StringVal(tv.Value)] = true
						}
					}
				}
			}
		case *ast.CallExpr:
			sel, ok := n.Fun.(*ast.SelectorExpr)
			if !ok || !slices.Contains([]string{"ui", "uis", "with", "withs"}, sel.Sel.Name) {
				return true
			}
			id, ok := sel.X.(*ast.Ident)
			if !ok {
				return true
			}
			vf := views[a.info.Uses[id]]
			if vf == nil {
				return true
			}
			at := a.fset.Position(n.Pos())
			if strings.HasPrefix(sel.Sel.Name, "with") != (vf.names != nil) {
				t.Errorf("%s: %s has %s holes: build it with %s", at, vf.name, pick(vf.names != nil, "named", "numbered"), pick(vf.names != nil, "with or withs", "ui or uis"))
				return true
			}
			if vf.names != nil {
				a.checkNamed(t, f, n, vf)
				return true
			}
			given := len(n.Args) - 1
			if n.Ellipsis.IsValid() {
				t.Errorf("%s: %s.%s is given values with ...; give each value, so they can be counted", at, vf.name, sel.Sel.Name)
				return true
			}
			if given != vf.holes {
				t.Errorf("%s: %s has %d holes, given %d values", at, vf.name, vf.holes, given)
			}
			for h, used := range vf.used {
				if !used {
					t.Errorf("%s: %s never uses hole {%d}", at, vf.name, h)
				}
			}
			a.addEvents(t, f, at, vf, func(h int) ast.Expr {
				if h < given {
					return n.Args[h+1]
				}
				return nil
			})
		}
		return true
	})
	return f
}

// checkNamed checks a call of with: its values come as name, value pairs,
// each name a constant naming a hole of the view, every hole named once.
func (a *appPackage) checkNamed(t *testing.T, f *funcFacts, call *ast.CallExpr, vf *viewFacts) {
	at := a.fset.Position(call.Pos())
	pairs := call.Args[1:]
	if call.Ellipsis.IsValid() || len(pairs)%2 != 0 {
		t.Errorf("%s: %s.with is given name, value pairs, each written out", at, vf.name)
		return
	}
	given := map[string]ast.Expr{}
	for i := 0; i < len(pairs); i += 2 {
		keys := a.constants(pairs[i])
		switch {
		case len(keys) != 1:
			t.Errorf("%s: %s.with: value %d is named by something other than a constant", at, vf.name, i/2)
		case given[keys[0]] != nil:
			t.Errorf("%s: %s.with names {%s} twice", at, vf.name, keys[0])
		default:
			given[keys[0]] = pairs[i+1]
		}
	}
	for _, n := range vf.names {
		if given[n] == nil {
			t.Errorf("%s: %s has a hole {%s} the call gives no value", at, vf.name, n)
		}
	}
	for _, n := range sortedKeys(given) {
		if !slices.Contains(vf.names, n) {
			t.Errorf("%s: %s has no hole {%s}", at, vf.name, n)
		}
	}
	a.addEvents(t, f, at, vf, func(h int) ast.Expr { return given[vf.names[h]] })
}

// addEvents adds to f the on: events of a call of vf: their names, or the
// constants given to the holes that name them (value gives a hole's value,
// nil when the call gives none: reported elsewhere).
func (a *appPackage) addEvents(t *testing.T, f *funcFacts, at token.Position, vf *viewFacts, value func(hole int) ast.Expr) {
	for _, ev := range vf.events {
		if ev.hole < 0 {
			if ev.name != "" {
				f.events[ev.name] = true
			}
			continue
		}
		v := value(ev.hole)
		if v == nil {
			continue
		}
		names := a.constants(v)
		if names == nil {
			t.Errorf("%s: %s's on: event {%s} must be given a constant name, or pick(cond, name, name)", at, vf.name, vf.hole(ev.hole))
		}
		for _, name := range names {
			f.events[name] = true
		}
	}
}

// hole is how the markup writes hole h.
func (vf *viewFacts) hole(h int) string {
	if vf.names != nil {
		return vf.names[h]
	}
	return strconv.Itoa(h)
}

// constants are the strings e can be: a constant, or either constant of
// pick(cond, a, b); nil when e is something else.
func (a *appPackage) constants(e ast.Expr) []string {
	if tv := a.info.Types[e]; tv.Value != nil && tv.Value.Kind() == constant.String {
		return []string{constant.StringVal(tv.Value)}
	}
	if call, ok := e.(*ast.CallExpr); ok && len(call.Args) == 3 {
		if fn, ok := call.Fun.(*ast.Ident); ok && a.info.Uses[fn] == a.pkg.Scope().Lookup("pick") {
			x, y := a.constants(call.Args[1]), a.constants(call.Args[2])
			if len(x) == 1 && len(y) == 1 {
				return append(x, y...)
			}
		}
	}
	return nil
}

// The test above sees the mistakes it is meant to see.
func TestViewFactsRead(t *testing.T) {
	vf := &viewFacts{}
	vf.read((&viewParser{s: `<p class="{0}">{@Key 2}<button on:click="{3}">x</button><input on:input="typed"></p>`}).nodes(""))
	if vf.holes != 4 || !slices.Equal(vf.used, []bool{true, false, true, true}) {
		t.Errorf("holes %d, used %v", vf.holes, vf.used)
	}
	if !slices.Equal(vf.events, []viewEvent{{hole: 3}, {name: "typed", hole: -1}}) {
		t.Errorf("events %v", vf.events)
	}
}
