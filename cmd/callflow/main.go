// Command callflow checks, formats, runs, tests and serves .flow call flows.
// See docs/authoring.md, or run `callflow --help`.
package main

import (
	"os"

	"github.com/callflow/callflow/cmd/callflow/internal/cli"
)

func main() { os.Exit(cli.Main()) }
