package main

import (
	"fmt"
	"regexp"
	"strings"
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

// shellLangs are the info strings of shell blocks. A block with no info
// string whose first line starts with "$ " is a shell block too.
var shellLangs = map[string]bool{"sh": true, "bash": true, "shell": true, "console": true}

// parseDoc reads the fenced blocks and doctest markers of a markdown
// document. A marker names no block, an unknown marker, or a marker that
// does not fit its block is an error naming the line.
func parseDoc(name, text string) ([]docStep, error) {
	lines := strings.Split(text, "\n")
	var steps []docStep
	var pending []docStep // markers waiting for their block, as steps to fill
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
			pending = append(pending, docStep{line: i + 1, path: word, reason: strings.TrimSpace(arg)})
		case fence.MatchString(lines[i]):
			m := fence.FindStringSubmatch(lines[i])
			s := docStep{line: i + 1, indent: m[1], bodyStart: i + 1}
			for i++; i < len(lines) && strings.TrimSpace(lines[i]) != m[2]; i++ {
				s.body = append(s.body, strings.TrimPrefix(lines[i], m[1]))
			}
			if i == len(lines) {
				return nil, fmt.Errorf("%s:%d: the block is never closed", name, s.line)
			}
			s.bodyEnd = i
			s.console = m[3] == "console" || m[3] == "" && len(s.body) > 0 && strings.HasPrefix(s.body[0], "$ ")
			shell := shellLangs[m[3]] || s.console
			if err := s.apply(name, pending, shell); err != nil {
				return nil, err
			}
			pending = nil
			if s.kind == stepShell && !shell {
				continue // a flow, JSON or YAML block: nothing to run
			}
			if s.kind == stepShell {
				s.commands = s.parseCommands()
				if len(s.commands) == 0 {
					return nil, fmt.Errorf("%s:%d: the shell block has no command", name, s.line)
				}
			}
			steps = append(steps, s)
		case trimmed != "" && len(pending) > 0:
			return nil, fmt.Errorf("%s:%d: the doctest marker is not followed by a fenced block", name, pending[0].line)
		}
	}
	if len(pending) > 0 {
		return nil, fmt.Errorf("%s:%d: the doctest marker is not followed by a fenced block", name, pending[0].line)
	}
	return steps, nil
}

// apply sets the block's step from the markers before it.
func (s *docStep) apply(name string, markers []docStep, shell bool) error {
	for _, m := range markers {
		word, arg := m.path, m.reason
		fail := func(format string, args ...any) error {
			return fmt.Errorf("%s:%d: doctest %s: %s", name, m.line, word, fmt.Sprintf(format, args...))
		}
		if arg == "" {
			return fail("needs an argument")
		}
		switch word {
		case "file":
			s.kind, s.path = stepFile, arg
		case "skip":
			if !shell {
				return fail("only a shell block can be skipped")
			}
			s.kind, s.reason = stepSkip, arg
		case "ignore":
			re, err := regexp.Compile(arg)
			if err != nil {
				return fail("%v", err)
			}
			s.ignore = append(s.ignore, re)
		case "dir":
			s.dir = arg
		default:
			return fail("unknown marker (want file, skip, ignore, dir or sh)")
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
func (s *docStep) parseCommands() []docCommand {
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
			// output before the first prompt: kept as a command that fails
			cmds = append(cmds, docCommand{line: line, text: "false # output before the first $ line"})
			fallthrough
		default:
			cmds[len(cmds)-1].output += l + "\n"
		}
	}
	return cmds
}
