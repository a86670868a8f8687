package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"regexp"
	"strings"

	"golang.org/x/perf/benchfmt"
)

// Results is what the `go test -json -bench` runs reported: every metric
// of every benchmark (one value per run, -count of them), which benchmarks
// ran, were skipped or failed and why, and which packages failed.
type Results struct {
	module string // the module path, trimmed from package paths

	values    map[benchKey]map[string][]float64 // metric → value per run
	ran       map[benchKey]bool
	status    map[benchKey]*benchStatus
	pkgFailed map[string]bool
	pkgLines  map[string][]string // a package's output outside any benchmark: a build error, a panic
	config    map[string]string   // goos, goarch, cpu of the first package
	text      map[string]*bytes.Buffer
}

// A benchKey names a benchmark: its package relative to the module root
// and its full name without the GOMAXPROCS suffix.
type benchKey struct{ Pkg, Name string }

// benchStatus is what test2json said about one benchmark.
type benchStatus struct {
	Skipped, Failed bool
	Lines           []string // its own output: t.Log, t.Skip and t.Fatal lines, a panic
}

// NewResults returns empty results for the packages of module.
func NewResults(module string) *Results {
	return &Results{module: module, values: map[benchKey]map[string][]float64{}, ran: map[benchKey]bool{},
		status: map[benchKey]*benchStatus{}, pkgFailed: map[string]bool{}, pkgLines: map[string][]string{}, config: map[string]string{}, text: map[string]*bytes.Buffer{}}
}

// testEvent is one line of `go test -json` (cmd/test2json).
type testEvent struct {
	Action     string
	Package    string
	ImportPath string // of build-output and build-fail
	Test       string
	Output     string
}

// Read reads the events of one `go test -json` run from r, and writes the
// output the run would have printed without -json (the text benchstat
// reads) to raw as it comes.
func (rs *Results) Read(r io.Reader, raw io.Writer) error {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 64<<10), 16<<20)
	for sc.Scan() {
		line := sc.Bytes()
		if len(line) == 0 || line[0] != '{' {
			continue // go test prints a few things (a build cache note) outside JSON
		}
		var ev testEvent
		if err := json.Unmarshal(line, &ev); err != nil {
			return fmt.Errorf("go test -json: %v: %s", err, line)
		}
		if err := rs.event(&ev, raw); err != nil {
			return err
		}
	}
	if err := sc.Err(); err != nil {
		return err
	}
	return rs.parseText()
}

func (rs *Results) event(ev *testEvent, raw io.Writer) error {
	pkg := rs.rel(ev.Package)
	switch ev.Action {
	case "build-output":
		p := rs.rel(strings.Fields(ev.ImportPath + " ")[0])
		rs.pkgLines[p] = append(rs.pkgLines[p], strings.TrimRight(ev.Output, "\n"))
		_, err := io.WriteString(raw, ev.Output)
		return err
	case "run":
		if ev.Test != "" {
			rs.ran[benchKey{pkg, ev.Test}] = true
		}
	case "skip", "fail":
		if ev.Test == "" {
			rs.pkgFailed[pkg] = rs.pkgFailed[pkg] || ev.Action == "fail"
			return nil
		}
		st := rs.statusOf(benchKey{pkg, ev.Test})
		st.Skipped = st.Skipped || ev.Action == "skip"
		st.Failed = st.Failed || ev.Action == "fail"
	case "output":
		if isProgress(ev.Output, ev.Test) {
			return nil
		}
		if _, err := io.WriteString(raw, ev.Output); err != nil {
			return err
		}
		t := rs.text[pkg]
		if t == nil {
			t = &bytes.Buffer{}
			rs.text[pkg] = t
		}
		t.WriteString(ev.Output)
		rs.keepLine(pkg, ev.Test, strings.TrimSpace(ev.Output))
	}
	return nil
}

// isProgress reports whether out is a line go test prints only with -v or
// -json: "=== RUN" and friends, and a benchmark's name alone as it starts.
func isProgress(out, test string) bool {
	return strings.HasPrefix(out, "=== ") || (test != "" && strings.TrimRight(out, "\n") == test)
}

// resultLine matches a benchmark's result line and the lines go test
// prints around results, which say nothing about why one failed.
var resultLine = regexp.MustCompile(`^(Benchmark\S*\s+\d+\s|--- (SKIP|FAIL|PASS|BENCH)|(goos|goarch|pkg|cpu): |PASS$|FAIL$|ok\s|FAIL\s|exit status )`)

// keepLine keeps a line that may explain a skip or a failure: a
// benchmark's log, or a package's output outside any benchmark.
func (rs *Results) keepLine(pkg, test, line string) {
	if k, v, ok := strings.Cut(line, ": "); ok && test == "" && (k == "goos" || k == "goarch" || k == "cpu") {
		if rs.config[k] == "" {
			rs.config[k] = v
		}
		return
	}
	if line == "" || resultLine.MatchString(line) {
		return
	}
	if test == "" {
		rs.pkgLines[pkg] = append(rs.pkgLines[pkg], line)
		return
	}
	st := rs.statusOf(benchKey{pkg, test})
	st.Lines = append(st.Lines, line)
}

func (rs *Results) statusOf(k benchKey) *benchStatus {
	st := rs.status[k]
	if st == nil {
		st = &benchStatus{}
		rs.status[k] = st
	}
	return st
}

// rel is a package's path relative to the module root.
func (rs *Results) rel(pkg string) string {
	if pkg == rs.module {
		return "."
	}
	return strings.TrimPrefix(pkg, rs.module+"/")
}

// parseText parses the benchmark output of each package read so far with
// the benchmark format's own parser (the one benchstat uses), and empties
// it.
func (rs *Results) parseText() error {
	for pkg, text := range rs.text {
		r := benchfmt.NewReader(text, pkg)
		for r.Scan() {
			switch rec := r.Result().(type) {
			case *benchfmt.Result:
				rs.add(pkg, rec)
			case *benchfmt.SyntaxError:
				// A line that looks like a result but is not: a log line
				// starting with "Benchmark". The result lines are what count.
			}
		}
		if err := r.Err(); err != nil {
			return err
		}
		text.Reset()
	}
	return nil
}

func (rs *Results) add(pkg string, res *benchfmt.Result) {
	k := benchKey{pkg, benchName(res.Name)}
	m := rs.values[k]
	if m == nil {
		m = map[string][]float64{}
		rs.values[k] = m
	}
	for _, v := range res.Values {
		unit, val := v.Unit, v.Value
		if v.OrigUnit != "" { // benchfmt tidies ns/op into sec/op; the figures name what the benchmark reported
			unit, val = v.OrigUnit, v.OrigValue
		}
		m[unit] = append(m[unit], val)
	}
}

// benchName is a result's name as `go test` names the benchmark:
// BenchmarkP10/1MiB for "P10/1MiB-2".
func benchName(n benchfmt.Name) string {
	base, parts := n.Parts()
	var b strings.Builder
	b.WriteString("Benchmark")
	b.Write(base)
	for _, p := range parts {
		if p[0] != '-' { // -GOMAXPROCS
			b.Write(p)
		}
	}
	return b.String()
}

// runs is how many runs the results hold: the most values any metric has.
func (rs *Results) runs() int {
	n := 1
	for _, m := range rs.values {
		for _, v := range m {
			n = max(n, len(v))
		}
	}
	return n
}
