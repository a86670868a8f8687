package flowtest_test

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"flag"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/callflow/callflow/runtime/flowtest"
)

var update = flag.Bool("update", false, "rewrite golden files")

// reportFixture runs two test files against the menu flow: one test in the flow's file, two in its test file: one fails at its second expect (with text that XML must escape), and one
// walks into handler two twice. Durations are fixed for the golden files.
func reportFixture(t *testing.T) flowtest.Report {
	t.Helper()
	fsys := fstest.MapFS{
		"menu.flow": {Data: []byte(menuFlow + `
test "two again" {
  call 8x8 from "+6591234567" to "+6512345678"
  press "2"
  expect hangup
}
`)},
		"menu_test.flow": {Data: []byte(`flow menu

test "sales" {
  call 8x8 from "+6591234567" to "+6512345678"
  press "1"
  expect makeCall sales
}

test "two <&> \"quoted\"" {
  call 8x8 from "+6591234567" to "+6512345678"
  press "2"
  expect say "Three."
}
`)},
	}
	rep := run(t, fsys)
	for i := range rep.Tests {
		rep.Tests[i].Elapsed = time.Duration(i+1) * 1500 * time.Microsecond
	}
	return rep
}

func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs (run go test -update after checking the change)\n--- got\n%s\n--- want\n%s", path, got, want)
	}
}

func prefixed(name string) string { return "flows/" + name }

func TestWriteJSON(t *testing.T) {
	rep := reportFixture(t)
	var buf bytes.Buffer
	if err := flowtest.WriteJSON(&buf, rep, flowtest.WithPaths(prefixed)); err != nil {
		t.Fatal(err)
	}
	golden(t, "report.json", buf.Bytes())

	var got struct {
		Passed, Failed int
		Tests          []struct {
			Flow, Name, File, Status string
			Line, Column             int
			DurationMS               float64 `json:"duration_ms"`
			Failures                 []struct {
				File, Message                    string
				Line, Column, EndLine, EndColumn int
			}
		}
	}
	if err := json.Unmarshal(buf.Bytes(), &got); err != nil {
		t.Fatal(err)
	}
	if got.Passed != 2 || got.Failed != 1 || len(got.Tests) != 3 {
		t.Fatalf("counts %d/%d, %d tests", got.Passed, got.Failed, len(got.Tests))
	}
	fail := got.Tests[2]
	if fail.Status != "fail" || fail.File != "flows/menu_test.flow" || fail.Line != 9 || fail.DurationMS != 4.5 ||
		len(fail.Failures) != 1 || fail.Failures[0].Line != 12 || fail.Failures[0].Column != 3 ||
		!strings.Contains(fail.Failures[0].Message, `expected say "Three.", got [say "Two."`) {
		t.Errorf("failing test = %+v", fail)
	}
	if pass := got.Tests[0]; pass.Status != "pass" || pass.Failures == nil || len(pass.Failures) != 0 {
		t.Errorf("passing test = %+v, want status pass and an empty failures list", pass)
	}
}

func TestWriteJUnit(t *testing.T) {
	rep := reportFixture(t)
	var buf bytes.Buffer
	if err := flowtest.WriteJUnit(&buf, rep, flowtest.WithPaths(prefixed)); err != nil {
		t.Fatal(err)
	}
	golden(t, "report.junit.xml", buf.Bytes())
	validJUnit(t, buf.Bytes())

	// Read back as the common parsers do: suites by file, cases with
	// classname, name, file and line, a failure with a message.
	var got struct {
		Tests    int `xml:"tests,attr"`
		Failures int `xml:"failures,attr"`
		Suites   []struct {
			Name  string `xml:"name,attr"`
			Tests int    `xml:"tests,attr"`
			Fails int    `xml:"failures,attr"`
			Cases []struct {
				Name      string `xml:"name,attr"`
				Classname string `xml:"classname,attr"`
				File      string `xml:"file,attr"`
				Line      int    `xml:"line,attr"`
				Time      string `xml:"time,attr"`
				Failure   *struct {
					Message string `xml:"message,attr"`
					Text    string `xml:",chardata"`
				} `xml:"failure"`
			} `xml:"testcase"`
		} `xml:"testsuite"`
	}
	if err := xml.Unmarshal(buf.Bytes(), &got); err != nil {
		t.Fatal(err)
	}
	if got.Tests != 3 || got.Failures != 1 || len(got.Suites) != 2 ||
		got.Suites[0].Name != "flows/menu.flow" || got.Suites[0].Tests != 1 || got.Suites[0].Fails != 0 ||
		got.Suites[1].Name != "flows/menu_test.flow" || got.Suites[1].Tests != 2 || got.Suites[1].Fails != 1 {
		t.Fatalf("report = %+v", got)
	}
	c := got.Suites[1].Cases[1]
	if c.Name != `two <&> "quoted"` || c.Classname != "menu" || c.File != "flows/menu_test.flow" || c.Line != 9 || c.Time != "0.004" {
		t.Errorf("case = %+v", c)
	}
	if c.Failure == nil || !strings.HasPrefix(c.Failure.Text, "flows/menu_test.flow:12:3: expected say") ||
		!strings.HasPrefix(c.Failure.Message, `expected say "Three.", got`) {
		t.Errorf("failure = %+v", c.Failure)
	}
	if got.Suites[1].Cases[0].Failure != nil {
		t.Errorf("a passing case has a failure")
	}
}

// testcaseFileLine is the file and line attributes of a testcase.
var testcaseFileLine = regexp.MustCompile(`(<testcase [^>]*) file="[^"]*" line="[0-9]+"`)

// validJUnit validates data with xmllint against Jenkins' junit-10.xsd (the
// de-facto JUnit schema, testdata/README.md says where it comes from): no
// well-kept XSD validator is written in Go, so the test uses libxml2's
// when it is installed (.ci/run installs it; CI fails without it). The
// schema has dropped testcase's file and line, which GitLab and the GitHub
// Actions reporters read to link a failure to its line: those two are
// removed before validating, and TestWriteJUnit checks them itself.
func validJUnit(t *testing.T, data []byte) {
	t.Helper()
	bin, err := exec.LookPath("xmllint")
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("xmllint is not installed, and CI must run this check (apt-get install libxml2-utils)")
		}
		t.Log("xmllint is not installed: the JUnit XML is not checked against junit-10.xsd (apt-get install libxml2-utils)")
		return
	}
	stripped := testcaseFileLine.ReplaceAll(data, []byte("$1"))
	if bytes.Equal(stripped, data) {
		t.Fatal("no testcase has file and line attributes")
	}
	file := filepath.Join(t.TempDir(), "report.xml")
	if err := os.WriteFile(file, stripped, 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(bin, "--noout", "--schema", filepath.Join("testdata", "junit-10.xsd"), file).CombinedOutput()
	if err != nil {
		t.Errorf("junit-10.xsd rejects the report: %v\n%s", err, out)
	}
}

func TestWriteCoverageJSON(t *testing.T) {
	rep := reportFixture(t)
	var buf bytes.Buffer
	if err := flowtest.WriteCoverageJSON(&buf, rep.Coverage, flowtest.WithPaths(prefixed)); err != nil {
		t.Fatal(err)
	}
	golden(t, "coverage.json", buf.Bytes())

	type item struct {
		Kind, Name, Handler, File string
		Line, Column, Hits        int
		Reached                   bool
	}
	var got struct {
		Flows []struct {
			Flow, File string
			Handlers   struct{ Hit, Total int }
			Items      []item
		}
	}
	if err := json.Unmarshal(buf.Bytes(), &got); err != nil {
		t.Fatal(err)
	}
	if len(got.Flows) != 1 || got.Flows[0].Flow != "menu" || got.Flows[0].File != "flows/menu.flow" || got.Flows[0].Handlers.Hit != 2 {
		t.Fatalf("flows = %+v", got.Flows)
	}
	find := func(kind, name, handler string, line int) item {
		for _, it := range got.Flows[0].Items {
			if it.Kind == kind && it.Name == name && it.Handler == handler && it.Line == line {
				return it
			}
		}
		t.Fatalf("no %s %s in %s at line %d", kind, name, handler, line)
		return item{}
	}
	// Three calls reach main, and each press is served in main again (6);
	// two of them press 2 and go to handler two.
	if it := find("handler", "main", "", 11); it.Hits != 6 || !it.Reached || it.File != "flows/menu.flow" || it.Column != 9 {
		t.Errorf("handler main = %+v", it)
	}
	if it := find("handler", "two", "", 29); it.Hits != 2 || !it.Reached {
		t.Errorf("handler two = %+v", it)
	}
	if it := find("handler", "blocked", "", 35); it.Hits != 0 || it.Reached {
		t.Errorf("handler blocked = %+v", it)
	}
	if it := find("step", "set", "two", 30); it.Hits != 2 {
		t.Errorf("set in two = %+v", it)
	}
	if it := find("rule", `when caller == "+6500000000" -> blocked`, "", 8); it.Hits != 0 || it.Reached {
		t.Errorf("blocked rule = %+v", it)
	}
}
