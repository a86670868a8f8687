package lang

import (
	"errors"
	"fmt"
	"os"
	"slices"
	"strings"

	"github.com/callflow/callflow/lang/ast"
	"github.com/callflow/callflow/lang/check"
	"github.com/callflow/callflow/lang/diag"
	"github.com/callflow/callflow/lang/exprs"
	"github.com/callflow/callflow/lang/source"
)

// SecretReader gives the value of secret(name) and env(name, …) when a
// flow loads; ok is false when it has none (a missing secret fails the
// load; env then uses its default).
type SecretReader func(name string) (value string, ok bool, err error)

// EnvSecrets, the default, reads the environment variable NAME, or else
// the file the variable NAME_FILE names (as container secrets are
// mounted), without its final newline.
func EnvSecrets(name string) (string, bool, error) {
	if v, ok := os.LookupEnv(name); ok {
		return v, true, nil
	}
	path, ok := os.LookupEnv(name + "_FILE")
	if !ok {
		return "", false, nil
	}
	data, err := os.ReadFile(path)
	if err != nil {
		// The path is the operator's, not a secret; the error names it.
		return "", false, fmt.Errorf("%s_FILE: %w", name, errors.Unwrap(err))
	}
	return strings.TrimRight(string(data), "\r\n"), true, nil
}

// WithSecrets sets how secret() and env() are read when flows load
// (EnvSecrets by default).
func WithSecrets(r SecretReader) Option { return func(c *config) { c.secrets = r } }

// WithPlaceholderSecrets reads nothing: every secret is a placeholder,
// "[secret NAME]", and every env() its default. check, graph and test use
// it: they need only the names, and a test gives a value with `given
// secret NAME = "…"`.
func WithPlaceholderSecrets() Option { return func(c *config) { c.secrets = nil } }

// load reads the secrets and settings a checked flow's expressions name.
// A secret that cannot be read is a missing-secret error at each call that
// names it; the message never holds a value.
func load(info *check.Info, files source.Files, read SecretReader) (*exprs.Loaded, diag.Diagnostics) {
	placeholder := read == nil
	secrets, settings := map[string]string{}, map[string]string{}
	var ds diag.Diagnostics
	xs := make([]*ast.Expr, 0, len(info.Exprs))
	for x, cx := range info.Exprs {
		if cx != nil && cx.Varies {
			xs = append(xs, x)
		}
	}
	slices.SortFunc(xs, func(a, b *ast.Expr) int { return a.At.Start.Offset - b.At.Start.Offset })
	for _, x := range xs {
		cx := info.Exprs[x]
		for name, def := range cx.Settings {
			settings[name] = def
			if placeholder {
				continue
			}
			if v, ok, err := read(name); err == nil && ok {
				settings[name] = v
			}
		}
		for _, name := range cx.Secrets {
			if placeholder {
				secrets[name] = "[secret " + name + "]"
				continue
			}
			if _, done := secrets[name]; done {
				continue
			}
			v, ok, err := read(name)
			if err == nil && ok {
				secrets[name] = v
				continue
			}
			why := fmt.Sprintf("neither %s nor %s_FILE is set", name, name)
			if err != nil {
				why = err.Error()
			}
			ds = append(ds, diag.Errorf(diag.MissingSecret, secretSpan(files, x, name), "secret %q could not be read: %s", name, why).
				Do("Set the environment variable %s, or %s_FILE to a file holding the value, and load the flow again.", name, name))
		}
	}
	return exprs.NewLoaded(secrets, settings), ds
}

// secretSpan is the span of `secret("NAME")` inside x, or x's span.
func secretSpan(files source.Files, x *ast.Expr, name string) source.Span {
	call := `secret("` + name + `")`
	i := strings.Index(x.Text, call)
	f := files[x.At.File]
	if i < 0 || f == nil {
		return x.At
	}
	start := x.At.Start.Offset + i
	return f.Span(start, start+len(call))
}
