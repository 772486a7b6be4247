package image

import (
	"context"
	"crypto/rand"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"

	"github.com/gazr-io/gazr/pkg/registryauth"
)

// A BuildKit session is a connection gazr opens to the engine (POST
// /session, upgraded to h2c) on which the roles are reversed: the engine
// is a gRPC client and gazr answers its calls. gazr answers three: the
// health check the engine makes every few seconds, the content of a build
// secret (RUN --mount=type=secret), and a registry's credentials (base
// images pulled by BuildKit). The build names the session by its id.
//
// gRPC here is HTTP/2 with prior knowledge, each message framed by a flag
// byte and a 4-byte length, the status in the trailers: Go's own HTTP/2
// server serves it, and wire.go reads and writes the messages.

// Methods gazr's session answers, as the engine calls them.
const (
	methodHealth      = "/grpc.health.v1.Health/Check"
	methodSecret      = "/moby.buildkit.secrets.v1.Secrets/GetSecret"
	methodCredentials = "/moby.filesync.v1.Auth/Credentials"
)

// gRPC status codes used in answers.
const (
	grpcOK            = 0
	grpcNotFound      = 5
	grpcUnimplemented = 12
	grpcInternal      = 13
)

// BuildSecret is where a build secret's content comes from: the file File,
// or else gazr's environment variable Env, or else Value itself. It is
// read when the build asks for it.
type BuildSecret struct {
	File  string
	Env   string
	Value []byte
}

// read returns the secret's content.
func (s BuildSecret) read() ([]byte, error) {
	switch {
	case s.File != "":
		return os.ReadFile(s.File)
	case s.Env != "":
		v, ok := os.LookupEnv(s.Env)
		if !ok {
			return nil, fmt.Errorf("environment variable %s is not set", s.Env)
		}
		return []byte(v), nil
	}
	return s.Value, nil
}

// hijacker opens the session's connection.
type hijacker interface {
	DialHijack(ctx context.Context, url, proto string, meta map[string][]string) (net.Conn, error)
}

// session is one build's BuildKit session, served until close.
type session struct {
	id      string
	secrets map[string]BuildSecret
	srv     *http.Server
	done    chan struct{}
}

// startSession opens a session for a build of dir and serves it in the
// background.
func startSession(ctx context.Context, api hijacker, dir string, secrets map[string]BuildSecret) (*session, error) {
	s := &session{id: randomID(), secrets: secrets, done: make(chan struct{})}
	meta := map[string][]string{
		"X-Docker-Expose-Session-Uuid":        {s.id},
		"X-Docker-Expose-Session-Name":        {filepath.Base(dir)},
		"X-Docker-Expose-Session-Sharedkey":   {randomID()},
		"X-Docker-Expose-Session-Grpc-Method": {methodHealth, methodSecret, methodCredentials},
	}
	conn, err := api.DialHijack(ctx, "/session", "h2c", meta)
	if err != nil {
		return nil, fmt.Errorf("open a BuildKit session: %w", err)
	}
	var protocols http.Protocols
	protocols.SetUnencryptedHTTP2(true)
	s.srv = &http.Server{Handler: http.HandlerFunc(s.serve), Protocols: &protocols}
	go func() {
		defer close(s.done)
		s.srv.Serve(&oneConnListener{conn: conn, closed: make(chan struct{})})
	}()
	return s, nil
}

// close ends the session and waits for its server.
func (s *session) close() {
	s.srv.Close()
	<-s.done
}

// serve answers one gRPC call.
func (s *session) serve(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/grpc")
	w.WriteHeader(http.StatusOK)
	req, err := readGRPC(r.Body)
	if err != nil {
		finishGRPC(w, grpcInternal, "read request: "+err.Error())
		return
	}
	var resp []byte
	switch r.URL.Path {
	case methodHealth:
		resp = appendVarintField(nil, 1, 1) // status: SERVING
	case methodSecret:
		resp, err = s.secret(req)
	case methodCredentials:
		resp, err = credentials(req)
	default:
		finishGRPC(w, grpcUnimplemented, "gazr does not serve "+r.URL.Path)
		return
	}
	if err != nil {
		var ce *codeError
		if errors.As(err, &ce) {
			finishGRPC(w, ce.code, ce.msg)
			return
		}
		finishGRPC(w, grpcInternal, err.Error())
		return
	}
	frame := make([]byte, 5, 5+len(resp))
	binary.BigEndian.PutUint32(frame[1:], uint32(len(resp)))
	w.Write(append(frame, resp...))
	finishGRPC(w, grpcOK, "")
}

// secret answers GetSecret: ID is field 1 of the request, data field 1 of
// the answer.
func (s *session) secret(req []byte) ([]byte, error) {
	var id string
	eachField(req, func(f wireField) error {
		if f.Num == 1 && f.Type == wireBytes {
			id = string(f.Bytes)
		}
		return nil
	})
	src, ok := s.secrets[id]
	if !ok {
		return nil, &codeError{grpcNotFound, fmt.Sprintf("secret %q is not given to the build", id)}
	}
	data, err := src.read()
	if err != nil {
		return nil, &codeError{grpcNotFound, fmt.Sprintf("secret %q: %v", id, err)}
	}
	return appendBytesField(nil, 1, data), nil
}

// credentials answers Auth.Credentials from the docker config: Host is
// field 1 of the request; Username and Secret fields 1 and 2 of the
// answer, an identity token going as the secret with no user name.
func credentials(req []byte) ([]byte, error) {
	var host string
	eachField(req, func(f wireField) error {
		if f.Num == 1 && f.Type == wireBytes {
			host = string(f.Bytes)
		}
		return nil
	})
	cfg, err := registryauth.Load()
	if err != nil {
		return nil, err
	}
	c, err := cfg.Get(host)
	if err != nil {
		return nil, err
	}
	user, secret := c.Username, c.Password
	if c.IdentityToken != "" {
		user, secret = "", c.IdentityToken
	}
	return appendBytesField(appendBytesField(nil, 1, []byte(user)), 2, []byte(secret)), nil
}

// codeError is an answer with a gRPC status other than OK.
type codeError struct {
	code int
	msg  string
}

func (e *codeError) Error() string { return e.msg }

// readGRPC reads a request's one message.
func readGRPC(body io.Reader) ([]byte, error) {
	var head [5]byte
	if _, err := io.ReadFull(body, head[:]); err != nil {
		return nil, err
	}
	if head[0] != 0 {
		return nil, errors.New("compressed messages are not supported")
	}
	size := binary.BigEndian.Uint32(head[1:])
	if size > 1<<20 {
		return nil, fmt.Errorf("message of %d bytes is too large", size)
	}
	msg := make([]byte, size)
	_, err := io.ReadFull(body, msg)
	return msg, err
}

// finishGRPC sets the call's status in the trailers (gRPC's message is
// percent-encoded outside printable ASCII).
func finishGRPC(w http.ResponseWriter, code int, msg string) {
	w.Header().Set(http.TrailerPrefix+"Grpc-Status", strconv.Itoa(code))
	if msg != "" {
		var b strings.Builder
		for i := 0; i < len(msg); i++ {
			if c := msg[i]; c < 0x20 || c > 0x7e || c == '%' {
				fmt.Fprintf(&b, "%%%02X", c)
			} else {
				b.WriteByte(c)
			}
		}
		w.Header().Set(http.TrailerPrefix+"Grpc-Message", b.String())
	}
}

// randomID is 128 random bits in hex.
func randomID() string {
	b := make([]byte, 16)
	rand.Read(b)
	return hex.EncodeToString(b)
}

// oneConnListener hands out one connection, then blocks until closed.
type oneConnListener struct {
	mu     sync.Mutex
	conn   net.Conn
	closed chan struct{}
	once   sync.Once
}

func (l *oneConnListener) Accept() (net.Conn, error) {
	l.mu.Lock()
	c := l.conn
	l.conn = nil
	l.mu.Unlock()
	if c != nil {
		return c, nil
	}
	<-l.closed
	return nil, net.ErrClosed
}

func (l *oneConnListener) Close() error {
	l.once.Do(func() { close(l.closed) })
	return nil
}

func (l *oneConnListener) Addr() net.Addr { return sessionAddr{} }

// sessionAddr names the session's connection.
type sessionAddr struct{}

func (sessionAddr) Network() string { return "session" }
func (sessionAddr) String() string  { return "buildkit-session" }
