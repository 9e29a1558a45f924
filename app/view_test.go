package main

import (
	"go/ast"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/maxence-charriere/go-app/v10/pkg/app"

	"github.com/imdesk/imdesk/server/api"
	"github.com/imdesk/imdesk/server/i18n"
	"github.com/imdesk/imdesk/server/i18n/i18ntest"
)

type noActor struct{}

func (noActor) act(app.Context, event) {}

func TestViewBuildsElements(t *testing.T) {
	v := &view{src: `
	<div class="a {0}" role="{1}">
	  <p>Hello, {2}: {3} {@Cancel}</p>
	  <input id="x" type="checkbox" checked={4} disabled={5} aria-busy={5}>
	  <button type="button" data-arg="{3}" on:click="go">{@Attributes.Bytes 3 6}</button>{7}
	</div>`}
	got := app.HTMLString(v.ui(noActor{}, "b", "", "world", 7, true, false, 32, []app.UI{app.Span().Text("x"), nil}))
	for _, want := range []string{
		`<div class="a b">`, `<p>Hello, world: 7 Cancel</p>`, `aria-busy="false"`,
		`>7 / 32 bytes</button>`, `<span>x</span>`,
	} {
		if !strings.Contains(got, want) {
			t.Errorf("missing %s in\n%s", want, got)
		}
	}
	// go-app writes attributes in a map's order: checked may come last.
	if !strings.Contains(got, ` checked `) && !strings.Contains(got, ` checked>`) {
		t.Errorf("missing checked in\n%s", got)
	}
	for _, unwanted := range []string{`role=`, `disabled`} {
		if strings.Contains(got, unwanted) {
			t.Errorf("%s should be left out:\n%s", unwanted, got)
		}
	}
}

func TestViewMarkupMistakesPanic(t *testing.T) {
	for _, src := range []string{`<p>open`, `<p></div>`, `<p>{x.y}</p>`, `<p>{-1}</p>`, `<p>{0}{a}</p>`, `<p>{a}{0}</p>`, `<p a=b></p>`, `<p>{0</p>`} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("%q: no panic", src)
				}
			}()
			(&view{src: src}).ui(noActor{}, nil)
		}()
	}
}

// Every view of the app parses, and every message it names — in markup,
// with message or with tr, or in a changeWords — is in the English catalogue; keys made at run
// time from a prefix are checked for every value the prefix takes.
func TestViewsUseKnownKeys(t *testing.T) {
	en := i18n.Get("en")
	known := map[string]bool{}
	for _, k := range en.Keys() {
		known[k] = true
	}
	used := map[string]bool{}
	fset, files := i18ntest.Sources(t, ".")
	markupKey := regexp.MustCompile(`\{@([A-Za-z0-9.\-]+)`)
	for _, f := range files {
		ast.Inspect(f, func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.CompositeLit:
				if id, ok := n.Type.(*ast.Ident); ok && id.Name == "view" {
					src, _ := strconv.Unquote(n.Elts[0].(*ast.KeyValueExpr).Value.(*ast.BasicLit).Value)
					func() {
						defer func() {
							if r := recover(); r != nil {
								t.Errorf("%s: %v", fset.Position(n.Pos()), r)
							}
						}()
						(&viewParser{s: src}).nodes("")
					}()
					for _, m := range markupKey.FindAllStringSubmatch(src, -1) {
						used[m[1]] = true
					}
				}
				if id, ok := n.Type.(*ast.Ident); ok && id.Name == "changeWords" {
					for _, e := range n.Elts {
						if k, ok := i18ntest.StringLit(e.(*ast.KeyValueExpr).Value); ok {
							used[k] = true
						}
					}
				}
			case *ast.CallExpr:
				if fn, ok := n.Fun.(*ast.Ident); ok && (fn.Name == "message" || fn.Name == "tr" || fn.Name == "trn") && len(n.Args) > 0 {
					if k, ok := i18ntest.StringLit(n.Args[0]); ok {
						used[k] = true
					}
				}
				if fn, ok := n.Fun.(*ast.Ident); ok && fn.Name == "pick" && len(n.Args) == 3 {
					for _, a := range n.Args[1:] {
						if k, ok := i18ntest.StringLit(a); ok {
							if _, err := strconv.Atoi(k); err != nil && k != "" && !strings.Contains(k, " ") && strings.ToUpper(k[:1]) == k[:1] {
								used[k] = true
							}
						}
					}
				}
			}
			return true
		})
	}
	for _, r := range api.Roles {
		used["Roles."+r] = true
	}
	for _, p := range append(append([]string{}, navOrder...), adminNav...) {
		used["Sections."+p[1:]+".Title"], used["Sections."+p[1:]+".Summary"] = true, true
	}
	for _, g := range finderTypes {
		used["GroupTypes."+g] = true
	}
	for _, a := range actionOrder {
		used["Actions."+a] = true
	}
	for _, o := range outcomeOrder {
		used["Outcomes."+o] = true
	}
	for _, m := range api.MarkNames {
		used["ConvGroups.MarkNames."+m] = true
	}
	for _, r := range []string{"Owner", "Admin", "Member"} {
		used["Users.Role."+r] = true
	}
	var missing []string
	for k := range used {
		if !known[k] {
			missing = append(missing, k)
		}
	}
	slices.Sort(missing)
	if len(missing) > 0 {
		t.Errorf("messages not in server/i18n/en.json: %s", strings.Join(missing, ", "))
	}
}

// A data-arg made with argOf reads back value by value, whatever the
// values hold (a group ID may hold ':').
func TestEventArg(t *testing.T) {
	a := eventArg(argOf("scope-groups", "@TGS#:1", 3))
	if a.part(0) != "scope-groups" || a.part(1) != "@TGS#:1" || a.index(2) != 3 {
		t.Errorf("%q: %q %q %d", a, a.part(0), a.part(1), a.index(2))
	}
	if a.part(3) != "" || a.index(3) != -1 || a.index(0) != -1 || eventArg("").index(0) != -1 {
		t.Error("a missing or non-number value is not empty or -1")
	}
}
