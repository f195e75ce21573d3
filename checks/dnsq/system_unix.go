//go:build !windows

package dnsq

import (
	"fmt"
	"net"

	"github.com/miekg/dns"
)

// resolvConf is where Linux, the BSDs and macOS list the resolvers (on
// macOS a generated copy of what scutil --dns shows).
var resolvConf = "/etc/resolv.conf"

// SystemServers returns the system's recursive resolvers as host:port.
func SystemServers() ([]string, error) {
	cfg, err := dns.ClientConfigFromFile(resolvConf)
	if err != nil {
		return nil, fmt.Errorf("dnsq: reading the system's DNS servers from %s: %w (give --resolver HOST:PORT)", resolvConf, err)
	}
	var out []string
	for _, s := range cfg.Servers {
		out = append(out, net.JoinHostPort(s, cfg.Port))
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("dnsq: %s lists no nameserver (give --resolver HOST:PORT)", resolvConf)
	}
	return out, nil
}
