package integration

import (
	"bytes"
	"encoding/json"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/rogpeppe/go-internal/testscript"
)

// json FILE [CHECK...] — FILE (stdout, stderr, or a file of the script)
// holds exactly one JSON object, with "format_version": 1, the promise of
// every --json output (docs/json.md). Each CHECK is PATH (it exists),
// PATH=VALUE (a string equals VALUE, another value's JSON text does),
// PATH~REGEXP (a string, or another value's JSON text, matches) or
// PATH#=N (an array of N elements). PATH is keys and indexes separated by
// dots, services.0.health, where KEY[FIELD:VALUE] is the element of the
// array KEY whose FIELD is VALUE: verbs[verb:test].kind=group. `! json FILE CHECK` passes when the check
// fails (one check only), though FILE must still be one JSON object.
func cmdJSON(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) < 1 || (neg && len(args) != 2) {
		ts.Fatalf("usage: [!] json FILE [PATH | PATH=VALUE | PATH~REGEXP | PATH#=N]...")
	}
	data := []byte(ts.ReadFile(args[0]))
	dec := json.NewDecoder(bytes.NewReader(data))
	var doc map[string]any
	if err := dec.Decode(&doc); err != nil {
		ts.Fatalf("%s is not one JSON object: %v\n%s", args[0], err, data)
	}
	if dec.More() {
		ts.Fatalf("%s holds more than one JSON value", args[0])
	}
	if doc["format_version"] != 1.0 {
		ts.Fatalf("%s: format_version = %v, want 1", args[0], doc["format_version"])
	}
	for _, check := range args[1:] {
		err := jsonCheck(doc, check)
		switch {
		case neg && err == nil:
			ts.Fatalf("%s: %s holds, want it not to", args[0], check)
		case !neg && err != nil:
			ts.Fatalf("%s: %v\n%s", args[0], err, data)
		}
	}
}

var jsonCheckRE = regexp.MustCompile(`^([^=~#]+)(?:(=|~|#=)(.*))?$`)

func jsonCheck(doc any, check string) error {
	m := jsonCheckRE.FindStringSubmatch(check)
	if m == nil {
		return fmt.Errorf("bad check %q", check)
	}
	path, op, want := m[1], m[2], m[3]
	v := doc
	for _, key := range strings.Split(path, ".") {
		key, sel, selected := strings.Cut(key, "[")
		if err := jsonStep(&v, path, key); err != nil {
			return err
		}
		if selected {
			if err := jsonSelect(&v, path, strings.TrimSuffix(sel, "]")); err != nil {
				return err
			}
		}
	}
	text := jsonText(v)
	switch op {
	case "=":
		if text != want {
			return fmt.Errorf("%s = %s, want %s", path, text, want)
		}
	case "~":
		re, err := regexp.Compile(want)
		if err != nil {
			return fmt.Errorf("%s: %v", check, err)
		}
		if !re.MatchString(text) {
			return fmt.Errorf("%s = %s, want a match of %s", path, text, want)
		}
	case "#=":
		a, ok := v.([]any)
		if !ok {
			return fmt.Errorf("%s is %s, not an array", path, text)
		}
		if strconv.Itoa(len(a)) != want {
			return fmt.Errorf("%s has %d elements, want %s", path, len(a), want)
		}
	}
	return nil
}

// jsonStep moves v to its key (a map's) or index (an array's).
func jsonStep(v *any, path, key string) error {
	switch c := (*v).(type) {
	case map[string]any:
		next, ok := c[key]
		if !ok {
			return fmt.Errorf("%s: no key %q", path, key)
		}
		*v = next
	case []any:
		i, err := strconv.Atoi(key)
		if err != nil || i < 0 || i >= len(c) {
			return fmt.Errorf("%s: no element %q in an array of %d", path, key, len(c))
		}
		*v = c[i]
	default:
		return fmt.Errorf("%s: %q is inside a %T", path, key, *v)
	}
	return nil
}

// jsonSelect moves v, an array of objects, to its element whose field
// (sel is FIELD:VALUE) has that value.
func jsonSelect(v *any, path, sel string) error {
	field, want, ok := strings.Cut(sel, ":")
	a, isArray := (*v).([]any)
	if !ok || !isArray {
		return fmt.Errorf("%s: [%s] selects FIELD:VALUE in an array", path, sel)
	}
	for _, e := range a {
		if m, ok := e.(map[string]any); ok && m[field] != nil && jsonText(m[field]) == want {
			*v = e
			return nil
		}
	}
	return fmt.Errorf("%s: no element whose %s is %s", path, field, want)
}

// jsonText is a string's text, or another value's JSON.
func jsonText(v any) string {
	if s, ok := v.(string); ok {
		return s
	}
	b, _ := json.Marshal(v)
	return string(b)
}

// TestJSONCheck: the checks of the json command, which the scripts trust.
func TestJSONCheck(t *testing.T) {
	var doc any
	if err := json.Unmarshal([]byte(`{"format_version":1,"ok":true,"n":3,"verbs":[{"verb":"test","members":["a","b"]},{"verb":"build","image":"go:1"}]}`), &doc); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		check string
		ok    bool
	}{
		{"ok", true},
		{"ok=true", true},
		{"ok=false", false},
		{"n=3", true},
		{"nope", false},
		{"verbs.1.image=go:1", true},
		{"verbs.2.image", false},
		{"verbs.0.members#=2", true},
		{"verbs.0.members#=1", false},
		{"ok#=1", false},
		{"verbs[verb:build].image~^go:", true},
		{"verbs[verb:build].image~^node", false},
		{"verbs[verb:run].image", false},
		{"n[verb:run]", false},
		{"verbs.x", false},
		{"ok.x", false},
	}
	for _, tt := range tests {
		if err := jsonCheck(doc, tt.check); (err == nil) != tt.ok {
			t.Errorf("jsonCheck(%q) = %v, want ok %v", tt.check, err, tt.ok)
		}
	}
}
