package format_test

import (
	"fmt"
	"log"

	"github.com/callflow/callflow/lang/format"
)

func ExampleSource() {
	src := []byte(`# A greeting.
flow hello
target 8x8
const greeting="Hello." # said first
const bye = "Goodbye."   # said last
otherwise->main
handler main { say greeting; say bye; hangup }
`)
	out, err := format.Source("hello.flow", src)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Print(string(out))
	// Output:
	// # A greeting.
	// flow hello
	//
	// target 8x8
	//
	// const greeting = "Hello."    # said first
	// const bye      = "Goodbye."  # said last
	//
	// otherwise -> main
	//
	// handler main {
	//   say greeting
	//   say bye
	//   hangup
	// }
}
