package config

// Suggest returns the candidate closest to name when it is close enough to
// be a likely typo, else "". Close enough: an edit distance of at most 2,
// or of at most a third of name's length for long names.
func Suggest(name string, candidates []string) string {
	best, bestDist := "", -1
	limit := max(2, len(name)/3)
	for _, c := range candidates {
		d := distance(name, c)
		if d <= limit && (bestDist < 0 || d < bestDist) {
			best, bestDist = c, d
		}
	}
	return best
}

// distance is the Levenshtein distance between a and b, counted in bytes.
func distance(a, b string) int {
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

// didYouMean formats a suggestion suffix for an error message.
func didYouMean(name string, candidates []string) string {
	if s := Suggest(name, candidates); s != "" {
		return "; did you mean " + quote(s) + "?"
	}
	return ""
}
