package dnsq

import (
	"fmt"
	"net"
	"net/netip"
	"unsafe"

	"golang.org/x/sys/windows"
)

// SystemServers returns the DNS servers of the network adapters that are
// up, in adapter order. Windows has no resolv.conf; GetAdaptersAddresses
// is what ipconfig /all shows.
func SystemServers() ([]string, error) {
	size := uint32(15000) // Microsoft's recommended first guess
	var buf []byte
	for range 3 {
		buf = make([]byte, size)
		err := windows.GetAdaptersAddresses(windows.AF_UNSPEC, windows.GAA_FLAG_SKIP_ANYCAST|windows.GAA_FLAG_SKIP_MULTICAST,
			0, (*windows.IpAdapterAddresses)(unsafe.Pointer(&buf[0])), &size)
		if err == nil {
			break
		}
		if err != windows.ERROR_BUFFER_OVERFLOW {
			return nil, fmt.Errorf("dnsq: reading the adapters' DNS servers: %w (give --resolver HOST:PORT)", err)
		}
	}
	seen := map[string]bool{}
	var out []string
	for a := (*windows.IpAdapterAddresses)(unsafe.Pointer(&buf[0])); a != nil; a = a.Next {
		if a.OperStatus != windows.IfOperStatusUp {
			continue
		}
		for s := a.FirstDnsServerAddress; s != nil; s = s.Next {
			ip, ok := sockaddrIP(s.Address)
			// fec0:0:0:ffff::1-3 are placeholders Windows lists when IPv6
			// DNS is unconfigured; they never answer.
			if !ok || ip.Is6() && netip.MustParsePrefix("fec0::/10").Contains(ip) {
				continue
			}
			hp := net.JoinHostPort(ip.String(), "53")
			if !seen[hp] {
				seen[hp] = true
				out = append(out, hp)
			}
		}
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("dnsq: no network adapter lists a DNS server (give --resolver HOST:PORT)")
	}
	return out, nil
}

func sockaddrIP(sa windows.SocketAddress) (netip.Addr, bool) {
	if sa.Sockaddr == nil {
		return netip.Addr{}, false
	}
	ip, ok := netip.AddrFromSlice(sa.IP())
	return ip.Unmap(), ok
}
