package natsjs

import (
	"errors"
	"fmt"
	"net"
	"net/url"
	"slices"
	"strconv"
	"strings"
)

// ErrBadURL is wrapped by ValidateURL's errors.
var ErrBadURL = errors.New("bad nats url")

// schemes are the URL schemes nats.go connects with.
var schemes = []string{"nats", "tls", "ws", "wss"}

// ValidateURL checks a NATS server URL as nats.go takes it: one server or
// a comma-separated list, each nats://, tls://, ws:// or wss:// with a
// host and an optional port (user and password allowed), or a bare
// host:port. A bare word with no scheme and no port, such as "garbage",
// is refused: it is far more often a mistake than a host name. Errors
// never show a password.
func ValidateURL(s string) error {
	if strings.TrimSpace(s) == "" {
		return fmt.Errorf("%w: empty", ErrBadURL)
	}
	for _, item := range strings.Split(s, ",") {
		if err := validateServer(strings.TrimSpace(item)); err != nil {
			return err
		}
	}
	return nil
}

func validateServer(s string) error {
	if s == "" {
		return fmt.Errorf("%w: empty server in the list", ErrBadURL)
	}
	if !strings.Contains(s, "://") {
		host, port, err := net.SplitHostPort(s)
		if err != nil || host == "" || !validPort(port) {
			return fmt.Errorf("%w: %q: want nats://host[:port] or "+
				"host:port", ErrBadURL, redact(s))
		}
		return nil
	}
	u, err := url.Parse(s)
	if err != nil {
		return fmt.Errorf("%w: %q is not a URL", ErrBadURL, redact(s))
	}
	shown := u.Redacted()
	switch {
	case !slices.Contains(schemes, u.Scheme):
		return fmt.Errorf("%w: %q: scheme %q, want one of %v", ErrBadURL,
			shown, u.Scheme, schemes)
	case u.Hostname() == "":
		return fmt.Errorf("%w: %q: no host", ErrBadURL, shown)
	case u.Port() != "" && !validPort(u.Port()),
		strings.HasSuffix(u.Host, ":"):
		return fmt.Errorf("%w: %q: want a port from 1 to 65535", ErrBadURL,
			shown)
	case u.RawQuery != "" || u.Fragment != "",
		(u.Scheme == "nats" || u.Scheme == "tls") &&
			u.Path != "" && u.Path != "/":
		return fmt.Errorf("%w: %q: want no path or query", ErrBadURL, shown)
	}
	return nil
}

func validPort(p string) bool {
	n, err := strconv.Atoi(p)
	return err == nil && n >= 1 && n <= 65535
}

// redact hides what comes before an @, user and password, in a server
// that did not parse as a URL.
func redact(s string) string {
	if i := strings.LastIndex(s, "@"); i >= 0 {
		return "xxxxx" + s[i:]
	}
	return s
}

// redactList returns the server list s with every password hidden, fit
// for a log line.
func redactList(s string) string {
	items := strings.Split(s, ",")
	for i, item := range items {
		item = strings.TrimSpace(item)
		u, err := url.Parse(item)
		if err == nil && strings.Contains(item, "://") {
			items[i] = u.Redacted()
		} else {
			items[i] = redact(item)
		}
	}
	return strings.Join(items, ",")
}
