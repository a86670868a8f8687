package diag

import (
	"bytes"
	"io"
	"strconv"
	"strings"

	"github.com/callflow/callflow/lang/source"
)

// WriteGitHub renders ds as GitHub Actions workflow commands, one line each:
//
//	::error file=F,line=L,col=C,endLine=EL,endColumn=EC,title=callflow(CODE)::SUMMARY%0AHINT
//
// Warnings use ::warning. Properties and data are escaped as the actions
// toolkit's escapeProperty and escapeData do. Positions are left out when
// the diagnostic has none; otherwise they are never zero, and endColumn is
// the column after the last character.
func WriteGitHub(w io.Writer, ds Diagnostics, files source.Files, opts ...WriteOption) error {
	var b bytes.Buffer
	for _, d := range ds {
		if d == nil || d.Suppressed != nil { // suppressed: SARIF alone lists them
			continue
		}
		b.WriteString(githubCommand(d, files))
		b.WriteByte('\n')
	}
	_, err := w.Write(b.Bytes())
	return err
}

func githubCommand(d *Diagnostic, files source.Files) string {
	var cmd string
	switch d.Severity {
	case Error:
		cmd = "error"
	case Warning:
		cmd = "warning"
	default:
		cmd = "notice"
	}

	var props []string
	s := d.Subject
	if s.File != "" {
		props = append(props, "file="+escapeProperty(s.File))
	}
	if s.IsValid() {
		r := regionOf(s, files)
		props = append(props,
			"line="+strconv.Itoa(r.line),
			"col="+strconv.Itoa(r.col),
			"endLine="+strconv.Itoa(r.endLine),
			"endColumn="+strconv.Itoa(r.endCol),
		)
	}
	props = append(props, "title="+escapeProperty("callflow("+string(d.Code)+")"))

	msg := d.Summary
	if h := d.Hint(); h != "" {
		msg += "\n" + h
	}
	return "::" + cmd + " " + strings.Join(props, ",") + "::" + escapeData(msg)
}

// escapeData escapes a workflow command's message as @actions/core does.
func escapeData(s string) string {
	return dataEscaper.Replace(s)
}

// escapeProperty escapes a workflow command's property value as
// @actions/core does.
func escapeProperty(s string) string {
	return propertyEscaper.Replace(s)
}

var (
	dataEscaper     = strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A")
	propertyEscaper = strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A", ":", "%3A", ",", "%2C")
)
