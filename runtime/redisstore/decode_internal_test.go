package redisstore

import (
	"bytes"
	"testing"

	"github.com/callflow/callflow/runtime/platform"
)

// FuzzDecode: whatever a key holds (a corrupted value, another program's),
// decoding it is an error or a value, never a panic; and a reply comes
// back byte for byte.
func FuzzDecode(f *testing.F) {
	f.Add([]byte(`3 {"p":"8x8","id":"x","tv":{"n":{"t":"int","v":"4"}}}`), 200, []byte("body"))
	f.Add([]byte("n204 "), 204, []byte(nil))
	f.Add([]byte("p 123"), 0, []byte{0, 0xff})
	f.Fuzz(func(t *testing.T, v []byte, status int, body []byte) {
		decodeSession(v)
		decodeReply(v)
		if status < 100 || status > 599 {
			return
		}
		r := platform.Reply{Status: status, Body: body}
		got, err := decodeReply(encodeReply(r))
		if err != nil || got.Status != status || !bytes.Equal(got.Body, body) || (got.Body == nil) != (body == nil) {
			t.Fatalf("reply %d %q came back %d %q (%v)", status, body, got.Status, got.Body, err)
		}
	})
}
