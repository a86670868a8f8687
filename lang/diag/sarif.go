package diag

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/callflow/callflow/lang/source"
)

// SARIF constants.
const (
	SARIFSchema  = "https://json.schemastore.org/sarif-2.1.0.json"
	SARIFVersion = "2.1.0"

	// FingerprintKey names the partialFingerprints entry callflow computes.
	// callflow does not write primaryLocationLineHash: GitHub's upload action
	// computes that key with its own algorithm and warns when a tool's value
	// differs from its own.
	FingerprintKey = "callflowLineHash/v1"
)

type sarifLog struct {
	Schema  string     `json:"$schema"`
	Version string     `json:"version"`
	Runs    []sarifRun `json:"runs"`
}

type sarifRun struct {
	Tool       sarifTool     `json:"tool"`
	ColumnKind string        `json:"columnKind"`
	Results    []sarifResult `json:"results"`
}

type sarifTool struct {
	Driver sarifDriver `json:"driver"`
}

type sarifDriver struct {
	Name            string      `json:"name"`
	SemanticVersion string      `json:"semanticVersion,omitempty"`
	InformationURI  string      `json:"informationUri"`
	Rules           []sarifRule `json:"rules"`
}

type sarifRule struct {
	ID                   string             `json:"id"`
	Name                 string             `json:"name"`
	ShortDescription     sarifMessage       `json:"shortDescription"`
	FullDescription      sarifMessage       `json:"fullDescription"`
	Help                 sarifMessage       `json:"help"`
	DefaultConfiguration sarifConfiguration `json:"defaultConfiguration"`
}

type sarifConfiguration struct {
	Level string `json:"level"`
}

type sarifMessage struct {
	Text string `json:"text"`
}

type sarifResult struct {
	RuleID              string            `json:"ruleId"`
	RuleIndex           int               `json:"ruleIndex"`
	Level               string            `json:"level"`
	Message             sarifMessage      `json:"message"`
	Locations           []sarifLocation   `json:"locations,omitempty"`
	PartialFingerprints map[string]string `json:"partialFingerprints,omitempty"`
	RelatedLocations    []sarifLocation   `json:"relatedLocations,omitempty"`
}

type sarifLocation struct {
	ID               int                   `json:"id,omitempty"`
	PhysicalLocation sarifPhysicalLocation `json:"physicalLocation"`
	Message          *sarifMessage         `json:"message,omitempty"`
}

type sarifPhysicalLocation struct {
	ArtifactLocation sarifArtifactLocation `json:"artifactLocation"`
	Region           sarifRegion           `json:"region"`
}

type sarifArtifactLocation struct {
	URI string `json:"uri"`
}

type sarifRegion struct {
	StartLine   int `json:"startLine"`
	StartColumn int `json:"startColumn"`
	EndLine     int `json:"endLine"`
	EndColumn   int `json:"endColumn"`
}

// WriteSARIF renders ds as a SARIF 2.1.0 log that GitHub code scanning
// accepts. The driver lists a rule for every entry of Rules, in order (and
// after them any code a diagnostic uses that Rules lacks); each result's
// ruleIndex points into that list. Regions never hold a zero line or column:
// an unknown position becomes line 1, column 1. Columns count Unicode code
// points, as the run's columnKind says.
func WriteSARIF(w io.Writer, ds Diagnostics, files source.Files, opts ...WriteOption) error {
	c := newConfig(opts)

	rules := make([]sarifRule, 0, len(Rules))
	index := make(map[Code]int, len(Rules))
	addRule := func(r Rule) {
		index[r.Code] = len(rules)
		rules = append(rules, sarifRule{
			ID:                   string(r.Code),
			Name:                 camelCase(string(r.Code)),
			ShortDescription:     sarifMessage{r.Summary},
			FullDescription:      sarifMessage{r.Summary},
			Help:                 sarifMessage{r.Help},
			DefaultConfiguration: sarifConfiguration{sarifLevel(r.Severity)},
		})
	}
	for _, r := range Rules {
		if _, dup := index[r.Code]; !dup {
			addRule(r)
		}
	}

	results := make([]sarifResult, 0, len(ds))
	seen := make(map[string]int) // fingerprint base -> occurrences so far
	for _, d := range ds {
		if d == nil {
			continue
		}
		if _, ok := index[d.Code]; !ok {
			text := string(d.Code)
			addRule(Rule{Code: d.Code, Severity: d.Severity, Summary: text, Help: text})
		}
		msg := d.Summary
		if h := d.Hint(); h != "" {
			msg = strings.TrimSpace(msg + " " + h)
		}
		if msg == "" {
			msg = string(d.Code) // SARIF requires non-empty message text
		}
		res := sarifResult{
			RuleID:    string(d.Code),
			RuleIndex: index[d.Code],
			Level:     sarifLevel(d.Severity),
			Message:   sarifMessage{msg},
		}
		if d.Subject.File != "" {
			res.Locations = []sarifLocation{{PhysicalLocation: physicalLocation(d.Subject, files)}}
			base := fingerprint(string(d.Code), d.Subject, files, d.Summary)
			seen[base]++
			res.PartialFingerprints = map[string]string{
				FingerprintKey: fmt.Sprintf("%s:%d", base, seen[base]),
			}
		}
		for _, r := range d.Related {
			at := r.Span
			if at.File == "" {
				at.File = d.Subject.File
			}
			if at.File == "" {
				continue
			}
			text := r.Message
			if text == "" {
				text = "related location"
			}
			res.RelatedLocations = append(res.RelatedLocations, sarifLocation{
				ID:               len(res.RelatedLocations) + 1,
				PhysicalLocation: physicalLocation(at, files),
				Message:          &sarifMessage{text},
			})
		}
		results = append(results, res)
	}

	log := sarifLog{
		Schema:  SARIFSchema,
		Version: SARIFVersion,
		Runs: []sarifRun{{
			Tool: sarifTool{Driver: sarifDriver{
				Name:            c.toolName,
				SemanticVersion: strings.TrimPrefix(c.toolVersion, "v"),
				InformationURI:  InformationURI,
				Rules:           rules,
			}},
			ColumnKind: "unicodeCodePoints",
			Results:    results,
		}},
	}
	return encodeJSON(w, log)
}

func sarifLevel(s Severity) string {
	switch s {
	case Error:
		return "error"
	case Warning:
		return "warning"
	}
	return "note"
}

func physicalLocation(s source.Span, files source.Files) sarifPhysicalLocation {
	r := regionOf(s, files)
	return sarifPhysicalLocation{
		ArtifactLocation: sarifArtifactLocation{URI: sarifURI(s.File)},
		Region: sarifRegion{
			StartLine:   r.line,
			StartColumn: r.col,
			EndLine:     r.endLine,
			EndColumn:   r.endCol,
		},
	}
}

// sarifURI turns a printed path into a relative URI reference: forward
// slashes, no leading "./".
func sarifURI(path string) string {
	p := strings.ReplaceAll(path, `\`, "/")
	for strings.HasPrefix(p, "./") {
		p = strings.TrimLeft(p[2:], "/")
	}
	return p
}

// fingerprint hashes the rule, the file and the trimmed text of the
// diagnostic's line, so the value survives edits that move the line. When
// the line is not at hand the summary stands in for it.
func fingerprint(rule string, s source.Span, files source.Files, summary string) string {
	text := summary
	if line, ok := sourceLine(files, s.File, s.Start.Line); ok {
		text = strings.TrimSpace(string(line))
	}
	h := sha256.New()
	for _, part := range []string{rule, sarifURI(s.File), text} {
		h.Write([]byte(part))
		h.Write([]byte{0})
	}
	return hex.EncodeToString(h.Sum(nil)[:16])
}

// camelCase turns a code such as "unknown-handler" into "UnknownHandler".
func camelCase(code string) string {
	var b strings.Builder
	for _, part := range strings.FieldsFunc(code, func(r rune) bool { return r == '-' || r == '_' || r == ' ' }) {
		r, n := utf8.DecodeRuneInString(part)
		b.WriteRune(unicode.ToUpper(r))
		b.WriteString(part[n:])
	}
	return b.String()
}
