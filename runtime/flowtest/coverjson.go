package flowtest

import (
	"encoding/json"
	"io"
)

// The coverage file of `callflow test --coverage-out`; docs/authoring.md §5
// documents the shape, and fields are only ever added to it.
type (
	coverFile struct {
		Flows []coverFlow `json:"flows"`
	}
	coverFlow struct {
		Flow     string      `json:"flow"`
		File     string      `json:"file"`
		Rules    coverCount  `json:"rules"`
		Handlers coverCount  `json:"handlers"`
		Steps    coverCount  `json:"steps"`
		Items    []coverItem `json:"items"`
	}
	coverCount struct {
		Hit   int `json:"hit"`
		Total int `json:"total"`
	}
	coverItem struct {
		Kind    string `json:"kind"`
		Name    string `json:"name"`
		Handler string `json:"handler,omitempty"`
		File    string `json:"file"`
		Line    int    `json:"line"`
		Column  int    `json:"column"`
		Hits    int    `json:"hits"`
		Reached bool   `json:"reached"`
	}
)

// WriteCoverageJSON renders cov as one JSON object with a list of flows:
// each with its name, file, the hit and total counts of rules, handlers and
// steps, and every rule, handler and step in source order with its kind,
// name (`when COND -> HANDLER`, the handler's name, the step's keyword),
// for a step its handler, its file:line:column (code points from 1), how
// many times the tests reached it and whether they did.
func WriteCoverageJSON(w io.Writer, cov []FlowCoverage, opts ...WriteOption) error {
	c := newWriteConfig(opts)
	out := coverFile{Flows: make([]coverFlow, 0, len(cov))}
	for _, fc := range cov {
		f := coverFlow{
			Flow:     fc.Flow,
			File:     c.path(fc.File),
			Rules:    coverCount(fc.Rules),
			Handlers: coverCount(fc.Handlers),
			Steps:    coverCount(fc.Steps),
			Items:    make([]coverItem, 0, len(fc.Items)),
		}
		for _, it := range fc.Items {
			f.Items = append(f.Items, coverItem{
				Kind:    it.Kind,
				Name:    it.Name,
				Handler: it.In,
				File:    c.path(it.At.File),
				Line:    it.At.Start.Line,
				Column:  it.At.Start.Col,
				Hits:    it.Hits,
				Reached: it.Hits > 0,
			})
		}
		out.Flows = append(out.Flows, f)
	}
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	return enc.Encode(out)
}
