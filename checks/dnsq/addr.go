package dnsq

import "net/netip"

// cgnat is the shared address space of RFC 6598, used behind carrier NAT.
var cgnat = netip.MustParsePrefix("100.64.0.0/10")

// IsInternal reports whether ip is an address the internet does not route
// to: private (RFC 1918, RFC 4193), loopback, link-local, carrier NAT
// (RFC 6598) or unspecified. The one rule for "inside a network": the SMTP
// test warns that the service cannot reach such a server, and the verdict
// does not evaluate SPF for a hop from such an address.
func IsInternal(ip netip.Addr) bool {
	ip = ip.Unmap()
	return ip.IsPrivate() || ip.IsLoopback() || ip.IsLinkLocalUnicast() || ip.IsLinkLocalMulticast() ||
		cgnat.Contains(ip) || ip.IsUnspecified()
}

// IsPublic reports whether ip is a unicast address on the internet: one a
// server out there can connect from.
func IsPublic(ip netip.Addr) bool {
	ip = ip.Unmap()
	return ip.IsValid() && ip.IsGlobalUnicast() && !IsInternal(ip)
}
