package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"slices"
	"strconv"
	"strings"
)

// A run is one `go test` of a package for the benchmarks of its figures.
type run struct {
	Pkg     string   // relative to the module root
	Benches []string // top-level benchmark names
}

// runs groups the figures by package, in the order they first appear.
func runs(figs []Figure) []run {
	var out []run
	for _, f := range figs {
		i := slices.IndexFunc(out, func(r run) bool { return r.Pkg == f.Pkg })
		if i < 0 {
			out = append(out, run{Pkg: f.Pkg})
			i = len(out) - 1
		}
		if b := parentName(f.Bench); !slices.Contains(out[i].Benches, b) {
			out[i].Benches = append(out[i].Benches, b)
		}
	}
	return out
}

// args is the go test command line of r, -count times each benchmark.
func (r run) args(count int) []string {
	a := []string{"test", "-run", "^$", "-bench", "^(" + strings.Join(r.Benches, "|") + ")$", "-benchmem",
		"-count", strconv.Itoa(count), "-timeout", "30m", "-json"}
	if t := benchtime[r.Pkg]; t != "" {
		a = append(a, "-benchtime", t)
	}
	return append(a, "./"+r.Pkg)
}

// goTest runs r with the go command in the module root and reads its
// events into rs, writing the benchmark output to raw. A benchmark or a
// package that fails is in rs, not an error: the error is for a go
// command that could not run or said nothing. The events go to events too,
// when it is not nil.
func goTest(ctx context.Context, goCmd string, r run, count int, rs *Results, raw, events io.Writer) error {
	cmd := exec.CommandContext(ctx, goCmd, r.args(count)...)
	cmd.Stderr = os.Stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		return err
	}
	if err := cmd.Start(); err != nil {
		return err
	}
	in := io.Reader(out)
	if events != nil {
		in = io.TeeReader(out, events)
	}
	readErr := rs.Read(in, raw)
	io.Copy(io.Discard, out) // let the go command finish if reading stopped early
	waitErr := cmd.Wait()
	if readErr != nil {
		return fmt.Errorf("go %s: %v", strings.Join(r.args(count), " "), readErr)
	}
	if _, isExit := waitErr.(*exec.ExitError); waitErr != nil && !isExit {
		return waitErr
	}
	return nil
}

// modulePath is the path of the module in the current folder.
func modulePath(ctx context.Context, goCmd string) (string, error) {
	out, err := exec.CommandContext(ctx, goCmd, "list", "-m").Output()
	if err != nil {
		return "", fmt.Errorf("go list -m: %v (run from the module root)", err)
	}
	return strings.TrimSpace(string(out)), nil
}
