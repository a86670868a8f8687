package main

import (
	"fmt"
	"maps"
	"slices"
	"strings"
)

// Verdict says whether a figure holds.
type Verdict int

const (
	NotMeasured Verdict = iota // the benchmark did not measure it; Row.Note says why
	Holds
	Misses
)

func (v Verdict) String() string {
	return [...]string{"—", "✓", "✗"}[v]
}

// A Row is a figure with what the runs measured and its verdict.
type Row struct {
	Figure
	Values  []float64 // one per run that measured it, sorted
	Verdict Verdict
	Note    string // why it was not measured, why it misses beyond its value, or that the runs disagree
}

// Median is the median of the runs' values: the one judged.
func (r *Row) Median() float64 {
	n := len(r.Values)
	if n%2 == 1 {
		return r.Values[n/2]
	}
	return (r.Values[n/2-1] + r.Values[n/2]) / 2
}

// Judge gives every figure its row from the results.
func Judge(figs []Figure, rs *Results) []Row {
	rows := make([]Row, len(figs))
	for i, f := range figs {
		rows[i] = judge(f, rs)
	}
	return rows
}

func judge(f Figure, rs *Results) Row {
	row := Row{Figure: f}
	k := benchKey{f.Pkg, f.Bench}
	vals := rs.values[k][f.Metric]
	st := rs.benchStatus(k)
	if len(vals) > 0 {
		row.Values = slices.Sorted(slices.Values(vals))
		row.Verdict = Misses
		if f.Cmp.Holds(row.Median(), f.Target) {
			row.Verdict = Holds
		}
		lo, hi := row.Values[0], row.Values[len(row.Values)-1]
		if f.Cmp.Holds(lo, f.Target) != f.Cmp.Holds(hi, f.Target) {
			row.Note = "the runs disagree: the spread crosses the target"
		}
	}
	switch {
	case st.Failed:
		// A benchmark that failed checked something beyond its numbers
		// (wrong answers, a panic, an eviction): the figure does not hold.
		row.Verdict, row.Note = Misses, f.Bench+" failed"+reason(st.Lines)
	case len(vals) > 0:
	case st.Skipped:
		row.Note = f.Bench + " skipped" + reason(st.Lines)
	case rs.values[k] == nil && rs.pkgFailed[f.Pkg] && rs.ran[k]:
		// It died (a panic, a time-out) and took the package along.
		row.Verdict, row.Note = Misses, f.Bench+" failed"+reason(append(st.Lines, rs.pkgLines[f.Pkg]...))
	case rs.values[k] == nil && rs.pkgFailed[f.Pkg]:
		row.Verdict, row.Note = Misses, "go test ./"+f.Pkg+" failed"+reason(rs.pkgLines[f.Pkg])
	case rs.values[k] != nil:
		row.Note = fmt.Sprintf("%s reports no metric %q (it reports %s)", f.Bench, f.Metric, strings.Join(slices.Sorted(maps.Keys(rs.values[k])), ", "))
	case rs.ran[k] || rs.ran[benchKey{f.Pkg, parentName(f.Bench)}]:
		row.Note = f.Bench + " reported no result"
	default:
		row.Note = "no " + f.Bench + " ran in ./" + f.Pkg
	}
	return row
}

// benchStatus is the status of a benchmark, merged with its parent's for a
// sub-benchmark: a parent that skips or fails takes its children along.
func (rs *Results) benchStatus(k benchKey) benchStatus {
	var st benchStatus
	for _, name := range []string{parentName(k.Name), k.Name} {
		if s := rs.status[benchKey{k.Pkg, name}]; s != nil {
			st.Skipped, st.Failed = st.Skipped || s.Skipped, st.Failed || s.Failed
			st.Lines = append(st.Lines, s.Lines...)
		}
		if !strings.Contains(k.Name, "/") {
			break
		}
	}
	return st
}

// parentName is the top-level benchmark of a sub-benchmark's name.
func parentName(name string) string {
	top, _, _ := strings.Cut(name, "/")
	return top
}

// reason is ": " and the first line of why, if there is one.
func reason(lines []string) string {
	for _, l := range lines {
		if l != "" {
			return ": " + l
		}
	}
	return ""
}
