package runtime_test

import (
	"context"
	"testing"

	"github.com/callflow/callflow/runtime"
)

// TestTraceNotesARefusedEntry: judge builds its note on a refused entry
// only when the webhook is traced, and the note says what it said when it
// was built for every webhook.
func TestTraceNotesARefusedEntry(t *testing.T) {
	eng := benchEngine(t, benchShipped(t))
	ctx := context.Background()
	res, err := eng.Serve(ctx, &runtime.Request{Platform: "8x8", Body: bench8x8(t, "trace-1", 0, "", nil)})
	if err != nil {
		t.Fatal(err)
	}
	for i, c := range []struct{ press, note string }{
		{"7", `entry "7" is not accepted`},
		{"12", `entry "12" has the wrong length`},
	} {
		res, err = eng.Serve(ctx, &runtime.Request{Platform: "8x8", Trace: true,
			Body: bench8x8(t, "trace-1", i+1, benchResume(t, res.Reply.Body), &c.press)})
		if err != nil || res.Trace == nil {
			t.Fatalf("press %s: %v, trace %v", c.press, err, res.Trace)
		}
		found := false
		for _, e := range res.Trace.Entries {
			found = found || e.Kind == "note" && e.Text == c.note
		}
		if !found {
			t.Errorf("press %s: no note %q in the trace:\n%s", c.press, c.note, res.Trace)
		}
	}
}
