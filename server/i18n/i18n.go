// Package i18n holds the panel's words: one catalogue per language (en.json,
// zh-Hans.json, ja.json, ko.json), each a flat object from a message key to
// its text. Texts with arguments are Go formats (%s, %d, %[2]s …); a
// translation uses the same verbs for the same arguments as English, in any
// order (TestCataloguesMatchEnglish holds them to it).
//
// The same catalogue serves the browser and the server: the server renders
// each page in the reader's language and puts that language's catalogue in
// the page (a JSON data block the app reads its words from), and the API's
// error messages are made from it in the caller's language. The browser's
// app.wasm carries no words at all, so no moderator downloads the languages
// they do not read.
package i18n

import (
	"bytes"
	"embed"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/imdesk/imdesk/server/api"
)

//go:embed *.json
var files embed.FS

// Languages are the catalogues' language tags, English first: the one every
// other falls back to for a missing message.
var Languages = []string{"en", "zh-Hans", "ja", "ko"}

// Catalogue is one language's messages.
type Catalogue struct {
	Lang  string
	texts map[string]string
	page  []byte // the JSON the page carries
}

var (
	loadOnce   sync.Once
	catalogues map[string]*Catalogue
)

func load() {
	catalogues = map[string]*Catalogue{}
	for _, lang := range Languages {
		b, err := files.ReadFile(lang + ".json")
		if err != nil {
			continue // a catalogue not written yet: English stands in
		}
		c := &Catalogue{Lang: lang}
		if err := json.Unmarshal(b, &c.texts); err != nil {
			panic(fmt.Sprintf("i18n: %s.json: %v", lang, err))
		}
		c.page, _ = json.Marshal(c.texts) // compact; < > & escaped, safe in <script>
		catalogues[lang] = c
	}
}

// Get returns the catalogue of lang, or English's.
func Get(lang string) *Catalogue {
	loadOnce.Do(load)
	if c := catalogues[lang]; c != nil {
		return c
	}
	return catalogues["en"]
}

// Has reports whether lang has a catalogue.
func Has(lang string) bool {
	loadOnce.Do(load)
	return catalogues[lang] != nil
}

// Text is the message of key; English's when this catalogue lacks it, and
// the key itself when English lacks it too.
func (c *Catalogue) Text(key string) string {
	if t, ok := c.texts[key]; ok {
		return t
	}
	if en := Get("en"); c != en {
		return en.Text(key)
	}
	return key
}

// Format is the message of key formatted with args.
func (c *Catalogue) Format(key string, args ...any) string {
	return fmt.Sprintf(c.Text(key), args...)
}

// Say is phrases in this language, one after the other: each formatted
// from its translation, arguments that are phrases said first. Sentences
// are joined as the language writes them (Chinese and Japanese without a
// space; the catalogue's "_SentenceGap").
func (c *Catalogue) Say(phrases ...api.Phrase) string {
	var b strings.Builder
	for i, p := range phrases {
		if i > 0 {
			b.WriteString(c.Text("_SentenceGap"))
		}
		args := make([]any, len(p.Args))
		for j, a := range p.Args {
			switch v := a.(type) {
			case api.Phrase:
				a = c.Say(v)
			case api.Localized:
				a = v.In(c.Lang)
			}
			args[j] = a
		}
		if len(args) == 0 {
			b.WriteString(c.Text(p.Key))
		} else {
			b.WriteString(fmt.Sprintf(c.Text(p.Key), args...))
		}
	}
	return b.String()
}

// Keys lists the catalogue's keys, sorted.
func (c *Catalogue) Keys() []string {
	keys := make([]string, 0, len(c.texts))
	for k := range c.texts {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// PageData is the catalogue as the page carries it: a JSON data block the
// app reads its words from. The browser never runs it (its type is not a
// script's), so the Content-Security-Policy needs nothing for it.
func (c *Catalogue) PageData() []byte {
	var b bytes.Buffer
	b.WriteString(`<script type="application/json" id="imdesk-i18n" data-lang="`)
	b.WriteString(c.Lang)
	b.WriteString(`">`)
	b.Write(c.page)
	b.WriteString(`</script>`)
	return b.Bytes()
}

// JSON is the catalogue as a JSON object.
func (c *Catalogue) JSON() []byte { return c.page }

// CookieName is the cookie that remembers the language a person chose in
// the panel; the app sets it (and keeps the choice in local storage too).
const CookieName = "imdesk-lang"

// ForRequest picks the language of a request: the one chosen in the panel
// (the cookie), else the first of the browser's preferred languages
// (Accept-Language, by weight) that the panel speaks, else English.
func ForRequest(r *http.Request) string {
	if c, err := r.Cookie(CookieName); err == nil && Has(c.Value) {
		return c.Value
	}
	return Match(r.Header.Get("Accept-Language"))
}

// Match picks from an Accept-Language header. Any Chinese is Simplified
// Chinese, the one Chinese catalogue (a reader of Traditional Chinese reads
// it more easily than English); regional English, Japanese and Korean are
// their language.
func Match(header string) string {
	best, bestQ := "en", -1.0
	for _, part := range strings.Split(header, ",") {
		tag, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		q := 1.0
		if v, ok := strings.CutPrefix(strings.TrimSpace(params), "q="); ok {
			if f, err := strconv.ParseFloat(v, 64); err == nil {
				q = f
			}
		}
		lang := ourLanguage(tag)
		// Earlier entries win ties: the header lists preferences in order.
		if lang == "" || q <= 0 || q <= bestQ {
			continue
		}
		best, bestQ = lang, q
	}
	if !Has(best) {
		return "en"
	}
	return best
}

func ourLanguage(tag string) string {
	tag = strings.ToLower(strings.TrimSpace(tag))
	primary, _, _ := strings.Cut(tag, "-")
	switch primary {
	case "en":
		return "en"
	case "zh":
		return "zh-Hans"
	case "ja":
		return "ja"
	case "ko":
		return "ko"
	}
	return ""
}

// rendering is the catalogue of the page being rendered on the server. go-app
// renders a page by calling the components' Render, which read their words
// through package-level functions; the server renders one page at a time
// (Render) so that each is in its reader's language.
var (
	renderMu  sync.Mutex
	rendering atomic.Pointer[Catalogue]
)

// Render runs fn, a page's rendering, with lang as the words' language.
func Render(lang string, fn func()) {
	renderMu.Lock()
	defer renderMu.Unlock()
	rendering.Store(Get(lang))
	defer rendering.Store(nil)
	fn()
}

// Rendering is the catalogue of the page being rendered; English outside
// Render.
func Rendering() *Catalogue {
	if c := rendering.Load(); c != nil {
		return c
	}
	return Get("en")
}
