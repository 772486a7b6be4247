package config

// Verbs of the gazr.io convention, in the order `gazr list` shows them.
var Verbs = []string{
	"init", "style", "complexity", "format",
	"test", "test-unit", "test-functional", "test-integration",
	"security", "security-sast", "security-dependency-scan",
	"run", "watch", "build", "backup", "upgrade", "stop", "destroy",
}

// Groups maps a composite verb to the verbs it runs, in order, when the
// project does not define the composite itself.
var Groups = map[string][]string{
	"test":     {"test-unit", "test-functional", "test-integration"},
	"security": {"security-sast", "security-dependency-scan"},
}

// IsVerb reports whether name is a known verb.
func IsVerb(name string) bool {
	for _, v := range Verbs {
		if v == name {
			return true
		}
	}
	return false
}
