// Command benchtable runs the Go benchmarks that measure the figures of
// the quality bar (P1 to P10, and R1) and prints them as one table: for
// each figure what was measured, its target and a verdict — ✓ holds,
// ✗ misses (or its benchmark failed), — not measured, with the reason
// (redis-server missing, a benchmark that reports no such metric). Ratios
// are measured by one benchmark in one run, so a shared machine's noise
// cancels out. `make bench` runs it from the module root:
//
//	go run ./bench/cmd/benchtable [-count N] [-o FILE] [-json FILE] [-figures P1,P3]
//	go run ./bench/cmd/benchtable -from FILE [-figures P1,P3]
//
// The benchmarks' own output (what `go test -bench` prints) goes to
// standard error as it comes, and to FILE with -o, for benchstat; the
// table goes to standard output. With -count N every benchmark runs N
// times; the table shows the median and the spread (min–max), and judges
// the median. -json keeps the go command's events; -from prints the table
// of events kept so, without running anything. It exits 1 when a figure
// misses its target.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	goruntime "runtime"
	"slices"
	"strings"
)

func main() {
	count := flag.Int("count", 1, "run each benchmark `N` times and show the spread (1 to 20)")
	rawPath := flag.String("o", "", "also write the benchmark output, as go test prints it, to `FILE` (for benchstat)")
	only := flag.String("figures", "", "only these figures, comma-separated (P1,P3); all when empty")
	jsonPath := flag.String("json", "", "also write the events of go test -json to `FILE`")
	from := flag.String("from", "", "print the table of the events in `FILE` (written by -json) instead of running the benchmarks")
	goCmd := flag.String("go", "go", "the go command")
	flag.Parse()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	code, err := run1(ctx, options{count: *count, rawPath: *rawPath, jsonPath: *jsonPath, from: *from, only: *only, goCmd: *goCmd})
	if err != nil {
		fmt.Fprintln(os.Stderr, "benchtable:", err)
	}
	os.Exit(code)
}

// options are the command line's.
type options struct {
	count                   int
	rawPath, jsonPath, from string
	only, goCmd             string
}

// run1 runs the benchmarks and prints the table; its result is the exit
// code: 0 every measured figure holds, 1 one misses, 2 it could not run.
func run1(ctx context.Context, o options) (int, error) {
	if o.count < 1 || o.count > 20 {
		return 2, fmt.Errorf("-count must be 1 to 20, not %d", o.count)
	}
	figs, err := selectFigures(figures, o.only)
	if err != nil {
		return 2, err
	}
	module, err := modulePath(ctx, o.goCmd)
	if err != nil {
		return 2, err
	}
	rs := NewResults(module)
	meta := Meta{Runs: o.count}
	if o.from != "" {
		err = readEvents(o.from, rs)
		meta.Runs = rs.runs()
	} else {
		meta.Load, meta.Cores = loadAverage(), goruntime.NumCPU()
		err = runAll(ctx, o, figs, rs)
	}
	if err != nil {
		return 2, err
	}
	meta.CPU = rs.config["cpu"]
	rows := Judge(figs, rs)
	if err := WriteTable(os.Stdout, meta, rows); err != nil {
		return 2, err
	}
	if slices.ContainsFunc(rows, func(r Row) bool { return r.Verdict == Misses }) {
		return 1, nil
	}
	return 0, nil
}

// runAll runs the benchmarks of figs, writing their output to standard
// error and the files the options name.
func runAll(ctx context.Context, o options, figs []Figure, rs *Results) error {
	raw := io.Writer(os.Stderr)
	var events io.Writer
	for _, p := range []struct {
		path string
		w    *io.Writer
	}{{o.rawPath, &raw}, {o.jsonPath, &events}} {
		if p.path == "" {
			continue
		}
		f, err := os.Create(p.path)
		if err != nil {
			return err
		}
		defer f.Close()
		if *p.w == nil {
			*p.w = f
		} else {
			*p.w = io.MultiWriter(*p.w, f)
		}
	}
	for _, r := range runs(figs) {
		if err := goTest(ctx, o.goCmd, r, o.count, rs, raw, events); err != nil {
			return err
		}
	}
	return nil
}

// readEvents reads the events of go test -json kept in path.
func readEvents(path string, rs *Results) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	return rs.Read(f, io.Discard)
}

// selectFigures keeps the figures whose id is in the comma-separated list
// only; all of them when it is empty.
func selectFigures(figs []Figure, only string) ([]Figure, error) {
	if only == "" {
		return figs, nil
	}
	var out []Figure
	for _, id := range strings.Split(only, ",") {
		id = strings.ToUpper(strings.TrimSpace(id))
		n := len(out)
		for _, f := range figs {
			if f.ID == id {
				out = append(out, f)
			}
		}
		if len(out) == n {
			return nil, errors.New("-figures: no figure " + id + " (there are " + figureIDs(figs) + ")")
		}
	}
	return out, nil
}

func figureIDs(figs []Figure) string {
	var ids []string
	for _, f := range figs {
		if !slices.Contains(ids, f.ID) {
			ids = append(ids, f.ID)
		}
	}
	return strings.Join(ids, ", ")
}

// loadAverage is the one-minute load average where the system tells it
// (Linux), else "".
func loadAverage() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return ""
	}
	if f := strings.Fields(string(b)); len(f) > 0 {
		return f[0]
	}
	return ""
}
