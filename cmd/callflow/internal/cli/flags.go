package cli

import (
	"errors"
	"fmt"
	"reflect"
	"regexp"
	"strconv"
	"time"

	"github.com/alecthomas/kong"
)

// negativeValue is a token that reads as a flag to kong but is a negative
// number or duration: `--max-errors -1` must reach Validate, which says
// what is allowed.
var negativeValue = regexp.MustCompile(`^-[0-9.]`)

// popValue pops a flag's value, taking a negative number as one.
func popValue(scan *kong.Scanner) (string, error) {
	if t := scan.Peek(); t.Type == kong.UntypedToken && negativeValue.MatchString(t.String()) {
		return scan.Pop().String(), nil
	}
	t, err := scan.PopValue("")
	return t.String(), err
}

// wholeNumber decodes an integer flag of the given size. Unlike kong's own
// decoder it takes a negative number as the value, and its errors say what
// the value must be.
func wholeNumber(bits int) kong.MapperFunc {
	return func(ctx *kong.DecodeContext, target reflect.Value) error {
		s, err := popValue(ctx.Scan)
		if err != nil {
			return errors.New("needs a whole number, such as 10")
		}
		n, err := strconv.ParseInt(s, 10, bits)
		if err != nil {
			return fmt.Errorf("must be a whole number, such as 10, not %q", s)
		}
		target.SetInt(n)
		return nil
	}
}

// duration decodes a time.Duration flag; its error shows the form.
func duration(ctx *kong.DecodeContext, target reflect.Value) error {
	s, err := popValue(ctx.Scan)
	if err != nil {
		return errors.New("needs a duration, such as 2s, 500ms or 1m30s")
	}
	d, err := time.ParseDuration(s)
	if err != nil {
		return fmt.Errorf("must be a duration, such as 2s, 500ms or 1m30s, not %q", s)
	}
	target.SetInt(int64(d))
	return nil
}

// missingValue is kong's message for a flag given last without its value.
var missingValue = regexp.MustCompile(`^(-[^:]+): expected \S+ value but got "EOL" \(<EOL>\)$`)

// readable rewrites kong's usage messages that name its internals.
func readable(msg string) string {
	if m := missingValue.FindStringSubmatch(msg); m != nil {
		return m[1] + ": needs a value"
	}
	return msg
}

// versionFlag is --version: it prints what `callflow version` prints.
type versionFlag bool

// BeforeReset is called by kong as soon as --version is parsed, before any
// required argument is missed.
func (versionFlag) BeforeReset(app *kong.Kong) error {
	if err := printVersion(app.Stdout); err != nil {
		return err
	}
	app.Exit(exitOK)
	return nil
}
