// Package mailtest runs a real SMTP server inside a test and records the
// messages it receives, decoded, so that tests can assert what a person
// would read. It is used by the tests of mail, queue and the packages that
// send email.
package mailtest

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"log"
	"math/big"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net"
	netmail "net/mail"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"
)

// Config says how the server behaves. The zero value is a plain server on
// a free port of 127.0.0.1 that accepts mail without authentication.
type Config struct {
	// Addr is the address to listen on; empty means 127.0.0.1:0.
	Addr string
	// TLS makes the server offer STARTTLS with a certificate for 127.0.0.1
	// that only Server.RootCAs trusts.
	TLS bool
	// Username and Password, when set, make the server require AUTH PLAIN
	// with them before it accepts mail.
	Username, Password string
}

// Received is one message as the server received it.
type Received struct {
	From string   // envelope sender (MAIL FROM)
	To   []string // envelope recipients (RCPT TO)
	Raw  []byte   // the message as sent

	Header  netmail.Header
	Subject string // decoded
	Text    string // the first text/plain part, decoded
	HTML    string // the first text/html part, decoded
	Parts   []Part // every leaf MIME part, in order
}

// Part is one leaf MIME part of a Received message.
type Part struct {
	ContentType string // the full header value, parameters included
	Disposition string // the full Content-Disposition, if any
	Body        []byte // decoded
}

// Server is a running SMTP server. Its methods are safe for concurrent use.
type Server struct {
	// Addr is the host:port the server listens on.
	Addr string

	cfg     Config
	rootCAs *x509.CertPool
	srv     *smtp.Server

	mu       sync.Mutex
	received []Received
	changed  chan struct{} // closed and replaced when a message arrives
}

// Start starts a server and stops it when the test ends.
func Start(tb testing.TB, cfg Config) *Server {
	tb.Helper()
	addr := cfg.Addr
	if addr == "" {
		addr = "127.0.0.1:0"
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		tb.Fatalf("mailtest: listen: %v", err)
	}
	s := &Server{Addr: ln.Addr().String(), cfg: cfg, changed: make(chan struct{})}

	srv := smtp.NewServer(smtp.BackendFunc(func(*smtp.Conn) (smtp.Session, error) {
		return &session{server: s}, nil
	}))
	srv.Domain = "mailtest.localhost"
	srv.ReadTimeout = 10 * time.Second
	srv.WriteTimeout = 10 * time.Second
	srv.AllowInsecureAuth = !cfg.TLS
	// Failed handshakes are expected in tests of failures; the client's
	// error says what happened.
	srv.ErrorLog = log.New(io.Discard, "", 0)
	if cfg.TLS {
		cert, pool, err := selfSignedCert()
		if err != nil {
			tb.Fatalf("mailtest: certificate: %v", err)
		}
		srv.TLSConfig = &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12}
		s.rootCAs = pool
	}
	s.srv = srv

	done := make(chan struct{})
	go func() {
		defer close(done)
		_ = srv.Serve(ln) // returns when Close is called
	}()
	tb.Cleanup(func() {
		_ = srv.Close()
		// Close misses the listener if Serve has not registered it yet.
		_ = ln.Close()
		<-done
	})
	return s
}

// RootCAs returns a pool that trusts the server's certificate, or nil when
// the server has no TLS.
func (s *Server) RootCAs() *x509.CertPool {
	return s.rootCAs
}

// Messages returns the messages received so far, oldest first.
func (s *Server) Messages() []Received {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Received(nil), s.received...)
}

// Wait waits until the server has received at least n messages and returns
// all of them. It fails the test if that takes longer than timeout.
func (s *Server) Wait(tb testing.TB, n int, timeout time.Duration) []Received {
	tb.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	for {
		s.mu.Lock()
		got, changed := len(s.received), s.changed
		s.mu.Unlock()
		if got >= n {
			return s.Messages()
		}
		select {
		case <-changed:
		case <-ctx.Done():
			tb.Fatalf("mailtest: got %d messages after %v, want %d", got, timeout, n)
		}
	}
}

func (s *Server) record(r Received) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.received = append(s.received, r)
	close(s.changed)
	s.changed = make(chan struct{})
}

// session is one SMTP connection.
type session struct {
	server *Server
	authed bool
	from   string
	to     []string
}

func (se *session) AuthMechanisms() []string {
	if se.server.cfg.Username == "" {
		return nil
	}
	return []string{sasl.Plain}
}

func (se *session) Auth(mech string) (sasl.Server, error) {
	if mech != sasl.Plain || se.server.cfg.Username == "" {
		return nil, smtp.ErrAuthUnknownMechanism
	}
	return sasl.NewPlainServer(func(_, username, password string) error {
		if username != se.server.cfg.Username || password != se.server.cfg.Password {
			return smtp.ErrAuthFailed
		}
		se.authed = true
		return nil
	}), nil
}

func (se *session) Mail(from string, _ *smtp.MailOptions) error {
	if se.server.cfg.Username != "" && !se.authed {
		return smtp.ErrAuthRequired
	}
	se.from = from
	return nil
}

func (se *session) Rcpt(to string, _ *smtp.RcptOptions) error {
	se.to = append(se.to, to)
	return nil
}

func (se *session) Data(r io.Reader) error {
	raw, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	rec, err := parse(raw)
	if err != nil {
		// Refuse what the test could not read, so the sender sees it.
		return &smtp.SMTPError{Code: 554, EnhancedCode: smtp.EnhancedCode{5, 6, 0}, Message: "mailtest: " + err.Error()}
	}
	rec.From, rec.To = se.from, se.to
	se.server.record(rec)
	return nil
}

func (se *session) Reset() {
	se.from, se.to = "", nil
}

func (se *session) Logout() error { return nil }

// parse decodes a raw message into a Received.
func parse(raw []byte) (Received, error) {
	msg, err := netmail.ReadMessage(bytes.NewReader(raw))
	if err != nil {
		return Received{}, fmt.Errorf("read message: %w", err)
	}
	rec := Received{Raw: raw, Header: msg.Header}
	dec := new(mime.WordDecoder)
	if rec.Subject, err = dec.DecodeHeader(msg.Header.Get("Subject")); err != nil {
		return Received{}, fmt.Errorf("decode subject: %w", err)
	}
	header := map[string][]string(msg.Header)
	if err := walk(&rec, header, msg.Body); err != nil {
		return Received{}, err
	}
	return rec, nil
}

// walk appends the leaf parts of one MIME entity to rec.
func walk(rec *Received, header map[string][]string, body io.Reader) error {
	get := func(key string) string {
		if v := header[key]; len(v) > 0 {
			return v[0]
		}
		return ""
	}
	contentType := get("Content-Type")
	if contentType == "" {
		contentType = "text/plain; charset=us-ascii"
	}
	mediaType, params, err := mime.ParseMediaType(contentType)
	if err != nil {
		return fmt.Errorf("content type %q: %w", contentType, err)
	}
	if strings.HasPrefix(mediaType, "multipart/") {
		mr := multipart.NewReader(body, params["boundary"])
		for {
			p, err := mr.NextRawPart()
			if errors.Is(err, io.EOF) {
				return nil
			}
			if err != nil {
				return fmt.Errorf("next part: %w", err)
			}
			if err := walk(rec, p.Header, p); err != nil {
				return err
			}
		}
	}

	switch enc := strings.ToLower(get("Content-Transfer-Encoding")); enc {
	case "quoted-printable":
		body = quotedprintable.NewReader(body)
	case "base64":
		body = base64.NewDecoder(base64.StdEncoding, &crlfStripper{r: body})
	case "", "7bit", "8bit", "binary":
	default:
		return fmt.Errorf("unknown transfer encoding %q", enc)
	}
	data, err := io.ReadAll(body)
	if err != nil {
		return fmt.Errorf("decode %s part: %w", mediaType, err)
	}
	part := Part{ContentType: contentType, Disposition: get("Content-Disposition"), Body: data}
	rec.Parts = append(rec.Parts, part)
	if part.Disposition == "" || strings.HasPrefix(part.Disposition, "inline") {
		switch {
		case mediaType == "text/plain" && rec.Text == "":
			rec.Text = normalizeNewlines(data)
		case mediaType == "text/html" && rec.HTML == "":
			rec.HTML = normalizeNewlines(data)
		}
	}
	return nil
}

// normalizeNewlines turns the CRLF line endings of the wire into \n.
func normalizeNewlines(b []byte) string {
	return strings.ReplaceAll(string(b), "\r\n", "\n")
}

// crlfStripper drops line breaks from base64 text, which the base64
// decoder does not accept.
type crlfStripper struct{ r io.Reader }

func (c *crlfStripper) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	j := 0
	for _, b := range p[:n] {
		if b != '\r' && b != '\n' {
			p[j] = b
			j++
		}
	}
	return j, err
}

// selfSignedCert makes a short-lived certificate for 127.0.0.1 and
// localhost, and a pool that trusts it.
func selfSignedCert() (tls.Certificate, *x509.CertPool, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return tls.Certificate{}, nil, err
	}
	tmpl := &x509.Certificate{
		SerialNumber:          big.NewInt(1),
		Subject:               pkix.Name{CommonName: "mailtest"},
		NotBefore:             time.Now().Add(-time.Hour),
		NotAfter:              time.Now().Add(24 * time.Hour),
		KeyUsage:              x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		BasicConstraintsValid: true,
		IsCA:                  true,
		IPAddresses:           []net.IP{net.IPv4(127, 0, 0, 1)},
		DNSNames:              []string{"localhost"},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return tls.Certificate{}, nil, err
	}
	leaf, err := x509.ParseCertificate(der)
	if err != nil {
		return tls.Certificate{}, nil, err
	}
	pool := x509.NewCertPool()
	pool.AddCert(leaf)
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key, Leaf: leaf}, pool, nil
}
