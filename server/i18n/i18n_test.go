package i18n

import (
	"encoding/json"
	"flag"
	"go/ast"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/imdesk/imdesk/server/api"
	"github.com/imdesk/imdesk/server/i18n/i18ntest"
	"github.com/imdesk/imdesk/server/tim"
)

var update = flag.Bool("update", false, "add the server's phrases missing from en.json (each its own English)")

// verbs lists a format's verbs by argument: "%[2]d %s" → {2: "d", 1: "s"}.
var verbRE = regexp.MustCompile(`%(\[(\d+)\])?[-+# 0]*[0-9]*(\.[0-9]+)?([a-zA-Z%])`)

func verbs(format string) map[int][]string {
	out := map[int][]string{}
	next := 1
	for _, m := range verbRE.FindAllStringSubmatch(format, -1) {
		if m[4] == "%" {
			continue
		}
		arg := next
		if m[2] != "" {
			arg, _ = strconv.Atoi(m[2])
		}
		out[arg] = append(out[arg], m[4])
		next = arg + 1
	}
	for k := range out {
		slices.Sort(out[k])
		out[k] = slices.Compact(out[k])
	}
	return out
}

// Every catalogue has every message English has, and nothing else, with
// the same verbs for the same arguments (in any order).
func TestCataloguesMatchEnglish(t *testing.T) {
	en := Get("en")
	for _, lang := range Languages[1:] {
		t.Run(lang, func(t *testing.T) {
			if !Has(lang) {
				t.Fatalf("no %s.json", lang)
			}
			c := Get(lang)
			for _, k := range en.Keys() {
				tr, ok := c.texts[k]
				if !ok {
					t.Errorf("missing %q", k)
					continue
				}
				want, got := verbs(en.texts[k]), verbs(tr)
				if !mapsEqual(want, got) {
					t.Errorf("%q: verbs %v, English has %v:\n  %s\n  %s", k, got, want, tr, en.texts[k])
				}
			}
			for _, k := range c.Keys() {
				if _, ok := en.texts[k]; !ok {
					t.Errorf("%q is not in English", k)
				}
			}
		})
	}
}

func mapsEqual(a, b map[int][]string) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if !slices.Equal(v, b[k]) {
			return false
		}
	}
	return true
}

// phraseArg says which argument of a call is a phrase's format, by the
// name of the function called.
var phraseArg = map[string]int{"Say": 0, "say": 0, "fieldErr": 1, "newError": 2, "refuse": 2, "bad": 1}

// serverPhrases are the English formats the server says: every literal
// given to the functions of phraseArg, the sentences of tencentMessages
// and kindAnswers, and Tencent's meanings.
func serverPhrases(t *testing.T) []string {
	var out []string
	_, files := i18ntest.Sources(t, "..", "../api", "../accounts")
	for _, f := range files {
		lit := func(e ast.Expr) {
			if s, ok := i18ntest.StringLit(e); ok {
				out = append(out, s)
			}
		}
		ast.Inspect(f, func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.CallExpr:
				name := ""
				switch fn := n.Fun.(type) {
				case *ast.Ident:
					name = fn.Name
				case *ast.SelectorExpr:
					name = fn.Sel.Name
				}
				if i, ok := phraseArg[name]; ok && len(n.Args) > i {
					lit(n.Args[i])
				}
			case *ast.ValueSpec:
				if len(n.Names) == 1 && (n.Names[0].Name == "tencentMessages" || n.Names[0].Name == "kindAnswers") {
					ast.Inspect(n, func(m ast.Node) bool {
						if kv, ok := m.(*ast.KeyValueExpr); ok {
							if cl, ok := kv.Value.(*ast.CompositeLit); ok && len(cl.Elts) >= 3 {
								lit(cl.Elts[2])
							} else {
								lit(kv.Value)
							}
						}
						return true
					})
				}
			}
			return true
		})
	}
	out = append(out, tim.Meanings()...)
	slices.Sort(out)
	return slices.Compact(out)
}

// Every sentence the server says is in the English catalogue (as its own
// key), so that every other catalogue translates it. `go test
// ./server/i18n -run TestServerPhrases -update` adds the missing ones.
func TestServerPhrasesAreInTheCatalogue(t *testing.T) {
	en := Get("en")
	var missing []string
	for _, p := range serverPhrases(t) {
		if _, ok := en.texts[p]; !ok {
			missing = append(missing, p)
		}
	}
	if len(missing) == 0 {
		return
	}
	if !*update {
		t.Fatalf("%d phrases the server says are not in en.json (run with -update to add them):\n%s", len(missing), strings.Join(missing, "\n"))
	}
	all := map[string]string{}
	for k, v := range en.texts {
		all[k] = v
	}
	for _, p := range missing {
		all[p] = p
	}
	b, _ := json.MarshalIndent(all, "", " ")
	b = []byte(strings.NewReplacer(`\u003c`, "<", `\u003e`, ">", `\u0026`, "&").Replace(string(b)))
	if err := os.WriteFile("en.json", append(b, '\n'), 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("added %d phrases to en.json", len(missing))
}

func TestSayTranslatesNestedPhrases(t *testing.T) {
	c := &Catalogue{Lang: "xx", texts: map[string]string{"_SentenceGap": "", "%s is not valid text.": "%s无效。", "The key": "键"}}
	if got := c.Say(api.Say("%s is not valid text.", api.Say("The key")), api.Say("Try again.")); got != "键无效。Try again." {
		t.Fatalf("got %q", got)
	}
}

func TestMatch(t *testing.T) {
	for header, want := range map[string]string{
		"":                        "en",
		"zh-CN,zh;q=0.9,en;q=0.8": "zh-Hans",
		"zh-TW":                   "zh-Hans",
		"ja-JP":                   "ja",
		"fr-FR,ko;q=0.5,ja;q=0.4": "ko",
		"de-DE,fr;q=0.8":          "en",
		"en-US,en;q=0.9,ja;q=0.8": "en",
		"ja;q=0.2,ko;q=0.9":       "ko",
		"ko-KR;q=0,ja":            "ja",
	} {
		if !Has(want) {
			continue
		}
		if got := Match(header); got != want {
			t.Errorf("Match(%q) = %q, want %q", header, got, want)
		}
	}
}
