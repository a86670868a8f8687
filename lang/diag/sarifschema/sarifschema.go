// Package sarifschema validates SARIF logs against the official SARIF 2.1.0
// JSON schema, for the tests of every package that writes SARIF. It is the
// one home of the JSON Schema library in callflow.
//
// The schema's "uri" and "uri-reference" formats are checked strictly, by
// RFC 3986's character set as well as by parsing: the library's own check is
// Go's URL parser alone, which accepts spaces and raw non-ASCII text, and
// those are not URIs.
package sarifschema

import (
	"bytes"
	_ "embed"
	"errors"
	"fmt"
	"net/url"
	"regexp"
	"sync"

	"github.com/santhosh-tekuri/jsonschema/v6"
)

// schemaJSON is the official schema, unchanged; testdata/README.md says
// where it comes from.
//
//go:embed testdata/sarif-schema-2.1.0.json
var schemaJSON []byte

// SchemaURI is the id the official schema gives itself.
const SchemaURI = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"

var compiled = sync.OnceValues(compile)

func compile() (*jsonschema.Schema, error) {
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(schemaJSON))
	if err != nil {
		return nil, fmt.Errorf("reading the SARIF schema: %w", err)
	}
	c := jsonschema.NewCompiler()
	c.AssertFormat()
	for _, f := range []*jsonschema.Format{
		{Name: "uri", Validate: strictURI(true)},
		{Name: "uri-reference", Validate: strictURI(false)},
	} {
		c.RegisterFormat(f)
	}
	if err := c.AddResource(SchemaURI, doc); err != nil {
		return nil, fmt.Errorf("loading the SARIF schema: %w", err)
	}
	return c.Compile(SchemaURI)
}

// Validate reports whether data is a SARIF 2.1.0 log the official schema
// accepts. The error lists every violation with its JSON pointer.
func Validate(data []byte) error {
	sch, err := compiled()
	if err != nil {
		return err
	}
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(data))
	if err != nil {
		return fmt.Errorf("not JSON: %w", err)
	}
	return sch.Validate(doc)
}

// uriChars is RFC 3986's alphabet: unreserved and reserved characters, and
// percent-encoded octets.
var uriChars = regexp.MustCompile(`^(?:[A-Za-z0-9\-._~:/?#\[\]@!$&'()*+,;=]|%[0-9A-Fa-f]{2})*$`)

// scheme matches the scheme of an absolute URI (RFC 3986 §3.1).
var scheme = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9+.\-]*:`)

// strictURI checks a string format by RFC 3986: only its characters, and
// for "uri" a scheme.
func strictURI(absolute bool) func(any) error {
	return func(v any) error {
		s, ok := v.(string)
		if !ok {
			return nil
		}
		if !uriChars.MatchString(s) {
			return errors.New("has characters a URI must percent-encode")
		}
		if absolute && !scheme.MatchString(s) {
			return errors.New("is not an absolute URI")
		}
		_, err := url.Parse(s)
		return err
	}
}
