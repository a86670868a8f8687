package ast

import "reflect"

// A Visitor's Visit is called for each node Walk meets. When it returns a
// non-nil visitor w, Walk visits each child of the node with w, then calls
// w.Visit(nil).
type Visitor interface {
	Visit(n Node) (w Visitor)
}

// Walk traverses the tree rooted at n depth-first, in the order the syntax
// writes the children (a say's voice, speed and repeat in that order,
// whatever order the source gives them). It calls v.Visit(n) first; nil
// nodes, typed or not, are skipped, so a tree the parser built around
// syntax errors walks too. File.Comments are not walked: they float
// outside the tree; read them from the File.
//
// Every node kind has its case below: a new kind must add one (a kind
// without one is walked as a leaf), or TestWalkReachesEveryKind fails.
func Walk(v Visitor, n Node) {
	if isNil(n) {
		return
	}
	if v = v.Visit(n); v == nil {
		return
	}
	walkChildren(v, n)
	v.Visit(nil)
}

func walkChildren(v Visitor, n Node) {
	switch n := n.(type) {
	case *File:
		Walk(v, n.Flow)
		walkList(v, n.Decls)
	case *Comment, *Ident, *Expr, *Duration, *Range, *Hangup:
		// leaves
	default:
		// A kind no case knows is walked as a leaf rather than a panic in
		// an editor; TestWalkReachesEveryKind fails for it.
		_ = walkDecl(v, n) || walkStep(v, n) || walkTestStmt(v, n)
	}
}

func walkDecl(v Visitor, n Node) bool {
	switch n := n.(type) {
	case *Target:
		walkList(v, n.Platforms)
	case *Number:
		walkList(v, n.Numbers)
	case *Voice:
		Walk(v, n.Value)
	case *Speed:
		Walk(v, n.Value)
	case *Const:
		Walk(v, n.Name)
		Walk(v, n.Value)
	case *Table:
		Walk(v, n.Name)
		Walk(v, n.Path)
	case *Lookup:
		Walk(v, n.Name)
		Walk(v, n.URL)
		if n.Options != nil { // the block form: Timeout and Else are its options' values
			walkList(v, n.Options)
			break
		}
		Walk(v, n.Timeout)
		Walk(v, n.Cache)
		Walk(v, n.Else)
	case *Hours:
		Walk(v, n.Name)
		Walk(v, n.Spec)
		Walk(v, n.TZ)
		walkList(v, n.Except)
	case *Rule:
		Walk(v, n.Cond)
		Walk(v, n.Handler)
	case *Handler:
		Walk(v, n.Name)
		Walk(v, n.Body)
	case *Test:
		Walk(v, n.Name)
		walkList(v, n.Stmts)
	default:
		return false
	}
	return true
}

func walkStep(v Visitor, n Node) bool {
	switch n := n.(type) {
	case *Block:
		walkList(v, n.Steps)
	case *Say:
		Walk(v, n.Text)
		Walk(v, n.Voice)
		Walk(v, n.Speed)
		Walk(v, n.Repeat)
		Walk(v, n.Language)
	case *Play:
		Walk(v, n.URL)
		Walk(v, n.Repeat)
	case *Capture:
		Walk(v, n.Var)
		walkList(v, n.Options)
	case *MakeCall:
		Walk(v, n.Kind)
		Walk(v, n.Number)
		Walk(v, n.From)
		Walk(v, n.Timeout)
		Walk(v, n.Limit)
		Walk(v, n.Outcomes)
	case *OutcomeBlock:
		walkList(v, n.Outcomes)
	case *Outcome:
		Walk(v, n.Name)
		Walk(v, n.Body)
	case *Pause:
		Walk(v, n.Length)
	case *Record:
		Walk(v, n.Var)
		walkList(v, n.Options)
	case *Audio:
		Walk(v, n.URL)
	case *Agent:
		Walk(v, n.ID)
	case *IVR:
		Walk(v, n.ID)
	case *Set:
		Walk(v, n.Var)
		Walk(v, n.Value)
	case *Goto:
		Walk(v, n.Handler)
	case *If:
		walkList(v, n.Branches)
		Walk(v, n.Else)
	case *Branch:
		Walk(v, n.Cond)
		Walk(v, n.Body)
	case *Switch:
		Walk(v, n.Value)
		walkList(v, n.Cases)
		Walk(v, n.Else)
	case *Case:
		walkList(v, n.Values)
		Walk(v, n.Body)
	case *Callback:
		walkList(v, n.Legs)
	case *Leg:
		Walk(v, n.Name)
		Walk(v, n.To)
		Walk(v, n.From)
	case *Campaign:
		Walk(v, n.Name)
		walkList(v, n.Options)
	case *Post:
		// JSON, Timeout, Into and Else are its options' values.
		Walk(v, n.URL)
		walkList(v, n.Options)
	case *Option:
		Walk(v, n.Name)
		walkList(v, n.Args)
		Walk(v, n.Value)
		Walk(v, n.Every)
		walkList(v, n.Block)
		Walk(v, n.Outcome)
		Walk(v, n.Body)
	case *Do:
		Walk(v, n.Handler)
	case *Return:
		Walk(v, n.Value)
	case *On:
		Walk(v, n.Outcome)
		Walk(v, n.Body)
	default:
		return false
	}
	return true
}

func walkTestStmt(v Visitor, n Node) bool {
	switch n := n.(type) {
	case *Call:
		Walk(v, n.Platform)
		Walk(v, n.From)
		Walk(v, n.To)
		Walk(v, n.At)
		Walk(v, n.Data)
	case *Given:
		Walk(v, n.Name)
		Walk(v, n.Post)
		Walk(v, n.Value)
	case *Press:
		Walk(v, n.Digits)
	case *Dial:
		Walk(v, n.Outcome)
	case *Recorded:
		Walk(v, n.URL)
	case *Expect:
		Walk(v, n.Kind)
		Walk(v, n.Var)
		walkList(v, n.Args)
		Walk(v, n.Fields)
		Walk(v, n.From)
		walkList(v, n.Legs)
	default:
		return false
	}
	return true
}

func walkList[N Node](v Visitor, list []N) {
	for _, n := range list {
		Walk(v, n)
	}
}

// isNil reports a nil interface or a nil pointer inside one: every node is a
// pointer, and an absent optional child (a say without voice) is a nil one.
func isNil(n Node) bool {
	if n == nil {
		return true
	}
	v := reflect.ValueOf(n)
	return v.Kind() == reflect.Pointer && v.IsNil()
}

type inspector func(Node) bool

func (f inspector) Visit(n Node) Visitor {
	if f(n) {
		return f
	}
	return nil
}

// Inspect traverses the tree rooted at n in the order of Walk, calling f(n)
// for each node; when f returns true it goes on into n's children, then
// calls f(nil).
func Inspect(n Node, f func(Node) bool) {
	Walk(inspector(f), n)
}
