package main

import (
	"errors"
	"flag"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"testing"

	"github.com/rogpeppe/go-internal/testscript"

	"github.com/callflow/callflow/cmd/callflow/internal/cli"
)

var update = flag.Bool("update", false, "rewrite the cmp files in testdata/script to match the output")

func TestMain(m *testing.M) {
	testscript.Main(m, map[string]func(){
		"callflow": func() { os.Exit(cli.Main()) },
	})
}

func TestScripts(t *testing.T) {
	testscript.Run(t, testscript.Params{
		Dir:                 "testdata/script",
		UpdateScripts:       *update,
		RequireExplicitExec: true,
		RequireUniqueNames:  true,
		Cmds: map[string]func(ts *testscript.TestScript, neg bool, args []string){
			"exits":    cmdExits,
			"mkbinary": cmdMkbinary,
			"mkdeep":   cmdMkdeep,
			"mkbig":    cmdMkbig,
		},
	})
}

// exits CODE PROG [ARGS...] runs PROG like exec and fails unless it exits
// with CODE. Its stdout and stderr are then checked like exec's.
func cmdExits(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) < 2 {
		ts.Fatalf("usage: exits CODE PROG [ARGS...]")
	}
	want, err := strconv.Atoi(args[0])
	ts.Check(err)
	got := 0
	if err := ts.Exec(args[1], args[2:]...); err != nil {
		var ee *exec.ExitError
		if !errors.As(err, &ee) {
			ts.Fatalf("%s: %v", args[1], err)
		}
		got = ee.ExitCode()
	}
	if got != want {
		ts.Fatalf("%s exited with %d, want %d", args[1], got, want)
	}
}

// mkbinary FILE writes a file that starts like a flow and holds a NUL byte,
// which a txtar archive cannot.
func cmdMkbinary(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 1 {
		ts.Fatalf("usage: mkbinary FILE")
	}
	data := []byte("flow hello\n\x7fELF\x02\x01\x01\x00\x00\x00\xff\xfe\n")
	ts.Check(os.WriteFile(ts.MkAbs(args[0]), data, 0o644))
}

// mkdeep FILE N writes a flow whose handler nests N if blocks.
func cmdMkdeep(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 2 {
		ts.Fatalf("usage: mkdeep FILE N")
	}
	n, err := strconv.Atoi(args[1])
	ts.Check(err)
	var b strings.Builder
	b.WriteString("flow deep\ntarget 8x8\notherwise -> main\nhandler main {\n")
	for range n {
		b.WriteString("if x {\n")
	}
	for range n {
		b.WriteString("}\n")
	}
	b.WriteString("hangup\n}\n")
	ts.Check(os.WriteFile(ts.MkAbs(args[0]), []byte(b.String()), 0o644))
}

// mkbig FILE BYTES writes a valid flow padded with comment lines to BYTES
// bytes.
func cmdMkbig(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 2 {
		ts.Fatalf("usage: mkbig FILE BYTES")
	}
	size, err := strconv.Atoi(args[1])
	ts.Check(err)
	head := "flow big\ntarget 8x8\nvoice \"en-US-ZiraRUS\"\notherwise -> main\nhandler main {\n  say \"Hello.\"\n  hangup\n}\n"
	comment := "# " + strings.Repeat("padding ", 9) + "\n"
	var b strings.Builder
	b.Grow(size)
	b.WriteString(head)
	for b.Len()+len(comment) <= size {
		b.WriteString(comment)
	}
	b.WriteString(strings.Repeat("#", max(0, size-b.Len())))
	ts.Check(os.WriteFile(ts.MkAbs(args[0]), []byte(b.String())[:size], 0o644))
}
