package lang_test

import (
	"fmt"
	"os"
	"testing/fstest"

	"github.com/callflow/callflow/lang"
	"github.com/callflow/callflow/lang/diag"
	"github.com/callflow/callflow/lang/source"
)

// CompileFile compiles one flow held in memory. WithSources registers the
// files the compilation read, so diag.Write can quote the source lines
// under each diagnostic; the program is nil when there are errors.
func ExampleCompileFile() {
	src := []byte(`flow reception
target tencent
number "+8675566668888"

when caller startsWith "+861" -> mandarin
otherwise                     -> mandarn

handler mandarin {
  ivr 12
}
`)
	files := source.Files{}
	prog, ds := lang.CompileFile("reception.flow", src, lang.WithSources(files))
	fmt.Println("program:", prog != nil)
	diag.Write(os.Stdout, diag.FormatText, ds, files)
	fmt.Println(diag.Summary(ds, len(files)))
	// Output:
	// program: false
	// reception.flow:6:34: error[unknown-handler]: no handler named "mandarn"
	//     6 | otherwise                     -> mandarn
	//       |                                  ^^^^^^^
	//       = hint: Declare `handler mandarn { … }` or fix the name. Did you mean "mandarin"?
	// 1 error in 1 file
}

// CompileDir compiles every .flow file of a file system, folders included,
// with the table files they read; os.DirFS("flows") is the usual file
// system, an fstest.MapFS keeps this example self-contained. Each flow has a
// Version, a hash of its source and table files, that sessions are pinned
// to.
func ExampleCompileDir() {
	fsys := fstest.MapFS{
		"reception.flow": {Data: []byte(`flow reception
target tencent
number "+8675566668888"

table vips from "vips.csv"

when caller in vips -> vip
otherwise           -> front_desk

handler vip {
  agent 388
}

handler front_desk {
  ivr 12
}
`)},
		"vips.csv": {Data: []byte("number,name\n+8613066668888,Xiao Ming\n")},
		"sales/support.flow": {Data: []byte(`flow support
target 8x8
number "+6512345678"
voice "en-US-ZiraRUS"

otherwise -> hello

handler hello {
  say "Welcome to ACME."
  hangup
}
`)},
	}
	prog, ds := lang.CompileDir(fsys)
	if ds.HasErrors() {
		diag.Write(os.Stderr, diag.FormatText, ds, nil)
		return
	}
	for _, f := range prog.Flows {
		fmt.Println(f.Name, f.File, f.Platforms, f.Numbers)
	}
	// Output:
	// reception reception.flow [tencent] [+8675566668888]
	// support sales/support.flow [8x8] [+6512345678]
}

// CompileFiles compiles chosen files of a file system; a NAME_test.flow is
// paired with NAME.flow. Warnings do not stop a program from being built,
// unless WithStrict asks for it. Here the diagnostics are written as GitHub
// Actions annotations; diag.FormatJSON and diag.FormatSARIF are for other
// tools.
func ExampleCompileFiles() {
	fsys := fstest.MapFS{
		"flows/hello.flow": {Data: []byte(`flow hello
target 8x8
number "+6512345678"
voice "en-US-ZiraRUS"

otherwise -> hello

handler hello {
  say "Hello."
}
`)},
	}
	paths := []string{"flows/hello.flow"}
	prog, ds := lang.CompileFiles(fsys, paths)
	fmt.Println("program:", prog != nil)
	diag.Write(os.Stdout, diag.FormatGitHub, ds, nil)
	prog, ds = lang.CompileFiles(fsys, paths, lang.WithStrict(true))
	fmt.Println("strict program:", prog != nil)
	fmt.Println(diag.Summary(ds, len(paths)))
	// Output:
	// program: true
	// ::warning file=flows/hello.flow,line=8,col=9,endLine=8,endColumn=14,title=callflow(no-hangup)::handler "hello" can end without hangup on 8x8%0AEnd every path with hangup, makeCall or goto; 8x8 hangs up anyway, but say so.
	// strict program: false
	// 1 warning in 1 file
}
