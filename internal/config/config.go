// Package config reads Holdspace's settings from flags and environment
// variables, once, at start-up. A flag overrides its variable; every
// malformed value stops start-up with a message that names it.
package config

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/holdspace/holdspace/internal/seal"
	"github.com/holdspace/holdspace/internal/store"
)

// Config is every setting of `holdspace serve`.
type Config struct {
	Addr            string
	DatabaseURL     string
	BaseURL         *url.URL
	SMTPURL         string
	MailFrom        string
	LogFormat       string
	LogLevel        slog.Level
	ShutdownTimeout time.Duration
	TrustProxy      bool
	// MetricsToken, when set, is the bearer token that /metrics asks for
	// on every address; MetricsAddr, when set, is a second address that
	// serves /metrics alone (for a network only the scraper reaches).
	// With neither, /metrics is not served at all.
	MetricsToken string
	MetricsAddr  string
	Demo         bool
	// DemoSize is how many people the demo adds to Northwind's forty.
	DemoSize int
	// SecretKey seals private reflections and wraps each person's journal
	// key; nil means the key file next to an SQLite database.
	SecretKey []byte
	// PreviousSecretKey is, while a rotation is under way, a second key
	// that opens what it sealed but seals nothing: first the new key
	// beside the old, then the old beside the new until `holdspace keys
	// rotate` has sealed everything again under SecretKey. Nil otherwise.
	PreviousSecretKey []byte
}

// Secure reports whether the site is served over TLS, which makes cookies
// Secure.
func (c *Config) Secure() bool { return c.BaseURL.Scheme == "https" }

// setting is one row of the configuration table.
type setting struct {
	flag, env, def, usage string
	apply                 func(c *Config, v string) error
}

var settings = []setting{
	{"addr", "HOLDSPACE_ADDR", ":8080", "address to listen on", func(c *Config, v string) error {
		if _, _, err := splitHostPort(v); err != nil {
			return err
		}
		c.Addr = v
		return nil
	}},
	{"database-url", "HOLDSPACE_DATABASE_URL", "sqlite:holdspace.db", "sqlite:PATH for the embedded database, or postgres://user:pass@host:5432/db (postgres://user@/db?host=DIR for a socket)", func(c *Config, v string) error {
		if _, err := store.ParseURL(v); err != nil {
			return err
		}
		c.DatabaseURL = v
		return nil
	}},
	{"base-url", "HOLDSPACE_BASE_URL", "http://localhost:8080", "public address of this instance, used in emailed links; https makes cookies Secure", func(c *Config, v string) error {
		u, err := url.Parse(v)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || (u.Path != "" && u.Path != "/") || u.RawQuery != "" {
			return errors.New("must be an http or https URL with a host and no path, as in https://coaching.example.com")
		}
		u.Path = ""
		c.BaseURL = u
		return nil
	}},
	{"smtp-url", "HOLDSPACE_SMTP_URL", "", "smtp://user:pass@host:587 or smtps://…:465; when empty, email is written to the log", func(c *Config, v string) error {
		if v != "" {
			u, err := url.Parse(v)
			if err != nil || (u.Scheme != "smtp" && u.Scheme != "smtps") || u.Hostname() == "" {
				return errors.New("must look like smtp://user:pass@host:587 or smtps://user:pass@host:465")
			}
		}
		c.SMTPURL = v
		return nil
	}},
	{"mail-from", "HOLDSPACE_MAIL_FROM", "Holdspace <no-reply@localhost>", "sender of outgoing email", func(c *Config, v string) error {
		if !strings.Contains(v, "@") {
			return errors.New("must be an address such as Holdspace <no-reply@example.com>")
		}
		c.MailFrom = v
		return nil
	}},
	{"log-format", "HOLDSPACE_LOG_FORMAT", "text", "text or json", func(c *Config, v string) error {
		if v != "text" && v != "json" {
			return errors.New("must be text or json")
		}
		c.LogFormat = v
		return nil
	}},
	{"log-level", "HOLDSPACE_LOG_LEVEL", "info", "debug, info, warn or error", func(c *Config, v string) error {
		return c.LogLevel.UnmarshalText([]byte(v))
	}},
	{"shutdown-timeout", "HOLDSPACE_SHUTDOWN_TIMEOUT", "30s", "how long SIGTERM waits for in-flight requests", func(c *Config, v string) error {
		d, err := time.ParseDuration(v)
		if err != nil || d <= 0 {
			return errors.New("must be a positive duration such as 30s")
		}
		c.ShutdownTimeout = d
		return nil
	}},
	{"trust-proxy", "HOLDSPACE_TRUST_PROXY", "false", "take the client address from X-Forwarded-For (only behind your own load balancer)", func(c *Config, v string) error {
		b, err := strconv.ParseBool(v)
		if err != nil {
			return errors.New("must be true or false")
		}
		c.TrustProxy = b
		return nil
	}},
	{"metrics-token", "HOLDSPACE_METRICS_TOKEN", "", "bearer token that Prometheus sends to read /metrics (at least 16 characters); when empty, /metrics answers 404 on -addr", func(c *Config, v string) error {
		if v != "" && (len(v) < 16 || strings.ContainsFunc(v, func(r rune) bool { return r <= ' ' || r > '~' })) {
			return errors.New("must be at least 16 printable characters without spaces, as openssl rand -hex 32 prints")
		}
		c.MetricsToken = v
		return nil
	}},
	// It comes after addr, which it must differ from.
	{"metrics-addr", "HOLDSPACE_METRICS_ADDR", "", "a second address that serves /metrics alone, such as 127.0.0.1:9090, for a network only your scraper reaches (it asks for -metrics-token too when that is set); when empty, /metrics is served on -addr and only with -metrics-token", func(c *Config, v string) error {
		if v == "" {
			c.MetricsAddr = ""
			return nil
		}
		if _, _, err := splitHostPort(v); err != nil {
			return err
		}
		if v == c.Addr {
			return errors.New("must differ from HOLDSPACE_ADDR (-addr)")
		}
		c.MetricsAddr = v
		return nil
	}},
	{"secret-key", "HOLDSPACE_SECRET_KEY", "", "32 bytes in base64 (openssl rand -base64 32) that encrypt private reflections and journals; required with PostgreSQL, where every instance shares it; with SQLite, empty keeps a key file next to the database", func(c *Config, v string) error {
		if v == "" {
			c.SecretKey = nil
			return nil
		}
		key, err := seal.ParseKey(v)
		if err != nil {
			return errors.New("must be 32 bytes in base64, as openssl rand -base64 32 prints")
		}
		c.SecretKey = key
		return nil
	}},
	{"previous-secret-key", "HOLDSPACE_PREVIOUS_SECRET_KEY", "", "only while rotating the secret key: a second key (32 bytes in base64) read under but never written under, so that both keys stay readable until holdspace keys rotate has sealed everything again under HOLDSPACE_SECRET_KEY", func(c *Config, v string) error {
		if v == "" {
			c.PreviousSecretKey = nil
			return nil
		}
		key, err := seal.ParseKey(v)
		if err != nil {
			return errors.New("must be 32 bytes in base64, as openssl rand -base64 32 prints")
		}
		c.PreviousSecretKey = key
		return nil
	}},
	{"demo", "HOLDSPACE_DEMO", "false", "load the demo organisation (once) and print its sign-in details", func(c *Config, v string) error {
		b, err := strconv.ParseBool(v)
		if err != nil {
			return errors.New("must be true or false")
		}
		c.Demo = b
		return nil
	}},
	// It comes after demo, which it needs.
	{"demo-size", "HOLDSPACE_DEMO_SIZE", "0", "with -demo, this many more people in the demo organisation (with a circle for about every seven of them), to try Holdspace at scale; 0 keeps its 40", func(c *Config, v string) error {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 || n > MaxDemoSize {
			return fmt.Errorf("must be a number of people from 0 to %d", MaxDemoSize)
		}
		if n > 0 && !c.Demo {
			return errors.New("needs -demo (HOLDSPACE_DEMO=true)")
		}
		c.DemoSize = n
		return nil
	}},
}

// MaxDemoSize bounds HOLDSPACE_DEMO_SIZE: a demo, not a load test.
const MaxDemoSize = 100_000

func splitHostPort(addr string) (string, int, error) {
	i := strings.LastIndexByte(addr, ':')
	if i < 0 {
		return "", 0, errors.New("must be host:port or :port, as in :8080")
	}
	port, err := strconv.Atoi(addr[i+1:])
	if err != nil || port < 0 || port > 65535 {
		return "", 0, errors.New("must be host:port or :port with a port from 0 to 65535")
	}
	return addr[:i], port, nil
}

// Load parses args (without the subcommand name) over the environment.
// With -h it prints the settings table to out and returns flag.ErrHelp.
func Load(name string, args []string, getenv func(string) string, out io.Writer) (*Config, error) {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(out)
	values := make([]string, len(settings))
	for i, s := range settings {
		values[i] = s.def
		if v := getenv(s.env); v != "" {
			values[i] = v
		}
		if s.def == "false" {
			fs.BoolFunc(s.flag, s.usage, func(v string) error { values[i] = v; return nil })
		} else {
			fs.StringVar(&values[i], s.flag, values[i], s.usage)
		}
	}
	fs.Usage = func() { Usage(out, name) }
	if err := fs.Parse(args); err != nil {
		return nil, err
	}
	if fs.NArg() > 0 {
		return nil, fmt.Errorf("unexpected argument %q", fs.Arg(0))
	}
	c := &Config{}
	var errs []error
	for i, s := range settings {
		if err := s.apply(c, values[i]); err != nil {
			errs = append(errs, fmt.Errorf("%s (-%s) = %q: %w", s.env, s.flag, redact(s.env, values[i]), err))
		}
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	return c, nil
}

// redact hides the password in URLs that may carry one, and secrets.
func redact(env, v string) string {
	if env == "HOLDSPACE_METRICS_TOKEN" || env == "HOLDSPACE_SECRET_KEY" || env == "HOLDSPACE_PREVIOUS_SECRET_KEY" {
		return "xxxxx"
	}
	if u, err := url.Parse(v); err == nil && u.User != nil {
		if _, ok := u.User.Password(); ok {
			u.User = url.UserPassword(u.User.Username(), "xxxxx")
			return u.String()
		}
	}
	return v
}

// Usage prints every setting with its variable and default.
func Usage(w io.Writer, name string) {
	fmt.Fprintf(w, "Usage: holdspace %s [flags]\n\nEvery flag can also be set by its environment variable; a flag wins.\n\n", name)
	for _, s := range settings {
		def := s.def
		if def == "" {
			def = `""`
		}
		fmt.Fprintf(w, "  -%s\n  %s (default %s)\n        %s\n", s.flag, s.env, def, s.usage)
	}
}

// Table returns the settings as rows of flag, variable, default and
// meaning, for the README's configuration table.
func Table() [][4]string {
	rows := make([][4]string, len(settings))
	for i, s := range settings {
		rows[i] = [4]string{s.flag, s.env, s.def, s.usage}
	}
	return rows
}
