package hours

import "fmt"

// The parts of an hours declaration an Error can point into.
const (
	PartSpec   = "spec"
	PartTZ     = "tz"
	PartExcept = "except"
)

// Error is a problem in one of the strings given to Parse. The span is in
// bytes of that string's value (not of the quoted literal in the flow), so
// the compiler, which knows where the literal starts and how it was escaped,
// can underline the exact characters.
type Error struct {
	Part   string // PartSpec, PartTZ or PartExcept
	Index  int    // which except entry, 0-based; 0 for the other parts
	Offset int    // byte offset of the problem inside that string
	Len    int    // bytes of the problem; 0 points between characters, such as at the end
	Msg    string // what is wrong and what is expected, including any did-you-mean

	// Suggest is the replacement the did-you-mean in Msg proposes, if any,
	// kept apart so that an editor can offer it as a quick fix.
	Suggest string
}

func (e *Error) Error() string {
	if e.Part == PartExcept {
		return fmt.Sprintf("hours except[%d] at offset %d: %s", e.Index, e.Offset, e.Msg)
	}
	return fmt.Sprintf("hours %s at offset %d: %s", e.Part, e.Offset, e.Msg)
}

func specErr(off, n int, format string, args ...any) *Error {
	return &Error{Part: PartSpec, Offset: off, Len: n, Msg: fmt.Sprintf(format, args...)}
}

func exceptErr(index, off, n int, format string, args ...any) *Error {
	return &Error{Part: PartExcept, Index: index, Offset: off, Len: n, Msg: fmt.Sprintf(format, args...)}
}
