// Command loadloop sends requests to a URL until interrupted (or -max) and
// prints how many failed: used by the deploy benchmark and by hand.
//
//	loadloop -host web-local.localhost http://127.0.0.1:8080/
package main

import (
	"flag"
	"fmt"
	"os"
	"os/signal"
	"sort"
	"syscall"
	"time"

	"github.com/gazr-io/gazr/pkg/deploy/deploytest/load"
)

func main() {
	host := flag.String("host", "", "Host header")
	workers := flag.Int("workers", 4, "concurrent clients")
	max := flag.Duration("max", 10*time.Minute, "stop after this long")
	flag.Parse()
	if flag.NArg() != 1 {
		fmt.Fprintln(os.Stderr, "usage: loadloop [-host h] [-workers n] [-max d] URL")
		os.Exit(2)
	}
	l := load.Start(flag.Arg(0), *host, *workers, *max)
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, syscall.SIGINT, syscall.SIGTERM)
	select {
	case <-sig:
	case <-time.After(*max):
	}
	s := l.Stop()
	fmt.Println(s)
	var bodies []string
	for b := range s.Bodies {
		bodies = append(bodies, b)
	}
	sort.Strings(bodies)
	for _, b := range bodies {
		fmt.Printf("  %6d × %s\n", s.Bodies[b], b)
	}
	for _, e := range s.Errors {
		fmt.Println("  error:", e)
	}
}
