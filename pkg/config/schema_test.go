package config

import (
	"bytes"
	"encoding/json"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/BurntSushi/toml"
	"github.com/santhosh-tekuri/jsonschema/v6"
)

// schemaFile is the JSON Schema of .gazr.toml that editors read.
const schemaFile = "../../docs/gazr.schema.json"

// schemaTables maps each method of the decoder that reads the keys of a
// table (a switch on the key k) to the schema object describing that
// table, as a path of property names from the schema's root.
var schemaTables = map[string][]string{
	"project":              nil,
	"verb":                 {"definitions", "verb"},
	"envField":             {"definitions", "env"},
	"tls":                  {"definitions", "env", "properties", "tls"},
	"resources":            {"definitions", "env", "properties", "resources", "additionalProperties"},
	"secrets":              {"definitions", "env", "properties", "secrets", "additionalProperties"},
	"awsField":             {"definitions", "aws"},
	"group":                {"definitions", "group"},
	"scheduleEntry":        {"definitions", "aws", "properties", "schedule", "items"},
	"proxmoxField":         {"definitions", "proxmox"},
	"templates":            {"definitions", "proxmox", "properties", "template"},
	"chaosField":           {"definitions", "chaos"},
	"replicaScheduleEntry": {"definitions", "env", "properties", "schedule", "items"},
}

// TestSchemaKeys keeps docs/gazr.schema.json true to the loader: the keys
// each table of the schema lists are exactly those the decoder's switch
// for that table accepts (read from this package's source), a new table
// of the decoder needs its place in the schema, and the verbs, backends
// and the Config and Verb structs' toml keys agree with it too.
func TestSchemaKeys(t *testing.T) {
	schema := readSchema(t)
	accepted := decoderKeys(t)
	for _, method := range sortedNames(accepted) {
		if _, ok := schemaTables[method]; !ok {
			t.Errorf("decoder.%s reads the keys %v of a table the schema test does not know: add it to schemaTables and describe it in %s",
				method, accepted[method], schemaFile)
		}
	}
	for method, path := range schemaTables {
		keys, ok := accepted[method]
		if !ok {
			t.Errorf("schemaTables names decoder.%s, which reads no keys (renamed?)", method)
			continue
		}
		if got := propertyNames(t, schema, path); !slices.Equal(got, keys) {
			t.Errorf("%s at %s lists %v; decoder.%s accepts %v", schemaFile, strings.Join(path, "."), got, method, keys)
		}
	}
	for name, list := range map[string][]string{"project": projectKeys, "verb": verbKeys, "envField": envKeys, "awsField": awsKeys, "proxmoxField": proxmoxKeys} {
		if got := sorted(list); !slices.Equal(got, accepted[name]) {
			t.Errorf("the keys suggested by decoder.%s's did-you-mean are %v; it accepts %v", name, got, accepted[name])
		}
	}
	if got := propertyNames(t, schema, []string{"properties", "verbs"}); !slices.Equal(got, sorted(Verbs)) {
		t.Errorf("schema verbs are %v, want config.Verbs %v", got, sorted(Verbs))
	}
	if got := enum(t, schema, "definitions", "verbName"); !slices.Equal(got, sorted(Verbs)) {
		t.Errorf("schema verbName is %v, want config.Verbs %v", got, sorted(Verbs))
	}
	if got := enum(t, schema, "definitions", "env", "properties", "backend"); !slices.Equal(got, sorted(Backends)) {
		t.Errorf("schema backends are %v, want config.Backends %v", got, sorted(Backends))
	}
	if schema["$id"] != SchemaURL {
		t.Errorf("%s's $id is %v, want config.SchemaURL %s", schemaFile, schema["$id"], SchemaURL)
	}
	if got, want := propertyNames(t, schema, []string{"definitions", "verb"}), tomlKeys(Verb{}); !slices.Equal(got, want) {
		t.Errorf("schema verb keys %v, Verb's toml keys %v", got, want)
	}
	if got, want := propertyNames(t, schema, nil), sorted(append(tomlKeys(Config{}), "env")); !slices.Equal(got, want) {
		t.Errorf("schema top-level keys %v, Config's toml keys and env %v", got, want)
	}
}

// decoderKeys reads this package's source and returns, for each method of
// *decoder with a switch on k, the string constants of its cases, sorted.
func decoderKeys(t *testing.T) map[string][]string {
	t.Helper()
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	out := map[string][]string{}
	fset := token.NewFileSet()
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, name, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		for _, decl := range f.Decls {
			fn, ok := decl.(*ast.FuncDecl)
			if !ok || fn.Recv == nil || !isDecoder(fn.Recv.List[0].Type) {
				continue
			}
			ast.Inspect(fn.Body, func(n ast.Node) bool {
				sw, ok := n.(*ast.SwitchStmt)
				if !ok {
					return true
				}
				if id, ok := sw.Tag.(*ast.Ident); !ok || id.Name != "k" {
					return true
				}
				for _, c := range sw.Body.List {
					for _, e := range c.(*ast.CaseClause).List {
						if lit, ok := e.(*ast.BasicLit); ok && lit.Kind == token.STRING {
							s, _ := strconv.Unquote(lit.Value)
							out[fn.Name.Name] = append(out[fn.Name.Name], s)
						}
					}
				}
				return true
			})
		}
	}
	for k := range out {
		sort.Strings(out[k])
	}
	if len(out) == 0 {
		t.Fatal("found no decoder method with a switch on k: the test no longer reads this package right")
	}
	return out
}

func isDecoder(e ast.Expr) bool {
	star, ok := e.(*ast.StarExpr)
	if !ok {
		return false
	}
	id, ok := star.X.(*ast.Ident)
	return ok && id.Name == "decoder"
}

// readSchema returns the schema as plain JSON values.
func readSchema(t *testing.T) map[string]any {
	t.Helper()
	data, err := os.ReadFile(schemaFile)
	if err != nil {
		t.Fatal(err)
	}
	var schema map[string]any
	if err := json.Unmarshal(data, &schema); err != nil {
		t.Fatalf("%s: %v", schemaFile, err)
	}
	return schema
}

func lookup(t *testing.T, schema map[string]any, path []string) map[string]any {
	t.Helper()
	node := schema
	for _, p := range path {
		next, ok := node[p].(map[string]any)
		if !ok {
			t.Fatalf("%s has no object at %s", schemaFile, strings.Join(path, "."))
		}
		node = next
	}
	return node
}

// propertyNames lists, sorted, the properties of the object at path.
func propertyNames(t *testing.T, schema map[string]any, path []string) []string {
	t.Helper()
	node := lookup(t, schema, path)
	if node["additionalProperties"] != false {
		t.Errorf("%s at %s allows other keys (additionalProperties is not false): editors would not flag a typo", schemaFile, strings.Join(path, "."))
	}
	props, _ := node["properties"].(map[string]any)
	return sortedNames(props)
}

func enum(t *testing.T, schema map[string]any, path ...string) []string {
	t.Helper()
	var out []string
	for _, v := range lookup(t, schema, path)["enum"].([]any) {
		out = append(out, v.(string))
	}
	return sorted(out)
}

// tomlKeys lists, sorted, the toml keys of a struct's fields.
func tomlKeys(v any) []string {
	var out []string
	typ := reflect.TypeOf(v)
	for i := range typ.NumField() {
		if k, ok := typ.Field(i).Tag.Lookup("toml"); ok && k != "-" {
			out = append(out, k)
		}
	}
	return sorted(out)
}

func sortedNames[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func sorted(list []string) []string {
	out := slices.Clone(list)
	sort.Strings(out)
	return out
}

// compileSchema compiles docs/gazr.schema.json, which checks it against
// its draft's meta-schema too.
func compileSchema(t testing.TB) *jsonschema.Schema {
	t.Helper()
	data, err := os.ReadFile(schemaFile)
	if err != nil {
		t.Fatal(err)
	}
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(data))
	if err != nil {
		t.Fatalf("%s: %v", schemaFile, err)
	}
	c := jsonschema.NewCompiler()
	if err := c.AddResource("gazr.schema.json", doc); err != nil {
		t.Fatal(err)
	}
	sch, err := c.Compile("gazr.schema.json")
	if err != nil {
		t.Fatalf("%s does not compile: %v", schemaFile, err)
	}
	return sch
}

// validateTOML validates a .gazr.toml's content against the schema, as an
// editor does: the TOML document read as JSON values.
func validateTOML(sch *jsonschema.Schema, data string) error {
	var raw map[string]any
	if _, err := toml.Decode(data, &raw); err != nil {
		return err
	}
	js, err := json.Marshal(raw)
	if err != nil {
		return err
	}
	inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(js))
	if err != nil {
		return err
	}
	return sch.Validate(inst)
}
