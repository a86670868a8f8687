package flowtest

import (
	"encoding/xml"
	"fmt"
	"io"
	"strconv"
	"time"
)

// The JUnit XML CI systems read (Jenkins' junit-10.xsd is the de-facto
// schema; GitLab, GitHub Actions' test reporters and Jenkins read it).
type (
	junitSuites struct {
		XMLName  xml.Name     `xml:"testsuites"`
		Name     string       `xml:"name,attr"`
		Tests    int          `xml:"tests,attr"`
		Failures int          `xml:"failures,attr"`
		Errors   int          `xml:"errors,attr"`
		Time     string       `xml:"time,attr"`
		Suites   []junitSuite `xml:"testsuite"`
	}
	junitSuite struct {
		Name     string      `xml:"name,attr"`
		Tests    int         `xml:"tests,attr"`
		Failures int         `xml:"failures,attr"`
		Errors   int         `xml:"errors,attr"`
		Skipped  int         `xml:"skipped,attr"`
		Time     string      `xml:"time,attr"`
		File     string      `xml:"file,attr"`
		Cases    []junitCase `xml:"testcase"`
	}
	junitCase struct {
		Name      string        `xml:"name,attr"`
		Classname string        `xml:"classname,attr"`
		File      string        `xml:"file,attr"`
		Line      int           `xml:"line,attr"`
		Time      string        `xml:"time,attr"`
		Failure   *junitFailure `xml:"failure,omitempty"`
	}
	junitFailure struct {
		Message string `xml:"message,attr"`
		Text    string `xml:",chardata"`
	}
)

// WriteJUnit renders rep as JUnit XML: a testsuite per file of tests (named
// by the file), a testcase per test block with the flow as its classname,
// the test's name, file and line, and its time in seconds; a failed test
// has a failure whose message is what was expected and emitted and whose
// text starts with the failing statement's file:line:col, the place CI
// systems link to.
func WriteJUnit(w io.Writer, rep Report, opts ...WriteOption) error {
	c := newWriteConfig(opts)
	out := junitSuites{Name: "callflow test", Tests: len(rep.Tests), Failures: rep.Failed()}
	var total time.Duration
	var times []time.Duration
	index := map[string]int{}
	for _, t := range rep.Tests {
		file := c.path(t.At.File)
		i, ok := index[file]
		if !ok {
			i = len(out.Suites)
			index[file] = i
			out.Suites = append(out.Suites, junitSuite{Name: file, File: file})
			times = append(times, 0)
		}
		times[i] += t.Elapsed
		s := &out.Suites[i]
		tc := junitCase{Name: t.Name, Classname: t.Flow, File: file, Line: t.At.Start.Line, Time: seconds(t.Elapsed)}
		if f := t.Failure; f != nil {
			at := f.At
			at.File = c.path(at.File)
			tc.Failure = &junitFailure{Message: f.Msg, Text: fmt.Sprintf("%s: %s", at, f.Msg)}
			s.Failures++
		}
		s.Tests++
		s.Cases = append(s.Cases, tc)
		total += t.Elapsed
	}
	for i := range out.Suites {
		out.Suites[i].Time = seconds(times[i])
	}
	out.Time = seconds(total)
	if _, err := io.WriteString(w, xml.Header); err != nil {
		return err
	}
	enc := xml.NewEncoder(w)
	enc.Indent("", "  ")
	if err := enc.Encode(out); err != nil {
		return err
	}
	_, err := io.WriteString(w, "\n")
	return err
}

// seconds is d in seconds with millisecond precision, JUnit's unit.
func seconds(d time.Duration) string {
	return strconv.FormatFloat(d.Seconds(), 'f', 3, 64)
}
