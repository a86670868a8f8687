package reload_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"github.com/callflow/callflow/runtime"
	"github.com/callflow/callflow/runtime/reload"
)

func Example() {
	dir, _ := os.MkdirTemp("", "flows")
	defer os.RemoveAll(dir)
	os.WriteFile(filepath.Join(dir, "hello.flow"), []byte(`flow hello

target tencent
number "+8675566668888"

otherwise -> main

handler main {
  agent 388
}
`), 0o644)
	os.WriteFile(filepath.Join(dir, "broken.flow"), []byte("flow broken\n\nhandler {\n"), 0o644)

	eng, _ := runtime.New()
	w, _ := reload.New(dir, eng)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go w.Run(ctx)
	<-w.Ready()

	for _, f := range w.Status().Flows {
		fmt.Printf("%s (%s): %s, serving %v\n", f.Name, f.File, f.Status, f.Serving)
		for _, d := range f.Diagnostics {
			fmt.Printf("  %s:%d:%d: %s[%s]\n", d.File, d.Line, d.Column, d.Severity, d.Code)
		}
	}
	fmt.Println("new calls use:", eng.Program().Flows[0].Name)
	// Output:
	// broken (broken.flow): error, serving false
	//   broken.flow:3:9: error[syntax]
	//   broken.flow:3:9: error[syntax]
	// hello (hello.flow): ok, serving true
	// new calls use: hello
}
