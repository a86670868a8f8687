package cli

import (
	"errors"
	"fmt"
	"reflect"
	"regexp"
	"strconv"

	"github.com/alecthomas/kong"
)

// negativeNumber is a token that reads as a flag to kong but is a number:
// `--max-errors -1` must reach Validate, which says what is allowed.
var negativeNumber = regexp.MustCompile(`^-[0-9]+$`)

// wholeNumber decodes an integer flag of the given size. Unlike kong's own
// decoder it takes a negative number as the value, and its errors say what
// the value must be.
func wholeNumber(bits int) kong.MapperFunc {
	return func(ctx *kong.DecodeContext, target reflect.Value) error {
		var s string
		if t := ctx.Scan.Peek(); t.Type == kong.UntypedToken && negativeNumber.MatchString(t.String()) {
			s = ctx.Scan.Pop().String()
		} else {
			t, err := ctx.Scan.PopValue("")
			if err != nil {
				return errors.New("needs a whole number, such as 10")
			}
			s = t.String()
		}
		n, err := strconv.ParseInt(s, 10, bits)
		if err != nil {
			return fmt.Errorf("must be a whole number, such as 10, not %q", s)
		}
		target.SetInt(n)
		return nil
	}
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
