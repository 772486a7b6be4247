// Command gazr-aws is gazr's AWS helper: the only code of gazr that links
// the AWS SDK (aws-sdk-go-v2: config, ec2, autoscaling, ecr), kept out of
// the gazr binary whose every start would pay the SDK's package init.
//
// One process per call: gazr writes one JSON request (proto.go, a copy of
// gazr's pkg/deploy/aws/awsproto) on stdin, gazr-aws writes one JSON
// response on stdout and exits 0, also when AWS refused the call (the
// response's error says why, in one line). Usage:
//
//	gazr-aws              (a request on stdin, a response on stdout)
//	gazr-aws --protocol   (prints the protocol version gazr checks)
//
// Exit code 2, with one line on stderr, is for input it cannot use: no
// JSON, or a request of another protocol version. A call is bounded by a
// deadline, 60 s unless GAZR_AWS_TIMEOUT says otherwise ("90s", "2m");
// SIGINT and SIGTERM cancel it.
package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strconv"
	"syscall"
	"time"
)

// defaultTimeout bounds a whole call: credentials, retries and pages.
const defaultTimeout = 60 * time.Second

// maxRequest bounds what is read from stdin: a request is a few KiB.
const maxRequest = 1 << 20

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr, defaultSettings())
	stop()
	os.Exit(code)
}

// run serves one invocation and returns the exit code.
func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer, s settings) int {
	switch {
	case len(args) == 1 && args[0] == "--protocol":
		fmt.Fprintln(stdout, Version)
		return 0
	case len(args) > 0:
		fmt.Fprintf(stderr, "gazr-aws: unexpected argument %q; usage: gazr-aws [--protocol], with a JSON request on stdin\n", args[0])
		return 2
	}
	timeout, err := callTimeout(os.Getenv("GAZR_AWS_TIMEOUT"))
	if err != nil {
		fmt.Fprintf(stderr, "gazr-aws: %v\n", err)
		return 2
	}
	req, err := readRequest(stdin)
	if err != nil {
		fmt.Fprintf(stderr, "gazr-aws: %v\n", err)
		return 2
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	s.timeout = timeout
	resp := serve(ctx, req, s)
	resp.Version = Version
	enc := json.NewEncoder(stdout)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(resp); err != nil {
		fmt.Fprintf(stderr, "gazr-aws: writing the response: %v\n", err)
		return 1
	}
	return 0
}

// callTimeout reads GAZR_AWS_TIMEOUT: a Go duration, or whole seconds.
func callTimeout(v string) (time.Duration, error) {
	if v == "" {
		return defaultTimeout, nil
	}
	d, err := time.ParseDuration(v)
	if err != nil {
		n, nerr := strconv.Atoi(v)
		if nerr != nil {
			return 0, fmt.Errorf("GAZR_AWS_TIMEOUT=%q is not a duration (\"90s\", \"2m\")", v)
		}
		d = time.Duration(n) * time.Second
	}
	if d <= 0 {
		return 0, fmt.Errorf("GAZR_AWS_TIMEOUT=%q must be positive", v)
	}
	return d, nil
}

// readRequest decodes the one request on r. Unknown fields are allowed (a
// gazr of the same protocol may say more than this helper reads); another
// version is refused.
func readRequest(r io.Reader) (Request, error) {
	var req Request
	data, err := io.ReadAll(io.LimitReader(r, maxRequest+1))
	if err != nil {
		return req, fmt.Errorf("reading the request on stdin: %v", err)
	}
	if len(data) > maxRequest {
		return req, fmt.Errorf("the request on stdin is larger than %d bytes", maxRequest)
	}
	if err := json.Unmarshal(data, &req); err != nil {
		return req, fmt.Errorf("the request on stdin is not protocol JSON: %v", err)
	}
	if req.Version != Version {
		return req, fmt.Errorf("request of protocol version %d, this gazr-aws speaks %d: install the gazr-aws of the same release as gazr", req.Version, Version)
	}
	return req, nil
}
