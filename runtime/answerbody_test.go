package runtime

import (
	"bytes"
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/callflow/callflow/runtime/platform"
)

// menuAnswer is an 8x8 menu answer as a call gets it: the same prompts for
// every call, a clientActionId of its own.
func menuAnswer(call int) []byte {
	return fmt.Appendf(nil, `{"clientActionId":"AcD0jtgGAgdzdXBwb3J0DGQ3Y2Jk%016xH--B63WAhQybkBmhHMPaAQ","callflow":[{"action":"say","params":{"text":"Welcome to ACME.","voiceProfile":"en-US-ZiraRUS","repetition":1,"speed":1.0}},{"action":"sayAndCapture","params":{"promptMessage":"Press 1 for sales, 2 for support, or 9 to check an order.","voiceProfile":"en-US-ZiraRUS","speed":1.0,"minDigits":1,"maxDigits":1,"completeOnHash":false,"digitTimeout":5000,"overallTimeout":10000,"noOfTries":1}}]}`, call*7919)
}

// The answers a handler gives are kept against one reference body: each
// holds only the bytes that differ (here the token), and every retried
// copy still gets its own answer byte for byte.
func TestAnswersKeptCompactly(t *testing.T) {
	a := NewMemoryAnswers(0)
	ctx := context.Background()
	menu, order := &platform.Answerer{Flow: "support", Handler: "menu"}, &platform.Answerer{Flow: "support", Handler: "order"}
	const calls = 1000
	want := make([][]byte, calls)
	for i := range calls {
		by := menu
		if i%10 == 9 { // another handler's answers, interleaved, keep their own reference
			by = order
		}
		want[i] = menuAnswer(i)
		if by == order {
			want[i] = bytes.Replace(want[i], []byte("Welcome"), []byte("Order 12345 is on its way."), 1)
		}
		body := append(make([]byte, 0, 2*len(want[i])), want[i]...) // render leaves spare capacity
		c, err := a.Claim(ctx, fmt.Sprint("8x8||e", i), time.Minute)
		if err != nil || c.Answered {
			t.Fatalf("claim %d: %+v %v", i, c, err)
		}
		if err := a.Fill(ctx, c, platform.Reply{Status: 200, Body: body, By: by}, time.Hour); err != nil {
			t.Fatal(err)
		}
	}
	own := 0
	for seq := range uint64(a.queue.len()) {
		e := a.queue.at(seq)
		own += len(e.body.mid)
		if e.body.ref != a.refs[e.by] {
			t.Errorf("answer %d is not packed against its answerer's reference", seq)
		}
	}
	if perAnswer := own / calls; perAnswer > 20 {
		t.Errorf("each answer keeps %d bytes of its own, want only the token's differing bytes (≤ 20) of its %d", perAnswer, len(want[0]))
	}
	if len(a.refs) != 2 {
		t.Errorf("%d references, want one per answerer", len(a.refs))
	}
	for i := range calls {
		c, err := a.Claim(ctx, fmt.Sprint("8x8||e", i), time.Minute)
		if err != nil || !c.Answered || c.Reply.Status != 200 || !bytes.Equal(c.Reply.Body, want[i]) {
			t.Fatalf("retry %d: %v %d\n%s\nwant %s", i, err, c.Reply.Status, c.Reply.Body, want[i])
		}
	}
}

// Answers unlike each other are kept whole, each the next one's
// reference, and come back unchanged; so do empty ones.
func TestAnswersUnlikeTheirReference(t *testing.T) {
	a := NewMemoryAnswers(0)
	ctx := context.Background()
	by := &platform.Answerer{Flow: "f", Handler: "h"}
	bodies := [][]byte{[]byte(`{"a":1}`), []byte(`[2,3,4,5,6,7,8,9]`), nil, []byte(`{"a":1}`), []byte(`x`)}
	for i, body := range bodies {
		c, _ := a.Claim(ctx, fmt.Sprint("k", i), time.Minute)
		if err := a.Fill(ctx, c, platform.Reply{Status: 200, Body: body, By: by}, time.Hour); err != nil {
			t.Fatal(err)
		}
	}
	for i, body := range bodies {
		c, err := a.Claim(ctx, fmt.Sprint("k", i), time.Minute)
		if err != nil || !c.Answered || !bytes.Equal(c.Reply.Body, body) || c.Reply.By != by {
			t.Errorf("answer %d: %+v %v, want %q by %v", i, c, err, body, by)
		}
	}
}

// FuzzPackBody: whatever the body and its reference, the body rebuilt is
// the body packed.
func FuzzPackBody(f *testing.F) {
	f.Add(menuAnswer(1), string(menuAnswer(2)))
	f.Add([]byte(`{"CallInBound":{}}`), `{"CallInBound":{"OverrideIvrId":12}}`)
	f.Add([]byte("aaaa"), "aa")
	f.Add([]byte(""), "abc")
	f.Fuzz(func(t *testing.T, body []byte, ref string) {
		p, isRef := packBody(body, ref)
		if got := p.bytes(); !bytes.Equal(got, body) {
			t.Fatalf("packed %q against %q, rebuilt %q", body, ref, got)
		}
		if isRef && p.ref != string(body) || !isRef && p.ref != ref {
			t.Fatalf("packed %q against %q: reference %q (new: %v)", body, ref, p.ref, isRef)
		}
		if !isRef && 2*len(p.mid) > len(body)+1 {
			t.Fatalf("packed %q against %q keeps %d bytes of its own: more than half", body, ref, len(p.mid))
		}
	})
}
