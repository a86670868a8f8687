package ir

// PrefixIndex speeds up rule selection when many leading rules have the form
// `caller startsWith "LITERAL"`. Rules are still tried in source order: the
// index only tells, for a caller, which of the indexed rules can match, so
// the first match is found without evaluating every condition.
type PrefixIndex struct {
	// Upto is the number of leading rules the index covers; rules from Upto
	// on are evaluated one by one.
	Upto int
	root *trieNode
}

type trieNode struct {
	next  map[byte]*trieNode
	rules []int // rules whose prefix ends here
}

// NewPrefixIndex indexes prefixes[i] for rules 0..len(prefixes)-1.
func NewPrefixIndex(prefixes []string) *PrefixIndex {
	ix := &PrefixIndex{Upto: len(prefixes), root: &trieNode{}}
	for i, p := range prefixes {
		n := ix.root
		for j := 0; j < len(p); j++ {
			if n.next == nil {
				n.next = map[byte]*trieNode{}
			}
			c := n.next[p[j]]
			if c == nil {
				c = &trieNode{}
				n.next[p[j]] = c
			}
			n = c
		}
		n.rules = append(n.rules, i)
	}
	return ix
}

// First returns the smallest rule index whose prefix the caller starts with,
// or -1 when none among the indexed rules matches.
func (ix *PrefixIndex) First(caller string) int {
	best := -1
	n := ix.root
	for i := 0; ; i++ {
		for _, r := range n.rules {
			if best < 0 || r < best {
				best = r
			}
		}
		if i == len(caller) || n.next == nil {
			return best
		}
		if n = n.next[caller[i]]; n == nil {
			return best
		}
	}
}
