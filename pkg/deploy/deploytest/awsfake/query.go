package awsfake

import (
	"encoding/base64"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// listParam reads a Query protocol list: prefix.1, prefix.2, … (EC2's
// "InstanceId", Auto Scaling's "AutoScalingGroupNames.member").
func listParam(form url.Values, prefix string) []string {
	var out []string
	for i := 1; ; i++ {
		v, ok := form[prefix+"."+strconv.Itoa(i)]
		if !ok {
			return out
		}
		out = append(out, v[0])
	}
}

// filter is an EC2 filter: any of values matches, filters all match.
type filter struct {
	name   string
	values []string
}

// ec2Filters reads Filter.N.Name and Filter.N.Value.M.
func ec2Filters(form url.Values) []filter {
	var out []filter
	for i := 1; ; i++ {
		p := "Filter." + strconv.Itoa(i)
		name, ok := form[p+".Name"]
		if !ok {
			return out
		}
		out = append(out, filter{name: name[0], values: listParam(form, p+".Value")})
	}
}

// intParam reads an optional integer parameter; ok is false when absent.
func intParam(form url.Values, key string) (n int, ok bool, err error) {
	v, present := form[key]
	if !present || v[0] == "" {
		return 0, false, nil
	}
	n, err = strconv.Atoi(v[0])
	return n, true, err
}

// timeParam reads an optional date-time parameter.
func timeParam(form url.Values, key string) (time.Time, *APIError) {
	v := form.Get(key)
	if v == "" {
		return time.Time{}, nil
	}
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05Z"} {
		if t, err := time.Parse(layout, v); err == nil {
			return t.UTC(), nil
		}
	}
	return time.Time{}, validation("Value '%s' at '%s' failed to satisfy constraint: must be a date-time", v, key)
}

// glob matches s against an EC2 filter value: * any run, ? any one
// character.
func glob(pattern, s string) bool {
	if !strings.ContainsAny(pattern, "*?") {
		return pattern == s
	}
	px, sx := 0, 0
	star, mark := -1, 0
	for sx < len(s) {
		switch {
		case px < len(pattern) && (pattern[px] == '?' || pattern[px] == s[sx]):
			px, sx = px+1, sx+1
		case px < len(pattern) && pattern[px] == '*':
			star, mark = px, sx
			px++
		case star >= 0:
			px, mark = star+1, mark+1
			sx = mark
		default:
			return false
		}
	}
	for px < len(pattern) && pattern[px] == '*' {
		px++
	}
	return px == len(pattern)
}

// pageToken and readToken make opaque NextTokens: the creation sequence
// (or index) where the next page starts.
func pageToken(n int) string {
	return base64.RawURLEncoding.EncodeToString([]byte("next:" + strconv.Itoa(n)))
}

func readToken(tok string) (int, bool) {
	if tok == "" {
		return 0, true
	}
	b, err := base64.RawURLEncoding.DecodeString(tok)
	if err != nil {
		return 0, false
	}
	n, err := strconv.Atoi(strings.TrimPrefix(string(b), "next:"))
	return n, err == nil && strings.HasPrefix(string(b), "next:")
}
