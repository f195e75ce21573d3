package dnsq

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/miekg/dns"

	"mailwizard/checks/dnsq/dnstest"
)

const exampleZone = `
$ORIGIN example.nl.
@       3600 IN SOA ns1 hostmaster 1 7200 3600 1209600 300
@       3600 IN NS  ns1
@       3600 IN NS  ns2
ns1     3600 IN A   127.0.0.1
ns2     3600 IN A   127.0.0.1
@       300  IN TXT "v=spf1 include:_spf.clockwise.info ~all"
@       300  IN MX  10 mail
mail    300  IN A   192.0.2.25
www     300  IN CNAME web
web     300  IN CNAME host
host    300  IN A   192.0.2.80
loop1   300  IN CNAME loop2
loop2   300  IN CNAME loop1
s1._domainkey 300 IN TXT "v=DKIM1; k=rsa; p=MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA" "w9yR0abc"
delegated._domainkey 300 IN CNAME s1._domainkey.provider.example.
xn--bcher-kva 300 IN A 192.0.2.7
`

func testClient(t *testing.T) (*Client, *dnstest.Server) {
	t.Helper()
	srv := dnstest.Start(t, "127.0.0.1:0")
	srv.MustAddZone(t, exampleZone)
	srv.MustAddZone(t, "provider.example. 3600 IN SOA ns1.provider.example. h.provider.example. 1 2 3 4 60\n"+
		"s1._domainkey.provider.example. 300 IN TXT \"v=DKIM1; k=ed25519; p=11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo=\"")
	return &Client{Servers: []string{srv.Addr}, Timeout: 500 * time.Millisecond}, srv
}

func TestLookupOutcomes(t *testing.T) {
	c, _ := testClient(t)
	ctx := context.Background()
	test := func(name string, qtype uint16, want Outcome, wantRecords int) *Result {
		t.Helper()
		r, err := c.Lookup(ctx, name, qtype)
		if err != nil {
			t.Fatalf("Lookup(%s %s): %v", name, dns.TypeToString[qtype], err)
		}
		if r.Outcome != want || len(r.Records) != wantRecords {
			t.Errorf("Lookup(%s %s) = %s with %d records, want %s with %d", name, dns.TypeToString[qtype], r.Outcome, len(r.Records), want, wantRecords)
		}
		return r
	}
	r := test("example.nl", dns.TypeTXT, Answer, 1)
	if r.TXT()[0] != "v=spf1 include:_spf.clockwise.info ~all" {
		t.Errorf("TXT = %q", r.TXT())
	}
	r = test("s1._domainkey.example.nl", dns.TypeTXT, Answer, 1)
	if got := r.TXT()[0]; got != "v=DKIM1; k=rsa; p=MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAw9yR0abc" {
		t.Errorf("TXT strings not joined without a separator: %q", got)
	}
	r = test("example.nl", dns.TypeAAAA, NoData, 0)
	if r.NegativeTTL != 300 {
		t.Errorf("NODATA negative TTL %d, want the SOA minimum 300", r.NegativeTTL)
	}
	r = test("nope.example.nl", dns.TypeTXT, NXDomain, 0)
	if r.NegativeTTL != 300 {
		t.Errorf("NXDOMAIN negative TTL %d", r.NegativeTTL)
	}
	test("_domainkey.example.nl", dns.TypeTXT, NoData, 0) // an empty non-terminal exists (RFC 8020)
	r = test("www.example.nl", dns.TypeA, Answer, 1)
	if strings.Join(r.CNAMEs, ",") != "web.example.nl.,host.example.nl." || r.Final() != "host.example.nl." {
		t.Errorf("CNAME chain %v", r.CNAMEs)
	}
	// A chain into another zone, which this server also serves.
	r = test("delegated._domainkey.example.nl", dns.TypeTXT, Answer, 1)
	if r.Final() != "s1._domainkey.provider.example." {
		t.Errorf("delegated DKIM ends at %s", r.Final())
	}
	test("delegated._domainkey.example.nl", dns.TypeCNAME, Answer, 1) // asked for the CNAME itself: not followed
	test("Bücher.Example.NL", dns.TypeA, Answer, 1)                   // IDN and case
	if _, err := c.Lookup(ctx, "loop1.example.nl", dns.TypeA); OutcomeOf(err) != ServFail || !strings.Contains(err.Error(), "CNAME loop") {
		t.Errorf("CNAME loop: %v", err)
	}
	if _, err := c.Lookup(ctx, "exa..mple.nl", dns.TypeA); err == nil {
		t.Error("a malformed name was sent")
	}
}

func TestLookupFailuresAreNotMissing(t *testing.T) {
	c, srv := testClient(t)
	ctx := context.Background()
	srv.Drop("slow.example.nl")
	srv.Rcode("broken.example.nl", dns.RcodeServerFailure)
	srv.Rcode("private.example.nl", dns.RcodeRefused)
	test := func(name string, want Outcome, says string) {
		t.Helper()
		r, err := c.Lookup(ctx, name, dns.TypeTXT)
		var e *Error
		if !errors.As(err, &e) || e.Outcome != want || !strings.Contains(err.Error(), says) {
			t.Errorf("Lookup(%s) = %v, %v; want an %s error saying %q", name, r, err, want, says)
		}
		if r != nil && r.Outcome == NXDomain || want.Failed() != true {
			t.Errorf("Lookup(%s) looks like a missing record", name)
		}
		// The words are for people; the network library's own text
		// ("read udp ...: i/o timeout") is only in the detail.
		if strings.Contains(err.Error(), "udp") || strings.Contains(err.Error(), "i/o timeout") {
			t.Errorf("Lookup(%s): Go's network text in the message: %v", name, err)
		}
		if want == Timeout && !strings.Contains(Detail(err), "i/o timeout") {
			t.Errorf("Lookup(%s): the detail lost the network error: %s", name, Detail(err))
		}
	}
	start := time.Now()
	test("slow.example.nl", Timeout, "no answer in time")
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("a 500ms timeout took %v", d)
	}
	test("broken.example.nl", ServFail, "SERVFAIL")
	test("private.example.nl", Refused, "refused")

	ctxShort, cancel := context.WithTimeout(ctx, 50*time.Millisecond)
	defer cancel()
	if _, err := c.Lookup(ctxShort, "slow.example.nl", dns.TypeTXT); OutcomeOf(err) != Timeout {
		t.Errorf("the caller's deadline: %v", err)
	}
	ctxDone, cancel2 := context.WithCancel(ctx)
	cancel2()
	if _, err := c.Lookup(ctxDone, "example.nl", dns.TypeTXT); err == nil {
		t.Error("a cancelled lookup answered")
	}
}

func TestFailoverAcrossServers(t *testing.T) {
	good, _ := testClient(t)
	dead := dnstest.Silent(t)
	failing := dnstest.Start(t, "127.0.0.1:0") // serves no zone: REFUSED
	c := &Client{Servers: []string{dead, failing.Addr, good.Servers[0]}, Timeout: 200 * time.Millisecond}
	r, err := c.Lookup(context.Background(), "example.nl", dns.TypeTXT)
	if err != nil || r.Outcome != Answer || r.Server != good.Servers[0] {
		t.Errorf("failover: %v, %v", r, err)
	}
	if _, err := (&Client{Servers: []string{dead}, Timeout: 100 * time.Millisecond}).Lookup(context.Background(), "example.nl", dns.TypeTXT); OutcomeOf(err) != Timeout {
		t.Errorf("only a dead server: %v", err)
	}
}

// A TXT record of an RSA-4096 DKIM key (about 750 bytes) plus many SPF
// strings exceeds 1232 bytes: the UDP answer is truncated and the client
// must ask again over TCP.
func TestTruncatedAnswerRetriesOverTCP(t *testing.T) {
	c, srv := testClient(t)
	long := strings.Repeat("A", 250)
	var rec strings.Builder
	rec.WriteString("big.example.nl. 300 IN TXT")
	for range 8 {
		rec.WriteString(` "` + long + `"`)
	}
	if err := srv.Add(rec.String()); err != nil {
		t.Fatal(err)
	}
	r, err := c.Lookup(context.Background(), "big.example.nl", dns.TypeTXT)
	if err != nil || len(r.TXT()) != 1 || len(r.TXT()[0]) != 2000 {
		t.Fatalf("big TXT: %v, %v", r, err)
	}
	srv.Truncate("example.nl") // forced TC on a small answer
	if r, err := c.Lookup(context.Background(), "example.nl", dns.TypeTXT); err != nil || r.Outcome != Answer {
		t.Errorf("forced truncation: %v, %v", r, err)
	}
	if srv.Queries("example.nl") < 2 {
		t.Error("no second (TCP) query was made")
	}
}

func TestPinnedServerTakesAuthoritativeQueries(t *testing.T) {
	_, srv := testClient(t)
	pinned := &Client{Pinned: srv.Addr, Servers: []string{dnstest.Silent(t)}, Timeout: 300 * time.Millisecond}
	ctx := context.Background()
	z, err := pinned.FindZone(ctx, "s1._domainkey.example.nl")
	if err != nil {
		t.Fatal(err)
	}
	if z.Name != "example.nl." || len(z.Nameservers) != 2 || z.NegativeTTL() != 300 {
		t.Fatalf("zone %+v", z)
	}
	// Every query goes to the pinned server, so it gives the one answer,
	// reported as its own: naming the zone's name servers would claim
	// they were asked.
	answers := pinned.AskAuthoritative(ctx, z, "s1._domainkey.example.nl", dns.TypeTXT)
	if len(answers) != 1 || answers[0].Addr != srv.Addr || answers[0].Nameserver != "" {
		t.Fatalf("answers %+v", answers)
	}
	if a := answers[0]; a.Err != nil || a.Result.Outcome != Answer || !a.Result.Authoritative {
		t.Errorf("%+v %v", a.Result, a.Err)
	}
	answers = append(answers, answers[0])
	if !Agree(answers) {
		t.Error("identical answers do not agree")
	}
	answers[1].Result = &Result{Outcome: NXDomain}
	if Agree(answers) {
		t.Error("a server without the record agrees with one that has it")
	}
}

func TestFindDoubled(t *testing.T) {
	c, srv := testClient(t)
	srv.Add(`clockwise._domainkey.example.nl.example.nl. 300 IN TXT "v=DKIM1; k=rsa; p=abc"`)
	f, r := FindDoubled(context.Background(), c, "dkim", "clockwise._domainkey.example.nl", "example.nl.", dns.TypeTXT)
	if f == nil || r == nil {
		t.Fatal("the doubled record was not found")
	}
	if f.Code != CodeZoneNameDoubled || !strings.Contains(f.Fix, "with the name clockwise._domainkey ") ||
		!strings.Contains(f.Fix, "named clockwise._domainkey.example.nl ") {
		t.Errorf("finding %+v", f)
	}
	if f, _ := FindDoubled(context.Background(), c, "dkim", "other._domainkey.example.nl", "example.nl", dns.TypeTXT); f != nil {
		t.Errorf("a doubled record that does not exist was reported: %+v", f)
	}
	if Relative("example.nl.", "example.nl") != "@" || Relative("_dmarc.example.nl", "example.nl.") != "_dmarc" {
		t.Error("Relative")
	}
}

func TestFailureFindingCodes(t *testing.T) {
	for outcome, code := range map[Outcome]string{Timeout: CodeTimeout, ServFail: CodeServFail, Refused: CodeServFail} {
		f := FailureFinding("spf", &Error{Name: "example.nl.", Type: dns.TypeTXT, Outcome: outcome})
		if f.Code != code || f.Fix == "" {
			t.Errorf("%s: %+v", outcome, f)
		}
	}
}

// A timeout longer than miekg/dns's 2-second default read is the one
// that counts: a server that answers in 2.5 s is heard (--dns-timeout 5s
// for a slow resolver), not reported as silent.
func TestLongTimeoutWaitsForASlowServer(t *testing.T) {
	srv := dnstest.Start(t, "127.0.0.1:0")
	srv.MustAddZone(t, "$ORIGIN example.nl.\n@ 3600 IN SOA ns1 hostmaster 1 7200 3600 1209600 300\n@ 300 IN TXT \"v=spf1 -all\"\n")
	srv.Delay("example.nl", 2500*time.Millisecond)
	c := &Client{Servers: []string{srv.Addr}, Timeout: 5 * time.Second}
	r, err := c.Lookup(context.Background(), "example.nl", dns.TypeTXT)
	if err != nil || len(r.TXT()) != 1 {
		t.Fatalf("a server answering in 2.5 s with a 5 s timeout: %v, %v", r, err)
	}
}

// Cancelling ends a question at once, not when the socket's read times
// out: Escape in the window and Ctrl-C on the terminal are felt now.
func TestCancelEndsAQuestionAtOnce(t *testing.T) {
	c := &Client{Servers: []string{dnstest.Silent(t)}, Timeout: 10 * time.Second}
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(100*time.Millisecond, cancel)
	start := time.Now()
	_, err := c.Lookup(ctx, "example.nl", dns.TypeTXT)
	if err == nil {
		t.Fatal("a cancelled question answered")
	}
	// The old read gave up only after 2 s; 1 s leaves room for a loaded
	// machine while telling the two apart.
	if d := time.Since(start); d > time.Second {
		t.Errorf("cancel after 100 ms returned after %v", d)
	}
}
