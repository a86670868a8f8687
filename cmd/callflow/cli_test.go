package main

import (
	"encoding/json"
	"errors"
	"flag"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/rogpeppe/go-internal/testscript"

	"github.com/callflow/callflow/cmd/callflow/internal/cli"
	"github.com/callflow/callflow/lang/diag/sarifschema"
)

var update = flag.Bool("update", false, "rewrite the cmp files in testdata/script to match the output")

func TestMain(m *testing.M) {
	testscript.Main(m, map[string]func(){
		"callflow": func() { os.Exit(cli.Main()) },
	})
}

func TestScripts(t *testing.T) {
	flows, err := filepath.Abs(filepath.Join("..", "..", "flows"))
	if err != nil {
		t.Fatal(err)
	}
	testscript.Run(t, testscript.Params{
		Dir: "testdata/script",
		Setup: func(e *testscript.Env) error {
			e.Setenv("FLOWS", flows) // the shipped flows, for the run_* scripts
			// appointments.flow's secret, which make run sets too: without
			// it that flow fails to load and run exits 1.
			e.Setenv("CLINIC_CRM_TOKEN", "demo-token")
			return nil
		},
		UpdateScripts:       *update,
		RequireExplicitExec: true,
		RequireUniqueNames:  true,
		Cmds: map[string]func(ts *testscript.TestScript, neg bool, args []string){
			"exits":     cmdExits,
			"mkbinary":  cmdMkbinary,
			"mkdeep":    cmdMkdeep,
			"mkbig":     cmdMkbig,
			"tokenfrom": cmdTokenfrom,
			"sarifok":   cmdSarifok,
			"mksteps":   cmdMksteps,
			"jsonset":   cmdJSONSet,
			"serveonce": cmdServeOnce,
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

// tokenfrom OUT FILE copies the clientActionId of the 8x8 answer in OUT
// (a file, or stdout of the last command) into payload.clientActionId of the
// webhook in FILE, as 8x8 echoes it in the next webhook of the call.
func cmdTokenfrom(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 2 {
		ts.Fatalf("usage: tokenfrom OUT FILE")
	}
	var answer struct {
		ClientActionID string `json:"clientActionId"`
	}
	if err := json.Unmarshal([]byte(ts.ReadFile(args[0])), &answer); err != nil {
		ts.Fatalf("%s: %v", args[0], err)
	}
	if answer.ClientActionID == "" {
		ts.Fatalf("%s has no clientActionId", args[0])
	}
	var hook map[string]any
	ts.Check(json.Unmarshal([]byte(ts.ReadFile(args[1])), &hook))
	payload, ok := hook["payload"].(map[string]any)
	if !ok {
		ts.Fatalf("%s has no payload object", args[1])
	}
	payload["clientActionId"] = answer.ClientActionID
	data, err := json.MarshalIndent(hook, "", "  ")
	ts.Check(err)
	ts.Check(os.WriteFile(ts.MkAbs(args[1]), data, 0o644))
}

// sarifok FILE fails unless FILE (or stdout, for "stdout") is a SARIF log
// the official SARIF 2.1.0 schema accepts.
func cmdSarifok(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 1 {
		ts.Fatalf("usage: sarifok FILE|stdout")
	}
	data := ts.ReadFile(args[0])
	if err := sarifschema.Validate([]byte(data)); err != nil {
		ts.Fatalf("%s is not valid SARIF 2.1.0: %v", args[0], err)
	}
}

// mksteps FILE N writes a callback flow whose one handler runs N set steps:
// a diagram of N+2 edges.
func cmdMksteps(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 2 {
		ts.Fatalf("usage: mksteps FILE N")
	}
	n, err := strconv.Atoi(args[1])
	ts.Check(err)
	var b strings.Builder
	b.WriteString("flow big\ntarget callback\notherwise -> main\nhandler main {\n")
	for i := range n {
		b.WriteString("  set x = " + strconv.Itoa(i) + "\n")
	}
	b.WriteString("}\n")
	ts.Check(os.WriteFile(ts.MkAbs(args[0]), []byte(b.String()), 0o644))
}

// jsonset FILE PATH JSON sets the member at PATH (object keys separated by
// slashes) of the JSON object in FILE to the JSON value given, as a user
// editing a state file by hand would.
func cmdJSONSet(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 3 {
		ts.Fatalf("usage: jsonset FILE PATH JSON")
	}
	var doc map[string]any
	ts.Check(json.Unmarshal([]byte(ts.ReadFile(args[0])), &doc))
	var value any
	ts.Check(json.Unmarshal([]byte(args[2]), &value))
	keys := strings.Split(args[1], "/")
	obj := doc
	for _, k := range keys[:len(keys)-1] {
		next, ok := obj[k].(map[string]any)
		if !ok {
			ts.Fatalf("%s: no object at %q", args[0], k)
		}
		obj = next
	}
	obj[keys[len(keys)-1]] = value
	data, err := json.MarshalIndent(doc, "", "  ")
	ts.Check(err)
	ts.Check(os.WriteFile(ts.MkAbs(args[0]), data, 0o644))
}
