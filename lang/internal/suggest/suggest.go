// Package suggest finds the near name behind a "did you mean" hint.
package suggest

// Nearest returns the candidate closest to name by edit distance, when it is
// close enough to be a plausible typo: at most 1 edit for short names, 2 for
// names of 5+ runes, 3 for 9+ runes; "" otherwise. Ties go to the first.
func Nearest(name string, candidates []string) string {
	best, bestDist := "", maxDist(name)+1
	for _, c := range candidates {
		if c == name {
			continue
		}
		if d := Distance(name, c); d < bestDist {
			best, bestDist = c, d
		}
	}
	return best
}

func maxDist(name string) int {
	switch n := len([]rune(name)); {
	case n >= 9:
		return 3
	case n >= 5:
		return 2
	}
	return 1
}

// Distance is the Levenshtein distance between a and b, counting a swap of
// two neighbouring runes as one edit and ignoring case as half-free: a
// difference only in case costs nothing, so "makecall" finds "makeCall".
func Distance(a, b string) int {
	ra, rb := []rune(lower(a)), []rune(lower(b))
	prev2 := make([]int, len(rb)+1)
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			if i > 1 && j > 1 && ra[i-1] == rb[j-2] && ra[i-2] == rb[j-1] {
				cur[j] = min(cur[j], prev2[j-2]+1)
			}
		}
		prev2, prev, cur = prev, cur, prev2
	}
	return prev[len(rb)]
}

func lower(s string) string {
	b := []byte(s)
	for i, c := range b {
		if c >= 'A' && c <= 'Z' {
			b[i] = c + 'a' - 'A'
		}
	}
	return string(b)
}
