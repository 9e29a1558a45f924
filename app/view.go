package main

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/maxence-charriere/go-app/v10/pkg/app"
)

// A view is a piece of a page written as markup, parsed once on first use
// and turned into go-app elements by ui:
//
//	var rateRow = &view{src: `<tr><th scope="row">{0}</th><td>{@Rates.Calls 1 2}</td></tr>`}
//	rateRow.ui(p, r.Op, r.Calls, r.Limit)
//
// Why markup and not go-app's builder calls: in WebAssembly every chained
// call is code, and the pages' builder code was most of app.wasm beyond
// go-app's own hello world (docs/benchmarks.md). Markup is data: it costs a
// few bytes a tag and compresses well; what is left in Go is what a page
// decides.
//
// In the markup:
//   - {N} is the Nth value given to ui: an app.UI, a []app.UI, a string or
//     an int (text), or nil (nothing). A view of many values names its
//     holes instead, {name}, and is built with with(a, "name", value, …)
//     (withs for its top-level elements, as uis). Inside an attribute's
//     quotes a hole is text; an attribute given only a hole is left out
//     when the value is nil or false (true writes "true"; aria-*
//     attributes write "false" too).
//   - {@Key} is the catalogue's message Key in the page's language;
//     {@Key 0 1} formats it with values 0 and 1 (see tr).
//   - on:click="save" (any event; the name may be a hole given a constant)
//     calls the actor's act with an event named "save", carrying the
//     element's data-arg (made with argOf) and its value. The handler is
//     scoped by name and data-arg (app.EventScope), so go-app replaces it
//     when either changes instead of keeping an earlier render's. A form's
//     submit is never sent by the browser itself.
//   - Text between tags is kept with its spaces collapsed; text made only of
//     spaces between tags is dropped.
//
// TestViewsAreChecked reads every view and every call of ui, uis, with
// and withs: a mistake in the markup, a call that gives more or fewer
// values than the view's holes (or names a hole it does not have), and an
// on: event that the page's act has no case for fail it. At run time a
// hole beyond the values given is left empty.
type view struct {
	src   string
	once  sync.Once
	nodes []vnode
	names []string // of its named holes, by index
}

// actor handles the events its views name.
type actor interface {
	act(ctx app.Context, ev event)
}

// An event is what an element of a view tells its actor's act: the name its
// on: attribute gives, its data-arg, and its value (an input's text, a
// checkbox's tick) as the event came.
type event struct {
	name    string
	arg     eventArg
	value   string
	checked bool
	js      app.Event
}

// eventArg is an element's data-arg: the values given to argOf, read back
// by position. The one place that encodes and decodes them.
type eventArg string

// argSep cannot be typed into an ID or a name (api.CheckName refuses
// control characters).
const argSep = "\x1f"

// argOf makes a data-arg of strings and ints; read it with part and index.
func argOf(parts ...any) string {
	var b strings.Builder
	for i, p := range parts {
		if i > 0 {
			b.WriteString(argSep)
		}
		b.WriteString(toText(p))
	}
	return b.String()
}

// part is the kth value of the data-arg, "" when it has fewer.
func (a eventArg) part(k int) string {
	s := string(a)
	for ; k > 0; k-- {
		_, rest, ok := strings.Cut(s, argSep)
		if !ok {
			return ""
		}
		s = rest
	}
	s, _, _ = strings.Cut(s, argSep)
	return s
}

// index is the kth value of the data-arg as an index, -1 when it is not one.
func (a eventArg) index(k int) int {
	n, err := strconv.Atoi(a.part(k))
	if err != nil || n < 0 {
		return -1
	}
	return n
}

type vnode struct {
	tag   string // "" for text
	text  []piece
	attrs []vattr
	kids  []vnode
}

type vattr struct {
	name  string
	value []piece
}

// piece is literal text (hole < 0 and key ""), the value of a hole, or a
// message formatted with the values of its args.
type piece struct {
	lit  string
	hole int
	key  string
	args []int
}

// voidTags have no closing tag.
var voidTags = map[string]bool{"input": true, "img": true, "br": true, "hr": true}

// ui builds the view with these values; several top-level elements come in
// a div.
func (v *view) ui(a actor, values ...any) app.UI { return one(v.uis(a, values...)) }

// one is a view's only top-level element, or its elements in a div.
func one(out []app.UI) app.UI {
	if len(out) == 1 {
		return out[0]
	}
	return app.Div().Body(out...)
}

// uis builds the view's top-level elements.
func (v *view) uis(a actor, values ...any) []app.UI {
	v.parse()
	return build(v.nodes, a, values)
}

// with builds a view whose holes are named ({name}), given their values as
// name, value pairs, the way log/slog takes attributes:
//
//	cgBody.with(p, "user", label, "groups", len(cg.Groups), …)
//
// Several top-level elements come in a div. Each name is a constant beside
// its value in app.wasm, about 500 bytes compressed a view
// (docs/architecture.md, "Pages"): for views of many values.
func (v *view) with(a actor, pairs ...any) app.UI { return one(v.withs(a, pairs...)) }

// withs builds the top-level elements of a view with named holes.
func (v *view) withs(a actor, pairs ...any) []app.UI {
	v.parse()
	values := make([]any, len(v.names))
	for i := 0; i+1 < len(pairs); i += 2 {
		if k := slices.Index(v.names, pairs[i].(string)); k >= 0 {
			values[k] = pairs[i+1]
		}
	}
	return build(v.nodes, a, values)
}

func (v *view) parse() {
	v.once.Do(func() {
		p := &viewParser{s: v.src}
		v.nodes = p.nodes("")
		v.names = p.names
	})
}

func build(nodes []vnode, a actor, values []any) []app.UI {
	out := make([]app.UI, 0, len(nodes))
	for i := range nodes {
		n := &nodes[i]
		if n.tag == "" {
			var text strings.Builder
			flush := func() {
				if text.Len() > 0 {
					out = append(out, app.Text(text.String()))
					text.Reset()
				}
			}
			for _, p := range n.text {
				if p.hole < 0 {
					text.WriteString(p.text(values))
					continue
				}
				switch v := hole(values, p.hole).(type) {
				case app.UI:
					flush()
					out = append(out, v)
				case []app.UI:
					flush()
					out = append(out, v...)
				default:
					text.WriteString(toText(v))
				}
			}
			flush()
			continue
		}
		if voidTags[n.tag] {
			out = append(out, setAttrs(app.ElemSelfClosing(n.tag), n.attrs, a, values))
			continue
		}
		el := setAttrs(app.Elem(n.tag), n.attrs, a, values)
		if len(n.kids) > 0 {
			el.Body(build(n.kids, a, values)...)
		}
		out = append(out, el)
	}
	return out
}

type element[T any] interface {
	Attr(name string, v any) T
	On(event string, h app.EventHandler, options ...app.EventOption) T
}

func setAttrs[T element[T]](el T, attrs []vattr, a actor, values []any) T {
	arg := ""
	for _, at := range attrs {
		if at.name == "data-arg" {
			arg = attrText(at.value, values)
		}
	}
	for _, at := range attrs {
		if at.name == "data-arg" {
			continue
		}
		if ev, ok := strings.CutPrefix(at.name, "on:"); ok {
			name := attrText(at.value, values)
			el.On(ev, func(ctx app.Context, e app.Event) {
				if ev == "submit" {
					e.PreventDefault()
				}
				src := ctx.JSSrc()
				out := event{name: name, arg: eventArg(arg), js: e}
				if v := src.Get("value"); v.Type() == app.TypeString {
					out.value = v.String()
				}
				if c := src.Get("checked"); c.Type() == app.TypeBoolean {
					out.checked = c.Bool()
				}
				a.act(ctx, out)
			}, app.EventScope(name, arg))
			continue
		}
		if len(at.value) == 1 && at.value[0].hole >= 0 {
			switch v := hole(values, at.value[0].hole).(type) {
			case bool:
				if v {
					el.Attr(at.name, "true")
				} else if strings.HasPrefix(at.name, "aria-") {
					el.Attr(at.name, "false")
				}
				continue
			case nil:
				continue
			}
		}
		el.Attr(at.name, attrText(at.value, values))
	}
	return el
}

// hole is the ith value, nil when fewer were given (TestViewsAreChecked
// finds such a call).
func hole(values []any, i int) any {
	if i < len(values) {
		return values[i]
	}
	return nil
}

func attrText(value []piece, values []any) string {
	if len(value) == 1 && value[0].hole < 0 && value[0].key == "" {
		return value[0].lit
	}
	var b strings.Builder
	for _, p := range value {
		if p.hole >= 0 {
			b.WriteString(toText(hole(values, p.hole)))
		} else {
			b.WriteString(p.text(values))
		}
	}
	return b.String()
}

func (p piece) text(values []any) string {
	if p.key == "" {
		return p.lit
	}
	if len(p.args) == 0 {
		return message(p.key)
	}
	args := make([]any, len(p.args))
	for i, h := range p.args {
		args[i] = hole(values, h)
	}
	return tr(p.key, args...)
}

func toText(v any) string {
	switch v := v.(type) {
	case string:
		return v
	case int:
		return strconv.Itoa(v)
	case nil:
		return ""
	}
	return fmt.Sprint(v)
}

type viewParser struct {
	s     string
	i     int
	names []string // named holes, in the order they first come
	index bool     // a hole by index has come
}

func (p *viewParser) fail(what string) {
	panic(fmt.Sprintf("view: %s at %d: %q", what, p.i, p.s[max(0, p.i-30):min(len(p.s), p.i+30)]))
}

func isSpace(c byte) bool { return c == ' ' || c == '\n' || c == '\t' }

func (p *viewParser) nodes(closing string) []vnode {
	var out []vnode
	for p.i < len(p.s) {
		if strings.HasPrefix(p.s[p.i:], "</") {
			end := strings.IndexByte(p.s[p.i:], '>')
			if end < 0 || p.s[p.i+2:p.i+end] != closing {
				p.fail("expected </" + closing + ">")
			}
			p.i += end + 1
			return out
		}
		if p.s[p.i] == '<' {
			out = append(out, p.element())
			continue
		}
		end := strings.IndexByte(p.s[p.i:], '<')
		if end < 0 {
			end = len(p.s) - p.i
		}
		text := p.s[p.i : p.i+end]
		p.i += end
		// Line breaks at the edges of text are the markup's layout, not text.
		if i := strings.LastIndexByte(text, '\n'); i >= 0 && strings.TrimSpace(text[i:]) == "" {
			text = text[:i]
		}
		if i := strings.IndexByte(text, '\n'); i >= 0 && strings.TrimSpace(text[:i]) == "" {
			text = text[i+1:]
		}
		if strings.TrimSpace(text) == "" {
			continue
		}
		out = append(out, vnode{text: p.pieces(collapse(text))})
	}
	if closing != "" {
		p.fail("missing </" + closing + ">")
	}
	return out
}

func (p *viewParser) element() vnode {
	p.i++ // <
	start := p.i
	for p.i < len(p.s) && !isSpace(p.s[p.i]) && p.s[p.i] != '/' && p.s[p.i] != '>' {
		p.i++
	}
	n := vnode{tag: p.s[start:p.i]}
	for {
		for p.i < len(p.s) && isSpace(p.s[p.i]) {
			p.i++
		}
		switch {
		case p.i >= len(p.s):
			p.fail("unclosed <" + n.tag)
		case p.s[p.i] == '>':
			p.i++
			if !voidTags[n.tag] {
				n.kids = p.nodes(n.tag)
			}
			return n
		case strings.HasPrefix(p.s[p.i:], "/>"):
			p.i += 2
			return n
		}
		start := p.i
		for p.i < len(p.s) && p.s[p.i] != '=' && !isSpace(p.s[p.i]) && p.s[p.i] != '/' && p.s[p.i] != '>' {
			p.i++
		}
		at := vattr{name: p.s[start:p.i]}
		if p.i < len(p.s) && p.s[p.i] == '=' {
			p.i++
			quote := byte('"')
			if p.i < len(p.s) && p.s[p.i] == '{' {
				quote = '}'
			} else if p.i >= len(p.s) || p.s[p.i] != '"' {
				p.fail("attribute value")
			}
			end := strings.IndexByte(p.s[p.i+1:], quote)
			if end < 0 {
				p.fail("unclosed attribute value")
			}
			if quote == '}' {
				at.value = p.pieces(p.s[p.i : p.i+end+2])
			} else {
				at.value = p.pieces(p.s[p.i+1 : p.i+1+end])
			}
			p.i += end + 2
		} else {
			at.value = []piece{{lit: "true", hole: -1}}
		}
		n.attrs = append(n.attrs, at)
	}
}

// pieces splits text at its {N} and {@Key args}.
func (p *viewParser) pieces(s string) []piece {
	var out []piece
	for s != "" {
		open := strings.IndexByte(s, '{')
		if open < 0 {
			out = append(out, piece{lit: s, hole: -1})
			break
		}
		if open > 0 {
			out = append(out, piece{lit: s[:open], hole: -1})
		}
		end := strings.IndexByte(s[open:], '}')
		if end < 0 {
			p.fail("unclosed {")
		}
		inner := s[open+1 : open+end]
		if msg, ok := strings.CutPrefix(inner, "@"); ok {
			f := strings.Fields(msg)
			pc := piece{key: f[0], hole: -1}
			for _, a := range f[1:] {
				pc.args = append(pc.args, p.hole(a))
			}
			out = append(out, pc)
		} else {
			out = append(out, piece{hole: p.hole(inner)})
		}
		s = s[open+end+1:]
	}
	return out
}

// hole is the index of {s}: a number, or a name (a letter, then letters,
// digits and '-'), numbered in the order names first come. A view uses
// one kind or the other.
func (p *viewParser) hole(s string) int {
	if s != "" && (s[0] >= 'a' && s[0] <= 'z' || s[0] >= 'A' && s[0] <= 'Z') {
		for _, c := range s {
			if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-') {
				p.fail("bad hole {" + s + "}")
			}
		}
		if p.index {
			p.fail("named and numbered holes in one view")
		}
		for i, n := range p.names {
			if n == s {
				return i
			}
		}
		p.names = append(p.names, s)
		return len(p.names) - 1
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 0 {
		p.fail("bad hole {" + s + "}")
	}
	if len(p.names) > 0 {
		p.fail("named and numbered holes in one view")
	}
	p.index = true
	return n
}

func collapse(s string) string {
	out := strings.Join(strings.Fields(s), " ")
	if isSpace(s[0]) {
		out = " " + out
	}
	if isSpace(s[len(s)-1]) && out != " " {
		out += " "
	}
	return out
}
