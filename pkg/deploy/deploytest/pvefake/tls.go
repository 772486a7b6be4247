package pvefake

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"fmt"
	"math/big"
	"net"
	"strings"
	"time"
)

// certs are the fake's TLS identity, made as a PVE cluster makes its
// own: a cluster CA ("Proxmox Virtual Environment", the pve-root-ca.pem
// users trust) signing the node's certificate (pve-ssl.pem).
type certs struct {
	caPEM   []byte
	leafPEM []byte
	leafDER []byte
	tls     tls.Certificate
}

// newCerts makes a CA and a certificate for host (and the other node
// names, localhost, 127.0.0.1 and ::1). ECDSA P-256 rather than PVE's
// RSA 2048, to keep New fast.
func newCerts(host string, names []string) certs {
	now := time.Now()
	caKey := mustKey()
	ca := &x509.Certificate{
		SerialNumber:          serial(),
		Subject:               pkix.Name{CommonName: "Proxmox Virtual Environment", OrganizationalUnit: []string{randHex(32)}, Organization: []string{"PVE Cluster Manager CA"}},
		NotBefore:             now.Add(-time.Hour),
		NotAfter:              now.Add(10 * 365 * 24 * time.Hour),
		IsCA:                  true,
		BasicConstraintsValid: true,
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageCRLSign,
	}
	caDER, err := x509.CreateCertificate(rand.Reader, ca, ca, &caKey.PublicKey, caKey)
	if err != nil {
		panic(fmt.Sprintf("pvefake: CA certificate: %v", err))
	}
	ca, _ = x509.ParseCertificate(caDER)
	key := mustKey()
	leaf := &x509.Certificate{
		SerialNumber: serial(),
		Subject:      pkix.Name{CommonName: host + ".gazr.test", Organization: []string{"PVE Cluster Node"}, OrganizationalUnit: []string{"PVE Cluster Node"}},
		NotBefore:    now.Add(-time.Hour),
		NotAfter:     now.Add(2 * 365 * 24 * time.Hour),
		KeyUsage:     x509.KeyUsageDigitalSignature | x509.KeyUsageKeyEncipherment,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		DNSNames:     append([]string{"localhost", host + ".gazr.test"}, names...),
		IPAddresses:  []net.IP{net.IPv4(127, 0, 0, 1), net.IPv6loopback},
	}
	der, err := x509.CreateCertificate(rand.Reader, leaf, ca, &key.PublicKey, caKey)
	if err != nil {
		panic(fmt.Sprintf("pvefake: node certificate: %v", err))
	}
	keyDER, _ := x509.MarshalECPrivateKey(key)
	leafPEM := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})
	pair, err := tls.X509KeyPair(leafPEM, pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: keyDER}))
	if err != nil {
		panic(fmt.Sprintf("pvefake: key pair: %v", err))
	}
	return certs{
		caPEM:   pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: caDER}),
		leafPEM: leafPEM,
		leafDER: der,
		tls:     pair,
	}
}

func mustKey() *ecdsa.PrivateKey {
	k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		panic(fmt.Sprintf("pvefake: key: %v", err))
	}
	return k
}

func serial() *big.Int {
	n, _ := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 62))
	return n
}

// CACertPEM is the cluster CA's certificate (PEM), as
// /etc/pve/pve-root-ca.pem: what a client given a CA file trusts.
func (f *Fake) CACertPEM() []byte { return append([]byte(nil), f.cert.caPEM...) }

// CertPEM is the certificate the server presents (PEM), as
// /etc/pve/local/pve-ssl.pem.
func (f *Fake) CertPEM() []byte { return append([]byte(nil), f.cert.leafPEM...) }

// Fingerprint is the SHA-256 fingerprint of the server's certificate as
// PVE shows it (upper-case hex pairs joined by colons, "AA:BB:…").
func (f *Fake) Fingerprint() string { return Fingerprint(f.cert.leafDER) }

// Fingerprint formats the SHA-256 of a DER certificate as PVE does.
func Fingerprint(der []byte) string {
	sum := sha256.Sum256(der)
	parts := make([]string, len(sum))
	for i, b := range sum {
		parts[i] = fmt.Sprintf("%02X", b)
	}
	return strings.Join(parts, ":")
}
