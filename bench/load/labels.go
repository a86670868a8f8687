package load

import (
	"context"
	"runtime/pprof"
)

// labelled runs f with the CPU profile label part=name, which every
// goroutine f starts inherits: a server's connections and handlers, and the
// lookup client's dials and connection loops the handlers start. A profile
// of a whole run (callflow-load -cpuprofile, or go test -cpuprofile) then
// tells the sides apart: go tool pprof -tagfocus part=serve.
func labelled(name string, f func()) {
	pprof.Do(context.Background(), pprof.Labels("part", name), func(context.Context) { f() })
}
