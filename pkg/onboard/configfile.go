package onboard

import (
	_ "embed"
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"text/template"

	"github.com/gazr-io/gazr/pkg/config"
	"github.com/gazr-io/gazr/pkg/convention"
)

//go:embed gazr.toml.tmpl
var configTemplate string

// configTmpl is parsed on first use: package init runs on every gazr
// invocation, and only --write-config needs it.
var configTmpl = sync.OnceValue(func() *template.Template {
	return template.Must(template.New(config.FileName).Funcs(template.FuncMap{
		"q":    tomlString,
		"list": tomlList,
		"join": strings.Join,
	}).Parse(configTemplate))
})

// ConfigOptions are the inputs of RenderConfig that do not come from the
// convention.
type ConfigOptions struct {
	// Name is the project's name (its directory's, by default).
	Name string
	// User is the host user as "UID:GID", shown as the default user.
	User string
}

type configData struct {
	Name, User                    string
	Conv                          *convention.Convention
	Image, DefaultImage, ImageEnv string
	ImageConv, CacheConv          string
	ImageFromEnv                  bool
	Caches                        []cacheRow
	CacheNames                    []string
	Verbs                         []verbRow
	Header                        string
	Groups, Undefined             []string
}

type cacheRow struct{ Name, Env string }

type verbRow struct {
	Name, Description  string
	Run                []string
	Sources, Generates []string
	// Tools are the convention's tools the verb needs: its run stays the
	// convention's (commented) so that they are still checked first.
	Tools []string
}

// RenderConfig writes the .gazr.toml that makes conv's defaults visible
// and editable: each verb it defines with its commands, and, commented,
// every default (name, image, convention, caches, and each verb's optional
// keys). Parsed back, it gives the same plans as conv alone. With no
// convention (nil), it is a commented skeleton.
func RenderConfig(conv *convention.Convention, opts ConfigOptions) ([]byte, error) {
	d := configData{Name: opts.Name, User: opts.User, Conv: conv}
	if d.User == "" {
		d.User = "1000:1000"
	}
	if conv != nil {
		fillConvention(&d, conv)
	}
	// Taplo's directive first, where it must be: editors then complete
	// and check the file against the schema.
	d.Header = "#:schema " + config.SchemaURL + "\n" + commentLines(intro(conv))
	var b strings.Builder
	if err := configTmpl().Execute(&b, d); err != nil {
		return nil, err
	}
	return []byte(b.String() + "\n"), nil
}

func fillConvention(d *configData, conv *convention.Convention) {
	d.Image, d.DefaultImage = conv.Image, conv.DefaultImage
	d.ImageConv = conv.Name
	if conv.Base != "" {
		d.ImageConv = conv.Base
	}
	d.CacheConv = d.ImageConv
	d.ImageEnv = convention.ImageEnv(d.ImageConv)
	d.ImageFromEnv = conv.ImageOrigin == "$"+d.ImageEnv
	for _, name := range slices.Sorted(maps.Keys(conv.Caches)) {
		d.Caches = append(d.Caches, cacheRow{name, conv.Caches[name]})
		d.CacheNames = append(d.CacheNames, name)
	}
	for _, verb := range config.Verbs {
		v, ok := conv.Verbs[verb]
		if ok && len(v.Run) > 0 {
			d.Verbs = append(d.Verbs, verbRow{Name: verb, Description: v.Description, Run: v.Run, Sources: v.Sources, Generates: v.Generates, Tools: v.Tools})
		} else if _, group := config.Groups[verb]; !group {
			d.Undefined = append(d.Undefined, verb)
		}
	}
	d.Undefined = wrap(strings.Split(strings.Join(d.Undefined, ", "), " "), 72)
	for _, group := range []string{"test", "security"} {
		if _, own := conv.Verbs[group]; own {
			continue
		}
		var defined []string
		for _, m := range config.Groups[group] {
			if len(conv.Verbs[m].Run) > 0 {
				defined = append(defined, m)
			}
		}
		if len(defined) > 0 {
			d.Groups = append(d.Groups, wrap(strings.Fields(fmt.Sprintf(
				"gazr %s runs those of %s that are defined, in order: here %s. Define [verbs.%s] to run something else.",
				group, strings.Join(config.Groups[group], ", "), strings.Join(defined, ", "), group)), 74)...)
		}
	}
}

// intro is the file's opening comment, as lines.
func intro(conv *convention.Convention) []string {
	first := "written by `gazr init --write-config`"
	if conv == nil {
		return append([]string{config.FileName + ", " + first + "."}, wrap(strings.Fields(
			"No convention applies here (gazr knows Go modules, Node.js, Python and gazr-style Makefiles), "+
				"so nothing is defined yet: set an image and define the verbs you need; uncomment the lines below "+
				"to start. gazr list and gazr explain <verb> show the result. "+
				"Reference: https://github.com/gazr-io/gazr/blob/main/docs/configuration.md"), 74)...)
	}
	from := fmt.Sprintf("from convention %s (%s), detected by %s", conv.Name, conv.Description, conv.DetectedBy)
	if conv.Base != "" {
		from += fmt.Sprintf(", with the image and caches of convention %s", conv.Base)
	}
	lines := wrap(strings.Fields(config.FileName+", "+first+" "+from+"."), 74)
	lines = append(lines, "")
	return append(lines, wrap(strings.Fields(
		"Every setting gazr uses is shown. The keys set below hold the convention's values, now yours to edit; "+
			"a commented line is a default: uncomment it to change it. gazr list and gazr explain <verb> show the result. "+
			"Reference: https://github.com/gazr-io/gazr/blob/main/docs/configuration.md"), 74)...)
}

// WriteConfig writes the rendered config to dir/.gazr.toml, refusing when
// that file, or one in a parent directory that would apply to dir,
// exists: gazr never overwrites a project file.
func WriteConfig(dir string, data []byte) (string, error) {
	if err := ExistingConfig(dir); err != nil {
		return "", err
	}
	path := filepath.Join(dir, config.FileName)
	return createNew(path, data)
}

// createNew writes data to path, which must not exist (O_EXCL: a file
// that appeared since the caller looked is not overwritten either); a
// failed write leaves no partial file.
func createNew(path string, data []byte) (string, error) {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if errors.Is(err, fs.ErrExist) {
		return "", fmt.Errorf("%s already exists; gazr never overwrites it", path)
	}
	if err != nil {
		return "", fmt.Errorf("write %s: %w", path, err)
	}
	_, err = f.Write(data)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		_ = os.Remove(path)
		return "", fmt.Errorf("write %s: %w", path, err)
	}
	return path, nil
}

// commentLines prefixes each line with "# " ("#" for a blank one).
func commentLines(lines []string) string {
	var b strings.Builder
	for i, l := range lines {
		if i > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(strings.TrimRight("# "+l, " "))
	}
	return b.String()
}

// ExistingConfig is an error naming the .gazr.toml that applies to dir
// (in it or a parent), nil when none does.
func ExistingConfig(dir string) error {
	existing, err := config.Find(dir)
	if err != nil {
		return err
	}
	if existing != "" {
		return fmt.Errorf("%s already exists and applies here; gazr never overwrites it: edit it, or remove it and run gazr init --write-config again", existing)
	}
	return nil
}

// tomlString quotes s as a TOML string: a literal string ('…') when that
// reads better (s has quotes or backslashes but no apostrophe or control
// character), else a basic string with escapes.
func tomlString(s string) string {
	plain := !strings.ContainsAny(s, "'\x7f") && !strings.ContainsFunc(s, func(r rune) bool { return r < 0x20 })
	if plain && strings.ContainsAny(s, `"\`) {
		return "'" + s + "'"
	}
	var b strings.Builder
	b.WriteByte('"')
	for _, r := range s {
		switch {
		case r == '"' || r == '\\':
			b.WriteByte('\\')
			b.WriteRune(r)
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\t':
			b.WriteString(`\t`)
		case r < 0x20 || r == 0x7f:
			fmt.Fprintf(&b, `\u%04X`, r)
		default:
			b.WriteRune(r)
		}
	}
	b.WriteByte('"')
	return b.String()
}

func tomlList(items []string) string {
	q := make([]string, len(items))
	for i, s := range items {
		q[i] = tomlString(s)
	}
	return "[" + strings.Join(q, ", ") + "]"
}

// wrap joins words with spaces into lines of at most width characters
// (a longer word has a line of its own).
func wrap(words []string, width int) []string {
	var lines []string
	line := ""
	for _, w := range words {
		if line != "" && len(line)+1+len(w) > width {
			lines = append(lines, line)
			line = ""
		}
		if line != "" {
			line += " "
		}
		line += w
	}
	if line != "" {
		lines = append(lines, line)
	}
	return lines
}
