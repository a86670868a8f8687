package parser_test

import (
	"fmt"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/callflow/callflow/lang/parser"
)

// bigHandlers is one group of handlers using every kind of block and most
// steps; %[1]d makes its names unique.
const bigHandlers = `
handler menu%[1]d {
  say "Welcome to branch %[1]d, ${caller}." voice "en-US" speed 0.9
  capture choice%[1]d {
    prompt  "Press 1 for sales, 2 for support."
    digits  1..4
    accept  "1", "2"
    timeout 10s
    tries   3
  }
  switch choice%[1]d {
    case "1" { makeCall "+6587654321" from "+6587650000" record }
    case "2" { goto order%[1]d }
    else {
      say "Goodbye."
      hangup
    }
  }
}

handler order%[1]d {
  set tier = "gold"
  if len(caller) > 6 && tier == "gold" {
    say "Order ${caller} is a business order." speed 0.9
  } else if caller startsWith "+65" {
    play "https://example.com/a.wav" repeat 2
  } else {
    agent 12
  }
}
`

// bigFlow is a flow of just under size bytes.
func bigFlow(size int) []byte {
	var b strings.Builder
	b.WriteString("flow big\ntarget tencent\nnumber \"+8675566668888\"\notherwise -> menu0\n")
	for i := 0; ; i++ {
		h := fmt.Sprintf(bigHandlers, i)
		if b.Len()+len(h) > size {
			break
		}
		b.WriteString(h)
	}
	return []byte(b.String())
}

// BenchmarkParse1MiB parses one flow of almost 1 MiB, the largest file the
// parser accepts: what an editor re-parses after each keystroke.
func BenchmarkParse1MiB(b *testing.B) {
	src := bigFlow(parser.MaxFileSize)
	b.SetBytes(int64(len(src)))
	defer reportCPU(b)()
	for b.Loop() {
		if _, ds := parser.ParseFile("big.flow", src); ds.HasErrors() {
			b.Fatal(ds)
		}
	}
}

// BenchmarkParse1MiBBroken is BenchmarkParse1MiB with a syntax error in
// every hundredth handler: the recovery an editor relies on while typing.
func BenchmarkParse1MiBBroken(b *testing.B) {
	src := bigFlow(parser.MaxFileSize)
	n := 0
	broken := regexp.MustCompile(`(?m)^  agent 12$`).ReplaceAllFunc(src, func(m []byte) []byte {
		if n++; n%100 == 0 {
			return []byte("  agent 12 now")
		}
		return m
	})
	b.SetBytes(int64(len(broken)))
	defer reportCPU(b)()
	for b.Loop() {
		f, ds := parser.ParseFile("big.flow", broken)
		if f == nil || len(ds) != n/100 {
			b.Fatalf("%d errors, want %d", len(ds), n/100)
		}
	}
}

// BenchmarkParse1MiBWhole is BenchmarkParse1MiB through the whole-file
// parser recovery replaced (ParseWhole), for comparison.
func BenchmarkParse1MiBWhole(b *testing.B) {
	src := bigFlow(parser.MaxFileSize)
	b.SetBytes(int64(len(src)))
	defer reportCPU(b)()
	for b.Loop() {
		if f, _ := parser.ParseWhole("big.flow", src); f == nil {
			b.Fatal("does not parse")
		}
	}
}

// reportCPU adds the process's CPU time per operation (user and system,
// garbage collection included) to a benchmark's figures: on a machine
// shared with other work, wall time per operation varies several-fold
// while CPU time stays close to the work done.
func reportCPU(b *testing.B) func() {
	start := cpuTime()
	return func() { b.ReportMetric(float64(cpuTime()-start)/float64(b.N), "cpu-ns/op") }
}

func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
