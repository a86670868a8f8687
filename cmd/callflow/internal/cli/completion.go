package cli

import (
	"fmt"
	"io"

	"github.com/posener/complete"
	"github.com/willabides/kongplete"

	"github.com/callflow/callflow/lang/diag"
)

// completionLineEnv is the variable in which bash (complete -C), zsh
// (bashcompinit) and the fish function below pass the command line being
// completed. When it is set, callflow completes instead of running.
const completionLineEnv = "COMP_LINE"

// completionCmd is `callflow completion SHELL`. The script it prints only
// registers callflow as its own completer: callflow then completes from the
// command tree it parses with (kongplete), so the completions cannot drift
// from the commands, flags and enum values.
type completionCmd struct {
	Shell string `arg:"" enum:"bash,zsh,fish" help:"The shell: bash, zsh or fish."`
}

// completionScripts are the scripts for each shell. callflow must be on the
// PATH, as it must be to be typed.
var completionScripts = map[string]string{
	"bash": `# callflow completion for bash. Load it in this shell with
#   source <(callflow completion bash)
# or for every shell with
#   callflow completion bash > ~/.local/share/bash-completion/completions/callflow
complete -o default -o bashdefault -C callflow callflow
`,
	"zsh": `# callflow completion for zsh. Load it in this shell with
#   source <(callflow completion zsh)
# or add that line to ~/.zshrc.
autoload -U +X bashcompinit && bashcompinit
complete -o default -o bashdefault -C callflow callflow
`,
	"fish": `# callflow completion for fish. Load it in this shell with
#   callflow completion fish | source
# or for every shell with
#   callflow completion fish > ~/.config/fish/completions/callflow.fish
function __callflow_complete
    set -lx COMP_LINE (commandline -cp)
    test -z (commandline -ct)
    and set COMP_LINE "$COMP_LINE "
    callflow
end
complete -c callflow -a "(__callflow_complete)"
`,
}

func (c *completionCmd) Run(e *env) error {
	if _, err := io.WriteString(e.stdout, completionScripts[c.Shell]); err != nil {
		return fail(exitUsage, "%v", err)
	}
	return nil
}

// completeLine prints the completions of the command line in $COMP_LINE, one a
// line, as the shells' scripts expect, and returns the exit code.
func completeLine(stdout, stderr io.Writer) int {
	var cli app
	parser := newParser(&cli, stdout, stderr)
	code := exitOK
	formats := make([]string, len(diag.Formats))
	for i, f := range diag.Formats {
		formats[i] = string(f)
	}
	kongplete.Complete(parser,
		// predictor:"flows" on an argument: .flow files, and folders to descend.
		kongplete.WithPredictor("flows", complete.PredictFiles("*.flow")),
		// predictor:"diag-format" on check --format: diag's formats.
		kongplete.WithPredictor("diag-format", complete.PredictSet(formats...)),
		kongplete.WithExitFunc(func(c int) { code = c }),
		kongplete.WithErrorHandler(func(err error) {
			fmt.Fprintf(stderr, "callflow: completing: %v\n", err)
		}),
	)
	return code
}
