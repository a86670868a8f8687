package format

import (
	"fmt"
	"reflect"

	"github.com/callflow/callflow/lang/ast"
	"github.com/callflow/callflow/lang/source"
)

var (
	spanType    = reflect.TypeFor[source.Span]()
	commentType = reflect.TypeFor[ast.Comment]()
)

// Diff compares two syntax trees, ignoring positions and the trailing
// spaces of comments, and describes the first difference ("" when there is
// none): what formatting must never change.
func Diff(a, b *ast.File) string {
	return diff(reflect.ValueOf(a), reflect.ValueOf(b), "File")
}

func diff(a, b reflect.Value, path string) string {
	if a.Type() != b.Type() {
		return fmt.Sprintf("%s: %s became %s", path, a.Type(), b.Type())
	}
	if a.Type() == spanType {
		return ""
	}
	switch a.Kind() {
	case reflect.Pointer, reflect.Interface:
		if a.IsNil() || b.IsNil() {
			if a.IsNil() != b.IsNil() {
				return fmt.Sprintf("%s: %s became %s", path, describe(a), describe(b))
			}
			return ""
		}
		return diff(a.Elem(), b.Elem(), path)
	case reflect.Struct:
		if a.Type() == commentType {
			ta, tb := trimComment(a.Interface().(ast.Comment).Text), trimComment(b.Interface().(ast.Comment).Text)
			if ta != tb {
				return fmt.Sprintf("%s: comment %q became %q", path, ta, tb)
			}
			return ""
		}
		for i := range a.NumField() {
			f := a.Type().Field(i)
			if f.Anonymous && f.Type == reflect.TypeFor[ast.Base]() {
				continue
			}
			if d := diff(a.Field(i), b.Field(i), path+"."+f.Name); d != "" {
				return d
			}
		}
		return ""
	case reflect.Slice:
		if a.IsNil() != b.IsNil() {
			return fmt.Sprintf("%s: %s became %s", path, describeSlice(a), describeSlice(b))
		}
		if a.Len() != b.Len() {
			return fmt.Sprintf("%s: %d items became %d", path, a.Len(), b.Len())
		}
		for i := range a.Len() {
			if d := diff(a.Index(i), b.Index(i), fmt.Sprintf("%s[%d]", path, i)); d != "" {
				return d
			}
		}
		return ""
	}
	if !a.Equal(b) {
		return fmt.Sprintf("%s: %v became %v", path, describe(a), describe(b))
	}
	return ""
}

func describeSlice(v reflect.Value) string {
	if v.IsNil() {
		return "nothing"
	}
	return fmt.Sprintf("%d items", v.Len())
}

func describe(v reflect.Value) string {
	if (v.Kind() == reflect.Pointer || v.Kind() == reflect.Interface) && v.IsNil() {
		return "nothing"
	}
	if v.Kind() == reflect.String {
		return fmt.Sprintf("%q", v.String())
	}
	return fmt.Sprint(v.Interface())
}
