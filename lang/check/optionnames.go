package check

import (
	"maps"
	"slices"
)

// OptionWord is an option a block accepts, for editors: its word, whether it
// is required, and whether it takes `every D`.
type OptionWord struct {
	Name     string
	Required bool
	Every    bool
	Block    bool // it opens a nested block of options (contact)
}

// OptionWords lists the options of a block — "capture", "campaign",
// "contact", "post" or "lookup" (its block form) — sorted by name; nil for
// any other block.
func OptionWords(block string) []OptionWord {
	spec := map[string]map[string]optSpec{
		"capture": captureOptions, "campaign": campaignOptions, "contact": contactOptions,
		"post": postOptions, "lookup": lookupBlockOptions, "record": recordOptions,
	}[block]
	var out []OptionWord
	for _, name := range slices.Sorted(maps.Keys(spec)) {
		s := spec[name]
		out = append(out, OptionWord{Name: name, Required: s.required, Every: s.every, Block: s.block != nil})
	}
	return out
}
