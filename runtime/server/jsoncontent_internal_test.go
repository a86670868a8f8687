package server

import "testing"

// FuzzJSONContent: jsonContent's fast path takes a Content-Type exactly
// when parsing it does.
func FuzzJSONContent(f *testing.F) {
	for _, ct := range []string{"", "application/json", "application/json; charset=utf-8", "application/json;charset=utf-8",
		"Application/JSON", "application/json; charset=", "application/json; charset=utf-8; x", "text/xml",
		"application/problem+json", "multipart/form-data; boundary=x", "application/json; charset=\"utf-8\""} {
		f.Add(ct)
	}
	f.Fuzz(func(t *testing.T, ct string) {
		if got, want := jsonContent(ct), parsedJSONContent(ct); got != want {
			t.Errorf("jsonContent(%q) = %v, parsed %v", ct, got, want)
		}
	})
}
