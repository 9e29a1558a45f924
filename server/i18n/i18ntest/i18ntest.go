// Package i18ntest reads Go source for the tests that check that the
// catalogues hold every message the code says: the app's views and the
// server's sentences alike.
package i18ntest

import (
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// Sources parses the Go files of dirs, tests left out, and returns them
// with the file set that places their nodes.
func Sources(tb testing.TB, dirs ...string) (*token.FileSet, []*ast.File) {
	tb.Helper()
	fset := token.NewFileSet()
	var out []*ast.File
	for _, dir := range dirs {
		files, _ := filepath.Glob(filepath.Join(dir, "*.go"))
		for _, name := range files {
			if strings.HasSuffix(name, "_test.go") {
				continue
			}
			f, err := parser.ParseFile(fset, name, nil, 0)
			if err != nil {
				tb.Fatal(err)
			}
			out = append(out, f)
		}
	}
	return fset, out
}

// StringLit returns the string e spells when it is a string literal.
func StringLit(e ast.Expr) (string, bool) {
	bl, ok := e.(*ast.BasicLit)
	if !ok || bl.Kind != token.STRING {
		return "", false
	}
	s, err := strconv.Unquote(bl.Value)
	return s, err == nil
}
