package app

import (
	"bytes"
	"encoding/json"
	"os"
	"reflect"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/gazr-io/gazr/pkg/chaos"
	"github.com/gazr-io/gazr/pkg/deploy"
	"github.com/gazr-io/gazr/pkg/doctor"
	"github.com/gazr-io/gazr/pkg/plan"
)

// TestJSONDocs keeps docs/json.md true to the shapes the commands print:
// each command's section has an example that decodes into its type with
// no unknown field, and names every field of that type.
func TestJSONDocs(t *testing.T) {
	data, err := os.ReadFile("../../docs/json.md")
	if err != nil {
		t.Fatal(err)
	}
	sections := map[string]string{}
	for _, s := range strings.Split(string(data), "\n## ")[1:] {
		title, body, _ := strings.Cut(s, "\n")
		sections[title] = body
	}
	shapes := []struct {
		title string
		typ   any
	}{
		{"`gazr list --json`", plan.VerbList{}},
		{"`gazr explain --json`", plan.Explanation{}},
		{"`gazr doctor --json`", doctor.Report{}},
		{"`gazr status --json`", deploy.StatusReport{}},
		{"`gazr history --json`", deploy.HistoryReport{}},
		{"`gazr cluster status --json`", deploy.ClusterStatus{}},
		{"`gazr chaos --json`", chaos.Report{}},
	}
	example := regexp.MustCompile("(?s)```json\n(.*?)```")
	for _, sh := range shapes {
		body, ok := sections[sh.title]
		if !ok {
			t.Errorf("docs/json.md has no section ## %s", sh.title)
			continue
		}
		m := example.FindStringSubmatch(body)
		if m == nil {
			t.Errorf("docs/json.md, %s: no ```json example", sh.title)
			continue
		}
		dec := json.NewDecoder(bytes.NewReader([]byte(m[1])))
		dec.DisallowUnknownFields()
		v := reflect.New(reflect.TypeOf(sh.typ))
		if err := dec.Decode(v.Interface()); err != nil {
			t.Errorf("docs/json.md, %s: the example is not a %T: %v", sh.title, sh.typ, err)
		}
		for _, name := range jsonFieldNames(reflect.TypeOf(sh.typ)) {
			if !regexp.MustCompile(`\b` + name + `\b`).MatchString(body) {
				t.Errorf("docs/json.md, %s: field %q is not documented", sh.title, name)
			}
		}
	}
}

// jsonFieldNames are the JSON names of t's fields and of the structs it
// holds, embedded ones' fields as the encoder flattens them.
func jsonFieldNames(t reflect.Type) []string {
	for t.Kind() == reflect.Pointer || t.Kind() == reflect.Slice {
		t = t.Elem()
	}
	if t.Kind() != reflect.Struct || t == reflect.TypeOf(time.Time{}) {
		return nil
	}
	var names []string
	for f := range t.Fields() {
		if !f.IsExported() {
			continue
		}
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		switch {
		case name == "-":
			continue
		case name == "" && f.Anonymous:
			names = append(names, jsonFieldNames(f.Type)...)
			continue
		case name == "":
			name = f.Name
		}
		names = append(names, name)
		names = append(names, jsonFieldNames(f.Type)...)
	}
	return names
}
