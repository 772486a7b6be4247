package proxmox

import (
	"bytes"
	"crypto/sha256"
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"net/http"
	"os"
	"strconv"
	"strings"
	"time"

	pve "github.com/luthermonson/go-proxmox"

	"github.com/gazr-io/gazr/pkg/config"
)

// TimeoutEnv names the variable that bounds one API request (a Go
// duration or whole seconds; default DefaultTimeouts.Request), as
// GAZR_AWS_TIMEOUT does for AWS.
const TimeoutEnv = "GAZR_PVE_TIMEOUT"

// requestBound reads TimeoutEnv's value; def when empty or not a
// positive duration.
func requestBound(v string, def time.Duration) time.Duration {
	v = strings.TrimSpace(v)
	if n, err := strconv.Atoi(v); err == nil && n > 0 {
		return time.Duration(n) * time.Second
	}
	if d, err := time.ParseDuration(v); err == nil && d > 0 {
		return d
	}
	return def
}

// client returns the API client, built on first use: the token from the
// variable token_env names, TLS trust from ca, fingerprint or insecure.
func (b *Backend) client() (*pve.Client, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.c != nil {
		return b.c, nil
	}
	id, secret, err := token(b.env.Name, b.cfg.TokenEnv, b.getenv(b.cfg.TokenEnv))
	if err != nil {
		return nil, err
	}
	hc, err := httpClient(b.env.Name, b.cfg, b.timeouts.Request)
	if err != nil {
		return nil, err
	}
	b.c = pve.NewClient(apiBase(b.cfg.URL), pve.WithHTTPClient(hc), pve.WithAPIToken(id, secret), pve.WithUserAgent("gazr"))
	return b.c, nil
}

// apiBase is the API's base URL: url with /api2/json, which users
// usually leave out ("https://pve1:8006").
func apiBase(u string) string {
	u = strings.TrimRight(u, "/")
	if strings.HasSuffix(u, "/api2/json") {
		return u
	}
	return u + "/api2/json"
}

// token splits the API token "user@realm!tokenid=secret" read from the
// variable name.
func token(env, name, value string) (id, secret string, err error) {
	value = strings.TrimSpace(value)
	if value == "" {
		return "", "", setupf("env %s: %s is not set: export %s=user@realm!tokenid=secret, the API token (Datacenter → Permissions → API Tokens)", env, name, name)
	}
	id, secret, ok := strings.Cut(strings.TrimPrefix(value, "PVEAPIToken="), "=")
	user, tokenID, bang := strings.Cut(id, "!")
	if !ok || !bang || secret == "" || tokenID == "" || !strings.Contains(user, "@") {
		return "", "", setupf("env %s: %s must hold the API token as user@realm!tokenid=secret (e.g. gazr@pve!deploy=8f1c…), not %s", env, name, shape(value))
	}
	return id, secret, nil
}

// shape describes a malformed secret without showing it.
func shape(v string) string {
	return fmt.Sprintf("a value of %d characters", len(v))
}

// httpClient trusts the API's certificate as the table says: the CA in
// ca, or exactly the certificate whose SHA-256 fingerprint is
// fingerprint, or anything when insecure; else the system's roots. Each
// request gets bound to answer (a *SilentError past it).
func httpClient(env string, p config.Proxmox, bound time.Duration) (*http.Client, error) {
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tc := &tls.Config{MinVersion: tls.VersionTLS12}
	switch {
	case p.Insecure:
		tc.InsecureSkipVerify = true
	case p.Fingerprint != "":
		want, err := parseFingerprint(p.Fingerprint)
		if err != nil {
			return nil, setupf("env %s: fingerprint in [env.%s.proxmox]: %v", env, env, err)
		}
		// The certificate is checked against the fingerprint instead of
		// a chain (PVE's own is self-signed); VerifyConnection runs on
		// every connection, resumed ones too.
		tc.InsecureSkipVerify = true
		tc.VerifyConnection = func(cs tls.ConnectionState) error {
			if len(cs.PeerCertificates) == 0 {
				return &FingerprintError{Want: want}
			}
			got := sha256.Sum256(cs.PeerCertificates[0].Raw)
			if !bytes.Equal(got[:], want) {
				return &FingerprintError{Want: want, Got: got[:]}
			}
			return nil
		}
	case p.CA != "":
		pem, err := os.ReadFile(p.CA)
		if err != nil {
			return nil, setupf("env %s: ca in [env.%s.proxmox]: %v", env, env, err)
		}
		pool := x509.NewCertPool()
		if !pool.AppendCertsFromPEM(pem) {
			return nil, setupf("env %s: ca in [env.%s.proxmox]: %s holds no PEM certificate (PVE's is /etc/pve/pve-root-ca.pem)", env, env, p.CA)
		}
		tc.RootCAs = pool
	}
	tr.TLSClientConfig = tc
	return &http.Client{Transport: bounded{tr, bound}}, nil
}

// FingerprintError: the API presented a certificate whose SHA-256
// fingerprint is not the one configured.
type FingerprintError struct{ Want, Got []byte }

func (e *FingerprintError) Error() string {
	if e.Got == nil {
		return "the server presented no certificate"
	}
	return fmt.Sprintf("the server's certificate has the SHA-256 fingerprint %s, not %s", Fingerprint(e.Got), Fingerprint(e.Want))
}

// Fingerprint writes a SHA-256 sum as the PVE web UI shows it, AA:BB:….
func Fingerprint(sum []byte) string {
	parts := make([]string, len(sum))
	for i, c := range sum {
		parts[i] = fmt.Sprintf("%02X", c)
	}
	return strings.Join(parts, ":")
}

// parseFingerprint reads "AA:BB:…" (32 pairs, either case).
func parseFingerprint(s string) ([]byte, error) {
	parts := strings.Split(s, ":")
	if len(parts) != sha256.Size {
		return nil, fmt.Errorf("want 32 hex pairs AA:BB:…, got %d", len(parts))
	}
	out := make([]byte, len(parts))
	for i, p := range parts {
		if _, err := fmt.Sscanf(p, "%02x", &out[i]); err != nil || len(p) != 2 {
			return nil, fmt.Errorf("%q is not a hex pair", p)
		}
	}
	return out, nil
}
