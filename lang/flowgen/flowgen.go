// Package flowgen generates flows: realistic flow sets of a given size for
// benchmarks (copies of an IVR flow with distinct names, numbers and
// handlers), and random flows that use every step and option with literal
// values across and just beyond each platform's ranges, for the property
// that what the checker accepts renders on every target (Random).
//
// It is a package of lang, not internal to it, so that the compiler's
// benchmarks and the runtime's benchmarks and property test share it.
package flowgen

import (
	"fmt"
	"strings"
	"testing/fstest"
)

const flowTemplate = `# Generated flow %[1]d: an 8x8 IVR with office hours and a menu.
flow gen%[1]d

target 8x8
number "+65%08[1]d"
voice "en-US-ZiraRUS"

const sales = "+6587654321"
const desk  = "+6587650000"
const line  = "+65%08[1]d"   # shown as caller ID

hours office "Mon-Fri 09:00-18:00, Sat 10:00-14:00" tz "Asia/Singapore" except "2026-12-25"

when caller startsWith "+6591" and open(office) -> vip
when not open(office)                            -> closed
otherwise                                        -> menu

handler vip {
  set tier = "gold"
  say "Welcome back, valued caller ${caller}."
  goto menu
}

handler menu {
  say "Welcome to ACME branch %[1]d."
  capture choice {
    prompt  "Press 1 for sales, 2 for support, or 9 to check an order."
    digits  1
    accept  "1", "2", "9"
    timeout 10s
    tries   3
    failure "Sorry, that is not an option."
  }
  switch choice {
    case "1" { makeCall sales from line }
    case "2" { goto support_desk }
    case "9" { goto order }
    else {
      say "We did not get your choice. Goodbye."
      hangup
    }
  }
}

handler order {
  capture order_no {
    prompt        "Enter your order number, then press hash."
    digits        4..10
    end           "#"
    timeout       20s
    digit_timeout 5s
    tries         2
  }
  if len(order_no) > 6 {
    say "Order ${order_no} is a business order." speed 0.9
  } else {
    say "Order ${order_no} is on its way." speed 0.9
  }
  hangup
}

handler support_desk {
  say "Connecting you to support. This call may be recorded."
  makeCall desk from line record
}

handler closed {
  say "We are open Monday to Friday, nine to six. Goodbye." repeat 2
  hangup
}
`

// FlowSet returns generated flows totalling at least size bytes, and the
// number of files.
func FlowSet(size int) (fstest.MapFS, int) {
	fsys := fstest.MapFS{}
	total := 0
	for i := 0; total < size; i++ {
		src := fmt.Sprintf(flowTemplate, i)
		fsys[fmt.Sprintf("gen%d.flow", i)] = &fstest.MapFile{Data: []byte(src)}
		total += len(src)
	}
	return fsys, len(fsys)
}

// Rules returns a flow with n `caller startsWith` rules, each to its own
// handler, for rule-selection benchmarks; the caller "+1" followed by the
// last rule's digits matches only the last rule.
func Rules(n int) (src string, lastCaller string) {
	var b strings.Builder
	b.WriteString("flow rules\ntarget tencent\nnumber \"+8675566668888\"\n\n")
	for i := 0; i < n; i++ {
		fmt.Fprintf(&b, "when caller startsWith \"+1%06d\" -> h%d\n", i, i)
	}
	b.WriteString("otherwise -> fallback\n\n")
	for i := 0; i < n; i++ {
		fmt.Fprintf(&b, "handler h%d { agent %d }\n", i, i+1)
	}
	b.WriteString("handler fallback { hangup }\n")
	return b.String(), fmt.Sprintf("+1%06d5555", n-1)
}

// Flow returns one flow of nearly size bytes, never more: the IVR of FlowSet with its
// handlers copied under distinct names, each copy reached by rules of its
// own, so the flow checks clean. It is the large single file an editor
// re-checks on each change.
func Flow(size int) string {
	src := fmt.Sprintf(flowTemplate, 0)
	head, body, _ := strings.Cut(src, "handler vip {")
	body = "handler vip {" + body
	head = strings.Replace(head, "-> vip", "-> vip0", 1)
	head = strings.Replace(head, "-> closed", "-> closed0", 1)
	head = strings.Replace(head, "-> menu", "-> menu0", 1)
	var rules, handlers strings.Builder
	for i := 0; ; i++ {
		rule := fmt.Sprintf("when caller == \"+1%07d\" -> vip%d\nwhen callee == \"+1%07d\" -> closed%d\n", i, i, i, i)
		copy := strings.NewReplacer(
			"handler vip", fmt.Sprintf("handler vip%d", i), "goto menu", fmt.Sprintf("goto menu%d", i),
			"handler menu", fmt.Sprintf("handler menu%d", i), "goto support_desk", fmt.Sprintf("goto support_desk%d", i),
			"goto order", fmt.Sprintf("goto order%d", i), "handler order", fmt.Sprintf("handler order%d", i),
			"handler support_desk", fmt.Sprintf("handler support_desk%d", i), "handler closed", fmt.Sprintf("handler closed%d", i),
		).Replace(body)
		if i > 0 && len(head)+rules.Len()+handlers.Len()+len(rule)+len(copy) > size {
			break
		}
		rules.WriteString(rule)
		handlers.WriteString(copy)
	}
	before, after, _ := strings.Cut(head, "otherwise")
	return before + rules.String() + "otherwise" + after + handlers.String()
}
