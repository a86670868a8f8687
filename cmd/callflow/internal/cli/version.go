package cli

import (
	"fmt"
	"io"
	"runtime"
	"runtime/debug"
)

// Version is callflow's version, set at build time with
//
//	go build -ldflags "-X github.com/callflow/callflow/cmd/callflow/internal/cli.Version=v1.2.3"
var Version = "dev"

type versionCmd struct{}

func (c *versionCmd) Run(e *env) error {
	if err := printVersion(e.stdout); err != nil {
		return fail(exitUsage, "%v", err)
	}
	return nil
}

// printVersion prints the version, the commit and the Go version, for
// `callflow version` and `callflow --version`.
func printVersion(w io.Writer) error {
	version, commit := buildVersion()
	_, err := fmt.Fprintf(w, "callflow %s\ncommit  %s\ngo      %s %s/%s\n",
		version, commit, runtime.Version(), runtime.GOOS, runtime.GOARCH)
	return err
}

// buildVersion returns the version and the VCS commit the binary was built
// from. A binary built by `go install …@vX` reports the module version when
// no -ldflags version was given.
func buildVersion() (version, commit string) {
	version, commit = Version, "unknown"
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return version, commit
	}
	if version == "dev" && info.Main.Version != "" && info.Main.Version != "(devel)" {
		version = info.Main.Version
	}
	var rev, modified string
	for _, s := range info.Settings {
		switch s.Key {
		case "vcs.revision":
			rev = s.Value
		case "vcs.modified":
			modified = s.Value
		}
	}
	if rev != "" {
		commit = rev
		if modified == "true" {
			commit += " (modified)"
		}
	}
	return version, commit
}
