package cli

import (
	"errors"
	"io"
	"io/fs"
	"testing/fstest"
)

// stdinArg names standard input where a file is expected: `check -`,
// `fmt -` and `run - WEBHOOK`.
const stdinArg = "-"

// stdinName is the file name diagnostics give standard input, as gofmt's.
const stdinName = "<standard input>"

// errStdinTwice is the usage error for a command line that names standard
// input twice: it can only be read once.
var errStdinTwice = errors.New("- (standard input) is given more than once; it can be read only once")

// withStdin is a file system with standard input's text added as the file
// name, a file called stdinName in the working directory, so a flow read
// from standard input compiles with the tables there, like a file there.
type withStdin struct {
	fs.FS
	name string
	src  []byte
}

func (f withStdin) Open(name string) (fs.File, error) {
	if name == f.name {
		return fstest.MapFS{f.name: {Data: f.src}}.Open(name)
	}
	return f.FS.Open(name)
}

// splitStdin removes "-" from args and reports whether it was there. It is
// an error to give it twice.
func splitStdin(args []string) (rest []string, stdin bool, err error) {
	for _, a := range args {
		if a != stdinArg {
			rest = append(rest, a)
			continue
		}
		if stdin {
			return nil, false, errStdinTwice
		}
		stdin = true
	}
	return rest, stdin, nil
}

// readStdin reads r, naming standard input in its error.
func readStdin(r io.Reader) ([]byte, error) {
	src, err := io.ReadAll(r)
	if err != nil {
		return nil, errors.New("reading standard input: " + err.Error())
	}
	return src, nil
}
