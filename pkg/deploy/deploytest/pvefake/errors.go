package pvefake

import (
	"bufio"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// apiError is an error the API answers, as pveproxy does: the status
// line's reason phrase is the message's first line; a JSON body
// {"data":null,"message":…} (with "errors" for parameter errors) unless
// noBody (authentication and proxy failures answer none).
type apiError struct {
	status int
	msg    string // with its trailing newline, as PVE's die messages
	errors map[string]string
	noBody bool
}

func (e *apiError) Error() string { return strconv.Itoa(e.status) + " " + e.reason() }

// reason is the status line's reason phrase.
func (e *apiError) reason() string {
	line, _, _ := strings.Cut(e.msg, "\n")
	line = strings.TrimRight(line, "\r")
	if line == "" {
		return http.StatusText(e.status)
	}
	return line
}

// fail is a plain die in an API handler: 500 with the message.
func fail(format string, args ...any) *apiError {
	return &apiError{status: http.StatusInternalServerError, msg: fmt.Sprintf(format, args...) + "\n"}
}

// notExist is load_config's answer for a VM not on node.
func notExist(node string, vmid int) *apiError {
	return fail("Configuration file 'nodes/%s/qemu-server/%d.conf' does not exist", node, vmid)
}

// paramError is raise_param_exc: 400 with per-parameter messages.
func paramError(errs map[string]string) *apiError {
	return &apiError{status: http.StatusBadRequest, msg: "Parameter verification failed.\n", errors: errs}
}

// paramErr is paramError for one parameter.
func paramErr(name, format string, args ...any) *apiError {
	return paramError(map[string]string{name: fmt.Sprintf(format, args...)})
}

// permError is raise_perm_exc: 403 "Permission check failed (what)".
func permError(what string) *apiError {
	msg := "Permission check failed"
	if what != "" {
		msg += " (" + what + ")"
	}
	return &apiError{status: http.StatusForbidden, msg: msg + "\n"}
}

// unauthorized is pveproxy's 401, with no body.
func unauthorized(msg string) *apiError {
	return &apiError{status: http.StatusUnauthorized, msg: msg + "\n", noBody: true}
}

// notImplemented is the answer for a method and path PVE (or the fake)
// has no handler for.
func notImplemented(method, path string) *apiError {
	return &apiError{status: http.StatusNotImplemented, msg: fmt.Sprintf("Method '%s %s' not implemented\n", method, path)}
}

// unreachableNode is pveproxy's answer when the node a request is proxied
// to does not answer (AnyEvent::HTTP's pseudo-status 595).
func unreachableNode() *apiError {
	return &apiError{status: 595, msg: "No route to host\n", noBody: true}
}

// body is the error's JSON body.
func (e *apiError) body() []byte {
	if e.noBody {
		return nil
	}
	out := map[string]any{"data": nil, "message": e.msg}
	if len(e.errors) > 0 {
		out["errors"] = e.errors
	}
	b, _ := json.Marshal(out)
	return b
}

// writeError answers e with its own reason phrase, which net/http's
// ResponseWriter cannot write: the connection is taken over, the
// response written by hand and the connection closed (pveproxy closes
// every connection after an error too).
func writeError(w http.ResponseWriter, e *apiError) {
	body := e.body()
	hj, ok := w.(http.Hijacker)
	if !ok {
		writeHeaders(w.Header(), len(body))
		w.WriteHeader(e.status)
		_, _ = w.Write(body)
		return
	}
	conn, rw, err := hj.Hijack()
	if err != nil {
		return
	}
	defer conn.Close()
	h := http.Header{}
	writeHeaders(h, len(body))
	h.Set("Connection", "close")
	writeRaw(rw.Writer, e.status, e.reason(), h, body)
	_ = rw.Flush()
}

func writeRaw(w *bufio.Writer, status int, reason string, h http.Header, body []byte) {
	fmt.Fprintf(w, "HTTP/1.1 %d %s\r\n", status, reason)
	_ = h.Write(w)
	_, _ = w.WriteString("\r\n")
	_, _ = w.Write(body)
}

// writeHeaders sets pveproxy's headers for a JSON answer of n bytes.
func writeHeaders(h http.Header, n int) {
	date := time.Now().UTC().Format(http.TimeFormat)
	h.Set("Server", "pve-api-daemon/3.0")
	h.Set("Date", date)
	h.Set("Expires", date)
	h.Set("Cache-Control", "max-age=0")
	h.Set("Pragma", "no-cache")
	h.Set("Content-Length", strconv.Itoa(n))
	if n > 0 {
		h.Set("Content-Type", "application/json;charset=UTF-8")
	}
}

// writeData answers 200 with {"data": data} (and "total" when set).
func writeData(w http.ResponseWriter, data any, total int) {
	out := map[string]any{"data": data}
	if total > 0 {
		out["total"] = total
	}
	b, err := json.Marshal(out)
	if err != nil {
		writeError(w, fail("internal error: %v", err))
		return
	}
	writeHeaders(w.Header(), len(b))
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(b)
}
