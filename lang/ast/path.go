package ast

import (
	"reflect"

	"github.com/callflow/callflow/lang/source"
)

// Extent is the source a node covers with everything inside it, from its
// first byte to its last. A node's own Span is often narrower: a step's is
// its keyword, which is what diagnostics point at; the extent of a handler
// runs from `handler` to its closing brace.
func Extent(n Node) source.Span {
	if isNil(n) {
		return source.Span{}
	}
	var out source.Span
	add := func(s source.Span) {
		if !s.IsValid() {
			return
		}
		if !out.IsValid() || s.Start.Offset < out.Start.Offset {
			out.File, out.Start = s.File, s.Start
		}
		if !out.End.IsValid() || s.End.Offset > out.End.Offset {
			out.End = s.End
		}
	}
	Inspect(n, func(c Node) bool {
		if c != nil {
			add(c.Span())
			add(closeOf(c))
		}
		return true
	})
	return out
}

// closeOf is the closing brace of a node that records one: its Close
// field, read by reflection so that a kind added with one counts at once.
func closeOf(n Node) source.Span {
	v := reflect.ValueOf(n)
	if v.Kind() != reflect.Pointer || v.Elem().Kind() != reflect.Struct {
		return source.Span{}
	}
	if f := v.Elem().FieldByName("Close"); f.IsValid() && f.Type() == spanType {
		return f.Interface().(source.Span)
	}
	return source.Span{}
}

var spanType = reflect.TypeFor[source.Span]()

// PathTo lists the nodes enclosing the byte offset, from the file down to
// the innermost, by their extents, as golang.org/x/tools' PathEnclosingInterval
// does for Go. An offset just after a node (a cursor at the end of a name)
// counts as inside it when no node starts there. An offset inside a comment
// ends the path with the comment. Offsets outside the file give nil.
func PathTo(f *File, offset int) []Node {
	if f == nil || offset < f.At.Start.Offset || offset > f.At.End.Offset {
		return nil
	}
	path := []Node{f}
	for n := Node(f); ; {
		n = childAt(n, offset)
		if n == nil {
			break
		}
		path = append(path, n)
	}
	for _, c := range f.Comments {
		if c.At.Start.Offset <= offset && offset < c.At.End.Offset {
			return append(path, c)
		}
	}
	return path
}

// childAt is the child of n whose extent holds offset, preferring one that
// starts at or before it and ends after it to one that ends exactly there.
func childAt(n Node, offset int) Node {
	var inside, touching Node
	Walk(childVisitor(func(c Node) {
		if inside != nil {
			return
		}
		e := Extent(c)
		switch {
		case !e.IsValid() || offset < e.Start.Offset || offset > e.End.Offset:
		case offset < e.End.Offset:
			inside = c
		case touching == nil:
			touching = c
		}
	}), n)
	if inside != nil {
		return inside
	}
	return touching
}

// childVisitor calls its function for each child of the node it is walked
// over, without descending further.
type childVisitor func(Node)

func (f childVisitor) Visit(n Node) Visitor {
	if n == nil {
		return nil
	}
	return childOnly(f)
}

type childOnly func(Node)

func (f childOnly) Visit(n Node) Visitor {
	if n != nil {
		f(n)
	}
	return nil
}
