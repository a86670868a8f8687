package jambonz

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/callflow/callflow/runtime/platform"
)

// Press is one entry at the gather that ends reply, as jambonz collects
// it: nothing pressed is a timeout; keys end at finishOnKey (which is not
// part of the digits) or at numDigits / maxDigits. jambonz has no retry
// loop of its own, so every entry is posted.
func (*Adapter) Press(reply []byte, _ int, keys string) (platform.Entry, error) {
	var verbs []gather
	if err := json.Unmarshal(reply, &verbs); err != nil || len(verbs) == 0 || verbs[len(verbs)-1].Verb != "gather" {
		return platform.Entry{}, errors.New("the answer does not end with a gather")
	}
	g := verbs[len(verbs)-1]
	if keys == "" {
		return platform.Entry{Post: true, Failed: "no input"}, nil
	}
	if i := strings.IndexFunc(keys, func(r rune) bool { return !strings.ContainsRune("0123456789*#", r) }); i >= 0 {
		return platform.Entry{}, fmt.Errorf("a phone has no key %q", keys[i:i+1])
	}
	most := max(g.NumDigits, g.MaxDigits)
	digits := keys
	if g.FinishOnKey != "" {
		if i := strings.Index(keys, g.FinishOnKey); i >= 0 {
			if i+1 < len(keys) {
				return platform.Entry{}, fmt.Errorf("keys %q come after the entry ended on %s", keys[i+1:], g.FinishOnKey)
			}
			digits = keys[:i]
		}
	}
	if most > 0 && len(digits) > most {
		return platform.Entry{}, fmt.Errorf("keys %q come after the entry ended at %d digits", digits[most:], most)
	}
	if digits == "" { // the finish key alone
		return platform.Entry{Post: true, Failed: "no input"}, nil
	}
	return platform.Entry{Post: true, Digits: &digits}, nil
}
