package twilio

import (
	"encoding/xml"
	"errors"
	"fmt"
	"strings"

	"github.com/callflow/callflow/runtime/platform"
)

// Press is one try at the <Gather> that ends reply, as Twilio collects it:
// keys until numDigits of them or the finishOnKey key (which is not part
// of Digits), or the timeout. Twilio judges nothing and has no retry loop
// of its own, so it always posts (actionOnEmptyResult): Digits nil when
// nothing was entered. A key no keypad has, keys after the entry ended,
// and a reply that does not end in a <Gather> are errors.
func (*Adapter) Press(reply []byte, _ int, pressed string) (platform.Entry, error) {
	g, err := lastGather(reply)
	if err != nil {
		return platform.Entry{}, err
	}
	var digits []rune
	for i, k := range pressed {
		if !strings.ContainsRune(keys, k) {
			return platform.Entry{}, fmt.Errorf("twilio: %q is not a key of the keypad (0-9, *, #)", k)
		}
		done := g.FinishOnKey != "" && string(k) == g.FinishOnKey
		if !done {
			digits = append(digits, k)
			done = g.NumDigits > 0 && len(digits) == g.NumDigits
		}
		if done && i+len(string(k)) < len(pressed) {
			return platform.Entry{}, fmt.Errorf("twilio: the entry ended at %q; %q comes after it", pressed[:i+len(string(k))], pressed[i+len(string(k)):])
		}
	}
	e := platform.Entry{Post: true}
	if len(digits) > 0 {
		d := string(digits)
		e.Digits = &d
	}
	return e, nil
}

// lastGather reads the <Gather> a TwiML document ends with.
func lastGather(reply []byte) (*gather, error) {
	var doc struct {
		Verbs []struct {
			XMLName     xml.Name
			NumDigits   int    `xml:"numDigits,attr"`
			FinishOnKey string `xml:"finishOnKey,attr"`
		} `xml:",any"`
	}
	if err := xml.Unmarshal(reply, &doc); err != nil {
		return nil, fmt.Errorf("twilio: the reply is not TwiML: %w", err)
	}
	if n := len(doc.Verbs); n == 0 || doc.Verbs[n-1].XMLName.Local != "Gather" {
		return nil, errors.New("twilio: the reply does not end in a <Gather>: it asks for no digits")
	}
	v := doc.Verbs[len(doc.Verbs)-1]
	return &gather{NumDigits: v.NumDigits, FinishOnKey: v.FinishOnKey}, nil
}
