package config

// Suggest returns the candidate closest to name when it is close enough to
// be a likely typo, else "". Close enough: an edit distance of at most 2,
// or of at most a third of name's length for long names, where swapping
// two neighbouring letters is one edit. Of equally close candidates, one
// with name's very letters wins ("lnit" is "lint" mistyped, not "init"),
// then the first.
func Suggest(name string, candidates []string) string {
	best, bestScore := "", -1
	limit := max(2, len(name)/3)
	for _, c := range candidates {
		d := distance(name, c)
		if d > limit {
			continue
		}
		score := 2 * d
		if d > 0 && sameLetters(name, c) {
			score--
		}
		if bestScore < 0 || score < bestScore {
			best, bestScore = c, score
		}
	}
	return best
}

// distance is the optimal string alignment distance between a and b
// (Levenshtein's, plus the transposition of two adjacent bytes as one
// edit), counted in bytes.
func distance(a, b string) int {
	// d[i][j] is the distance between a[:i] and b[:j]; three rows suffice.
	prev2 := make([]int, len(b)+1)
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
			if i > 1 && j > 1 && a[i-1] == b[j-2] && a[i-2] == b[j-1] {
				cur[j] = min(cur[j], prev2[j-2]+1)
			}
		}
		prev2, prev, cur = prev, cur, prev2
	}
	return prev[len(b)]
}

// sameLetters reports whether a and b hold the same bytes, in any order.
func sameLetters(a, b string) bool {
	if len(a) != len(b) {
		return false
	}
	var count [256]int
	for i := range len(a) {
		count[a[i]]++
		count[b[i]]--
	}
	return count == [256]int{}
}

// didYouMean formats a suggestion suffix for an error message.
func didYouMean(name string, candidates []string) string {
	if s := Suggest(name, candidates); s != "" {
		return "; did you mean " + quote(s) + "?"
	}
	return ""
}
