// Package completion holds gazr's shell completion scripts. Each is a thin
// layer calling the hidden `gazr __complete <word>...`, which knows the
// commands, the project's verbs and tasks, its environments and services,
// and the templates: the scripts stay small and never go stale.
package completion

import (
	_ "embed"
	"fmt"
	"strings"
)

// Command is the hidden command the scripts call.
const Command = "__complete"

// Shells are the shells with a script.
var Shells = []string{"bash", "zsh", "fish"}

var (
	//go:embed gazr.bash
	bash string
	//go:embed gazr.zsh
	zsh string
	//go:embed gazr.fish
	fish string
)

// Script returns the completion script for shell.
func Script(shell string) (string, error) {
	switch shell {
	case "bash":
		return bash, nil
	case "zsh":
		return zsh, nil
	case "fish":
		return fish, nil
	}
	return "", fmt.Errorf("no completion for shell %q; known: %s", shell, strings.Join(Shells, ", "))
}
