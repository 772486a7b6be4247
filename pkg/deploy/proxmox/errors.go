package proxmox

import (
	"context"
	"crypto/sha256"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"regexp"
	"strings"

	pve "github.com/luthermonson/go-proxmox"
)

// explain says an error of an API call (what: "list the VMs") in one
// line: the env, what failed, and the fix. Set-up mistakes (a token PVE
// refuses, a certificate that is not the one trusted) are deploy.ErrSetup.
func (b *Backend) explain(what string, err error) error {
	env, api := b.env.Name, b.cfg.URL
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return fmt.Errorf("env %s: %s: %w", env, what, err)
	}
	var (
		fe  *FingerprintError
		cve *tls.CertificateVerificationError
		ua  x509.UnknownAuthorityError
		he  x509.HostnameError
		ae  *pve.APIError
		ne  net.Error
		ue  *url.Error
		se  *SilentError
	)
	switch {
	case errors.As(err, &se):
		return fmt.Errorf("env %s: the PVE API at %s did not answer (%s) when asked to %s; check that pveproxy runs there and the cluster is quorate (pvecm status), or raise %s",
			env, api, se, what, TimeoutEnv)
	case errors.As(err, &fe):
		return setupf("env %s: the PVE API at %s is not the host trusted: %v (fingerprint in [env.%s.proxmox]); check url, and the fingerprint the PVE web UI shows (node → System → Certificates)",
			env, api, fe, env)
	case errors.As(err, &ua) && b.cfg.CA != "":
		return setupf("env %s: the PVE API at %s presents a certificate that the CA in %s did not sign (%s); check ca in [env.%s.proxmox] (PVE's is /etc/pve/pve-root-ca.pem) or url",
			env, api, b.cfg.CA, subject(ua.Cert), env)
	case errors.As(err, &ua):
		return setupf("env %s: the PVE API at %s presents a certificate no trusted CA signed (%s; PVE's own is self-signed): set fingerprint = %q in [env.%s.proxmox] once the PVE web UI shows you the same (node → System → Certificates), or ca = \"<pve-root-ca.pem>\"",
			env, api, subject(ua.Cert), presented(cve, err, ua.Cert), env)
	case errors.As(err, &he):
		return setupf("env %s: the PVE API's certificate is not for the host of %s: %v; use the name the certificate holds in url, or set fingerprint in [env.%s.proxmox]",
			env, api, he, env)
	case errors.As(err, &ae) && ae.StatusCode == http.StatusUnauthorized:
		return setupf("env %s: PVE refused the API token in %s (%s): check that it is user@realm!tokenid=secret, that the token exists and has not expired",
			env, b.cfg.TokenEnv, apiWords(ae))
	case errors.As(err, &ae) && ae.StatusCode == http.StatusForbidden:
		return b.forbidden(what, ae)
	case errors.As(err, &ae):
		return fmt.Errorf("env %s: %s: PVE answered %w", env, what, err)
	case errors.As(err, &ne), errors.As(err, &ue):
		return fmt.Errorf("env %s: cannot reach the PVE API at %s to %s: %s; check url in [env.%s.proxmox], and that the host answers from here",
			env, api, what, oneLine(cause(err)), env)
	}
	return fmt.Errorf("env %s: %s: %w", env, what, err)
}

// presented is the fingerprint of the certificate the server presented.
func presented(cve *tls.CertificateVerificationError, err error, leaf *x509.Certificate) string {
	if errors.As(err, &cve) && len(cve.UnverifiedCertificates) > 0 {
		leaf = cve.UnverifiedCertificates[0]
	}
	if leaf == nil {
		return "AA:BB:…"
	}
	sum := sha256.Sum256(leaf.Raw)
	return Fingerprint(sum[:])
}

func subject(c *x509.Certificate) string {
	if c == nil {
		return "no certificate"
	}
	return "issued by " + c.Issuer.String()
}

// cause is the innermost words of a transport error, without Go's
// `Get "https://…": ` prefix (the message names the API already).
func cause(err error) string {
	var ue *url.Error
	if errors.As(err, &ue) {
		return ue.Err.Error()
	}
	return err.Error()
}

func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

// apiWords is what PVE answered, "401 Authentication failed!", without
// go-proxmox's prefix.
func apiWords(ae *pve.APIError) string {
	return oneLine(fmt.Sprintf("%d %s", ae.StatusCode, ae.Message))
}

// permRE reads PVE's 403: "Permission check failed (/vms/100, VM.Clone)",
// several privileges any of which would do joined by '|'.
var permRE = regexp.MustCompile(`^(Permission check failed) \((/[^,]*), ([A-Za-z.|]+)\)$`)

// forbidden says which privilege the token lacks on which path, and
// where to grant it.
func (b *Backend) forbidden(what string, ae *pve.APIError) error {
	env := b.env.Name
	m := permRE.FindStringSubmatch(oneLine(ae.Message))
	if m == nil {
		return fmt.Errorf("env %s: %s: the API token may not (%s); grant its user (and the token, if its privileges are separated) the privileges docs/deploy-proxmox.md lists, on / or the env's pool",
			env, what, apiWords(ae))
	}
	privs, grant := strings.Split(m[3], "|"), "it"
	if len(privs) > 1 {
		grant = "one of them"
	}
	return fmt.Errorf("env %s: %s: the API token lacks %s on %s (%d %s); grant %s to the token's user (and to the token, if its privileges are separated) on that path, / or the env's pool: docs/deploy-proxmox.md lists the privileges gazr needs",
		env, what, strings.Join(privs, " or "), m[2], ae.StatusCode, m[1], grant)
}
