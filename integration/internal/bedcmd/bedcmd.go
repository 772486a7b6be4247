// Package bedcmd is what the commands that run a test bed on their own
// (integration/awsbed, integration/pvebed) share: start the bed, print
// what a user pastes (the env block, the exports), wait for Ctrl-C, and
// remove everything.
package bedcmd

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/gazr-io/gazr/pkg/shell"
)

// Bed is a running bed as the commands print and close it.
type Bed interface {
	// EnvTOML is the [env.X] block to paste into .gazr.toml.
	EnvTOML() string
	// Environ are the KEY=value variables gazr needs.
	Environ() []string
	Close(ctx context.Context) error
}

// Logf writes a progress line to stderr.
func Logf(format string, args ...any) { fmt.Fprintf(os.Stderr, format+"\n", args...) }

// Serve starts a bed with start, prints its env block, its exports (plus
// extra ones) and the footer footer returns, then waits for SIGINT or
// SIGTERM and closes the bed. name prefixes the progress lines; the
// result is the command's exit code.
func Serve[B Bed](name string, start func(ctx context.Context) (B, error), extra []string, footer func(B) string) int {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	b, err := start(ctx)
	if err != nil {
		Logf("%s: %v", name, err)
		return 1
	}
	defer func() {
		Logf("%s: removing everything…", name)
		cctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
		defer cancel()
		if err := b.Close(cctx); err != nil {
			Logf("%s: %v", name, err)
		}
	}()
	fmt.Printf("# Paste into the project's .gazr.toml:\n\n%s\n", b.EnvTOML())
	fmt.Println("# Then, in the shell that runs gazr:")
	for _, kv := range append(b.Environ(), extra...) {
		k, v, _ := strings.Cut(kv, "=")
		fmt.Printf("export %s=%s\n", k, shell.Quote(v))
	}
	fmt.Printf("\n%s# Ctrl-C removes everything.\n", footer(b))
	os.Stdout.Sync()
	<-ctx.Done()
	return 0
}
