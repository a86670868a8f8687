package main

import (
	"fmt"
	"regexp"
	"strings"
	"testing"
)

// The markers of docs/contributing.md ("Examples in the docs are tests"):
// HTML comments, hidden when the markdown renders, that tell TestDocs what
// to do with the fenced block after them, or that hold a hidden setup step.
const docMarker = "<!-- doctest:"

type stepKind int

const (
	stepShell  stepKind = iota // a shell example: run, outputs compared
	stepSkip                   // a shell example that cannot run offline
	stepFile                   // a block written to a file
	stepHidden                 // a hidden setup script
)

// docStep is one thing TestDocs does, in document order.
type docStep struct {
	kind    stepKind
	line    int      // of the block's opening fence, or of the marker
	body    []string // the block's lines, without the fence's indentation
	path    string   // stepFile: where the block goes
	reason  string   // stepSkip: why it does not run
	dir     string   // stepShell: the folder it runs in, when not the work folder
	ignore  []*regexp.Regexp
	console bool // a transcript of `$ ` commands and their outputs
	script  bool // a sh block marked run: each line a command that prints nothing

	commands           []docCommand
	indent             string
	bodyStart, bodyEnd int // the body's lines in the document, for -update
}

// docCommand is one command of a shell example and the output shown for it.
type docCommand struct {
	line   int
	text   string
	output string // "" or lines ending in "\n"
}

var fence = regexp.MustCompile("^( *)(```+)\\s*([A-Za-z0-9_-]*)\\s*$")

// shellLangs are the info strings of shell blocks: console blocks run;
// the others run only when marked run, or are excused with skip.
var shellLangs = map[string]bool{"sh": true, "bash": true, "shell": true, "console": true}

// marker is one `<!-- doctest: WORD ARG -->` line, waiting for its block.
type marker struct {
	line      int
	word, arg string
}

// parseDoc reads the fenced blocks and doctest markers of a markdown
// document. A marker that names no block, an unknown marker, a marker that
// does not fit its block and an unmarked sh block are errors naming the line.
func parseDoc(name, text string) ([]docStep, error) {
	lines := strings.Split(text, "\n")
	var steps []docStep
	var pending []marker
	for i := 0; i < len(lines); i++ {
		trimmed := strings.TrimSpace(lines[i])
		switch {
		case strings.HasPrefix(trimmed, docMarker):
			rest := strings.TrimSpace(strings.TrimPrefix(trimmed, docMarker))
			if rest == "sh" { // a hidden script, up to a line "-->"
				hidden := docStep{kind: stepHidden, line: i + 1}
				for i++; i < len(lines) && strings.TrimSpace(lines[i]) != "-->"; i++ {
					hidden.body = append(hidden.body, lines[i])
				}
				if i == len(lines) {
					return nil, fmt.Errorf("%s:%d: doctest sh marker has no closing -->", name, hidden.line)
				}
				steps = append(steps, hidden)
				continue
			}
			directive, ok := strings.CutSuffix(rest, "-->")
			if !ok {
				return nil, fmt.Errorf("%s:%d: a doctest marker other than sh fits on one line: <!-- doctest: WORD ARG -->", name, i+1)
			}
			word, arg, _ := strings.Cut(strings.TrimSpace(directive), " ")
			pending = append(pending, marker{line: i + 1, word: word, arg: strings.TrimSpace(arg)})
		case fence.MatchString(lines[i]):
			s, end, err := parseBlock(name, lines, i, pending)
			if err != nil {
				return nil, err
			}
			i, pending = end, nil
			if s != nil {
				steps = append(steps, *s)
			}
		case trimmed != "" && len(pending) > 0:
			return nil, fmt.Errorf("%s:%d: the doctest marker is not followed by a fenced block", name, pending[0].line)
		}
	}
	if len(pending) > 0 {
		return nil, fmt.Errorf("%s:%d: the doctest marker is not followed by a fenced block", name, pending[0].line)
	}
	return steps, nil
}

// parseBlock reads the fenced block opening at lines[open], with the markers
// before it, and returns its step (nil for a block with nothing to do, such
// as a flow shown but not written) and the line of its closing fence.
func parseBlock(name string, lines []string, open int, markers []marker) (*docStep, int, error) {
	m := fence.FindStringSubmatch(lines[open])
	indent, ticks, lang := m[1], m[2], m[3]
	s := &docStep{line: open + 1, indent: indent, bodyStart: open + 1}
	i := open + 1
	for ; i < len(lines) && strings.TrimSpace(lines[i]) != ticks; i++ {
		s.body = append(s.body, strings.TrimPrefix(lines[i], indent))
	}
	if i == len(lines) {
		return nil, i, fmt.Errorf("%s:%d: the block is never closed", name, s.line)
	}
	s.bodyEnd = i
	s.console = lang == "console"
	if lang == "" && len(s.body) > 0 && strings.HasPrefix(s.body[0], "$ ") {
		return nil, i, fmt.Errorf("%s:%d: a transcript of $ commands is a ```console block, which the test runs", name, s.line)
	}
	shell := shellLangs[lang]
	if err := s.apply(name, markers, shell); err != nil {
		return nil, i, err
	}
	switch {
	case s.kind != stepShell:
		return s, i, nil
	case !shell:
		return nil, i, nil // a flow, JSON or YAML block: nothing to run
	case !s.console && !s.script:
		return nil, i, fmt.Errorf("%s:%d: a ```%s block needs a marker: <!-- doctest: run --> (each line a command that prints nothing), <!-- doctest: skip REASON -->, or write it as a ```console transcript", name, s.line, lang)
	}
	var err error
	if s.commands, err = s.parseCommands(); err != nil {
		return nil, i, fmt.Errorf("%s:%d: %v", name, s.line, err)
	}
	if len(s.commands) == 0 {
		return nil, i, fmt.Errorf("%s:%d: the shell block has no command", name, s.line)
	}
	return s, i, nil
}

// apply sets the block's step from the markers before it.
func (s *docStep) apply(name string, markers []marker, shell bool) error {
	for _, m := range markers {
		fail := func(format string, args ...any) error {
			return fmt.Errorf("%s:%d: doctest %s: %s", name, m.line, m.word, fmt.Sprintf(format, args...))
		}
		if m.arg == "" && m.word != "run" {
			return fail("needs an argument")
		}
		switch m.word {
		case "run":
			if !shell || s.console {
				return fail("is for a sh, bash or shell block; a console block always runs")
			}
			s.script = true
		case "file":
			s.kind, s.path = stepFile, m.arg
		case "skip":
			if !shell {
				return fail("only a shell block can be skipped")
			}
			s.kind, s.reason = stepSkip, m.arg
		case "ignore":
			re, err := regexp.Compile(m.arg)
			if err != nil {
				return fail("%v", err)
			}
			s.ignore = append(s.ignore, re)
		case "dir":
			s.dir = m.arg
		default:
			return fail("unknown marker (want file, skip, run, ignore, dir or sh)")
		}
	}
	if (len(s.ignore) > 0 || s.dir != "") && (!shell || s.kind != stepShell) {
		return fmt.Errorf("%s:%d: ignore and dir are for a shell block that runs", name, s.line)
	}
	return nil
}

// parseCommands reads a console transcript (`$ COMMAND` lines, each
// followed by its output) or a script (every line a command that prints
// nothing).
func (s *docStep) parseCommands() ([]docCommand, error) {
	var cmds []docCommand
	for j, l := range s.body {
		line := s.bodyStart + j + 1
		switch {
		case !s.console:
			if strings.TrimSpace(l) != "" {
				cmds = append(cmds, docCommand{line: line, text: l})
			}
		case strings.HasPrefix(l, "$ "):
			cmds = append(cmds, docCommand{line: line, text: strings.TrimPrefix(l, "$ ")})
		case len(cmds) == 0:
			return nil, fmt.Errorf("line %d: output before the first $ line", line)
		default:
			cmds[len(cmds)-1].output += l + "\n"
		}
	}
	return cmds, nil
}

// TestParseDocMarkers: a new shell example is either run or excused with a
// reason, and a marker that does not fit its block is an error naming it.
func TestParseDocMarkers(t *testing.T) {
	fails := map[string]string{
		"an unmarked sh block":      "text\n\n```sh\nmake run\n```\n",
		"a transcript without info": "```\n$ callflow check flows\nno problems in 1 file\n```\n",
		"a marker before prose":     "<!-- doctest: skip offline -->\nSome text.\n\n```sh\nmake run\n```\n",
		"a marker at the end":       "```sh\nls\n```\n<!-- doctest: skip offline -->\n",
		"an unknown marker":         "<!-- doctest: skipp offline -->\n```sh\nmake run\n```\n",
		"skip without a reason":     "<!-- doctest: skip -->\n```sh\nmake run\n```\n",
		"skip on a flow block":      "<!-- doctest: skip no -->\n```flow\nflow a\n```\n",
		"run on a console block":    "<!-- doctest: run -->\n```console\n$ ls\n```\n",
		"output before a prompt":    "```console\nno problems\n$ ls\n```\n",
		"an unclosed block":         "```console\n$ ls\n",
		"an unclosed sh marker":     "<!-- doctest: sh\nls\n",
	}
	for name, doc := range fails {
		if _, err := parseDoc("x.md", doc); err == nil {
			t.Errorf("%s: parsed without error", name)
		} else if !strings.HasPrefix(err.Error(), "x.md:") {
			t.Errorf("%s: %v does not name the place", name, err)
		}
	}

	doc := "<!-- doctest: file flows/a.flow -->\n```flow\nflow a\n```\n" +
		"<!-- doctest: sh\ntouch b\n-->\n" +
		"<!-- doctest: skip needs the network -->\n\n```sh\ngo install x@latest\n```\n" +
		"<!-- doctest: run -->\n```sh\ntouch c\n```\n" +
		"<!-- doctest: ignore [0-9]+ms -->\n<!-- doctest: dir sub -->\n```console\n$ callflow check flows\nno problems in 1 file (3ms)\n$ echo $?\n0\n```\n"
	steps, err := parseDoc("x.md", doc)
	if err != nil {
		t.Fatal(err)
	}
	kinds := []stepKind{stepFile, stepHidden, stepSkip, stepShell, stepShell}
	if len(steps) != len(kinds) {
		t.Fatalf("%d steps, want %d: %+v", len(steps), len(kinds), steps)
	}
	for i, k := range kinds {
		if steps[i].kind != k {
			t.Errorf("step %d (line %d) is kind %d, want %d", i, steps[i].line, steps[i].kind, k)
		}
	}
	if steps[0].path != "flows/a.flow" || steps[2].reason != "needs the network" || !steps[3].script {
		t.Errorf("markers not applied: %+v", steps[:4])
	}
	console := steps[4]
	if console.dir != "sub" || len(console.commands) != 2 || console.commands[0].output != "no problems in 1 file (3ms)\n" || console.commands[1].text != "echo $?" {
		t.Errorf("console block read as %+v", console)
	}
	if got := console.normalize("no problems in 1 file (12ms)\n"); got != console.normalize(console.commands[0].output) {
		t.Errorf("ignore marker: %q and %q differ", got, console.normalize(console.commands[0].output))
	}
}
