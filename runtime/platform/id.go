package platform

import (
	"strconv"
	"unicode/utf8"
)

// MaxID is the longest id, in bytes, the runtime accepts in a webhook: a
// session or call id, a delivery or event id, a trigger id, an echoed
// resume token (8x8 clientActionId). The runtime keys sessions, remembered
// answers and log lines by these ids, so an id as long as the body (64 KiB)
// would hold that much memory for hours and flood every log line.
//
// 256 is generous for every real id: Tencent SessionIds and 8x8 sessionIds
// and eventIds are 36-byte UUIDs, trigger ids are a sender's UUIDs or
// database keys, and the runtime's own resume token is 72 characters for
// typical names (44 bytes plus the flow and handler names, base64-encoded;
// it stays within 256 for names up to 144 bytes together, which
// runtime/token's TestLongNamesFitMaxID checks).
const MaxID = 256

// CheckID reports an id longer than MaxID as a *DecodeError naming field.
func CheckID(field, id string) error {
	if len(id) <= MaxID {
		return nil
	}
	return &DecodeError{Field: field, Msg: "is " + strconv.Itoa(len(id)) + " bytes long; ids are at most " + strconv.Itoa(MaxID) + " bytes"}
}

// MaxNumber is the longest calling or called number, in bytes, the runtime
// accepts in a webhook (Caller and Callee): the session of a call keeps
// both for hours. E.164 numbers are at most 16 bytes and SIP addresses a
// few dozen; 256 leaves room for any real one.
const MaxNumber = 256

// CheckNumber reports a calling or called number longer than MaxNumber as a
// *DecodeError naming field.
func CheckNumber(field, number string) error {
	if len(number) <= MaxNumber {
		return nil
	}
	return &DecodeError{Field: field, Msg: "is " + strconv.Itoa(len(number)) + " bytes long; phone numbers and addresses are at most " + strconv.Itoa(MaxNumber) + " bytes"}
}

// MaxLogValue is the most bytes of one value a log line carries: a caller
// number, a flow name taken from the URL or an error quoting call data are
// cut there, so a hostile webhook cannot make each line 60 KB.
const MaxLogValue = 512

// Clip returns s cut to at most MaxLogValue bytes at a character boundary,
// saying how long it was; shorter strings are returned as they are.
func Clip(s string) string {
	if len(s) <= MaxLogValue {
		return s
	}
	cut := MaxLogValue
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + "… (" + strconv.Itoa(len(s)) + " bytes)"
}
