package main

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/perf/benchfmt"
)

var update = flag.Bool("update", false, "rewrite the golden tables in testdata")

const module = "github.com/callflow/callflow"

// readCapture reads testdata/name, the events of real `go test -json`
// runs of the figures' benchmarks, and returns the results and the
// benchmark output they would have printed.
func readCapture(t *testing.T, name string) (*Results, string) {
	t.Helper()
	f, err := os.Open(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rs := NewResults(module)
	var raw strings.Builder
	if err := rs.Read(f, &raw); err != nil {
		t.Fatal(err)
	}
	return rs, raw.String()
}

// TestTableGolden: the table of each captured run: every figure (one run,
// on a machine shared with other work); a run with -count 3; runs without
// redis-server, where the Redis figures are not measured and say why; a
// run whose load benchmark panicked; the three runs of a quiet machine
// (2026-12-03, every figure but P4) whose table the closing note carries.
func TestTableGolden(t *testing.T) {
	for _, c := range []struct{ capture, figures string }{
		{"run.jsonl", ""},
		{"count3.jsonl", "P2,P7,P8"},
		{"noredis.jsonl", "P8,P9"},
		{"panic.jsonl", "P3,P5,P9,R1"},
		{"quiet3.jsonl", "P1,P2,P3,P5,P6,P7,P8,P9,P10,R1"},
	} {
		t.Run(c.capture, func(t *testing.T) {
			figs, err := selectFigures(figures, c.figures)
			if err != nil {
				t.Fatal(err)
			}
			rs, _ := readCapture(t, c.capture)
			var b bytes.Buffer
			if err := WriteTable(&b, Meta{Runs: rs.runs(), CPU: rs.config["cpu"]}, Judge(figs, rs)); err != nil {
				t.Fatal(err)
			}
			golden := filepath.Join("testdata", strings.TrimSuffix(c.capture, ".jsonl")+".table")
			if *update {
				if err := os.WriteFile(golden, b.Bytes(), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(b.Bytes(), want) {
				t.Errorf("table of %s:\n%s\nwant (%s; go test -update rewrites it)\n%s", c.capture, b.Bytes(), golden, want)
			}
		})
	}
}

// TestRawOutputIsGoTests: what benchtable writes for benchstat is go
// test's own output: no -json progress lines, every result line, and it
// parses back into the same measurements.
func TestRawOutputIsGoTests(t *testing.T) {
	rs, raw := readCapture(t, "count3.jsonl")
	if strings.Contains(raw, "=== RUN") || strings.Contains(raw, `"Action"`) {
		t.Errorf("progress lines or JSON in the raw output:\n%s", raw)
	}
	if !strings.Contains(raw, "pkg: github.com/callflow/callflow/runtime\n") {
		t.Errorf("no pkg: line, which benchstat groups by:\n%s", raw)
	}
	n := 0
	r := benchfmt.NewReader(strings.NewReader(raw), "raw")
	for r.Scan() {
		if res, ok := r.Result().(*benchfmt.Result); ok {
			n++
			if k := (benchKey{strings.TrimPrefix(res.GetConfig("pkg"), module+"/"), benchName(res.Name)}); rs.values[k] == nil {
				t.Errorf("%v in the raw output, not in the results", k)
			}
		}
	}
	want := 0
	for _, m := range rs.values {
		want += len(m["ns/op"])
	}
	if n != want || n == 0 {
		t.Errorf("%d results in the raw output, %d in the results", n, want)
	}
}

// A line of go test -json that is not an event is an error naming it; a
// line outside JSON (the go command's own notes) is passed over.
func TestReadBadEvent(t *testing.T) {
	rs := NewResults(module)
	err := rs.Read(strings.NewReader("go: downloading example.com/x v1.0.0\n{\"Action\":\"output\",\n"), &strings.Builder{})
	if err == nil || !strings.Contains(err.Error(), `go test -json: unexpected end of JSON input: {"Action":"output",`) {
		t.Errorf("a cut event: %v", err)
	}
}

// The first line says how many runs, on what, and whether the machine was
// busy when they started.
func TestTableHeader(t *testing.T) {
	for _, c := range []struct {
		meta Meta
		want string
	}{
		{Meta{Runs: 3, CPU: "AMD EPYC", Load: "9.02", Cores: 2}, "The quality bar's figures, 3 runs, cpu AMD EPYC, load average 9.02 at the start (more than its 2 cores: a busy machine, read the ratios, not the absolute times)\n"},
		{Meta{Runs: 1, CPU: "AMD EPYC", Load: "0.40", Cores: 2}, "The quality bar's figures, 1 run, cpu AMD EPYC, load average 0.40 at the start\n"},
		{Meta{Runs: 1}, "The quality bar's figures, 1 run\n"},
	} {
		var b strings.Builder
		if err := WriteTable(&b, c.meta, nil); err != nil {
			t.Fatal(err)
		}
		if got, _, _ := strings.Cut(b.String(), "\n"); got+"\n" != c.want {
			t.Errorf("%+v: %q, want %q", c.meta, got+"\n", c.want)
		}
	}
}
