package eightbyeight

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/callflow/callflow/runtime/platform"
)

// keys8x8 are the keys of a phone keypad, the DTMF 8x8 collects.
const keys8x8 = "0123456789*#"

// Press judges one try at the sayAndCapture that ends reply, as 8x8 does
// before it posts ACTION_COMPLETED (platform.Keypad):
//
//   - completeOnHash true: the entry ends at "#", and keys after it are not
//     collected (an error: the test pressed what no caller could send);
//     keys without "#" time out, a failed try. The entry before "#" must
//     have minDigits to maxDigits keys, else the try failed. dtmf is the
//     keys as pressed, "#" included (the engine drops the end key).
//   - completeOnHash false: the entry ends at maxDigits keys, so more keys
//     are an error; fewer than minDigits time out, a failed try.
//   - no keys at all: a failed try (nothing before overallTimeout).
//
// A failed try with tries left (failed+1 < noOfTries) posts nothing: 8x8
// says failureMessage (Entry.Says) and prompts again. A failed last try posts dtmf null.
// accept is not 8x8's to judge: any entry of the right shape is posted.
func (*Adapter) Press(reply []byte, failed int, keys string) (platform.Entry, error) {
	p, err := pendingCapture(reply)
	if err != nil {
		return platform.Entry{}, err
	}
	if i := strings.IndexFunc(keys, func(r rune) bool { return !strings.ContainsRune(keys8x8, r) }); i >= 0 {
		r, _ := utf8.DecodeRuneInString(keys[i:])
		return platform.Entry{}, fmt.Errorf("8x8: %q is not a key: a keypad sends 0-9, * and #", r)
	}
	why, err := judge(p, keys)
	if err != nil {
		return platform.Entry{}, err
	}
	switch {
	case why == "":
		return platform.Entry{Post: true, Digits: &keys}, nil
	case failed+1 < p.NoOfTries:
		return platform.Entry{Failed: why, Says: p.FailureMessage}, nil
	}
	return platform.Entry{Post: true, Failed: why}, nil
}

// judge says why 8x8 fails a try with keys, "" when it takes the entry.
func judge(p capturePress, keys string) (string, error) {
	if keys == "" {
		return "no input", nil
	}
	entry := keys
	if p.CompleteOnHash {
		end := strings.IndexByte(keys, '#')
		switch {
		case end < 0:
			return fmt.Sprintf("no # to end the entry (completeOnHash): %q timed out", keys), nil
		case end < len(keys)-1:
			return "", fmt.Errorf(`8x8: the entry ends at "#"; the keys after it, %q, are not collected`, keys[end+1:])
		}
		entry = keys[:end]
		if len(entry) > p.MaxDigits {
			return fmt.Sprintf("%d keys before #, more than maxDigits %d", len(entry), p.MaxDigits), nil
		}
	} else if len(entry) > p.MaxDigits {
		return "", fmt.Errorf("8x8: the entry ends after maxDigits %d keys; %q has %d, so press at most %d", p.MaxDigits, keys, len(keys), p.MaxDigits)
	}
	if len(entry) < p.MinDigits {
		return fmt.Sprintf("%d keys, fewer than minDigits %d", len(entry), p.MinDigits), nil
	}
	return "", nil
}

// capturePress is what Press reads of a sayAndCapture's params, with the
// defaults Render always writes out when a field is missing.
type capturePress struct {
	MinDigits      int    `json:"minDigits"`
	MaxDigits      int    `json:"maxDigits"`
	CompleteOnHash bool   `json:"completeOnHash"`
	NoOfTries      int    `json:"noOfTries"`
	FailureMessage string `json:"failureMessage"`
}

// pendingCapture reads the sayAndCapture that ends an 8x8 answer.
func pendingCapture(reply []byte) (capturePress, error) {
	var a struct {
		Callflow []struct {
			Action string          `json:"action"`
			Params json.RawMessage `json:"params"`
		} `json:"callflow"`
	}
	if err := json.Unmarshal(reply, &a); err != nil {
		return capturePress{}, fmt.Errorf("8x8: the answer is not a callflow: %v", err)
	}
	if n := len(a.Callflow); n == 0 || a.Callflow[n-1].Action != "sayAndCapture" {
		return capturePress{}, errors.New("8x8: the answer does not end with sayAndCapture: no digits are collected")
	}
	p := capturePress{MinDigits: 1, MaxDigits: DefaultMaxDigitsOnEnd, CompleteOnHash: true, NoOfTries: DefaultTries}
	if err := json.Unmarshal(a.Callflow[len(a.Callflow)-1].Params, &p); err != nil {
		return capturePress{}, fmt.Errorf("8x8: sayAndCapture params: %v", err)
	}
	return p, nil
}
