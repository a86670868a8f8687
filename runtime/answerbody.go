package runtime

import (
	"encoding/binary"
	"math"
	"unsafe"

	"github.com/callflow/callflow/runtime/platform"
)

// packedBody is an answer's body as MemoryAnswers keeps it: the bytes of
// ref before pre, then mid, then the last suf bytes of ref. The answers
// one handler gives differ in a few bytes (an 8x8 menu's in its
// clientActionId, a tencent route in none or a variable's value), so most
// keep a few dozen bytes of their own and share the rest, a reference
// body, with the answers given before them; the bytes a retried copy is
// sent are rebuilt from it, identical. A body unlike its reference is kept
// whole and becomes the reference for the ones after it.
type packedBody struct {
	ref      string // shared by the answers packed against it
	mid      string
	pre, suf uint32
}

// packBody packs body against ref, its answerer's reference body, and
// reports whether the packed body is a new reference: when less than half
// of body is in ref's ends, body is kept whole and the answers after it
// are packed against it. The whole body is kept as it is, not copied: the
// store keeps the reply it is given, which nothing changes after (as it
// kept every reply whole before). (The offsets are 32 bits: a body of 4
// GiB or more, which no answer comes near, is kept whole.)
func packBody(body []byte, ref string) (p packedBody, isRef bool) {
	pre := commonPrefix(body, ref)
	suf := commonSuffix(body[pre:], ref[pre:])
	if 2*(pre+suf) < len(body) || uint64(len(body)) > math.MaxUint32 {
		whole := unsafe.String(unsafe.SliceData(body), len(body))
		return packedBody{ref: whole, pre: uint32(len(whole))}, true
	}
	return packedBody{ref: ref, mid: string(body[pre : len(body)-suf]), pre: uint32(pre), suf: uint32(suf)}, false
}

// bytes rebuilds the body packed; nil for an empty one (a body-less reply
// may come back nil or empty, as the AnswerStore contract says).
func (p packedBody) bytes() []byte {
	n := int(p.pre) + len(p.mid) + int(p.suf)
	if n == 0 {
		return nil
	}
	b := make([]byte, 0, n)
	b = append(b, p.ref[:p.pre]...)
	b = append(b, p.mid...)
	return append(b, p.ref[len(p.ref)-int(p.suf):]...)
}

// commonPrefix is how many bytes a and b start with alike. Answers are
// hundreds of bytes, alike for most of them: eight are compared at a time.
func commonPrefix(a []byte, b string) int {
	bb := unsafe.Slice(unsafe.StringData(b), len(b)) // read only
	n := min(len(a), len(bb))
	i := 0
	for i+8 <= n && binary.LittleEndian.Uint64(a[i:]) == binary.LittleEndian.Uint64(bb[i:]) {
		i += 8
	}
	for i < n && a[i] == bb[i] {
		i++
	}
	return i
}

// commonSuffix is how many bytes a and b end with alike, eight at a time.
func commonSuffix(a []byte, b string) int {
	bb := unsafe.Slice(unsafe.StringData(b), len(b)) // read only
	n := min(len(a), len(bb))
	i := 0
	for i+8 <= n && binary.LittleEndian.Uint64(a[len(a)-i-8:]) == binary.LittleEndian.Uint64(bb[len(bb)-i-8:]) {
		i += 8
	}
	for i < n && a[len(a)-1-i] == bb[len(bb)-1-i] {
		i++
	}
	return i
}

// maxRefs bounds the reference bodies a MemoryAnswers keeps, one per
// answerer (a handler of a loaded flow version); past it they are dropped
// and made again from the next answers, so versions loaded and unloaded
// over months do not accumulate.
const maxRefs = 4096

// pack packs r's body against the reference body of its answerer, making
// it the reference when it is kept whole; a.mu is held.
func (a *MemoryAnswers) pack(r platform.Reply) packedBody {
	ref := a.refs[r.By]
	p, isRef := packBody(r.Body, ref)
	if isRef {
		if a.refs == nil || len(a.refs) >= maxRefs {
			a.refs = make(map[*platform.Answerer]string)
		}
		a.refs[r.By] = p.ref
	}
	return p
}
