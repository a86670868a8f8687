package cli

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"maps"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/callflow/callflow/lang"
	"github.com/callflow/callflow/lang/check"
	"github.com/callflow/callflow/lang/diag"
	"github.com/callflow/callflow/lang/ir"
	lplatform "github.com/callflow/callflow/lang/platform"
	"github.com/callflow/callflow/lang/source"
	"github.com/callflow/callflow/runtime"
	"github.com/callflow/callflow/runtime/platform"
)

type runCmd struct {
	Platform string   `placeholder:"P" help:"Platform of the webhook: ${platforms} (default: detected from the payload)."`
	Flow     string   `placeholder:"NAME" help:"Run this flow instead of the one whose number the webhook calls."`
	At       string   `placeholder:"TIME" help:"The call's time, such as 2026-11-23T10:00:00+08:00 or '2026-11-23 10:00 Asia/Singapore' (default: now, or with --state the call's clock, continued from the last --at)."`
	State    string   `placeholder:"FILE" help:"Keep sessions, answers and the call's clock in FILE between runs, to walk a multi-step call one webhook at a time (FILE.lock is its lock)."`
	Given    []string `sep:"none" placeholder:"NAME=JSON" help:"Stub a lookup (or table rows) of the flow with a JSON value; no HTTP is done for it."`
	Posts    []string `name:"given-post" sep:"none" placeholder:"URL=JSON" help:"Answer the flow's post to exactly URL with a JSON value; it is not sent. Without it a post is really sent."`
	URL      string   `name:"url" placeholder:"URL" help:"The URL the webhook was sent to, where the platform takes it from the last answer (a jambonz actionHook carrying the resume token)."`
	Trace    bool     `help:"Print on stderr each rule tried, the handler, the steps and lookups."`
	Path     string   `arg:"" name:"path" predictor:"flows" help:"A flow file or a folder of flows; - reads the flow from standard input (then give the webhook as a file)."`
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
	posts, err := parseGivenPosts(c.Posts)
	if err != nil {
		return fail(exitUsage, "--given-post: %v", err)
	}
	var flowSrc []byte
	if c.Path == stdinArg {
		if c.Webhook == "" || c.Webhook == stdinArg {
			return fail(exitUsage, "the flow is read from standard input (-), so give the webhook as a file")
		}
		if flowSrc, err = readStdin(e.stdin); err != nil {
			return fail(exitUsage, "%v", err)
		}
	}
	body, err := readWebhook(c.Webhook, e.stdin)
	if err != nil {
		return fail(exitUsage, "%v", err)
	}
	prog, display, problems, err := compileForRun(c.Path, flowSrc, e.stderr)
	if err != nil {
		return err
	}
	flow := c.Flow
	if flow == "" {
		flow = fileFlow(c.Path, prog)
	} else if prog.Flow(flow) == nil && problems != nil {
		return problems // the flow asked for is one with errors
	}
	name := c.Platform
	if name == "" {
		if name, err = detectPlatform(body, prog, c.Flow); err != nil {
			if errors.Is(err, errNotJSON) { // a bad webhook, as with --platform
				return fail(exitProblems, "the webhook cannot be understood: %v", err)
			}
			return fail(exitUsage, "%v", err)
		}
	}
	st, err := openState(c.State)
	if err != nil {
		return fail(exitUsage, "--state: %v", err)
	}
	defer st.close()
	if err := st.check(prog); err != nil {
		return fail(exitUsage, "--state: %v", err)
	}
	eng, err := runtime.New(runtime.WithFlows(prog), runtime.WithStore(st), runtime.WithAnswerStore(st), runtime.WithSecret(st.Secret))
	if err != nil {
		return fail(exitUsage, "%v", err)
	}
	at = st.callTime(at)
	if flow == "" && isTrigger(name) {
		flow = onlyFlowFor(prog, name) // a trigger names no number to route by
	}
	req := &runtime.Request{Platform: name, Flow: flow, Body: body, Header: runHeader(name), Now: at, Given: given, Trace: c.Trace}
	if c.URL != "" {
		if req.URL, err = url.Parse(c.URL); err != nil {
			return fail(exitUsage, "--url: %v", err)
		}
	}
	if err := checkGiven(eng, req, prog, posts); err != nil {
		return err
	}
	for u, v := range posts {
		given[runtime.GivenPost(u)] = v // given is never nil: parseGiven made it
	}
	res, runErr := eng.Serve(context.Background(), req)
	c.printTrace(e, res, display)
	var re *runtime.Error
	if errors.As(runErr, &re) {
		re.At.File = display(re.At.File)
	}
	if err := st.save(); err != nil {
		return fail(exitUsage, "--state: %v", err)
	}
	if err := c.print(e, res, runErr); err != nil {
		return err
	}
	if problems != nil {
		return problems // another flow in the folder has errors
	}
	return nil
}

// fileFlow is the flow of a single flow file (or standard input) that
// declares no number: the flow run was asked to run. A flow with numbers,
// and a folder, route by the called number as the server does.
func fileFlow(path string, prog *ir.Program) string {
	if path != stdinArg {
		if fi, err := os.Stat(path); err != nil || fi.IsDir() {
			return ""
		}
	}
	if len(prog.Flows) != 1 || len(prog.Flows[0].Numbers) > 0 {
		return ""
	}
	return prog.Flows[0].Name
}

// checkGiven refuses, before anything runs, a --given for a name that the
// flow req would run on does not stub (any flow loaded, when none would
// run), with the error a test's `given` gets: a mistyped stub would
// otherwise let the real lookup run.
func checkGiven(eng *runtime.Engine, req *runtime.Request, prog *ir.Program, posts map[string]any) error {
	if len(req.Given)+len(posts) == 0 {
		return nil
	}
	flows := prog.Flows
	if f, _ := eng.Route(context.Background(), req); f != nil { // a webhook not understood is reported when it runs
		flows = []*ir.Flow{f}
	}
	var stubs, exact, prefixes []string
	for _, f := range flows {
		stubs = append(stubs, f.Stubs()...)
		e, p := f.PostURLs()
		exact, prefixes = append(exact, e...), append(prefixes, p...)
	}
	for _, name := range slices.Sorted(maps.Keys(req.Given)) {
		if !slices.Contains(stubs, name) {
			d := check.UnknownGiven(source.Span{}, name, stubs)
			return fail(exitUsage, "--given %s: %s[%s]: %s. %s", name, d.Severity, d.Code, d.Summary, d.Hint())
		}
	}
	for _, u := range slices.Sorted(maps.Keys(posts)) {
		if d := check.UnknownPost(source.Span{}, "--given-post", u, exact, prefixes, ""); d != nil {
			return fail(exitUsage, "%s[%s]: %s. %s", d.Severity, d.Code, d.Summary, d.Hint())
		}
	}
	return nil
}

// printTrace prints the trace --trace asks for on stderr, with the file
// names run prints.
func (c *runCmd) printTrace(e *env, res *runtime.Result, display func(string) string) {
	if !c.Trace || res.Trace == nil {
		return
	}
	for i := range res.Trace.Entries {
		res.Trace.Entries[i].At.File = display(res.Trace.Entries[i].At.File)
	}
	fmt.Fprint(e.stderr, res.Trace.String())
}

func (c *runCmd) print(e *env, res *runtime.Result, runErr error) error {
	if errors.Is(runErr, runtime.ErrUnknownPlatform) {
		return fail(exitUsage, "--platform: %v; use %s", runErr, orList(runtime.PlatformNames()))
	}
	if res.Outcome == runtime.Rejected && res.Event == nil { // not decoded; else understood, not routable
		return fail(exitProblems, "the webhook cannot be understood: %v", runErr)
	}
	if len(res.Reply.Body) > 0 {
		e.stdout.Write(res.Reply.Body)
		fmt.Fprintln(e.stdout)
	}
	switch {
	case runErr == nil && res.Outcome == runtime.Duplicate:
		fmt.Fprintf(e.stderr, "callflow run: delivery %s was answered before: the same answer, from %s\n", res.Event.Delivery, c.State)
	case runErr != nil && res.Reply.Status >= 400 && res.Reply.Status < 500:
		return fail(exitProblems, "the %s trigger was refused with %d: %v", res.Event.Platform, res.Reply.Status, runErr)
	case runErr != nil:
		return fail(exitProblems, "answered with the %s safe fallback: %v", res.Event.Platform, runErr)
	}
	return nil
}

// compileForRun compiles PATH, or src for "-" (standard input, with the
// working directory's tables); errors are printed as diagnostics. The
// flows without errors are returned even when others have some: problems
// is then the error (exit 1) that says so, for after the run. display
// maps the file names positions carry to what run prints: relative to the
// working directory (absolute outside it), as check prints them.
func compileForRun(path string, src []byte, stderr io.Writer) (prog *ir.Program, display func(string) string, problems, err error) {
	var fsys fs.FS
	dir, files := path, []string(nil)
	if path == stdinArg {
		dir, files = ".", []string{stdinName}
		fsys = withStdin{FS: os.DirFS(dir), name: stdinName, src: src}
	} else {
		fi, err := os.Stat(path)
		if err != nil {
			return nil, nil, nil, fail(exitUsage, "%v", err)
		}
		if !fi.IsDir() {
			dir, files = filepath.Dir(path), []string{filepath.Base(path)}
		}
		fsys = os.DirFS(dir)
	}
	display = displayFrom(dir)
	if files == nil {
		if files, err = lang.FlowFiles(fsys, "."); err != nil {
			return nil, nil, nil, fail(exitUsage, "%v", err)
		}
	}
	sources := source.Files{}
	prog, ds := lang.CompileFiles(fsys, files, lang.WithSources(sources), lang.WithPartial(true))
	if ds.HasErrors() {
		sources = renameFiles(ds, sources, display)
		diag.Write(stderr, diag.FormatText, ds, sources)
		problems = fail(exitProblems, "%s", diag.Summary(ds, len(files)))
		if prog == nil {
			return nil, nil, nil, problems
		}
	}
	return prog, display, problems, nil
}

// displayFrom maps a name relative to dir to the name run prints.
func displayFrom(dir string) func(string) string {
	abs, err := filepath.Abs(dir)
	cwd, err2 := os.Getwd()
	if err != nil || err2 != nil {
		return func(name string) string { return name }
	}
	return func(name string) string {
		if name == "" {
			return ""
		}
		p := filepath.Join(abs, filepath.FromSlash(name))
		if rel, ok := relInside(cwd, p); ok {
			return rel
		}
		return filepath.ToSlash(p)
	}
}

func readWebhook(name string, stdin io.Reader) ([]byte, error) {
	if name == "" || name == stdinArg {
		return io.ReadAll(io.LimitReader(stdin, runtime.MaxBody+1))
	}
	return os.ReadFile(name)
}

var errNotJSON = errors.New("not a JSON object")

// detectPlatform tells the platform from the payload's shape: the one
// platform whose declaration recognizes it. When several do (callback and
// callbot triggers), the flows loaded decide, or --platform must.
func detectPlatform(body []byte, prog *ir.Program, flow string) (string, error) {
	var found []*platform.Declaration
	for _, d := range runtime.Platforms() {
		if d.Recognize != nil && d.Recognize(body) {
			found = append(found, d)
		}
	}
	switch len(found) {
	case 0:
		var m map[string]any
		if err := json.Unmarshal(body, &m); err != nil {
			return "", fmt.Errorf("%w: %v", errNotJSON, err)
		}
		return "", errors.New("cannot tell the platform from the webhook; give --platform")
	case 1:
		return found[0].Name(), nil
	}
	var targeted, names []string
	trigger := true
	for _, d := range found {
		names = append(names, d.Name())
		trigger = trigger && d.Facts.Trigger
		for _, f := range prog.Flows {
			if (flow == "" || f.Name == flow) && f.Targets(d.Name()) && !slices.Contains(targeted, d.Name()) {
				targeted = append(targeted, d.Name())
			}
		}
	}
	if len(targeted) != 1 {
		what := "webhook"
		if trigger {
			what = "trigger webhook"
		}
		return "", fmt.Errorf("a %s can be %s; give --platform", what, orList(names))
	}
	return targeted[0], nil
}

// runHeader is what a webhook file's HTTP header would say.
func runHeader(name string) http.Header {
	if d, ok := runtime.LookupPlatform(name); ok {
		return d.WebhookHeader()
	}
	return http.Header{}
}

// orList joins names as "a, b or c".
func orList(names []string) string {
	if len(names) < 2 {
		return strings.Join(names, "")
	}
	return strings.Join(names[:len(names)-1], ", ") + " or " + names[len(names)-1]
}

// onlyFlowFor is the one flow that compiles for platform, or "" when there
// are none or several.
func onlyFlowFor(prog *ir.Program, platform string) string {
	name := ""
	for _, f := range prog.Flows {
		if f.Targets(platform) {
			if name != "" {
				return ""
			}
			name = f.Name
		}
	}
	return name
}

// isTrigger says whether platform is a trigger API (lang/platform says
// which), whose webhooks name no number to route by.
func isTrigger(platform string) bool {
	p, ok := lplatform.Lookup(platform)
	return ok && p.Trigger
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

// parseGivenPosts reads --given-post URL=JSON arguments. A URL may hold
// "=" itself (a query), so the value starts after the first "=" that is
// followed by JSON.
func parseGivenPosts(args []string) (map[string]any, error) {
	out := map[string]any{}
	for _, a := range args {
		u, v, ok := splitGivenPost(a)
		if !ok {
			return nil, fmt.Errorf("%q: write URL=JSON, such as 'https://crm.example.com/surveys={\"ok\":true}'", a)
		}
		out[u] = v
	}
	return out, nil
}

// splitGivenPost splits URL=JSON at the first "=" whose remainder is JSON.
func splitGivenPost(arg string) (string, any, bool) {
	for i := 0; i < len(arg); i++ {
		if arg[i] != '=' || i == 0 {
			continue
		}
		var v any
		if json.Unmarshal([]byte(arg[i+1:]), &v) == nil {
			return arg[:i], v, true
		}
	}
	return "", nil, false
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
