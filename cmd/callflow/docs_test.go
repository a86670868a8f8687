package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode"

	"github.com/rogpeppe/go-internal/testscript"
)

// The documents whose shell examples TestDocs runs, relative to the
// repository root. docs/contributing.md describes the markers they use.
var testedDocs = []string{"README.md", "docs/authoring.md"}

// TestDocs runs every shell example of testedDocs, in order, as a testscript
// script against the in-process callflow, and compares what each command
// prints (stdout and stderr, interleaved as a terminal shows them) with the
// output the document shows. A console block always runs; a sh block runs
// when marked `doctest: run`, and one that cannot run offline is marked
// `doctest: skip REASON` and counted; an unmarked sh block fails the test.
// With -update the outputs shown are rewritten to what the commands print.
func TestDocs(t *testing.T) {
	// About a hundred commands: overlap them with the package's other tests.
	t.Parallel()
	// The examples' shell, what they pipe through, and what edits their files.
	for _, tool := range []string{"bash", "jq", "perl"} {
		if _, err := exec.LookPath(tool); err != nil {
			if os.Getenv("CI") != "" {
				t.Fatalf("%s is not installed, and CI must run the documentation examples (apt-get install %s)", tool, tool)
			}
			t.Skipf("the documentation examples need %s on PATH: %v", tool, err)
		}
	}
	repo, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range testedDocs {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			path := filepath.Join(repo, filepath.FromSlash(name))
			text, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			steps, err := parseDoc(name, string(text))
			if err != nil {
				t.Fatal(err)
			}
			run := &docRun{name: name, steps: steps, got: make(map[int][]string)}
			scripts := t.TempDir()
			script := "# the shell examples of " + name + "\n"
			for i := range steps {
				script += fmt.Sprintf("docstep %d\n", i)
			}
			script += "docdone\n"
			if err := os.WriteFile(filepath.Join(scripts, "doc.txtar"), []byte(script), 0o644); err != nil {
				t.Fatal(err)
			}
			t.Run("script", func(t *testing.T) {
				testscript.Run(t, testscript.Params{
					Dir: scripts,
					Setup: func(e *testscript.Env) error {
						e.Setenv("REPO", repo) // the repository's root, for files the examples use
						e.Values[docRunKey{}] = run
						e.Values[docEnvKey{}] = append([]string(nil), e.Vars...)
						return nil
					},
					RequireExplicitExec: true,
					Cmds: map[string]func(ts *testscript.TestScript, neg bool, args []string){
						"docstep": cmdDocStep,
						"docdone": cmdDocDone,
					},
				})
			})
			ran, skipped := 0, 0
			for _, s := range steps {
				switch s.kind {
				case stepShell:
					ran++
				case stepSkip:
					skipped++
					t.Logf("not run: %s:%d: %s", name, s.line, s.reason)
				}
			}
			t.Logf("%s: %d shell examples run, %d not run", name, ran, skipped)
			if ran == 0 {
				t.Errorf("%s: no shell example ran", name)
			}
			if *update {
				if err := os.WriteFile(path, []byte(run.rewrite(string(text))), 0o644); err != nil {
					t.Fatal(err)
				}
			}
		})
	}
}

// TestDocsStandAlone keeps README.md and docs/*.md free of paths outside the
// repository, and their relative links pointing at files and headings that
// exist: a reader of the docs has only the repository.
func TestDocsStandAlone(t *testing.T) {
	repo := filepath.Join("..", "..")
	docs, err := filepath.Glob(filepath.Join(repo, "docs", "*.md"))
	if err != nil {
		t.Fatal(err)
	}
	docs = append(docs, filepath.Join(repo, "README.md"))
	anchors := make(map[string]map[string]bool) // clean path → heading anchors
	for _, path := range docs {
		text, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		anchors[filepath.Clean(path)] = headingAnchors(string(text))
	}
	outside := regexp.MustCompile(`shared/|/work/`)
	link := regexp.MustCompile(`\]\(([^)\s]+)\)`)
	for _, path := range docs {
		text, _ := os.ReadFile(path)
		rel, _ := filepath.Rel(repo, path)
		inFence := false
		for i, line := range strings.Split(string(text), "\n") {
			if loc := outside.FindStringIndex(line); loc != nil {
				t.Errorf("%s:%d:%d: cites %q, outside the repository; say what is needed in the docs themselves", rel, i+1, loc[0]+1, line[loc[0]:loc[1]])
			}
			if fence.MatchString(line) {
				inFence = !inFence
			}
			if inFence {
				continue // code, not links
			}
			for _, m := range link.FindAllStringSubmatch(line, -1) {
				if strings.Contains(m[1], "://") || strings.HasPrefix(m[1], "mailto:") {
					continue
				}
				if msg := checkLink(path, m[1], anchors); msg != "" {
					t.Errorf("%s:%d: link %s: %s", rel, i+1, m[1], msg)
				}
			}
		}
	}
}

// checkLink says what is wrong with a relative link from the document at
// from, or "" when its file (and heading, for a markdown file) exists.
func checkLink(from, target string, anchors map[string]map[string]bool) string {
	file, anchor, _ := strings.Cut(target, "#")
	path := filepath.Clean(from)
	if file != "" {
		path = filepath.Clean(filepath.Join(filepath.Dir(from), filepath.FromSlash(file)))
		if _, err := os.Stat(path); err != nil {
			return "no such file in the repository"
		}
	}
	if anchor == "" || !strings.HasSuffix(path, ".md") {
		return ""
	}
	if heads, ok := anchors[path]; ok && !heads[anchor] {
		return "no heading with that anchor"
	}
	return ""
}

// headingAnchors returns the anchors GitHub gives the headings of a markdown
// document: lower case, punctuation other than - and _ dropped, spaces as -.
func headingAnchors(text string) map[string]bool {
	anchors := make(map[string]bool)
	inFence := false
	for _, line := range strings.Split(text, "\n") {
		if fence.MatchString(line) {
			inFence = !inFence
		}
		if inFence || !strings.HasPrefix(line, "#") {
			continue
		}
		title := strings.ToLower(strings.TrimSpace(strings.TrimLeft(line, "#")))
		var b strings.Builder
		for _, r := range title {
			switch {
			case r == ' ':
				b.WriteRune('-')
			case r == '-' || r == '_' || unicode.IsLetter(r) || unicode.IsDigit(r):
				b.WriteRune(r)
			}
		}
		anchors[b.String()] = true
	}
	return anchors
}

type (
	docRunKey struct{}
	docEnvKey struct{}
)

// docRun is one document's run: its steps, and what each shell step's
// commands printed, for -update and for the failure count.
type docRun struct {
	name     string
	steps    []docStep
	mu       sync.Mutex
	got      map[int][]string // step index → each command's output
	failures int
}

// cmdDocStep runs step N of the document: it writes a file, runs a hidden
// setup script, runs a shell example and compares its outputs, or records
// a skipped example. A mismatch is logged and counted; docdone fails the
// script, so one run reports every drifted example.
func cmdDocStep(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 1 {
		ts.Fatalf("usage: docstep N")
	}
	run := ts.Value(docRunKey{}).(*docRun)
	var i int
	if _, err := fmt.Sscan(args[0], &i); err != nil || i < 0 || i >= len(run.steps) {
		ts.Fatalf("docstep: bad step %q", args[0])
	}
	s := run.steps[i]
	where := fmt.Sprintf("%s:%d", run.name, s.line)
	switch s.kind {
	case stepFile:
		path := ts.MkAbs(s.path)
		ts.Check(os.MkdirAll(filepath.Dir(path), 0o755))
		ts.Check(os.WriteFile(path, []byte(strings.Join(s.body, "\n")+"\n"), 0o644))
	case stepHidden:
		out, err := docBash(ts, ts.MkAbs("."), "set -e\n"+strings.Join(s.body, "\n"))
		if err != nil {
			ts.Fatalf("%s: hidden setup failed: %v\n%s", where, err, out)
		}
	case stepShell:
		outs, err := s.run(ts)
		if err != nil {
			ts.Fatalf("%s: %v", where, err)
		}
		run.mu.Lock()
		run.got[i] = outs
		run.mu.Unlock()
		for c, cmd := range s.commands {
			want, got := s.normalize(cmd.output), s.normalize(outs[c])
			if want != got {
				run.mu.Lock()
				run.failures++
				run.mu.Unlock()
				ts.Logf("%s:%d: $ %s\n--- the doc shows\n%s--- the command printed\n%s", run.name, cmd.line, cmd.text, want, got)
			}
		}
	case stepSkip:
		// counted by TestDocs
	}
}

// cmdDocDone fails the script when an example's output drifted.
func cmdDocDone(ts *testscript.TestScript, neg bool, args []string) {
	run := ts.Value(docRunKey{}).(*docRun)
	if run.failures > 0 {
		ts.Fatalf("%s: %d command outputs differ from the doc (go test -run TestDocs -update rewrites them)", run.name, run.failures)
	}
}

// docBash runs script in bash in dir, with the script's environment, stdout
// and stderr in one pipe as a terminal shows them, and no stdin.
func docBash(ts *testscript.TestScript, dir, script string) (string, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, "bash", "--noprofile", "--norc", "-c", script)
	cmd.Dir = dir
	cmd.Env = append(ts.Value(docEnvKey{}).([]string), "PWD="+dir)
	var out bytes.Buffer
	cmd.Stdout = &out
	cmd.Stderr = &out
	err := cmd.Run()
	return out.String(), err
}

// endOfCommand, on a line of its own, ends each command's output.
const endOfCommand = "\x1edoctest-end\x1e"

// run runs the shell example's commands in one bash, so `$?` and files
// carry from one command to the next, and returns each command's output.
func (s docStep) run(ts *testscript.TestScript) ([]string, error) {
	var script strings.Builder
	script.WriteString("exec 2>&1\ndoctest_status() { return \"$1\"; }\n")
	for _, c := range s.commands {
		fmt.Fprintf(&script, "%s\ndoctest_rc=$?; printf '\\n%s\\n'; doctest_status $doctest_rc\n", c.text, endOfCommand)
	}
	dir := ts.MkAbs(".")
	if s.dir != "" {
		dir = ts.MkAbs(s.dir)
	}
	out, err := docBash(ts, dir, script.String())
	var exit *exec.ExitError
	if err != nil && !errors.As(err, &exit) { // the last command's status is the doc's to show
		return nil, fmt.Errorf("bash: %v\n%s", err, out)
	}
	outs := strings.Split(out, "\n"+endOfCommand+"\n")
	if len(outs) != len(s.commands)+1 || outs[len(outs)-1] != "" {
		return nil, fmt.Errorf("bash printed %d outputs for %d commands:\n%s", len(outs)-1, len(s.commands), out)
	}
	outs = outs[:len(s.commands)]
	for i, o := range outs {
		if o != "" && !strings.HasSuffix(o, "\n") {
			outs[i] = o + "\n" // a terminal shows the prompt on the next line
		}
	}
	return outs, nil
}

// normalize replaces what the example's ignore markers match (outputs that
// change on every run, such as signatures and timings) with a placeholder.
func (s docStep) normalize(out string) string {
	for _, re := range s.ignore {
		out = re.ReplaceAllString(out, "<ignored>")
	}
	return out
}

// rewrite returns text with each shell example's outputs replaced by what
// its commands printed, for -update. Outputs that differ only where an
// ignore marker matches are kept as the doc shows them.
func (r *docRun) rewrite(text string) string {
	lines := strings.Split(text, "\n")
	for i := len(r.steps) - 1; i >= 0; i-- {
		s, outs := r.steps[i], r.got[i]
		if s.kind != stepShell || outs == nil || !s.console {
			continue
		}
		var block []string
		for c, cmd := range s.commands {
			out := cmd.output
			if s.normalize(out) != s.normalize(outs[c]) {
				out = outs[c]
			}
			block = append(block, s.indent+"$ "+cmd.text)
			for _, l := range strings.Split(strings.TrimSuffix(out, "\n"), "\n") {
				switch {
				case out == "":
				case l == "":
					block = append(block, "") // no indentation left trailing
				default:
					block = append(block, s.indent+l)
				}
			}
		}
		lines = append(lines[:s.bodyStart], append(block, lines[s.bodyEnd:]...)...)
	}
	return strings.Join(lines, "\n")
}
