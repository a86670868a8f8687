package phone

import (
	"errors"
	"fmt"
	"strings"

	"github.com/nyaruka/phonenumbers"
)

// Errors returned by E164 and National wrap one of these, so callers can
// tell bad data (a caller typed nonsense) from bad configuration (a flow
// names a region that does not exist).
var (
	ErrInvalidNumber = errors.New("invalid phone number")
	ErrUnknownRegion = errors.New("unknown region")
)

// E164 parses number, written nationally or internationally, and returns it
// in E.164 form ("+84988888888"). region is the ISO 3166 alpha-2 code used
// for numbers written without a country code ("VN", case-insensitive); with
// region "" the number must start with '+'.
//
// The number must be possible (the right length for its country) but need
// not be valid (allocated): numbering plans change faster than libraries
// ship, and refusing a real new number is worse than passing a wrong one
// to the carrier, which rejects it anyway.
func E164(number, region string) (string, error) {
	pn, err := parse(number, region)
	if err != nil {
		return "", err
	}
	return phonenumbers.Format(pn, phonenumbers.E164), nil
}

// National returns the digits a subscriber in the number's own country
// dials for it, trunk prefix included: "+84988888888" gives "0988888888".
// A number without a leading '+' is taken to be national already and comes
// back with everything but ASCII digits removed.
func National(number string) (string, error) {
	number = strings.TrimSpace(number)
	if !strings.HasPrefix(number, "+") {
		d := digitsOnly(number)
		if d == "" {
			return "", fmt.Errorf("%w %q: no digits", ErrInvalidNumber, number)
		}
		return d, nil
	}
	pn, err := parse(number, "")
	if err != nil {
		return "", err
	}
	// NATIONAL is a display format ("0988 888 888"); only its digits matter
	// to a dialler.
	return digitsOnly(formatNational(pn)), nil
}

// Region returns the ISO 3166 alpha-2 code of the country an E.164 number
// belongs to ("+84988888888" gives "VN"), or "" if number is not a possible
// E.164 number or belongs to no country (+800 and other global services).
//
// Where countries share a calling code (+1, +7, +44, ...) the number itself
// decides; if it fits none of them, the code's main country is returned
// (+1 gives "US"), so a number is never left without a region merely
// because it is not yet in the metadata.
func Region(number string) string {
	pn, err := parse(number, "")
	if err != nil {
		return ""
	}
	r := phonenumbers.GetRegionCodeForNumber(pn)
	if r == "" {
		r = phonenumbers.GetRegionCodeForCountryCode(int(pn.GetCountryCode()))
	}
	if r == phonenumbers.UNKNOWN_REGION || r == "001" { // 001: non-geographic
		return ""
	}
	return r
}

// Shortest and longest E.164 numbers, counting digits after the '+'. ITU-T
// E.164 caps numbers at 15 digits. The floor is 7, not 8, because Niue
// (+683), Saint Helena (+290) and Tokelau (+690) have 4-digit subscriber
// numbers; a lint that flagged those would be wrong.
const (
	minE164Digits = 7
	maxE164Digits = 15
)

// IsE164 reports whether s is syntactically E.164: '+', then 7 to 15 ASCII
// digits, the first not 0. It consults no numbering plan, so it is cheap
// enough to run over every number literal at compile time.
func IsE164(s string) bool {
	if len(s) < 1+minE164Digits || len(s) > 1+maxE164Digits || s[0] != '+' || s[1] == '0' {
		return false
	}
	for i := 1; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// parse is the common front of E164, National and Region.
func parse(number, region string) (*phonenumbers.PhoneNumber, error) {
	if region != "" {
		region = strings.ToUpper(region)
		// Checked here because phonenumbers ignores an unknown region when
		// the number has a '+', hiding a typo until a national number comes.
		if phonenumbers.GetCountryCodeForRegion(region) == 0 {
			return nil, fmt.Errorf("%w %q", ErrUnknownRegion, region)
		}
	}
	pn, err := phonenumbers.Parse(number, region)
	if err != nil {
		return nil, fmt.Errorf("%w %q: %v", ErrInvalidNumber, number, err)
	}
	// phonenumbers accepts "... ext. 12" and would silently drop the
	// extension from the E.164 form; dialling the main line instead is a
	// wrong call, not a normalisation.
	if pn.GetExtension() != "" {
		return nil, fmt.Errorf("%w %q: has an extension", ErrInvalidNumber, number)
	}
	// IsPossibleNumber would also accept IS_POSSIBLE_LOCAL_ONLY ("555 0100"
	// in the US: no area code), which cannot be written in E.164 at all.
	if r := phonenumbers.IsPossibleNumberWithReason(pn); r != phonenumbers.IS_POSSIBLE {
		return nil, fmt.Errorf("%w %q: %s", ErrInvalidNumber, number, reason(r))
	}
	return pn, nil
}

func reason(r phonenumbers.ValidationResult) string {
	switch r {
	case phonenumbers.INVALID_COUNTRY_CODE:
		return "unknown country code"
	case phonenumbers.TOO_SHORT:
		return "too short"
	case phonenumbers.TOO_LONG:
		return "too long"
	case phonenumbers.IS_POSSIBLE_LOCAL_ONLY:
		return "missing area code"
	}
	return "wrong length"
}

// digitsOnly keeps the ASCII digits of s, returning s itself (no copy) when
// there is nothing to remove.
func digitsOnly(s string) string {
	i := 0
	for i < len(s) && '0' <= s[i] && s[i] <= '9' {
		i++
	}
	if i == len(s) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	b.WriteString(s[:i])
	for ; i < len(s); i++ {
		if '0' <= s[i] && s[i] <= '9' {
			b.WriteByte(s[i])
		}
	}
	return b.String()
}
