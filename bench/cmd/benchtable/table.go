package main

import (
	"fmt"
	"io"
	"strconv"
	"strings"
)

// Meta describes the runs above the table, so a reader can tell a quiet
// machine from a busy one.
type Meta struct {
	Runs  int    // -count
	CPU   string // from go test's cpu: line
	Load  string // the load average when the runs started, if known
	Cores int    // the machine's, to judge the load by
}

// WriteTable writes the rows as a Markdown table (it reads as well in a
// terminal as in a note): one row per figure with the measured value (the
// median of the runs), with -count above 1 the spread of the runs, the
// target and the verdict; then a count of each verdict.
func WriteTable(w io.Writer, meta Meta, rows []Row) error {
	var b strings.Builder
	fmt.Fprintf(&b, "The quality bar's figures, %s", plural(meta.Runs, "run"))
	if meta.CPU != "" {
		fmt.Fprintf(&b, ", cpu %s", meta.CPU)
	}
	if meta.Load != "" {
		fmt.Fprintf(&b, ", load average %s at the start", meta.Load)
		if l, err := strconv.ParseFloat(meta.Load, 64); err == nil && meta.Cores > 0 && l > float64(meta.Cores) {
			fmt.Fprintf(&b, " (more than its %d cores: a busy machine, read the ratios, not the absolute times)", meta.Cores)
		}
	}
	b.WriteString("\n\n")
	spread := meta.Runs > 1
	if spread {
		fmt.Fprintf(&b, "| # | Figure | Median | Min–max of %d | Target | Verdict | Note |\n|---|---|--:|--:|---|:-:|---|\n", meta.Runs)
	} else {
		b.WriteString("| # | Figure | Measured | Target | Verdict | Note |\n|---|---|--:|---|:-:|---|\n")
	}
	var n [3]int
	for _, r := range rows {
		n[r.Verdict]++
		measured, minMax := "—", "—"
		if len(r.Values) > 0 {
			measured = r.Show.Format(r.Median())
			minMax = r.Show.Format(r.Values[0]) + " – " + r.Show.Format(r.Values[len(r.Values)-1])
			if len(r.Values) < meta.Runs {
				minMax += fmt.Sprintf(" (%d of %d runs)", len(r.Values), meta.Runs)
			}
		}
		fmt.Fprintf(&b, "| %s | %s | %s |", r.ID, r.What, measured)
		if spread {
			fmt.Fprintf(&b, " %s |", minMax)
		}
		fmt.Fprintf(&b, " %s %s | %s | %s |\n", r.Cmp, r.Show.FormatTarget(r.Target), r.Verdict, cell(r.Note))
	}
	fmt.Fprintf(&b, "\n%d hold (%s), %d miss (%s), %d not measured (%s).\n", n[Holds], Holds, n[Misses], Misses, n[NotMeasured], NotMeasured)
	_, err := io.WriteString(w, b.String())
	return err
}

// cell makes s safe in a Markdown table cell.
func cell(s string) string {
	return strings.ReplaceAll(s, "|", `\|`)
}

func plural(n int, what string) string {
	if n == 1 {
		return "1 " + what
	}
	return fmt.Sprintf("%d %ss", n, what)
}
