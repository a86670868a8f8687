package diag

import (
	"bytes"
	"encoding/json"
	"net/url"
	"os"
	"regexp"
	"strings"
	"testing"
	"unicode"

	"github.com/callflow/callflow/lang/diag/sarifschema"
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
				Version         string `json:"version"`
				SemanticVersion string `json:"semanticVersion"`
				InformationURI  string `json:"informationUri"`
				Rules           []struct {
					ID               string       `json:"id"`
					Name             string       `json:"name"`
					ShortDescription sarifMessage `json:"shortDescription"`
					FullDescription  sarifMessage `json:"fullDescription"`
					Help             sarifMessage `json:"help"`
					HelpURI          string       `json:"helpUri"`
					Default          struct {
						Level string `json:"level"`
					} `json:"defaultConfiguration"`
				} `json:"rules"`
			} `json:"driver"`
		} `json:"tool"`
		Results []struct {
			RuleID           string         `json:"ruleId"`
			RuleIndex        *int           `json:"ruleIndex"`
			Level            string         `json:"level"`
			Message          sarifMessage   `json:"message"`
			Locations        []testLocation `json:"locations"`
			RelatedLocations []testLocation `json:"relatedLocations"`
			Suppressions     []struct {
				Kind          string        `json:"kind"`
				Justification string        `json:"justification"`
				Location      *testLocation `json:"location"`
			} `json:"suppressions"`
			PartialFingerprints map[string]string `json:"partialFingerprints"`
		} `json:"results"`
	} `json:"runs"`
}

type testLocation struct {
	ID               int           `json:"id"`
	Message          *sarifMessage `json:"message"`
	PhysicalLocation struct {
		ArtifactLocation struct {
			URI       string `json:"uri"`
			URIBaseID string `json:"uriBaseId"`
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
	validSARIF(t, buf.Bytes())
	var log testSARIF
	if err := json.Unmarshal(buf.Bytes(), &log); err != nil {
		t.Fatalf("SARIF does not unmarshal: %v\n%s", err, buf.Bytes())
	}
	return log, buf.Bytes()
}

// validSARIF fails the test unless data is valid by the official SARIF
// 2.1.0 schema. Every SARIF log the tests write goes through it.
func validSARIF(t *testing.T, data []byte) {
	t.Helper()
	if err := sarifschema.Validate(data); err != nil {
		t.Errorf("SARIF is not valid by the SARIF 2.1.0 schema: %v", err)
	}
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
	if drv.Name != "callflow" || drv.Version != "v1.2.3" || drv.SemanticVersion != "1.2.3" || drv.InformationURI != InformationURI {
		t.Errorf("driver %q %q %q %q", drv.Name, drv.Version, drv.SemanticVersion, drv.InformationURI)
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
			r.Help.Text != want.Help || r.Help.Text == "" || r.Default.Level != want.Severity.String() ||
			r.HelpURI != LanguageDocURI+"#"+r.ID+"--"+want.Severity.String() {
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
		if !twoSentences.MatchString(res.Message.Text) || !strings.Contains(res.Message.Text, d.Summary[1:]) ||
			(d.Hint() != "" && !strings.Contains(res.Message.Text, d.Hint())) {
			t.Errorf("result %d: message %q is not %q and %q as sentences", i, res.Message.Text, d.Summary, d.Hint())
		}
		if len(res.Locations) != 1 {
			t.Errorf("result %d: %d locations", i, len(res.Locations))
			continue
		}
		fp, hashed := res.PartialFingerprints["primaryLocationLineHash"]
		if f := fs[d.Subject.File]; f != nil {
			start := res.Locations[0].PhysicalLocation.Region.StartLine
			if want := lineHashes(f.Src)[start-1]; fp != want {
				t.Errorf("result %d: primaryLocationLineHash %q, want %q", i, fp, want)
			}
		} else if hashed {
			t.Errorf("result %d: fingerprint %q for a file not at hand", i, fp)
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
		if got := run.Results[i].Locations[0].PhysicalLocation.ArtifactLocation; got.URI != want || got.URIBaseID != SourceRootID {
			t.Errorf("result %d: uri %q base %q, want %q based on %s", i, got.URI, got.URIBaseID, want, SourceRootID)
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

// twoSentences matches a message of one or two sentences, each starting
// with a capital or a quote and ending in a full stop, '!' or '?'.
var twoSentences = regexp.MustCompile(`(?s)^[\p{Lu}"0-9].*[.!?]( [\p{Lu}"` + "`" + `].*[.!?])?$`)

func TestSARIFMessage(t *testing.T) {
	at := source.Span{File: "a.flow", Start: source.Pos{Line: 1, Col: 1}}
	for _, tc := range []struct {
		d    *Diagnostic
		want string
	}{
		{Errorf(UnknownHandler, at, "no handler named %q", "ordr").Do("Declare it or fix the name.").Maybe("order"),
			`No handler named "ordr". Declare it or fix the name. Did you mean "order"?`},
		{Errorf(UnknownHandler, at, "no handler named %q", "ordr").Do("declare it or fix the name"),
			`No handler named "ordr". Declare it or fix the name.`},
		{Errorf(PlatformLimit, at, "8x8: repeat 5 is outside 1..3").Do("Repeat from 1 to 3 times."),
			`8x8: repeat 5 is outside 1..3. Repeat from 1 to 3 times.`},
		{Errorf(BadVersion, at, "language version 9 is not supported"),
			`Language version 9 is not supported.`},
		{Errorf(Syntax, at, "unexpected token?"), `Unexpected token?`},
		{Errorf(Syntax, at, ""), `Syntax.`},
	} {
		log, _ := readSARIF(t, Diagnostics{tc.d}, nil)
		if got := log.Runs[0].Results[0].Message.Text; got != tc.want {
			t.Errorf("message %q, want %q", got, tc.want)
		}
	}
}

// TestSARIFURIs: artifact URIs are URI references that name the file the
// diagnostic is about. Resolved against a source root and decoded, each
// gives back the path; none reads as another scheme, a query or a fragment.
func TestSARIFURIs(t *testing.T) {
	root, _ := url.Parse("file:///work/repo/")
	for _, tc := range []struct {
		path, uri, base, back string
	}{
		{"flows/a.flow", "flows/a.flow", SourceRootID, "/work/repo/flows/a.flow"},
		{"./flows/a.flow", "flows/a.flow", SourceRootID, "/work/repo/flows/a.flow"},
		{`flows\win.flow`, "flows/win.flow", SourceRootID, "/work/repo/flows/win.flow"},
		{"my flows/a b.flow", "my%20flows/a%20b.flow", SourceRootID, "/work/repo/my flows/a b.flow"},
		{"flows/điểm.flow", "flows/%C4%91i%E1%BB%83m.flow", SourceRootID, "/work/repo/flows/điểm.flow"},
		{"flows/#1?.flow", "flows/%231%3F.flow", SourceRootID, "/work/repo/flows/#1?.flow"},
		{"flows/100%.flow", "flows/100%25.flow", SourceRootID, "/work/repo/flows/100%.flow"},
		{"a:b.flow", "./a:b.flow", SourceRootID, "/work/repo/a:b.flow"},
		{"/tmp/x y/a.flow", "file:///tmp/x%20y/a.flow", "", "/tmp/x y/a.flow"},
		{"C:/flows/a.flow", "file:///C:/flows/a.flow", "", "/C:/flows/a.flow"},
		{`\\server\share\a.flow`, "file://server/share/a.flow", "", "/share/a.flow"},
	} {
		d := Errorf(Syntax, source.Span{File: tc.path, Start: source.Pos{Line: 1, Col: 1}}, "x")
		log, _ := readSARIF(t, Diagnostics{d}, nil)
		got := log.Runs[0].Results[0].Locations[0].PhysicalLocation.ArtifactLocation
		if got.URI != tc.uri || got.URIBaseID != tc.base {
			t.Errorf("%q: uri %q base %q, want %q base %q", tc.path, got.URI, got.URIBaseID, tc.uri, tc.base)
			continue
		}
		ref, err := url.Parse(got.URI)
		if err != nil {
			t.Errorf("%q: %v", tc.path, err)
			continue
		}
		abs := root.ResolveReference(ref)
		if abs.Scheme != "file" || abs.RawQuery != "" || abs.Fragment != "" || abs.Path != tc.back {
			t.Errorf("%q: %q resolves to %s (path %q), want file %q", tc.path, got.URI, abs, abs.Path, tc.back)
		}
	}
}

// TestSARIFFingerprints: each result located in a file at hand carries the
// primaryLocationLineHash GitHub computes for its start line, occurrence
// counts included; others carry none, and GitHub's upload action fills it in.
func TestSARIFFingerprints(t *testing.T) {
	fs := source.Files{}
	a := fs.Add(source.NewFile("a.flow", []byte("flow a\n  goto x\n  goto x\n")))
	log, _ := readSARIF(t, Diagnostics{
		Errorf(UnknownHandler, spanOf(t, a, "x", 0), "x"),
		Errorf(UnknownHandler, spanOf(t, a, "x", 1), "x"),
		Errorf(UnknownHandler, spanOf(t, a, "x", 1), "x again"),
		Errorf(UnknownHandler, source.Span{File: "gone.flow", Start: source.Pos{Line: 2, Col: 1}}, "x"),
	}, fs)
	want := []string{"ce03b958f55f9549:1", "9f707bfce6a02772:1", "9f707bfce6a02772:1", ""} // from fingerprints.ts under Node
	for i, res := range log.Runs[0].Results {
		if got := res.PartialFingerprints[FingerprintKey]; got != want[i] {
			t.Errorf("result %d: %s %q, want %q", i, FingerprintKey, got, want[i])
		}
	}
}

// TestSARIFHelpURIs: every rule's helpUri is an anchor GitHub gives a
// heading of docs/language.md.
func TestSARIFHelpURIs(t *testing.T) {
	doc, err := os.ReadFile("../../docs/language.md")
	if err != nil {
		t.Fatal(err)
	}
	anchors := map[string]bool{}
	for _, line := range strings.Split(string(doc), "\n") {
		if strings.HasPrefix(line, "#") {
			anchors[githubAnchor(strings.TrimLeft(line, "#"))] = true
		}
	}
	for _, r := range Rules {
		uri := HelpURI(r)
		base, frag, _ := strings.Cut(uri, "#")
		if base != LanguageDocURI || !anchors[frag] {
			t.Errorf("%s: helpUri %s names no heading of docs/language.md", r.Code, uri)
		}
	}
}

// githubAnchor spells a heading's anchor as GitHub does: lower case, every
// character but letters, digits, '-', '_' and spaces dropped, each space a
// hyphen.
func githubAnchor(heading string) string {
	var sb strings.Builder
	for _, r := range strings.ToLower(strings.TrimSpace(heading)) {
		switch {
		case r == ' ':
			sb.WriteByte('-')
		case r == '-' || r == '_' || unicode.IsLetter(r) || unicode.IsDigit(r):
			sb.WriteRune(r)
		}
	}
	return sb.String()
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

// FuzzArtifactURI: any relative file name becomes a URI reference the
// SARIF schema accepts and that names that file again: no scheme, query or
// fragment, the same path once decoded.
func FuzzArtifactURI(f *testing.F) {
	for _, s := range []string{"flows/a.flow", "a b/điểm.flow", "#1?.flow", "100%.flow", "a:b.flow", "x/y:z", `w\in.flow`, "./../a", "%2F", "?", "[::1]"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, name string) {
		p := strings.ReplaceAll(name, `\`, "/")
		for strings.HasPrefix(p, "./") {
			p = strings.TrimLeft(p[2:], "/")
		}
		if p == "" || strings.HasPrefix(p, "/") || isDrive(p) {
			return // absolute, or nothing left: not this property
		}
		loc := artifactLocation(name)
		ref, err := url.Parse(loc.URI)
		if err != nil || ref.Scheme != "" || ref.Host != "" || ref.RawQuery != "" || ref.Fragment != "" || strings.TrimPrefix(ref.Path, "./") != p || loc.URIBaseID != SourceRootID {
			t.Fatalf("%q: uri %q reads as %+v (%v)", name, loc.URI, ref, err)
		}
		var buf bytes.Buffer
		d := Errorf(Syntax, source.Span{File: name, Start: source.Pos{Line: 1, Col: 1}}, "x")
		if err := WriteSARIF(&buf, Diagnostics{d}, nil); err != nil {
			t.Fatal(err)
		}
		if err := sarifschema.Validate(buf.Bytes()); err != nil {
			t.Fatalf("%q: uri %q: %v", name, loc.URI, err)
		}
	})
}
