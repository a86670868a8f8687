package hours

import (
	"fmt"
	"strings"
	"sync"
	"time"
)

const zoneHint = `expected an IANA name such as "Europe/London"`

// zones holds each zone loaded, by name: a loaded Location is immutable,
// and time.LoadLocation builds a new one of about 1 KB on every call,
// which every flow of a large folder would keep. Only names that loaded
// are kept, so there are at most as many as the zone database holds.
var zones sync.Map // string → *time.Location

// loadZone loads an IANA zone, refusing names that would make the same flow
// behave differently on different machines.
func loadZone(name string) (*time.Location, error) {
	switch name {
	case "":
		return nil, &Error{Part: PartTZ, Msg: "missing time zone (" + zoneHint + ")"}
	case "Local":
		return nil, &Error{Part: PartTZ, Len: len(name), Msg: `time zone "Local" is whatever zone the server runs in (` + zoneHint + ")"}
	}
	if loc, ok := zones.Load(name); ok {
		return loc.(*time.Location), nil // it passed the checks below
	}
	// time.LoadLocation reads the system zoneinfo first, where "Asia//Shanghai"
	// or "./UTC" resolve as file paths and, on case-insensitive file systems,
	// "asia/shanghai" loads too. Only exact IANA spellings are accepted, so a
	// flow that compiles on a laptop compiles in CI.
	if known, ok := knownSpelling(name); ok && known != name {
		return nil, &Error{Part: PartTZ, Len: len(name), Suggest: known,
			Msg: fmt.Sprintf("time zone %q must be spelled %q", name, known)}
	}
	if zoneShaped(name) {
		if loc, err := time.LoadLocation(name); err == nil {
			zones.Store(name, loc)
			return loc, nil
		}
	}
	e := &Error{Part: PartTZ, Len: len(name), Msg: fmt.Sprintf("unknown time zone %q (%s)", name, zoneHint)}
	if s := suggestZone(name); s != "" {
		e.Suggest = s
		e.Msg = fmt.Sprintf("unknown time zone %q (did you mean %q?)", name, s)
	}
	return nil, e
}

// zoneShaped reports whether name is spelled like an IANA zone: non-empty
// '/'-separated segments of letters, digits, '_', '-' and '+'.
func zoneShaped(name string) bool {
	for seg := range strings.SplitSeq(name, "/") {
		if seg == "" {
			return false
		}
		for i := 0; i < len(seg); i++ {
			c := seg[i]
			if !isLetter(c) && !isDigit(c) && c != '_' && c != '-' && c != '+' {
				return false
			}
		}
	}
	return true
}

func knownSpelling(name string) (string, bool) {
	for z := range strings.SplitSeq(zoneNames, "\n") {
		if strings.EqualFold(z, name) {
			return z, true
		}
	}
	return "", false
}

// suggestZone returns the known zone nearest to name, comparing both the
// whole name and its city alone, since authors often write just "Shanghai"
// or get only the city wrong. It runs on the error path only, so a linear
// scan over some 600 names is fine.
func suggestZone(name string) string {
	if len(name) > 64 { // longer than any zone; not a typo of one
		return ""
	}
	in := strings.ToLower(strings.TrimSpace(name))
	limit := min(max(len(in)/4, 1), 3)
	best, bestDist := "", limit+1
	for z := range strings.SplitSeq(zoneNames, "\n") {
		lz := strings.ToLower(z)
		d := editDistance(in, lz)
		if slash := strings.LastIndexByte(lz, '/'); slash >= 0 {
			d = min(d, editDistance(in, lz[slash+1:]))
		}
		if d < bestDist {
			best, bestDist = z, d
		}
	}
	return best
}

// editDistance is the Levenshtein distance between a and b, in bytes.
func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}
