package convention

import (
	"os"
	"path/filepath"
)

// Detect returns the convention that applies to the project at root, or
// nil when none does. Marker files are looked up at the root only: a
// convention describes the project, not a subdirectory of it.
func Detect(root string) (*Convention, error) {
	list, err := All()
	if err != nil {
		return nil, err
	}
	var lang *Convention
	var mk *Convention
	var makefile string
	for _, c := range list {
		marker := firstMarker(root, c.Detect)
		if marker == "" {
			continue
		}
		if c.Makefile {
			if mk == nil {
				mk, makefile = c, marker
			}
			continue
		}
		if lang == nil {
			lang = c
			lang.DetectedBy = marker
		}
	}
	if mk != nil {
		targets, err := makeTargets(filepath.Join(root, makefile))
		if err != nil {
			return nil, err
		}
		if len(targets) > 0 {
			c := makefileConvention(mk, lang, targets)
			c.DetectedBy = makefile
			return c, nil
		}
	}
	return lang, nil
}

func firstMarker(root string, markers []string) string {
	for _, m := range markers {
		if fi, err := os.Stat(filepath.Join(root, m)); err == nil && !fi.IsDir() {
			return m
		}
	}
	return ""
}
