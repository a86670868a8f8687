// Package cli is the callflow command line: flags, I/O and exit codes only.
// The language lives in package lang; this package parses arguments with kong,
// calls it, and prints what it returns.
//
// Exit codes, for every subcommand:
//
//	0  success
//	1  the command ran and found problems (errors from check, …)
//	2  usage errors and I/O failures
package cli

import (
	"errors"
	"fmt"
	"io"
	"os"
	"reflect"
	"strconv"
	"strings"
	"time"

	"github.com/alecthomas/kong"

	"github.com/callflow/callflow/runtime"
)

// Exit codes.
const (
	exitOK       = 0
	exitProblems = 1
	exitUsage    = 2
)

// app is the command tree. One struct per subcommand, each in its own file.
type app struct {
	VersionFlag versionFlag `name:"version" help:"Print the version, commit and Go version, as callflow version does."`

	Check      checkCmd      `cmd:"" help:"Check flows (files or folders) and report problems."`
	Fmt        fmtCmd        `cmd:"" help:"Print flows in the canonical layout; -l lists, -w rewrites, -d diffs, --check fails on unformatted files."`
	Graph      graphCmd      `cmd:"" help:"Draw a flow as a diagram: a Mermaid flowchart or a Graphviz DOT graph."`
	Run        runCmd        `cmd:"" help:"Answer one webhook with the flows at PATH and print the platform JSON."`
	Serve      serveCmd      `cmd:"" help:"Serve webhooks for the flows in a folder, reloading them as they change."`
	Test       testCmd       `cmd:"" help:"Run the test blocks of flows (virtual clock, stubbed lookups, no network)."`
	Lsp        lspCmd        `cmd:"" help:"Serve the Language Server Protocol on stdin and stdout, for editors."`
	Version    versionCmd    `cmd:"" help:"Print the version, commit and Go version."`
	Help       helpCmd       `cmd:"" help:"Print the help of callflow, or of a command."`
	Completion completionCmd `cmd:"" help:"Print the script that makes bash, zsh or fish complete callflow's commands and flags."`
}

// env is what a subcommand's Run method receives: where to read and write.
type env struct {
	stdin          io.Reader
	stdout, stderr io.Writer
}

// exitError ends a subcommand with a code. Its message, if any, goes to
// stderr; an empty message means the command has already said what it had to.
type exitError struct {
	code int
	msg  string
}

func (e *exitError) Error() string { return e.msg }

// fail returns an exitError with a formatted message.
func fail(code int, format string, args ...any) error {
	return &exitError{code: code, msg: fmt.Sprintf(format, args...)}
}

// kongExit is what the kong.Exit hook panics with: kong calls it after
// printing --help, and must not end the process when callflow runs in-process.
type kongExit int

// Main runs callflow with the process's arguments and standard streams, and
// returns the exit code.
func Main() int {
	if line, ok := os.LookupEnv(completionLineEnv); ok && line != "" {
		return completeLine(os.Stdout, os.Stderr)
	}
	return Run(os.Args[1:], os.Stdout, os.Stderr)
}

// Run runs callflow with args (without the program name), writing to stdout
// and stderr, and returns the exit code. With no arguments it prints the
// help, as `callflow --help` does.
func Run(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		args = []string{"--help"}
	}
	var cli app
	ctx, code, done := parse(&cli, args, stdout, stderr)
	if done {
		return code
	}
	err := ctx.Run(&env{stdin: os.Stdin, stdout: stdout, stderr: stderr})
	if err == nil {
		return exitOK
	}
	var ee *exitError
	if errors.As(err, &ee) {
		if ee.msg != "" {
			fmt.Fprintf(stderr, "%s: %s\n", commandPath(ctx), ee.msg)
		}
		return ee.code
	}
	fmt.Fprintf(stderr, "%s: %v\n", commandPath(ctx), err)
	return exitUsage
}

// commandPath is the prefix of every error a command prints: "callflow
// COMMAND", or "callflow" before a command is known.
func commandPath(ctx *kong.Context) string {
	if ctx != nil {
		if n := ctx.Selected(); n != nil {
			return n.FullPath()
		}
	}
	return "callflow"
}

// newParser is callflow's kong parser for cli. Its Exit panics with a
// kongExit, which parse recovers: callflow runs in-process in tests.
func newParser(cli *app, stdout, stderr io.Writer) *kong.Kong {
	parser, err := kong.New(cli,
		kong.Name("callflow"),
		kong.Description("Check, format, run, test and serve .flow call flows."),
		kong.Writers(stdout, stderr),
		kong.Exit(func(code int) { panic(kongExit(code)) }),
		kong.ConfigureHelp(kong.HelpOptions{Compact: true}),
		kong.Vars{"platforms": orList(runtime.PlatformNames())}, // the registry's, in help texts
		kong.TypeMapper(reflect.TypeFor[int](), wholeNumber(strconv.IntSize)),
		kong.TypeMapper(reflect.TypeFor[int64](), wholeNumber(64)),
		kong.TypeMapper(reflect.TypeFor[time.Duration](), kong.MapperFunc(duration)),
		kong.Vars{"budgets": budgetsHelp()},
	)
	if err != nil {
		// The command tree is wrong: a bug, not a usage error.
		panic(err)
	}
	return parser
}

// parse parses args into cli. When done is set the command line has been
// fully handled (help printed, or a usage error reported) and code is the
// exit code.
func parse(cli *app, args []string, stdout, stderr io.Writer) (ctx *kong.Context, code int, done bool) {
	defer func() {
		if r := recover(); r != nil {
			c, ok := r.(kongExit)
			if !ok {
				panic(r)
			}
			ctx, code, done = nil, int(c), true
		}
	}()
	parser := newParser(cli, stdout, stderr)
	ctx, err := parser.Parse(args)
	if err != nil {
		var pe *kong.ParseError
		if errors.As(err, &pe) {
			ctx = pe.Context
		}
		cmd := commandPath(ctx)
		msg := err.Error()
		if ctx != nil && ctx.Selected() != nil {
			// kong puts the command's name before a Validate error; the
			// prefix already names it.
			msg = strings.TrimPrefix(msg, ctx.Selected().Path()+": ")
		} else if len(args) > 0 && msg == "unexpected argument "+args[0] {
			msg = fmt.Sprintf("unknown command %q; the commands are %s", args[0], commandNames(parser.Model.Node))
		}
		msg = readable(msg)
		fmt.Fprintf(stderr, "%s: %s\n", cmd, msg)
		fmt.Fprintf(stderr, "Run '%s --help' for usage.\n", cmd)
		return nil, exitUsage, true
	}
	return ctx, 0, false
}
