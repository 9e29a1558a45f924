// Package jsonfields names a struct's fields as encoding/json does, for
// the strict decoders — the panel's API and the Tencent mock — that refuse
// a field the struct does not have.
package jsonfields

import (
	"reflect"
	"strings"
)

// Of maps the JSON names of struct type t's fields to the fields: the
// tag's name, else the Go name. An embedded struct (or pointer to one)
// without a tag name lends its fields, but not over a name already taken.
// Fields tagged "-" and unexported fields are left out.
func Of(t reflect.Type) map[string]reflect.StructField {
	out := map[string]reflect.StructField{}
	for i := range t.NumField() {
		f := t.Field(i)
		tag := f.Tag.Get("json")
		if tag == "-" {
			continue
		}
		name, _, _ := strings.Cut(tag, ",")
		if f.Anonymous && name == "" {
			ft := f.Type
			for ft.Kind() == reflect.Pointer {
				ft = ft.Elem()
			}
			if ft.Kind() == reflect.Struct {
				for k, v := range Of(ft) {
					if _, shadowed := out[k]; !shadowed {
						out[k] = v
					}
				}
				continue
			}
		}
		if !f.IsExported() {
			continue
		}
		if name == "" {
			name = f.Name
		}
		out[name] = f
	}
	return out
}
