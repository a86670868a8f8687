package parser

import (
	"reflect"
	"sync"

	"github.com/callflow/callflow/lang/ast"
	"github.com/callflow/callflow/lang/source"
)

// shift is a move of a declaration's text: every position in it moves by
// off bytes and lines lines. Columns stay, as a declaration is only moved
// to where it starts at the same column (see Cache).
type shift struct {
	off, lines int
	// copies maps each node already copied to its copy, so a node the
	// tree holds twice (a lookup's Else, also among its Options) stays
	// one node: the checker keys what it learns by node.
	copies map[node]reflect.Value
}

// node names a node by its type and address.
type node struct {
	t reflect.Type
	p uintptr
}

var (
	spanType = reflect.TypeFor[source.Span]()
	posType  = reflect.TypeFor[source.Pos]()
)

// moved returns a deep copy of d with every position moved; d itself, which
// the previous version's tree still holds, is not touched.
func (s *shift) moved(d ast.Decl) ast.Decl {
	if s.copies == nil {
		s.copies = map[node]reflect.Value{}
	}
	defer clear(s.copies) // no node is shared across declarations
	return s.decl(d)
}

// value returns v copied and moved: a pointer, slice or interface is
// copied, a struct field by field, anything else is returned as is
// (strings and numbers are values, and the tree holds no maps).
func (s *shift) value(v reflect.Value) reflect.Value {
	switch v.Kind() {
	case reflect.Pointer:
		if v.IsNil() {
			return v
		}
		k := node{v.Type(), v.Pointer()}
		if c, ok := s.copies[k]; ok {
			return c
		}
		c, done := s.typed(v)
		if !done {
			c = reflect.New(v.Type().Elem())
			c.Elem().Set(v.Elem())
		}
		s.copies[k] = c
		if !done {
			s.fields(c.Elem())
		}
		return c
	case reflect.Interface:
		if v.IsNil() {
			return v
		}
		c := reflect.New(v.Type()).Elem()
		c.Set(s.value(v.Elem()))
		return c
	case reflect.Slice:
		if v.IsNil() || !plans.of(v.Type().Elem()).deep {
			return v
		}
		c := reflect.MakeSlice(v.Type(), v.Len(), v.Len())
		for i := range v.Len() {
			c.Index(i).Set(s.value(v.Index(i)))
		}
		return c
	case reflect.Array:
		c := reflect.New(v.Type()).Elem()
		for i := range v.Len() {
			c.Index(i).Set(s.value(v.Index(i)))
		}
		return c
	case reflect.Struct:
		c := reflect.New(v.Type()).Elem()
		c.Set(v)
		s.fields(c)
		return c
	}
	return v
}

// fields moves the positions in the struct v, which is settable, and
// replaces the nodes it points to by their copies.
func (s *shift) fields(v reflect.Value) {
	switch v.Type() {
	case spanType:
		s.span(v.Addr().Interface().(*source.Span))
		return
	case posType:
		s.pos(v.Addr().Interface().(*source.Pos))
		return
	}
	for _, i := range plans.of(v.Type()).fields {
		f := v.Field(i)
		if f.Kind() == reflect.Struct {
			s.fields(f)
			continue
		}
		f.Set(s.value(f))
	}
}

func (s *shift) span(sp *source.Span) {
	s.pos(&sp.Start)
	s.pos(&sp.End)
}

func (s *shift) pos(p *source.Pos) {
	if p.IsValid() {
		p.Offset += s.off
		p.Line += s.lines
	}
}

// plan says, for one type, whether a value of it holds positions or nodes
// (deep), and for a struct which of its fields do.
type plan struct {
	deep   bool
	fields []int
}

// plans are computed once per type: walking a struct's fields by
// reflection for every node would cost more than the copy.
var plans = planCache{m: map[reflect.Type]*plan{}}

// planCache builds plans under mu and publishes them in done, which is
// read without a lock.
type planCache struct {
	done sync.Map // reflect.Type → *plan
	mu   sync.Mutex
	m    map[reflect.Type]*plan
}

func (pc *planCache) of(t reflect.Type) *plan {
	if p, ok := pc.done.Load(t); ok {
		return p.(*plan)
	}
	pc.mu.Lock()
	defer pc.mu.Unlock()
	p := pc.build(t)
	pc.done.Store(t, p)
	return p
}

// build computes t's plan, the lock held. A type being computed counts as
// deep, so a recursive type ends.
func (pc *planCache) build(t reflect.Type) *plan {
	if p, ok := pc.m[t]; ok {
		return p
	}
	p := &plan{}
	pc.m[t] = p
	switch t.Kind() {
	case reflect.Pointer, reflect.Interface:
		p.deep = true
	case reflect.Slice, reflect.Array:
		p.deep = pc.build(t.Elem()).deep
	case reflect.Struct:
		if t == spanType || t == posType {
			p.deep = true
			break
		}
		for i := range t.NumField() {
			if pc.build(t.Field(i).Type).deep {
				p.fields = append(p.fields, i)
			}
		}
		p.deep = len(p.fields) > 0
	}
	return p
}
