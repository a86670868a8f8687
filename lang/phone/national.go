package phone

import (
	"regexp"
	"strings"
	"sync"

	"github.com/nyaruka/phonenumbers"
	"google.golang.org/protobuf/proto"
)

// Working around a bug in phonenumbers v1.8.1's NATIONAL format.
//
// A national prefix formatting rule such as "0$1" is meant to wrap the
// format's first group, whichever it is. libphonenumber substitutes the
// rule for the first "$n" of the format with "$1" meaning "that group"; the
// Go port pastes "0$1" in literally, so "$1" becomes group 1 of the number.
// Argentine mobiles (format "$2 15-$3-$4") are the only formats in v1.8.1
// whose first group is not $1; for +5491187654321 the port gives
// "09 15-8765-4321" where libphonenumber gives "011 15-8765-4321", losing
// the area code.
//
// The fix rewrites the rule to name the real first group ("0$2"), so the
// port's literal paste produces what libphonenumber would, and formats with
// FormatByPattern, which picks among the same formats as Format. It keys on
// the shape of the metadata rather than on Argentina, so it also covers any
// format that comes to share the shape and is a no-op once the port is fixed.

var firstGroup = regexp.MustCompile(`\$\d`)

// fixedNationalFormats maps a calling code to its national formats with the
// rule rewritten, for calling codes that need it; it is built once, lazily,
// from the metadata phonenumbers has already parsed, and only read after.
var fixedNationalFormats = sync.OnceValue(func() map[int32][]*phonenumbers.NumberFormat {
	coll, err := phonenumbers.MetadataCollection()
	if err != nil {
		return nil
	}
	fixed := map[int32][]*phonenumbers.NumberFormat{}
	for _, md := range coll.GetMetadata() {
		cc := md.GetCountryCode()
		// Format reads national formats from the calling code's main region
		// only (the US for +1), so the fix must too.
		if md.GetId() != phonenumbers.GetRegionCodeForCountryCode(int(cc)) {
			continue
		}
		formats := md.GetNumberFormat()
		var out []*phonenumbers.NumberFormat
		for i, f := range formats {
			rule := f.GetNationalPrefixFormattingRule()
			first := firstGroup.FindString(f.GetFormat())
			if first == "" || first == "$1" || !strings.Contains(rule, "$1") {
				continue
			}
			if out == nil {
				out = make([]*phonenumbers.NumberFormat, len(formats))
				copy(out, formats)
			}
			// Clone: the metadata is shared with phonenumbers itself.
			c := proto.Clone(f).(*phonenumbers.NumberFormat)
			r := strings.Replace(rule, "$1", first, 1)
			c.NationalPrefixFormattingRule = &r
			out[i] = c
		}
		if out != nil {
			fixed[cc] = out
		}
	}
	return fixed
})

// formatNational is phonenumbers.Format(pn, NATIONAL) with the bug above
// worked around.
func formatNational(pn *phonenumbers.PhoneNumber) string {
	if fs := fixedNationalFormats()[pn.GetCountryCode()]; fs != nil {
		return phonenumbers.FormatByPattern(pn, phonenumbers.NATIONAL, fs)
	}
	return phonenumbers.Format(pn, phonenumbers.NATIONAL)
}
