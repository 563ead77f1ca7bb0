package mail

import (
	"bytes"
	"cmp"
	"context"
	"crypto/rand"
	"crypto/tls"
	"errors"
	"fmt"
	netmail "net/mail"
	"net/url"
	"strconv"
	"strings"
	"time"

	gomail "github.com/wneessen/go-mail"
)

// smtpTimeout bounds connecting to the mail server and each step of the
// conversation with it, so a server that accepts connections but never
// answers cannot hold a queue worker for long.
const smtpTimeout = 15 * time.Second

// SMTP is a Sender that delivers through an SMTP server. It opens one
// connection per message and is safe for concurrent use.
type SMTP struct {
	client *gomail.Client
	from   *netmail.Address
	domain string // of the From address, for Message-IDs
}

// NewSMTP returns an SMTP sender for a HOLDSPACE_SMTP_URL-style URL:
//
//	smtp://user:pass@host:587   STARTTLS when the server offers it
//	smtp://host?tls=required    refuse to send unless STARTTLS succeeds
//	smtp://host:25?tls=none     never use TLS (a relay on the same host)
//	smtps://user:pass@host:465  implicit TLS
//
// The port defaults to 587 for smtp and 465 for smtps. User and password are
// optional and percent-decoded; with them, the strongest mechanism the
// server offers is used, and never a plain-text one on an unencrypted
// connection. from is the From address, bare or with a display name
// ("Holdspace <no-reply@example.com>"). The error says what is wrong with the
// URL and never contains the password.
func NewSMTP(rawURL, from string) (*SMTP, error) {
	cfg, err := parseSMTPURL(rawURL)
	if err != nil {
		return nil, fmt.Errorf("smtp url: %w", err)
	}
	if from == "" {
		return nil, errors.New("smtp from address is required")
	}
	fromAddr, err := netmail.ParseAddress(from)
	if err != nil {
		return nil, fmt.Errorf("smtp from address %q: %w", from, err)
	}

	opts := []gomail.Option{
		gomail.WithPort(cfg.port),
		gomail.WithTimeout(smtpTimeout),
	}
	if cfg.implicitTLS {
		opts = append(opts, gomail.WithSSL())
	} else {
		opts = append(opts, gomail.WithTLSPolicy(cfg.tlsPolicy))
	}
	if cfg.user != "" {
		opts = append(opts,
			gomail.WithSMTPAuth(gomail.SMTPAuthAutoDiscover),
			gomail.WithUsername(cfg.user),
			gomail.WithPassword(cfg.password),
		)
	}
	client, err := gomail.NewClient(cfg.host, opts...)
	if err != nil {
		return nil, fmt.Errorf("smtp client: %w", err)
	}
	return &SMTP{
		client: client,
		from:   fromAddr,
		domain: fromAddr.Address[strings.LastIndex(fromAddr.Address, "@")+1:],
	}, nil
}

// smtpConfig is what NewSMTP reads from the URL.
type smtpConfig struct {
	host           string
	port           int
	implicitTLS    bool
	tlsPolicy      gomail.TLSPolicy
	user, password string
}

// parseSMTPURL parses and checks an SMTP URL. Its errors never include the
// password, not even through url.Parse, whose errors quote the whole URL.
func parseSMTPURL(rawURL string) (smtpConfig, error) {
	if rawURL == "" {
		return smtpConfig{}, errors.New("empty (want smtp://host or smtps://host)")
	}
	u, err := url.Parse(rawURL)
	if err != nil {
		// url.Parse's errors quote parts of the URL, which may be parts of
		// the password, so say only what to check.
		return smtpConfig{}, errors.New("cannot parse (check the port, and percent-encode characters such as @ : / ? # % in the user and password)")
	}

	var cfg smtpConfig
	switch u.Scheme {
	case "smtp":
		cfg.port = 587
		cfg.tlsPolicy = gomail.TLSOpportunistic
	case "smtps":
		cfg.port = 465
		cfg.implicitTLS = true
	case "":
		return smtpConfig{}, errors.New("missing scheme (want smtp://host or smtps://host)")
	default:
		return smtpConfig{}, fmt.Errorf("unsupported scheme %q (want smtp or smtps)", u.Scheme)
	}
	if u.Opaque != "" {
		return smtpConfig{}, fmt.Errorf("want %s://host, not %s:…", u.Scheme, u.Scheme)
	}
	cfg.host = u.Hostname()
	if cfg.host == "" {
		return smtpConfig{}, errors.New("missing host")
	}
	if strings.Contains(cfg.host, ":") {
		// go-mail joins host and port as host:port, which breaks for IPv6.
		return smtpConfig{}, errors.New("IPv6 address as host is not supported (use a host name)")
	}
	if p := u.Port(); p != "" {
		port, err := strconv.Atoi(p)
		if err != nil || port < 1 || port > 65535 {
			return smtpConfig{}, fmt.Errorf("invalid port %q (want 1 to 65535)", p)
		}
		cfg.port = port
	}
	if u.Path != "" && u.Path != "/" {
		return smtpConfig{}, errors.New("unexpected path after the host (percent-encode special characters in the user and password)")
	}
	if strings.Contains(rawURL, "#") {
		return smtpConfig{}, errors.New("unexpected # (percent-encode special characters in the user and password)")
	}

	query, err := url.ParseQuery(u.RawQuery)
	if err != nil {
		return smtpConfig{}, errors.New("cannot parse the query string")
	}
	for key, values := range query {
		if key != "tls" {
			return smtpConfig{}, fmt.Errorf("unknown option %q (the only option is tls)", key)
		}
		if len(values) != 1 {
			return smtpConfig{}, errors.New("option tls is given more than once")
		}
		switch v := values[0]; {
		case v == "required" && cfg.implicitTLS:
			// smtps always requires TLS; saying so is harmless.
		case v == "required":
			cfg.tlsPolicy = gomail.TLSMandatory
		case v == "none" && cfg.implicitTLS:
			return smtpConfig{}, errors.New("tls=none contradicts smtps (use smtp:// for an unencrypted server)")
		case v == "none":
			cfg.tlsPolicy = gomail.NoTLS
		default:
			return smtpConfig{}, fmt.Errorf("invalid tls=%q (want required or none; leave it out to use STARTTLS when offered)", v)
		}
	}

	if u.User != nil {
		cfg.user = u.User.Username()
		cfg.password, _ = u.User.Password()
		if cfg.user == "" && cfg.password != "" {
			return smtpConfig{}, errors.New("password given without a user")
		}
	}
	return cfg, nil
}

// Send delivers m. It returns an error unless the server accepted the
// message.
func (s *SMTP) Send(ctx context.Context, m Message) error {
	if err := m.Validate(); err != nil {
		return err
	}
	msg, err := s.build(m)
	if err != nil {
		return err
	}
	conn, err := s.client.DialToSMTPClientWithContext(ctx)
	if err != nil {
		return fmt.Errorf("connect to smtp server: %w", err)
	}
	// Once the server has accepted the message, a failed QUIT must not
	// turn into an error: the queue would send the message again.
	defer func() { _ = s.client.CloseWithSMTPClient(conn) }()
	if err := s.client.SendWithSMTPClient(conn, msg); err != nil {
		return fmt.Errorf("send email: %w", err)
	}
	return nil
}

// build turns m into a MIME message: text, then HTML, then the calendar
// invitation as alternatives, plus the invitation as an attachment for
// clients that only look there.
func (s *SMTP) build(m Message) (*gomail.Msg, error) {
	msg := gomail.NewMsg(gomail.WithNoDefaultUserAgent())
	msg.FromMailAddress(s.from)
	msg.ToMailAddress(&netmail.Address{Name: m.ToName, Address: m.To})
	msg.Subject(m.Subject)
	msg.SetDate()
	msg.SetMessageIDWithValue(cmp.Or(m.MessageID, rand.Text()) + "@" + s.domain)
	// Ask vacation responders not to answer; nobody reads no-reply.
	msg.SetGenHeader(gomail.Header("Auto-Submitted"), "auto-generated")
	msg.SetGenHeader(gomail.HeaderXAutoResponseSuppress, "All")

	msg.SetBodyString(gomail.TypeTextPlain, m.Text)
	if m.HTML != "" {
		msg.AddAlternativeString(gomail.TypeTextHTML, m.HTML)
	}
	if len(m.Calendar) > 0 {
		// go-mail appends "; charset=UTF-8" to the part's content type.
		msg.AddAlternativeString(gomail.ContentType("text/calendar; method="+m.calendarMethod()), string(m.Calendar))
		if err := msg.AttachReader("invite.ics", bytes.NewReader(m.Calendar),
			gomail.WithFileContentType(gomail.ContentType("application/ics"))); err != nil {
			return nil, fmt.Errorf("attach calendar: %w", err)
		}
	}
	return msg, nil
}

// setTLSConfig replaces the TLS configuration, so that tests can trust
// their own server's certificate.
func (s *SMTP) setTLSConfig(cfg *tls.Config) error {
	return s.client.SetTLSConfig(cfg)
}
