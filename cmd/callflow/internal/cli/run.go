package cli

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/callflow/callflow/lang"
	"github.com/callflow/callflow/lang/diag"
	"github.com/callflow/callflow/lang/ir"
	"github.com/callflow/callflow/lang/source"
	"github.com/callflow/callflow/runtime"
)

type runCmd struct {
	Platform string   `placeholder:"P" help:"Platform of the webhook: tencent, 8x8, callback or callbot (default: detected from the payload)."`
	Flow     string   `placeholder:"NAME" help:"Run this flow instead of the one whose number the webhook calls."`
	At       string   `placeholder:"TIME" help:"The call's time, such as 2026-11-23T10:00:00+08:00 or '2026-11-23 10:00 Asia/Singapore' (default: now)."`
	State    string   `placeholder:"FILE" help:"Keep sessions in FILE between runs, to walk a multi-step call one webhook at a time."`
	Given    []string `sep:"none" placeholder:"NAME=JSON" help:"Stub a lookup (or table rows) with a JSON value; no HTTP is done for it."`
	Trace    bool     `help:"Print on stderr each rule tried, the handler, the steps and lookups."`
	Path     string   `arg:"" name:"path" help:"A flow file or a folder of flows."`
	Webhook  string   `arg:"" optional:"" name:"webhook" help:"The webhook JSON file, or - for standard input (default)."`
}

func (c *runCmd) Run(e *env) error {
	at, err := parseTime(c.At)
	if err != nil {
		return fail(exitUsage, "--at: %v", err)
	}
	given, err := parseGiven(c.Given)
	if err != nil {
		return fail(exitUsage, "--given: %v", err)
	}
	body, err := readWebhook(c.Webhook)
	if err != nil {
		return fail(exitUsage, "%v", err)
	}
	prog, err := compileForRun(c.Path, e.stderr)
	if err != nil {
		return err
	}
	name := c.Platform
	if name == "" {
		if name, err = detectPlatform(body, prog, c.Flow); err != nil {
			return fail(exitUsage, "%v", err)
		}
	}
	st, err := openState(c.State)
	if err != nil {
		return fail(exitUsage, "--state: %v", err)
	}
	eng, err := runtime.New(runtime.WithFlows(prog), runtime.WithStore(st), runtime.WithSecret(st.Secret))
	if err != nil {
		return fail(exitUsage, "%v", err)
	}
	res, runErr := eng.Serve(context.Background(), &runtime.Request{Platform: name, Flow: c.Flow, Body: body, Now: at, Given: given, Trace: c.Trace})
	if c.Trace && res.Trace != nil {
		fmt.Fprint(e.stderr, res.Trace.String())
	}
	if err := st.save(); err != nil {
		return fail(exitUsage, "--state: %v", err)
	}
	return c.print(e, res, runErr)
}

func (c *runCmd) print(e *env, res *runtime.Result, runErr error) error {
	if res.Outcome == runtime.Rejected {
		return fail(exitProblems, "the webhook cannot be understood: %v", runErr)
	}
	if len(res.Reply.Body) > 0 {
		e.stdout.Write(res.Reply.Body)
		fmt.Fprintln(e.stdout)
	}
	if runErr != nil {
		return fail(exitProblems, "answered with the %s safe fallback: %v", res.Event.Platform, runErr)
	}
	return nil
}

// compileForRun compiles PATH; errors are printed as diagnostics.
func compileForRun(path string, stderr io.Writer) (*ir.Program, error) {
	fi, err := os.Stat(path)
	if err != nil {
		return nil, fail(exitUsage, "%v", err)
	}
	dir, files := path, []string(nil)
	if !fi.IsDir() {
		dir, files = filepath.Dir(path), []string{filepath.Base(path)}
	}
	fsys := os.DirFS(dir)
	if files == nil {
		if files, err = lang.FlowFiles(fsys, "."); err != nil {
			return nil, fail(exitUsage, "%v", err)
		}
	}
	sources := source.Files{}
	prog, ds := lang.CompileFiles(fsys, files, lang.WithSources(sources))
	if ds.HasErrors() {
		diag.Write(stderr, diag.FormatText, ds, sources)
		return nil, fail(exitProblems, "%s", diag.Summary(ds, len(files)))
	}
	return prog, nil
}

func readWebhook(name string) ([]byte, error) {
	if name == "" || name == "-" {
		return io.ReadAll(io.LimitReader(os.Stdin, runtime.MaxBody+1))
	}
	return os.ReadFile(name)
}

// detectPlatform tells the platform from the payload's shape. A trigger is
// callback or callbot: the flows loaded decide, or --platform must.
func detectPlatform(body []byte, prog *ir.Program, flow string) (string, error) {
	var m map[string]any
	if err := json.Unmarshal(body, &m); err != nil {
		return "", fmt.Errorf("the webhook is not a JSON object: %v", err)
	}
	switch {
	case m["Event"] != nil || m["CallInBound"] != nil:
		return "tencent", nil
	case m["eventType"] != nil || m["payload"] != nil:
		return "8x8", nil
	case m["id"] == nil:
		return "", errors.New("cannot tell the platform from the webhook; give --platform")
	}
	var triggers []string
	for _, f := range prog.Flows {
		if flow != "" && f.Name != flow {
			continue
		}
		for _, p := range f.Platforms {
			if (p == "callback" || p == "callbot") && !contains(triggers, p) {
				triggers = append(triggers, p)
			}
		}
	}
	if len(triggers) != 1 {
		return "", errors.New("a trigger webhook can be callback or callbot; give --platform")
	}
	return triggers[0], nil
}

func contains(ss []string, s string) bool {
	for _, x := range ss {
		if x == s {
			return true
		}
	}
	return false
}

func parseGiven(args []string) (map[string]any, error) {
	out := map[string]any{}
	for _, a := range args {
		name, value, ok := strings.Cut(a, "=")
		if !ok || name == "" {
			return nil, fmt.Errorf("%q: write NAME=JSON", a)
		}
		var v any
		if err := json.Unmarshal([]byte(value), &v); err != nil {
			return nil, fmt.Errorf("%s: the value is not JSON: %v", name, err)
		}
		out[name] = v
	}
	return out, nil
}

// parseTime reads RFC 3339 (any offset), or a local time followed by an IANA
// zone name.
func parseTime(s string) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t, nil
	}
	i := strings.LastIndexByte(s, ' ')
	if i < 0 {
		return time.Time{}, fmt.Errorf("%q: use 2026-11-23T10:00:00+08:00 or \"2026-11-23 10:00 Asia/Singapore\"", s)
	}
	loc, err := time.LoadLocation(s[i+1:])
	if err != nil {
		return time.Time{}, fmt.Errorf("unknown time zone %q", s[i+1:])
	}
	for _, layout := range []string{"2006-01-02 15:04", "2006-01-02T15:04", "2006-01-02 15:04:05", "2006-01-02T15:04:05"} {
		if t, err := time.ParseInLocation(layout, s[:i], loc); err == nil {
			return t, nil
		}
	}
	return time.Time{}, fmt.Errorf("%q: use 2026-11-23T10:00:00+08:00 or \"2026-11-23 10:00 Asia/Singapore\"", s)
}
