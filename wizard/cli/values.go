package cli

import (
	"flag"
	"fmt"
	"net"
	"net/netip"
	"strconv"
	"strings"
	"time"

	"mailwizard/texts"
	"mailwizard/transports"
	"mailwizard/wizard/i18n"
)

// globals are the flags every command takes, before or after its name.
type globals struct {
	resolver   string
	dnsServer  string
	dnsTimeout time.Duration
	langText   string

	resolvers []string // parsed from resolver, each HOST:PORT
	lang      i18n.Lang
}

func (g *globals) register(fs *flag.FlagSet) {
	if g.dnsTimeout == 0 {
		g.dnsTimeout = 2 * time.Second
	}
	fs.StringVar(&g.resolver, "resolver", g.resolver, "")
	fs.StringVar(&g.dnsServer, "dns-server", g.dnsServer, "")
	fs.DurationVar(&g.dnsTimeout, "dns-timeout", g.dnsTimeout, "")
	fs.StringVar(&g.langText, "lang", g.langText, "")
}

func (g *globals) validate() error {
	g.resolvers = nil
	if g.resolver != "" {
		for _, r := range strings.Split(g.resolver, ",") {
			hp, err := serverAddr(r, 53)
			if err != nil {
				return fmt.Errorf("--resolver: %w", err)
			}
			g.resolvers = append(g.resolvers, hp)
		}
	}
	if g.dnsServer != "" {
		hp, err := serverAddr(g.dnsServer, 53)
		if err != nil {
			return fmt.Errorf("--dns-server: %w", err)
		}
		g.dnsServer = hp
	}
	if g.dnsTimeout <= 0 || g.dnsTimeout > time.Minute {
		return named("--dns-timeout", texts.Err(nil, texts.T("cmd.duration.range", "%v is outside %s-%v", g.dnsTimeout, "1ms", time.Minute)))
	}
	g.lang = ""
	if g.langText != "" {
		l, err := i18n.Parse(g.langText)
		if err != nil {
			return fmt.Errorf("--lang: %w", err)
		}
		g.lang = l
	}
	return nil
}

// serverAddr checks "IP:PORT" for a DNS server (IPv6 in brackets) and
// adds defaultPort when the port is left out. A name is refused: looking
// it up would need a resolver, the very thing being given, and a typing
// error would otherwise show up later as DNS failures (exit 3).
func serverAddr(s string, defaultPort int) (string, error) {
	s = strings.TrimSpace(s)
	if err := transports.CheckText(s); err != nil {
		return "", err
	}
	host, port, err := net.SplitHostPort(s)
	if err != nil {
		host, port = strings.Trim(s, "[]"), strconv.Itoa(defaultPort)
	}
	if host == "" {
		return "", texts.Err(nil, texts.T("cmd.server.no_address", "%q has no address: use IP:PORT, such as 192.0.2.53:53", s))
	}
	ip, err := netip.ParseAddr(host)
	if err != nil || ip.Zone() != "" {
		return "", texts.Err(nil, texts.T("cmd.server.not_ip", "%q is not an IP address: give the DNS server's address, such as 192.0.2.53 or [2001:db8::53]:53", host))
	}
	p, err := strconv.Atoi(port)
	if err != nil {
		return "", texts.Err(nil, texts.T("cmd.server.port_nan", "%q: port %q is not a number", s, port))
	}
	if err := transports.CheckPort(p); err != nil {
		return "", fmt.Errorf("%q: port %w", s, err)
	}
	return net.JoinHostPort(ip.String(), port), nil
}

// checkEnum checks a flag value against its allowed values.
func checkEnum(flagName, v string, allowed ...string) error {
	for _, a := range allowed {
		if v == a {
			return nil
		}
	}
	return named("--"+flagName, texts.Err(nil, texts.T("cmd.enum", "%q is not one of %s", v, strings.Join(allowed, ", "))))
}

// required names a flag that was left out.
func required(flagName, v string) error {
	if strings.TrimSpace(v) == "" {
		return texts.Err(nil, texts.T("cmd.required", "--%s is required", flagName))
	}
	return nil
}

// named prefixes a validation error with the flag or argument it concerns.
func named(name string, err error) error {
	if err == nil {
		return nil
	}
	return fmt.Errorf("%s: %w", name, err)
}

// firstError returns the first non-nil error: one clear message at a time.
func firstError(errs ...error) error {
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}

// positiveDuration checks timeouts and intervals.
func positiveDuration(flagName string, d, max time.Duration) error {
	if d <= 0 || d > max {
		return named("--"+flagName, texts.Err(nil, texts.T("cmd.duration.range", "%v is outside %s-%v", d, "1ms", max)))
	}
	return nil
}

// argCount checks the number of positional arguments.
func argCount(args []string, want int, names string) error {
	switch {
	case len(args) < want:
		return texts.Err(nil, texts.T("cmd.args.missing", "missing %s", names))
	case len(args) > want:
		return texts.Err(nil, texts.T("cmd.args.unexpected", "unexpected argument %q", args[want]))
	}
	return nil
}
