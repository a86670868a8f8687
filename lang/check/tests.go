package check

import (
	"slices"
	"strings"

	"github.com/callflow/callflow/lang/ast"
	"github.com/callflow/callflow/lang/diag"
	"github.com/callflow/callflow/lang/exprs"
	"github.com/callflow/callflow/lang/internal/suggest"
	"github.com/callflow/callflow/lang/platform"
	"github.com/callflow/callflow/lang/source"
)

var expectKinds = []string{"say", "play", "capture", "makeCall", "agent", "ivr", "hangup", "callback", "campaign", "keep", "nothing", "json", "var",
	"pause", "record", "post", "no"}

// ExpectWords are the words that may follow `expect` in a test, in the
// order the language's reference lists them: for an editor's completion.
func ExpectWords() []string { return slices.Clone(expectKinds) }

// checkTests checks test blocks in the flow file and its test files: test
// files hold only tests of this flow, calls use a platform the flow compiles
// for, given names a lookup or table, expect var names a variable.
func (c *checker) checkTests() {
	for _, tf := range c.u.Tests {
		if tf.Flow.Name != c.u.Main.Flow.Name {
			c.report(diag.Errorf(diag.BadTestFile, tf.Flow.At, "test file names flow %q, not %q", tf.Flow.Name, c.u.Main.Flow.Name).
				Do("Start the file with `flow %s`.", c.u.Main.Flow.Name))
		}
		for _, d := range tf.Decls {
			if _, ok := d.(*ast.Test); !ok {
				c.report(diag.Errorf(diag.BadTestFile, d.Span(), "a test file holds only test blocks").
					Do("Move this declaration into %s.", c.u.Main.Name))
			}
		}
	}
	for _, f := range append([]*ast.File{c.u.Main}, c.u.Tests...) {
		for _, d := range f.Decls {
			if t, ok := d.(*ast.Test); ok {
				c.test(t)
			}
		}
	}
}

func (c *checker) test(t *ast.Test) {
	called := "" // the platform of the latest call
	for _, s := range t.Stmts {
		switch s := s.(type) {
		case *ast.Call:
			c.testCall(s)
			called = s.Platform.Name
		case *ast.Given:
			c.given(s)
		case *ast.Press:
			c.expect(s.Digits, wantString, "press")
		case *ast.Dial:
			c.testDial(s)
		case *ast.Recorded:
			c.expect(s.URL, wantString, "a recording's URL")
		case *ast.Expect:
			c.testExpect(s)
			c.expectOnPlatform(s, called)
		}
	}
}

// expectOnPlatform reports an expect that means nothing on the platform of
// the test's latest call: `expect keep` where the end of a handler does not
// keep a bound route.
func (c *checker) expectOnPlatform(s *ast.Expect, called string) {
	p, ok := platform.Lookup(called)
	if !ok || s.Kind.Name != "keep" || p.KeepsBound() {
		return
	}
	where := platform.KeepingBound()
	c.report(diag.Errorf(diag.Unsupported, s.Kind.At, "expect keep: a call on %s has no bound route to keep", called).
		Do("Keeping the number's bound route happens only on %s; on %s expect what the handler does instead.", strings.Join(where, ", "), called))
}

func (c *checker) testCall(s *ast.Call) {
	if _, ok := platform.Lookup(s.Platform.Name); !ok {
		c.report(diag.Errorf(diag.UnknownPlatform, s.Platform.At, "unknown platform %q", s.Platform.Name).
			Do("Use %s.", strings.Join(platform.Names(), ", ")).Maybe(suggest.Nearest(s.Platform.Name, platform.Names())))
	} else if !slices.Contains(c.info.Platforms, s.Platform.Name) {
		c.report(diag.Errorf(diag.UnknownPlatform, s.Platform.At, "flow %q does not compile for %s", c.u.Main.Flow.Name, s.Platform.Name).
			Do("Call on one of: %s.", strings.Join(c.info.Platforms, ", ")))
	}
	c.expect(s.From, wantString, "the caller")
	c.expect(s.To, wantString, "the callee")
	c.expect(s.At, wantString, "the call's time")
	c.expect(s.Data, wantMap, "data")
}

func (c *checker) given(s *ast.Given) {
	switch {
	case s.Secret:
		c.givenSecret(s)
		return
	case s.Post != nil:
		c.givenPost(s)
		return
	}
	k, ok := c.info.Env.Kind(s.Name.Name)
	if !ok || (k != exprs.LookupName && k != exprs.TableName) {
		var names []string
		for _, n := range c.info.Env.Names() {
			if k, _ := c.info.Env.Kind(n); k == exprs.LookupName || k == exprs.TableName {
				names = append(names, n)
			}
		}
		c.report(UnknownGiven(s.Name.At, s.Name.Name, names))
	}
	c.compile(s.Value)
}

// UnknownGiven is the error for a stub of a name no lookup or table of the
// flow declares (declared are those that do): a test's `given`, and
// `callflow run --given`, which report it alike.
func UnknownGiven(at source.Span, name string, declared []string) *diag.Diagnostic {
	return diag.Errorf(diag.UnknownName, at, "given %q: no lookup or table has this name", name).
		Do("Stub a lookup or a table row declared in the flow.").Maybe(suggest.Nearest(name, declared))
}

func (c *checker) testExpect(s *ast.Expect) {
	if !slices.Contains(expectKinds, s.Kind.Name) {
		c.report(diag.Errorf(diag.Syntax, s.Kind.At, "cannot expect %q", s.Kind.Name).
			Do("Expect one of: %s.", strings.Join(expectKinds, ", ")).Maybe(suggest.Nearest(s.Kind.Name, expectKinds)))
		return
	}
	if s.Var != nil && !slices.Contains(c.info.Vars, s.Var.Name) {
		c.report(diag.Errorf(diag.UnknownName, s.Var.At, "no variable named %q", s.Var.Name).
			Do("Name a variable the flow sets or captures.").Maybe(suggest.Nearest(s.Var.Name, c.info.Vars)))
	}
	if (s.Kind.Name == "capture" || s.Kind.Name == "record") && len(s.Args) == 1 {
		// expect capture VAR and expect record VAR name a variable, not a value.
		if name := s.Args[0].Text; !slices.Contains(c.info.Vars, name) {
			c.report(diag.Errorf(diag.UnknownName, s.Args[0].At, "no variable named %q", name).
				Do("Name the variable of a capture step.").Maybe(suggest.Nearest(name, c.info.Vars)))
		}
		return
	}
	if s.Kind.Name == "no" || s.Post {
		c.expectNoPost(s)
		return
	}
	if s.Kind.Name == "post" {
		c.expectPost(s)
		return
	}
	for i, a := range s.Args {
		cx := c.compile(a)
		if i == 0 && s.Kind.Name == "json" {
			c.expectJSONArg(a, cx)
		}
	}
	if s.Kind.Name == "json" && len(s.Args) == 0 {
		c.report(diag.Errorf(diag.Syntax, s.Kind.At, "expect json needs a golden file's name or the JSON the reply holds").
			Do(`Write expect json "FILE.json", or expect json {…} with the fields the reply must hold.`))
	}
	c.expectFields(s)
	c.compile(s.From)
	for _, l := range s.Legs {
		if l.Name.Name != "A" && l.Name.Name != "B" {
			c.report(diag.Errorf(diag.Syntax, l.Name.At, "a callback has no leg %q", l.Name.Name).
				Do("Name leg A or leg B."))
		}
		c.compile(l.To)
		c.compile(l.From)
	}
}

// expectFields checks the fields map after an expected step's name: only
// `expect campaign "NAME" {…}` has one (and expect post, checked apart).
func (c *checker) expectFields(s *ast.Expect) {
	if s.Fields == nil {
		return
	}
	if s.Kind.Name != "campaign" {
		c.report(diag.Errorf(diag.Syntax, s.Fields.At, "expect %s takes no fields", s.Kind.Name).
			Do("Only expect campaign and expect post take a map of fields after their name or URL; write one value after expect %s.", s.Kind.Name))
		return
	}
	c.expect(s.Fields, wantMap, "the campaign's fields")
}

// expectPost checks `expect post ["URL"] [{FIELDS}]`: a URL some post of
// the flow sends to, and the fields its JSON body must hold.
func (c *checker) expectPost(s *ast.Expect) {
	if len(s.Args) > 1 {
		c.report(diag.Errorf(diag.Syntax, s.Args[1].At, "expect post takes one URL").
			Do(`Write expect post "URL", then the fields its body holds: expect post "URL" {score: 5}.`))
	}
	url, fields := s.PostParts()
	if url != nil {
		c.expect(url, wantString, "a post URL")
		c.postSendsTo(url, "expect post", "expect what the flow answers instead")
	} else if exact, prefixes := c.postURLs(); len(exact)+len(prefixes) == 0 {
		c.report(diag.Errorf(diag.UnknownName, s.Kind.At, "expect post: the flow has no post step").
			Do("Expect what the flow answers instead."))
	}
	if fields != nil {
		c.expect(fields, wantMap, "the fields the post's body holds")
	}
	if s.From != nil || s.Record || len(s.Legs) > 0 {
		c.report(diag.Errorf(diag.Syntax, s.At, "expect post takes a URL and the fields its body holds, nothing else").
			Do(`Write expect post "URL" {score: 5}.`))
	}
}

// expectNoPost checks `expect no post`: the only form of expect no, and the
// only expect the word post follows.
func (c *checker) expectNoPost(s *ast.Expect) {
	switch {
	case s.Kind.Name != "no":
		c.report(diag.Errorf(diag.Syntax, s.Kind.At, "post follows expect only in expect no post").
			Do(`Write expect post "URL" to check a post, or expect no post to check that none was sent.`))
	case !s.Post || len(s.Args) > 0 || s.Fields != nil || s.From != nil || s.Record || len(s.Legs) > 0:
		c.report(diag.Errorf(diag.Syntax, s.Kind.At, "expect no takes the word post alone: expect no post").
			Do("expect no post checks that the answer ran no post beyond those an expect post matched."))
	}
}

// expectJSONArg reports an `expect json` value that is neither a golden
// file's name (a string) nor the JSON the reply holds (a map or list).
func (c *checker) expectJSONArg(x *ast.Expr, cx *exprs.Compiled) {
	if cx == nil || cx.Type == nil || fits(cx.Type, wantString) || fits(cx.Type, wantMap) || fits(cx.Type, wantList) {
		return
	}
	c.report(diag.Errorf(diag.TypeMismatch, x.At, "expect json takes a golden file's name or a map or list, but this is %s", typeName(cx.Type)).
		Do(`Write expect json "FILE.json", or expect json {…} with the fields the reply must hold.`))
}

// givenSecret checks `given secret NAME = "…"`: the flow reads NAME with
// secret(), and the value is a string.
func (c *checker) givenSecret(s *ast.Given) {
	names := c.secretNames()
	if !slices.Contains(names, s.Name.Name) {
		c.report(diag.Errorf(diag.UnknownName, s.Name.At, "given secret %q: the flow reads no such secret", s.Name.Name).
			Do("Give a secret the flow reads with secret(\"NAME\").").Maybe(suggest.Nearest(s.Name.Name, names)))
	}
	c.expect(s.Value, wantString, "a secret")
}

// secretNames are the names the flow reads with secret(), sorted.
func (c *checker) secretNames() []string {
	var names []string
	for _, cx := range c.info.Exprs {
		if cx == nil {
			continue
		}
		for _, n := range cx.Secrets {
			if !slices.Contains(names, n) {
				names = append(names, n)
			}
		}
	}
	slices.Sort(names)
	return names
}
