package parser

import (
	"reflect"
	"slices"
	"testing"

	"github.com/callflow/callflow/lang/ast"
)

// TestTypedShiftCoversEveryField fails when a node type with a typed copy
// in shift_typed.go gains a field holding positions or nodes that its
// copy does not move: update the function and this table together.
func TestTypedShiftCoversEveryField(t *testing.T) {
	handled := map[reflect.Type][]string{
		reflect.TypeFor[ast.Expr]():     {"Base"},
		reflect.TypeFor[ast.Ident]():    {"Base"},
		reflect.TypeFor[ast.Duration](): {"Base"},
		reflect.TypeFor[ast.Range]():    {"Base"},
		reflect.TypeFor[ast.Hangup]():   {"Base"},
		reflect.TypeFor[ast.Handler]():  {"Base", "Name", "Body"},
		reflect.TypeFor[ast.Rule]():     {"Base", "Cond", "Handler"},
		reflect.TypeFor[ast.Block]():    {"Base", "Steps"},
		reflect.TypeFor[ast.Say]():      {"Base", "Text", "Voice", "Speed", "Repeat", "Language"},
		reflect.TypeFor[ast.Goto]():     {"Base", "Handler"},
		reflect.TypeFor[ast.Set]():      {"Base", "Var", "Value"},
		reflect.TypeFor[ast.If]():       {"Base", "Branches", "Else"},
		reflect.TypeFor[ast.Branch]():   {"Base", "Cond", "Body"},
		reflect.TypeFor[ast.Switch]():   {"Base", "Value", "Cases", "Else", "Close"},
		reflect.TypeFor[ast.Case]():     {"Base", "Values", "Body"},
		reflect.TypeFor[ast.Capture]():  {"Base", "Var", "Options", "Close"},
		reflect.TypeFor[ast.MakeCall](): {"Base", "Kind", "Number", "From", "Timeout", "Limit", "Outcomes"},
		reflect.TypeFor[ast.Option]():   {"Base", "Name", "Args", "Value", "Every", "Block", "Close", "Outcome", "Body"},
	}
	for typ, want := range handled {
		var deep []string
		for _, i := range plans.of(typ).fields {
			deep = append(deep, typ.Field(i).Name)
		}
		slices.Sort(deep)
		slices.Sort(want)
		if !slices.Equal(deep, want) {
			t.Errorf("%s: fields with positions or nodes %v, the typed copy moves %v", typ, deep, want)
		}
	}
}
