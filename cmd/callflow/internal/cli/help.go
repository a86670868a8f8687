package cli

import (
	"slices"
	"strings"

	"github.com/alecthomas/kong"
)

// helpCmd is `callflow help [COMMAND]`: the help that `callflow COMMAND
// --help` prints, as `go help` does.
type helpCmd struct {
	Command []string `arg:"" optional:"" name:"command" help:"The command to describe, such as check (default: all of callflow)."`
}

func (c *helpCmd) Run(e *env, k *kong.Kong) error {
	node := k.Model.Node
	for _, word := range c.Command {
		next := subcommand(node, word)
		if next == nil && node == k.Model.Node {
			return fail(exitUsage, "unknown command %q; the commands are %s", word, commandNames(node))
		}
		if next == nil {
			return fail(exitUsage, "%s has no command %q", node.FullPath(), word)
		}
		node = next
	}
	if code := Run(append(append([]string{}, c.Command...), "--help"), e.stdout, e.stderr); code != exitOK {
		return &exitError{code: code}
	}
	return nil
}

// subcommand is the command of node called name, or nil.
func subcommand(node *kong.Node, name string) *kong.Node {
	for _, child := range node.Children {
		if child.Type == kong.CommandNode && !child.Hidden && (child.Name == name || slices.Contains(child.Aliases, name)) {
			return child
		}
	}
	return nil
}

// commandNames lists the commands of node, for an error message.
func commandNames(node *kong.Node) string {
	var names []string
	for _, child := range node.Children {
		if child.Type == kong.CommandNode && !child.Hidden {
			names = append(names, child.Name)
		}
	}
	return strings.Join(names, ", ")
}
