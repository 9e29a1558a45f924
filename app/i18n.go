package main

import (
	"github.com/imdesk/imdesk/server/api"
	"strings"

	"fmt"
	"strconv"
)

// tr is the catalogue's message key, in the page's language, formatted with
// args. Every word the panel shows comes from the catalogues in
// server/i18n, none from app.wasm (see message).
func tr(key string, args ...any) string {
	if len(args) == 0 {
		return message(key)
	}
	return fmt.Sprintf(message(key), args...)
}

// trn is tr for a message about n things: English says one thing
// otherwise (the catalogue's key.1, when it has one).
func trn(key string, n int, args ...any) string {
	if n == 1 {
		if one := key + ".1"; message(one) != one {
			return tr(one, args...)
		}
	}
	return tr(key, args...)
}

// list joins words as the page's language lists them.
func list(words []string) string { return strings.Join(words, message("_ListSep")) }

// num writes n with a comma between groups of three digits, as English,
// Chinese, Japanese and Korean all write numbers.
func num(n int) string {
	s := strconv.Itoa(n)
	for i := len(s) - 3; i > 0 && s[i-1] != '-'; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}

// title is a page's title: the page's name and the panel's.
func title(name string) string { return name + " · " + message("AppName") }

// sayPhrase is a phrase of the server's (a validation the page makes before
// sending, with server/api) in the page's language.
func sayPhrase(p api.Phrase) string {
	args := make([]any, len(p.Args))
	for i, a := range p.Args {
		switch v := a.(type) {
		case api.Phrase:
			a = sayPhrase(v)
		case api.Localized:
			a = v.In(pageLang())
		}
		args[i] = a
	}
	return tr(p.Key, args...)
}
