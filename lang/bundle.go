package lang

import (
	"fmt"
	"testing/fstest"

	"github.com/callflow/callflow/lang/bundle"
	"github.com/callflow/callflow/lang/diag"
	"github.com/callflow/callflow/lang/ir"
)

// CompileBundle compiles the flow version b holds, as CompileFiles would
// have compiled it from the folder it came from: the flow it returns has
// b's version, and b as its Bundle. A bundle that does not compile, or
// compiles to another version (its test list is not the compiler's), is
// an error naming the first problem; the diagnostics are returned too.
// Verify a bundle read from a store with bundle.Open first.
func CompileBundle(b *bundle.Bundle, opts ...Option) (*ir.Flow, diag.Diagnostics, error) {
	if err := b.Check(); err != nil {
		return nil, nil, err
	}
	want := b.Version()
	fsys := make(fstest.MapFS, len(b.Files))
	for p, data := range b.Files {
		fsys[p] = &fstest.MapFile{Data: data, Mode: 0o444}
	}
	prog, diags := CompileFiles(fsys, append([]string{b.Flow}, b.Tests...), opts...)
	if prog == nil {
		err := diags.Err()
		if err == nil {
			err = fmt.Errorf("warnings are errors here")
		}
		return nil, diags, fmt.Errorf("bundle %s: %w", want, err)
	}
	for _, f := range prog.Flows {
		if f.File != b.Flow {
			continue
		}
		if f.Version != want {
			return nil, diags, fmt.Errorf("bundle %s: %s compiles to version %s", want, b.Flow, f.Version)
		}
		return f, diags, nil
	}
	return nil, diags, fmt.Errorf("bundle %s: %s declares no flow", want, b.Flow)
}
