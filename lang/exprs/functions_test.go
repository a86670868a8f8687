package exprs

import (
	"strings"
	"testing"

	"github.com/callflow/callflow/lang/diag"
)

// evalLine compiles the «…» expression of line and runs it with b.
func evalLine(t *testing.T, line string, b *Budget) (any, error) {
	t.Helper()
	c, d, _ := compileAt(t, testEnv(), line)
	if d != nil {
		t.Fatalf("%s: %s", line, d.Summary)
	}
	return Eval(c, map[string]any{BudgetName: b})
}

func TestOrdinalAndSpell(t *testing.T) {
	for line, want := range map[string]string{
		`set x = «ordinal(1)»`:             "1st",
		`set x = «ordinal(2)»`:             "2nd",
		`set x = «ordinal(3)»`:             "3rd",
		`set x = «ordinal(11)»`:            "11th",
		`set x = «ordinal(12)»`:            "12th",
		`set x = «ordinal(13)»`:            "13th",
		`set x = «ordinal(22)»`:            "22nd",
		`set x = «ordinal(101)»`:           "101st",
		`set x = «ordinal(111)»`:           "111th",
		`set x = «spell("1234")»`:          "1 2 3 4",
		`set x = «spell("12 34")»`:         "1 2 3 4",
		`set x = «spell(987)»`:             "9 8 7",
		`set x = «"Order ${spell("42")}"»`: "Order 4 2",
	} {
		got, err := evalLine(t, line, new(Budget))
		if err != nil || got != want {
			t.Errorf("%s = %v, %v; want %q", line, got, err, want)
		}
	}
}

func TestSpellIsCountedAgainstTheBudget(t *testing.T) {
	_, err := evalLine(t, `set x = «spell(repeat("1", 600000))»`, new(Budget))
	if !IsMemory(err) {
		t.Fatalf("spell of 600,000 digits built a 1.2 MB string: %v", err)
	}
}

// random and pick draw the same numbers for the same seed (a test's call)
// and different ones for another seed (another call).
func TestRandomIsFixedBySeed(t *testing.T) {
	draws := func(seed uint64) []any {
		b := new(Budget)
		b.SetCall(&CallValues{Seed: seed})
		var out []any
		for range 8 {
			v, err := evalLine(t, `set x = «[random(1000), pick(["a", "b", "c", "d"])]»`, b)
			if err != nil {
				t.Fatal(err)
			}
			out = append(out, v)
		}
		return out
	}
	a, again, other := draws(7), draws(7), draws(8)
	if !equalJSON(a, again) {
		t.Fatalf("seed 7 drew %v, then %v", a, again)
	}
	if equalJSON(a, other) {
		t.Fatalf("seeds 7 and 8 drew the same %v", a)
	}
	seen := map[any]bool{}
	for _, d := range a {
		pair := d.([]any)
		if n := pair[0].(int); n < 0 || n >= 1000 {
			t.Fatalf("random(1000) = %d", n)
		}
		seen[pair[0]] = true
	}
	if len(seen) < 2 {
		t.Fatalf("eight draws of random(1000) in one webhook were all %v", a)
	}
}

func TestRandomAndPickRefuseBadArguments(t *testing.T) {
	for line, want := range map[string]string{
		`set x = «random(0)»`: "n must be 1..",
		`set x = «pick([])»`:  "at least one element",
	} {
		_, err := evalLine(t, line, new(Budget))
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: %v, want an error saying %q", line, err, want)
		}
	}
	_, d, _ := compileAt(t, testEnv(), `set x = «random("3")»`)
	if d == nil || d.Code != diag.TypeMismatch {
		t.Errorf(`random("3") compiled: %v`, d)
	}
}

func TestSecretAndEnvNeedLiteralNames(t *testing.T) {
	for _, tc := range []struct {
		line     string
		col, end int
	}{
		{`  header "A" «secret(caller)»`, 21, 27},
		{`  header "A" «secret("A" + caller)»`, 25, 26},
		{`  set x = «env("REGION", caller)»`, 25, 31},
	} {
		_, d, _ := compileAt(t, testEnv(), tc.line)
		if d == nil || d.Code != diag.SecretName {
			t.Errorf("%s: %v, want secret-name", tc.line, d)
			continue
		}
		if d.Subject.Start.Col != tc.col || d.Subject.End.Col != tc.end {
			t.Errorf("%s: at %d-%d, want %d-%d", tc.line, d.Subject.Start.Col, d.Subject.End.Col, tc.col, tc.end)
		}
	}
	c, d, _ := compileAt(t, testEnv(), `  header "A" «"Bearer ${secret("CRM_TOKEN")} ${env("REGION", "sg")}"»`)
	if d != nil {
		t.Fatal(d.Summary)
	}
	if !c.Varies || len(c.Secrets) != 1 || c.Secrets[0] != "CRM_TOKEN" || c.Settings["REGION"] != "sg" {
		t.Fatalf("varies %v, secrets %v, settings %v", c.Varies, c.Secrets, c.Settings)
	}
	b := new(Budget)
	b.SetCall(&CallValues{Loaded: NewLoaded(map[string]string{"CRM_TOKEN": "s3cr3t"}, map[string]string{"REGION": "vn"})})
	v, err := Eval(c, map[string]any{BudgetName: b})
	if err != nil || v != "Bearer s3cr3t vn" {
		t.Fatalf("= %v, %v", v, err)
	}
	b.SetCall(&CallValues{Loaded: NewLoaded(map[string]string{"CRM_TOKEN": "s3cr3t"}, nil)})
	if v, _ := Eval(c, map[string]any{BudgetName: b}); v != "Bearer s3cr3t sg" {
		t.Fatalf("env without a setting = %v, want its default", v)
	}
}

func equalJSON(a, b any) bool { return fmtValue(a) == fmtValue(b) }

func fmtValue(v any) string { return Text(v) }

// A name written without quotes, the likeliest slip, is secret-name with
// the quoted form in its hint, not "unknown name" (which would send the
// author to declare a const, itself refused); the summary says once what
// is wrong, and env's hint shows env.
func TestSecretAndEnvNamesWithoutQuotes(t *testing.T) {
	for _, tc := range []struct {
		line, summary, hint string
		col, end            int
	}{
		{`  header "A" «secret(API_KEY)»`, `secret() needs its name as a string literal, known when the flow loads`, `secret("API_KEY")`, 21, 28},
		{`  header "A" «"Bearer ${secret( API_KEY )}"»`, `secret() needs its name as a string literal, known when the flow loads`, `secret("API_KEY")`, 32, 39},
		{`  set x = «env(REGION, "sg")»`, `env() needs its name as a string literal, known when the flow loads`, `env("REGION", "default")`, 15, 21},
		{`  set x = «env("REGION", caller)»`, `env() needs its default as a string literal, known when the flow loads`, `env("REGION", "sg")`, 25, 31},
		{`  header "A" «secret(caller)»`, `secret() needs its name as a string literal, known when the flow loads`, `secret("CRM_TOKEN")`, 21, 27},
	} {
		_, d, _ := compileAt(t, testEnv(), tc.line)
		if d == nil || d.Code != diag.SecretName {
			t.Errorf("%s: %v, want secret-name", tc.line, d)
			continue
		}
		if d.Summary != tc.summary || !strings.Contains(d.Detail, tc.hint) {
			t.Errorf("%s:\n summary %q\n hint %q\nwant %q and a hint showing %s", tc.line, d.Summary, d.Detail, tc.summary, tc.hint)
		}
		if d.Subject.Start.Col != tc.col || d.Subject.End.Col != tc.end {
			t.Errorf("%s: at %d-%d, want %d-%d", tc.line, d.Subject.Start.Col, d.Subject.End.Col, tc.col, tc.end)
		}
	}
}
