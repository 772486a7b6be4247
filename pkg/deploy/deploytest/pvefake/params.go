package pvefake

import (
	"bytes"
	"encoding/json"
	"fmt"
	"mime"
	"net/url"
	"regexp"
	"sort"
	"strconv"
	"strings"
)

// readParams merges a request's query string and body (JSON, as
// go-proxmox sends it, or a form, as curl and pvesh-style clients do)
// into strings: a JSON true is "1", false "0", a number its digits, as
// PVE's schema checks them. A JSON array or object is a type error.
func readParams(query string, contentType string, body []byte) (map[string]string, *apiError) {
	out := map[string]string{}
	q, err := url.ParseQuery(query)
	if err != nil {
		return nil, paramErr("query", "invalid query string")
	}
	for k, v := range q {
		out[k] = v[0]
	}
	if len(bytes.TrimSpace(body)) == 0 {
		return out, nil
	}
	mt, _, _ := mime.ParseMediaType(contentType)
	if mt != "application/json" {
		form, err := url.ParseQuery(string(body))
		if err != nil {
			return nil, paramErr("body", "invalid form data")
		}
		for k, v := range form {
			out[k] = v[0]
		}
		return out, nil
	}
	var raw map[string]json.RawMessage
	dec := json.NewDecoder(bytes.NewReader(body))
	if err := dec.Decode(&raw); err != nil {
		return nil, fail("failed to parse JSON body: %v", err)
	}
	errs := map[string]string{}
	for k, v := range raw {
		var x any
		d := json.NewDecoder(bytes.NewReader(v))
		d.UseNumber()
		_ = d.Decode(&x)
		switch x := x.(type) {
		case nil:
		case bool:
			out[k] = map[bool]string{true: "1", false: "0"}[x]
		case json.Number:
			out[k] = x.String()
		case string:
			out[k] = x
		case []any:
			errs[k] = "type check ('string') failed - got ARRAY"
		default:
			errs[k] = "type check ('string') failed - got HASH"
		}
	}
	if len(errs) > 0 {
		return nil, paramError(errs)
	}
	return out, nil
}

// spec is one parameter of a method's schema.
type spec struct {
	kind     string // "string" (default), "integer", "boolean", "number"
	min, max *int64
	enum     []string
	format   func(string) error
	required bool
	rootOnly bool // "Only root may use this option."
}

func bound(n int64) *int64 { return &n }

// Common parameter specs.
var (
	vmidSpec    = spec{kind: "integer", min: bound(100), max: bound(999_999_999), required: true}
	boolSpec    = spec{kind: "boolean"}
	intSpec     = spec{kind: "integer"}
	stringSpec  = spec{}
	skiplockSpc = spec{kind: "boolean", rootOnly: true}
)

var (
	intRE    = regexp.MustCompile(`^[+-]?\d+$`)
	numberRE = regexp.MustCompile(`^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$`)
)

// checkParams is JSONSchema::validate for params against specs (keys
// not in specs are refused as PVE refuses additional properties); user
// is the caller, for root-only options.
func checkParams(params map[string]string, specs map[string]spec, user string) *apiError {
	errs := map[string]string{}
	for k, v := range params {
		s, ok := specs[k]
		if !ok {
			errs[k] = "property is not defined in schema and the schema does not allow additional properties"
			continue
		}
		if msg := s.check(v); msg != "" {
			errs[k] = msg
		}
	}
	for k, s := range specs {
		if _, ok := params[k]; s.required && !ok {
			errs[k] = "property is missing and it is not optional"
		}
	}
	if len(errs) > 0 {
		return paramError(errs)
	}
	keys := make([]string, 0, len(params))
	for k := range params {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		if specs[k].rootOnly && params[k] != "0" && user != "root@pam" {
			return paramErr(k, "Only root may use this option.")
		}
	}
	return nil
}

// check returns the schema's complaint about v, "" if none.
func (s spec) check(v string) string {
	switch s.kind {
	case "boolean":
		if v != "0" && v != "1" {
			return fmt.Sprintf("type check ('boolean') failed - got '%s'", v)
		}
	case "integer", "number":
		re := intRE
		if s.kind == "number" {
			re = numberRE
		}
		if !re.MatchString(v) {
			return fmt.Sprintf("type check ('%s') failed - got '%s'", s.kind, v)
		}
		n, _ := strconv.ParseFloat(v, 64)
		if s.max != nil && n > float64(*s.max) {
			return fmt.Sprintf("value must have a maximum value of %d", *s.max)
		}
		if s.min != nil && n < float64(*s.min) {
			return fmt.Sprintf("value must have a minimum value of %d", *s.min)
		}
	}
	if s.format != nil {
		if err := s.format(v); err != nil {
			return "invalid format - " + err.Error() + "\n"
		}
	}
	if len(s.enum) > 0 && !contains(s.enum, v) {
		return fmt.Sprintf("value '%s' does not have a value in the enumeration '%s'", v, strings.Join(s.enum, ", "))
	}
	return ""
}

func contains(list []string, v string) bool {
	for _, x := range list {
		if x == v {
			return true
		}
	}
	return false
}

var (
	dnsNameRE = regexp.MustCompile(`^(([a-zA-Z0-9]([a-zA-Z0-9\-]*[a-zA-Z0-9])?)\.)*([a-zA-Z0-9]([a-zA-Z0-9\-]*[a-zA-Z0-9])?)$`)
	poolIDRE  = regexp.MustCompile(`^[A-Za-z0-9_][A-Za-z0-9_\-]*$`)
	urlencRE  = regexp.MustCompile(`^[-%a-zA-Z0-9_.!~*'()]*$`)
	tagRE     = regexp.MustCompile(`(?i)^[a-z0-9_][a-z0-9_\-+.]*$`)
)

// The formats of PVE's schema the fake checks.
func dnsName(v string) error {
	if !dnsNameRE.MatchString(v) {
		return fmt.Errorf("value does not look like a valid DNS name")
	}
	return nil
}

func poolID(v string) error {
	if !poolIDRE.MatchString(v) {
		return fmt.Errorf("invalid pool ID '%s'", v)
	}
	return nil
}

func urlencoded(v string) error {
	if !urlencRE.MatchString(v) {
		return fmt.Errorf("invalid urlencoded string: %s", v)
	}
	return nil
}

func tagList(v string) error {
	for _, t := range splitList(v) {
		if !tagRE.MatchString(t) {
			return fmt.Errorf("invalid characters in tag")
		}
	}
	return nil
}

// splitList is PVE::Tools::split_list: items separated by ';', ',' or
// white space.
func splitList(v string) []string {
	return strings.FieldsFunc(v, func(r rune) bool {
		return r == ';' || r == ',' || r == ' ' || r == '\t' || r == '\n' || r == '\x00'
	})
}
