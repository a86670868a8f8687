package diag

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/callflow/callflow/lang/source"
)

// The subset of SARIF the tests read back.
type testSARIF struct {
	Schema  string `json:"$schema"`
	Version string `json:"version"`
	Runs    []struct {
		ColumnKind string `json:"columnKind"`
		Tool       struct {
			Driver struct {
				Name            string `json:"name"`
				SemanticVersion string `json:"semanticVersion"`
				InformationURI  string `json:"informationUri"`
				Rules           []struct {
					ID               string       `json:"id"`
					Name             string       `json:"name"`
					ShortDescription sarifMessage `json:"shortDescription"`
					FullDescription  sarifMessage `json:"fullDescription"`
					Help             sarifMessage `json:"help"`
					Default          struct {
						Level string `json:"level"`
					} `json:"defaultConfiguration"`
				} `json:"rules"`
			} `json:"driver"`
		} `json:"tool"`
		Results []struct {
			RuleID              string            `json:"ruleId"`
			RuleIndex           *int              `json:"ruleIndex"`
			Level               string            `json:"level"`
			Message             sarifMessage      `json:"message"`
			Locations           []testLocation    `json:"locations"`
			RelatedLocations    []testLocation    `json:"relatedLocations"`
			PartialFingerprints map[string]string `json:"partialFingerprints"`
		} `json:"results"`
	} `json:"runs"`
}

type testLocation struct {
	ID               int           `json:"id"`
	Message          *sarifMessage `json:"message"`
	PhysicalLocation struct {
		ArtifactLocation struct {
			URI string `json:"uri"`
		} `json:"artifactLocation"`
		Region struct {
			StartLine   int `json:"startLine"`
			StartColumn int `json:"startColumn"`
			EndLine     int `json:"endLine"`
			EndColumn   int `json:"endColumn"`
		} `json:"region"`
	} `json:"physicalLocation"`
}

func readSARIF(t *testing.T, ds Diagnostics, files source.Files, opts ...WriteOption) (testSARIF, []byte) {
	t.Helper()
	var buf bytes.Buffer
	if err := WriteSARIF(&buf, ds, files, opts...); err != nil {
		t.Fatal(err)
	}
	var log testSARIF
	if err := json.Unmarshal(buf.Bytes(), &log); err != nil {
		t.Fatalf("SARIF does not unmarshal: %v\n%s", err, buf.Bytes())
	}
	return log, buf.Bytes()
}

func TestSARIFFields(t *testing.T) {
	ds, fs := fixture(t)
	// Add positions GitHub would reject if copied as they are.
	ds = append(ds,
		Warningf(MissingTries, source.Span{File: `.\flows\win.flow`, Start: source.Pos{Line: 0, Col: 0}}, "no position"),
		Errorf(Syntax, source.Span{File: "./flows/x.flow", Start: source.Pos{Line: 2, Col: 0}, End: source.Pos{Line: 2, Col: 0}}, "zero column"),
		Errorf(Syntax, source.Span{File: "flows/x.flow", Start: source.Pos{Line: 2, Col: 5}, End: source.Pos{Line: 2, Col: 5}}, "empty span").
			Also(source.Span{Start: source.Pos{Line: 1, Col: 1}}, "same file").
			Also(source.Span{File: "flows/y.flow"}, ""),
	)
	log, _ := readSARIF(t, ds, fs, WithTool("callflow", "v1.2.3"))

	if log.Schema != SARIFSchema || log.Version != "2.1.0" {
		t.Errorf("$schema %q, version %q", log.Schema, log.Version)
	}
	if len(log.Runs) != 1 {
		t.Fatalf("%d runs, want 1", len(log.Runs))
	}
	run := log.Runs[0]
	drv := run.Tool.Driver
	if drv.Name != "callflow" || drv.SemanticVersion != "1.2.3" || drv.InformationURI != InformationURI {
		t.Errorf("driver %q %q %q", drv.Name, drv.SemanticVersion, drv.InformationURI)
	}
	if run.ColumnKind != "unicodeCodePoints" {
		t.Errorf("columnKind %q", run.ColumnKind)
	}

	if len(drv.Rules) != len(Rules) {
		t.Fatalf("%d rules, want one per entry of Rules (%d)", len(drv.Rules), len(Rules))
	}
	for i, r := range drv.Rules {
		want := Rules[i]
		if r.ID != string(want.Code) || r.Name == "" || strings.ContainsAny(r.Name, "- ") ||
			r.ShortDescription.Text != want.Summary || r.FullDescription.Text != want.Summary ||
			r.Help.Text != want.Help || r.Help.Text == "" || r.Default.Level != want.Severity.String() {
			t.Errorf("rule %d = %+v, want from %+v", i, r, want)
		}
	}
	if got := drv.Rules[14]; got.ID != "unknown-handler" || got.Name != "UnknownHandler" {
		t.Errorf("rule 14 = %s %s, want unknown-handler UnknownHandler", got.ID, got.Name)
	}

	if len(run.Results) != len(ds) {
		t.Fatalf("%d results for %d diagnostics", len(run.Results), len(ds))
	}
	for i, res := range run.Results {
		d := ds[i]
		if res.RuleID != string(d.Code) {
			t.Errorf("result %d: ruleId %q, want %q", i, res.RuleID, d.Code)
		}
		if res.RuleIndex == nil || *res.RuleIndex < 0 || *res.RuleIndex >= len(drv.Rules) ||
			drv.Rules[*res.RuleIndex].ID != res.RuleID {
			t.Errorf("result %d: ruleIndex %v does not point at rule %q", i, res.RuleIndex, res.RuleID)
		}
		if res.Level != d.Severity.String() {
			t.Errorf("result %d: level %q", i, res.Level)
		}
		want := d.Summary
		if h := d.Hint(); h != "" {
			want += " " + h
		}
		if res.Message.Text != want {
			t.Errorf("result %d: message %q, want %q", i, res.Message.Text, want)
		}
		if len(res.Locations) != 1 {
			t.Errorf("result %d: %d locations", i, len(res.Locations))
			continue
		}
		if fp := res.PartialFingerprints[FingerprintKey]; fp == "" || !strings.Contains(fp, ":") {
			t.Errorf("result %d: fingerprint %q", i, fp)
		}
		if _, ok := res.PartialFingerprints["primaryLocationLineHash"]; ok {
			t.Errorf("result %d: primaryLocationLineHash is GitHub's to compute", i)
		}
		checkLocation(t, i, res.Locations[0])
		for _, rl := range res.RelatedLocations {
			checkLocation(t, i, rl)
			if rl.ID < 1 || rl.Message == nil || rl.Message.Text == "" {
				t.Errorf("result %d: related location without id or message: %+v", i, rl)
			}
		}
	}

	last := run.Results[len(run.Results)-1]
	if n := len(last.RelatedLocations); n != 2 || last.RelatedLocations[0].ID == last.RelatedLocations[1].ID {
		t.Errorf("related locations %+v, want two with distinct ids", last.RelatedLocations)
	}
	if got := last.RelatedLocations[0].PhysicalLocation.ArtifactLocation.URI; got != "flows/x.flow" {
		t.Errorf("related location without file: uri %q, want the subject's", got)
	}
	n := len(run.Results)
	for i, want := range map[int]string{n - 3: "flows/win.flow", n - 2: "flows/x.flow", 0: "flows/support.flow"} {
		if got := run.Results[i].Locations[0].PhysicalLocation.ArtifactLocation.URI; got != want {
			t.Errorf("result %d: uri %q, want %q", i, got, want)
		}
	}
	if r := run.Results[n-3].Locations[0].PhysicalLocation.Region; r.StartLine != 1 || r.StartColumn != 1 {
		t.Errorf("unknown position became %+v, want line 1 column 1", r)
	}
	// The first diagnostic points at "suport" on line 4 after a tab, a
	// Vietnamese string and a tab.
	if r := run.Results[0].Locations[0].PhysicalLocation.Region; r.StartLine != 4 || r.StartColumn != 32 || r.EndLine != 4 || r.EndColumn != 38 {
		t.Errorf("region of suport = %+v, want 4:32-4:38", r)
	}
}

func checkLocation(t *testing.T, i int, l testLocation) {
	t.Helper()
	p := l.PhysicalLocation
	r := p.Region
	if p.ArtifactLocation.URI == "" || strings.Contains(p.ArtifactLocation.URI, `\`) || strings.HasPrefix(p.ArtifactLocation.URI, "./") {
		t.Errorf("result %d: uri %q", i, p.ArtifactLocation.URI)
	}
	if r.StartLine < 1 || r.StartColumn < 1 || r.EndLine < 1 || r.EndColumn < 1 {
		t.Errorf("result %d: region %+v has a zero", i, r)
	}
	if r.EndLine < r.StartLine || (r.EndLine == r.StartLine && r.EndColumn <= r.StartColumn) {
		t.Errorf("result %d: region %+v is empty or inverted", i, r)
	}
}

func TestSARIFEmpty(t *testing.T) {
	log, raw := readSARIF(t, nil, nil)
	if !bytes.Contains(raw, []byte(`"results": []`)) {
		t.Errorf("results are not an empty array:\n%s", raw)
	}
	if bytes.Contains(raw, []byte("semanticVersion")) {
		t.Errorf("semanticVersion written without a version:\n%s", raw)
	}
	if log.Runs[0].Tool.Driver.Name != DefaultToolName || len(log.Runs[0].Tool.Driver.Rules) != len(Rules) {
		t.Errorf("driver without diagnostics: %+v", log.Runs[0].Tool.Driver)
	}
}

func TestSARIFUnknownCode(t *testing.T) {
	ds := Diagnostics{
		Errorf("made-up", source.Span{File: "a.flow", Start: source.Pos{Line: 1, Col: 1}}, "odd"),
		Errorf(Syntax, source.Span{File: "a.flow", Start: source.Pos{Line: 1, Col: 1}}, "bad"),
		Errorf("made-up", source.Span{File: "a.flow", Start: source.Pos{Line: 2, Col: 1}}, "odd again"),
	}
	log, _ := readSARIF(t, ds, nil)
	run := log.Runs[0]
	rules := run.Tool.Driver.Rules
	if len(rules) != len(Rules)+1 || rules[len(Rules)].ID != "made-up" || rules[len(Rules)].Name != "MadeUp" {
		t.Fatalf("rules end with %+v, want one for made-up", rules[len(rules)-1])
	}
	for i, res := range run.Results {
		if rules[*res.RuleIndex].ID != res.RuleID {
			t.Errorf("result %d: ruleIndex %d is rule %q, not %q", i, *res.RuleIndex, rules[*res.RuleIndex].ID, res.RuleID)
		}
	}
}

func TestSARIFFingerprints(t *testing.T) {
	fs := source.Files{}
	a := fs.Add(source.NewFile("a.flow", []byte("flow a\n  goto x\n  goto x\n")))
	b := fs.Add(source.NewFile("b.flow", []byte("flow b\n\n\n\n  goto x\n")))
	fp := func(d *Diagnostic, files source.Files) string {
		log, _ := readSARIF(t, Diagnostics{d}, files)
		return log.Runs[0].Results[0].PartialFingerprints[FingerprintKey]
	}
	// The same line text in another place of the file hashes alike, so
	// moving a line keeps the fingerprint.
	x1 := fp(Errorf(UnknownHandler, spanOf(t, a, "x", 0), "x"), fs)
	x2 := fp(Errorf(UnknownHandler, spanOf(t, a, "x", 1), "x"), fs)
	if x1 != x2 {
		t.Errorf("moved line: %s != %s", x1, x2)
	}
	if other := fp(Errorf(UnknownHandler, spanOf(t, b, "x", 0), "x"), fs); other == x1 {
		t.Errorf("another file hashes alike: %s", other)
	}
	if other := fp(Errorf(UnknownName, spanOf(t, a, "x", 0), "x"), fs); other == x1 {
		t.Errorf("another rule hashes alike: %s", other)
	}
	// Two results on equal lines are told apart by their occurrence.
	log, _ := readSARIF(t, Diagnostics{
		Errorf(UnknownHandler, spanOf(t, a, "x", 0), "x"),
		Errorf(UnknownHandler, spanOf(t, a, "x", 1), "x"),
	}, fs)
	r := log.Runs[0].Results
	f0, f1 := r[0].PartialFingerprints[FingerprintKey], r[1].PartialFingerprints[FingerprintKey]
	if f0 == f1 || !strings.HasSuffix(f0, ":1") || !strings.HasSuffix(f1, ":2") {
		t.Errorf("fingerprints %q and %q", f0, f1)
	}
}

func TestCamelCase(t *testing.T) {
	for in, want := range map[string]string{
		"unknown-handler": "UnknownHandler",
		"not-e164":        "NotE164",
		"syntax":          "Syntax",
		"agent-and-ivr":   "AgentAndIvr",
	} {
		if got := camelCase(in); got != want {
			t.Errorf("camelCase(%q) = %q, want %q", in, got, want)
		}
	}
}
