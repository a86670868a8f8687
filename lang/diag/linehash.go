package diag

import (
	"strconv"
	"unicode/utf16"
	"unicode/utf8"
)

// GitHub code scanning matches alerts across runs by the
// partialFingerprints.primaryLocationLineHash of each result. When a SARIF
// file lacks it, github/codeql-action's upload step computes it from the
// checked-out file (src/fingerprints.ts) and warns when a value already
// present differs. callflow writes the same value, computed the same way, so
// a SARIF file uploaded through the REST API (no action to fill it in)
// deduplicates alerts like one uploaded through the action.
//
// The algorithm, as fingerprints.ts has it: the file is read as UTF-16 code
// units; spaces and tabs are skipped; "\r\n" and "\r" count as "\n". The hash
// of a line is a rolling polynomial hash (base 37, modulo 2^64) of the 100
// code units that start at the line's first kept unit, running on into the
// lines after it; the input ends with the unit 65535 and then zeros. A line
// whose hash repeats an earlier line's gets the count of that hash so far:
// "hex:1", "hex:2", … in order of lines.
const (
	lineHashBlock = 100
	lineHashMod   = 37
	lineHashEOF   = 65535
)

// lineHashes returns the primaryLocationLineHash of every line of src, by
// line number: hashes[0] is line 1. The list can be one longer than the
// file's lines: a file that ends with a line break has an empty last line.
// It returns nil unless src is valid UTF-8, since the upload action's
// decoder and Go's replace invalid bytes differently.
func lineHashes(src []byte) []string {
	if !utf8.Valid(src) {
		return nil
	}
	var (
		firstMod uint64 = 1
		window   [lineHashBlock]uint64
		lineAt   [lineHashBlock]int // line starting at this window slot, or 0
		hash     uint64
		index    int
		line     int
		start    = true
		prevCR   bool
		counts   = map[uint64]int{}
		out      []string
	)
	for range lineHashBlock {
		firstMod *= lineHashMod
	}
	emit := func() {
		counts[hash]++
		out = append(out, strconv.FormatUint(hash, 16)+":"+strconv.Itoa(counts[hash]))
		lineAt[index] = 0
	}
	update := func(c uint64) {
		begin := window[index]
		window[index] = c
		hash = lineHashMod*hash + c - firstMod*begin
		index = (index + 1) % lineHashBlock
	}
	process := func(c uint64) {
		if c == ' ' || c == '\t' || (prevCR && c == '\n') {
			prevCR = false
			return
		}
		prevCR = c == '\r'
		if prevCR {
			c = '\n'
		}
		if lineAt[index] != 0 {
			emit()
		}
		if start {
			start = false
			line++
			lineAt[index] = line
		}
		if c == '\n' {
			start = true
		}
		update(c)
	}
	for _, r := range string(src) {
		if r1, r2 := utf16.EncodeRune(r); r1 != utf8.RuneError {
			process(uint64(r1))
			process(uint64(r2))
			continue
		}
		process(uint64(r))
	}
	process(lineHashEOF)
	for range lineHashBlock {
		if lineAt[index] != 0 {
			emit()
		}
		update(0)
	}
	return out
}
