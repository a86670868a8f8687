package vonage

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/callflow/callflow/runtime/platform"
)

// Press is one try at the input action that ends reply, as Vonage collects
// it before it posts the result (platform.Keypad). Vonage has no retry loop
// of its own: every try is posted, and the engine judges it.
//
//   - submitOnHash true: the entry ends at "#", which is not part of the
//     digits, and keys after it are never collected (an error: the test
//     pressed what no caller could send);
//   - otherwise the entry ends at maxDigits keys, so more keys are an
//     error;
//   - an entry that ended neither way times out: the keys so far are
//     posted with timed_out true; no keys at all are "" (no input).
func (*Adapter) Press(reply []byte, _ int, keys string) (platform.Entry, error) {
	d, err := pendingInput(reply)
	if err != nil {
		return platform.Entry{}, err
	}
	if i := strings.IndexFunc(keys, func(r rune) bool { return !isKey(r) }); i >= 0 {
		r, _ := utf8.DecodeRuneInString(keys[i:])
		return platform.Entry{}, fmt.Errorf("vonage: %q is not a key: a keypad sends 0-9, * and #", r)
	}
	entry := keys
	if d.SubmitOnHash {
		if end := strings.IndexByte(keys, '#'); end >= 0 {
			if end < len(keys)-1 {
				return platform.Entry{}, fmt.Errorf("vonage: keys after %q are never collected: the entry ends at \"#\" (submitOnHash)", keys[:end+1])
			}
			entry = keys[:end]
		}
	}
	if len(entry) > d.MaxDigits {
		return platform.Entry{}, fmt.Errorf("vonage: the entry ends after maxDigits %d keys: press at most %d", d.MaxDigits, d.MaxDigits)
	}
	e := platform.Entry{Post: true, Digits: &entry}
	if entry == "" {
		e.Failed = "no input"
	}
	return e, nil
}

// pendingInput is the dtmf settings of the input action that ends reply.
func pendingInput(reply []byte) (dtmf, error) {
	var ncco []struct {
		Action string   `json:"action"`
		Type   []string `json:"type"`
		DTMF   *dtmf    `json:"dtmf"`
	}
	if err := json.Unmarshal(reply, &ncco); err != nil {
		return dtmf{}, fmt.Errorf("vonage: the reply is not an NCCO: %w", err)
	}
	if len(ncco) == 0 {
		return dtmf{}, errors.New("vonage: the reply is an empty NCCO: the call has ended")
	}
	last := ncco[len(ncco)-1]
	if last.Action != "input" || last.DTMF == nil {
		return dtmf{}, fmt.Errorf("vonage: the reply ends with %s, not an input action collecting dtmf", platform.Quote(last.Action))
	}
	return *last.DTMF, nil
}
