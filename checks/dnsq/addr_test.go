package dnsq

import (
	"net/netip"
	"testing"
)

func TestInternalAddresses(t *testing.T) {
	test := func(addr string, internal, public bool) {
		t.Helper()
		ip := netip.MustParseAddr(addr)
		if IsInternal(ip) != internal || IsPublic(ip) != public {
			t.Errorf("%s: internal %v, public %v; want %v, %v", addr, IsInternal(ip), IsPublic(ip), internal, public)
		}
	}
	test("10.1.2.3", true, false)
	test("172.16.0.1", true, false)
	test("192.168.1.1", true, false)
	test("100.64.0.1", true, false) // carrier NAT
	test("100.127.255.254", true, false)
	test("100.128.0.1", false, true)
	test("127.0.0.1", true, false)
	test("169.254.1.1", true, false)
	test("0.0.0.0", true, false)
	test("::1", true, false)
	test("fe80::1", true, false)
	test("fd00::1", true, false)
	test("::ffff:10.1.2.3", true, false)
	test("192.0.2.10", false, true)
	test("2001:db8::1", false, true)
	test("40.92.1.5", false, true)
	test("224.0.0.1", true, false) // link-local multicast: not a sender
	test("239.1.1.1", false, false)
	if IsPublic(netip.Addr{}) {
		t.Error("the zero address is public")
	}
}
