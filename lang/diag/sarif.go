package diag

import (
	"io"
	"net/url"
	"path"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/callflow/callflow/lang/source"
)

// SARIF constants.
const (
	// SARIFSchema is the id of the official OASIS schema for SARIF 2.1.0.
	SARIFSchema  = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
	SARIFVersion = "2.1.0"

	// FingerprintKey names the partialFingerprints entry callflow computes:
	// GitHub's primaryLocationLineHash, by GitHub's algorithm (linehash.go).
	FingerprintKey = "primaryLocationLineHash"

	// SourceRootID is the uriBaseId of every relative artifact URI: the
	// folder `callflow check` ran in, which in CI is the repository root.
	SourceRootID = "%SRCROOT%"
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
	Version         string      `json:"version,omitempty"`
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
	HelpURI              string             `json:"helpUri,omitempty"`
	DefaultConfiguration sarifConfiguration `json:"defaultConfiguration"`
}

type sarifConfiguration struct {
	Level string `json:"level"`
}

type sarifMessage struct {
	Text string `json:"text"`
}

type sarifResult struct {
	RuleID              string             `json:"ruleId"`
	RuleIndex           int                `json:"ruleIndex"`
	Level               string             `json:"level"`
	Message             sarifMessage       `json:"message"`
	Locations           []sarifLocation    `json:"locations,omitempty"`
	PartialFingerprints map[string]string  `json:"partialFingerprints,omitempty"`
	RelatedLocations    []sarifLocation    `json:"relatedLocations,omitempty"`
	Suppressions        []sarifSuppression `json:"suppressions,omitempty"`
}

// sarifSuppression is SARIF's suppression object (§3.35): kind inSource
// for a comment, which is its location, or external for --disable.
type sarifSuppression struct {
	Kind          string         `json:"kind"`
	Justification string         `json:"justification,omitempty"`
	Location      *sarifLocation `json:"location,omitempty"`
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
	URI       string `json:"uri"`
	URIBaseID string `json:"uriBaseId,omitempty"`
}

type sarifRegion struct {
	StartLine   int `json:"startLine"`
	StartColumn int `json:"startColumn"`
	EndLine     int `json:"endLine"`
	EndColumn   int `json:"endColumn"`
}

// WriteSARIF renders ds as a SARIF 2.1.0 log that GitHub code scanning
// accepts and the official schema validates. The driver lists a rule for
// every entry of Rules, in order, each with a helpUri at its entry in
// docs/language.md (and after them any code a diagnostic uses that Rules
// lacks); each result's ruleIndex points into that list. Regions never hold
// a zero line or column: an unknown position becomes line 1, column 1.
// Columns count Unicode code points, as the run's columnKind says. A
// suppressed diagnostic is a result with a suppressions entry (kind
// inSource with the comment's location, or external), so code scanning
// shows it as dismissed rather than losing it.
//
// Artifact URIs are URI references: a relative path is percent-encoded and
// based on SourceRootID; an absolute path becomes a file:// URI. Each result
// whose file is in files carries GitHub's primaryLocationLineHash.
func WriteSARIF(w io.Writer, ds Diagnostics, files source.Files, opts ...WriteOption) error {
	c := newConfig(opts)

	rules := make([]sarifRule, 0, len(Rules))
	index := make(map[Code]int, len(Rules))
	addRule := func(r Rule, helpURI string) {
		index[r.Code] = len(rules)
		rules = append(rules, sarifRule{
			ID:                   string(r.Code),
			Name:                 camelCase(string(r.Code)),
			ShortDescription:     sarifMessage{r.Summary},
			FullDescription:      sarifMessage{r.Summary},
			Help:                 sarifMessage{r.Help},
			HelpURI:              helpURI,
			DefaultConfiguration: sarifConfiguration{sarifLevel(r.Severity)},
		})
	}
	for _, r := range Rules {
		if _, dup := index[r.Code]; !dup {
			addRule(r, HelpURI(r))
		}
	}

	results := make([]sarifResult, 0, len(ds))
	hashes := lineHashCache{files: files}
	for _, d := range ds {
		if d == nil {
			continue
		}
		if _, ok := index[d.Code]; !ok {
			text := string(d.Code)
			addRule(Rule{Code: d.Code, Severity: d.Severity, Summary: text, Help: text}, "")
		}
		res := sarifResult{
			RuleID:    string(d.Code),
			RuleIndex: index[d.Code],
			Level:     sarifLevel(d.Severity),
			Message:   sarifMessage{sarifText(d)},
		}
		if d.Subject.File != "" {
			loc := physicalLocation(d.Subject, files)
			res.Locations = []sarifLocation{{PhysicalLocation: loc}}
			if h := hashes.line(d.Subject.File, loc.Region.StartLine); h != "" {
				res.PartialFingerprints = map[string]string{FingerprintKey: h}
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
		if sup := d.Suppressed; sup != nil {
			ss := sarifSuppression{Kind: string(sup.Kind), Justification: sup.Justification}
			if sup.At.File != "" {
				ss.Location = &sarifLocation{PhysicalLocation: physicalLocation(sup.At, files)}
			}
			res.Suppressions = []sarifSuppression{ss}
		}
		results = append(results, res)
	}

	log := sarifLog{
		Schema:  SARIFSchema,
		Version: SARIFVersion,
		Runs: []sarifRun{{
			Tool: sarifTool{Driver: sarifDriver{
				Name:            c.toolName,
				Version:         c.toolVersion,
				SemanticVersion: semanticVersion(c.toolVersion),
				InformationURI:  InformationURI,
				Rules:           rules,
			}},
			ColumnKind: "unicodeCodePoints",
			Results:    results,
		}},
	}
	return encodeJSON(w, log)
}

// LanguageDocURI is the reference that documents every code, in section 9.
const LanguageDocURI = InformationURI + "/blob/main/docs/language.md"

// HelpURI returns the address of r's entry in docs/language.md. Each code's
// heading there is "`CODE` — SEVERITY", whose anchor GitHub spells
// CODE--SEVERITY (the backticks and the dash dropped, each space a hyphen).
func HelpURI(r Rule) string {
	return LanguageDocURI + "#" + string(r.Code) + "--" + r.Severity.String()
}

// sarifText is the result message: the summary and the hint as two
// sentences. Summaries are written as clauses for the text format's header
// ("no handler named …"), so the first letter is raised and a full stop
// added; SARIF requires the text to be non-empty.
func sarifText(d *Diagnostic) string {
	msg := sentence(d.Summary)
	if h := sentence(d.Hint()); h != "" {
		msg = strings.TrimSpace(msg + " " + h)
	}
	if msg == "" {
		msg = sentence(string(d.Code))
	}
	return msg
}

// sentence makes s read as a sentence: trimmed, a lower-case first letter
// raised, and a full stop added unless it already ends like a sentence.
func sentence(s string) string {
	s = strings.TrimSpace(s)
	if s == "" {
		return ""
	}
	r, n := utf8.DecodeRuneInString(s)
	if unicode.IsLower(r) {
		s = string(unicode.ToUpper(r)) + s[n:]
	}
	last, _ := utf8.DecodeLastRuneInString(s)
	if !strings.ContainsRune(".!?", last) {
		s += "."
	}
	return s
}

// semanticVersion is version as SARIF's semanticVersion wants it: without
// the "v" of a Go tag, and empty for anything that does not start like a
// semantic version (such as "dev").
func semanticVersion(version string) string {
	v := strings.TrimPrefix(version, "v")
	if v == "" || v[0] < '0' || v[0] > '9' {
		return ""
	}
	return v
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
		ArtifactLocation: artifactLocation(s.File),
		Region: sarifRegion{
			StartLine:   r.line,
			StartColumn: r.col,
			EndLine:     r.endLine,
			EndColumn:   r.endCol,
		},
	}
}

// artifactLocation turns a printed path into a URI reference. A relative
// path keeps its segments, percent-encoded (spaces, non-ASCII, '%', '?',
// '#'), with "./" in front when its first segment holds a ':' that would
// read as a scheme, and is based on SourceRootID. An absolute path (a
// leading '/', a Windows drive, or a UNC "//host/share") becomes a file://
// URI, which takes no uriBaseId.
func artifactLocation(name string) sarifArtifactLocation {
	p := strings.ReplaceAll(name, `\`, "/")
	switch {
	case strings.HasPrefix(p, "//"): // UNC: //host/share/…
		host, rest, _ := strings.Cut(p[2:], "/")
		u := url.URL{Scheme: "file", Host: host, Path: "/" + rest}
		return sarifArtifactLocation{URI: u.String()}
	case strings.HasPrefix(p, "/"):
		u := url.URL{Scheme: "file", Path: path.Clean(p)}
		return sarifArtifactLocation{URI: u.String()}
	case isDrive(p):
		u := url.URL{Scheme: "file", Path: "/" + p}
		return sarifArtifactLocation{URI: u.String()}
	}
	for strings.HasPrefix(p, "./") {
		p = strings.TrimLeft(p[2:], "/")
	}
	u := url.URL{Path: p}
	return sarifArtifactLocation{URI: u.String(), URIBaseID: SourceRootID}
}

// isDrive reports whether p starts with a Windows drive, like "C:/".
func isDrive(p string) bool {
	return len(p) >= 3 && p[1] == ':' && p[2] == '/' &&
		(('a' <= p[0] && p[0] <= 'z') || ('A' <= p[0] && p[0] <= 'Z'))
}

// lineHashCache computes each file's line hashes once per log.
type lineHashCache struct {
	files  source.Files
	hashes map[string][]string
}

// line returns the primaryLocationLineHash of line n of the named file, or
// "" when the file's text is not at hand.
func (c *lineHashCache) line(name string, n int) string {
	hs, ok := c.hashes[name]
	if !ok {
		if f := c.files[name]; f != nil {
			hs = lineHashes(f.Src)
		}
		if c.hashes == nil {
			c.hashes = map[string][]string{}
		}
		c.hashes[name] = hs
	}
	if n < 1 || n > len(hs) {
		return ""
	}
	return hs[n-1]
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
