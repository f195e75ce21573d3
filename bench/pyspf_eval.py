#!/usr/bin/python3
"""Evaluates SPF for every domain of a list with Debian's pyspf (python3-spf),
the yardstick of issue 12, against the loopback server bench/spfzones runs.

    /usr/bin/python3 bench/pyspf_eval.py -d /tmp/domains.txt -s 127.0.0.1:5300

For each worker count (-w, default 1,2,4,8,16) and each kind of worker
(threads, which share the GIL, and processes, which do not) it runs
spf.check2(i=IP, s=postmaster@DOMAIN, h=DOMAIN) once for every domain and
prints the evaluations per second; the last line is the best of all.

pyspf asks DNS through dnspython when it is installed (spf.DNSLookup is
DNSLookup_dnspython, which calls dns.resolver.query, i.e. the module's
default resolver). That resolver is replaced here by one that asks only the
given server and keeps no cache (Resolver(configure=False) has cache None).
pyspf's own cache lives in each spf.query object, which check2 makes afresh
for every call: nothing is shared between evaluations, as on our side with
-cache off.
"""

import argparse
import collections
import concurrent.futures
import sys
import time
import warnings

import dns.resolver
import spf

CLIENT_IP = "192.0.2.7"  # the same as checks/spf/thousand_bench_test.go


def use_server(host, port):
    r = dns.resolver.Resolver(configure=False)
    r.nameservers = [host]
    r.port = port
    r.cache = None
    r.timeout = r.lifetime = 2.0
    dns.resolver.default_resolver = r
    # dns.resolver.query, which pyspf calls, is deprecated in dnspython 2.
    warnings.simplefilter("ignore", DeprecationWarning)


def evaluate(domain):
    result, _ = spf.check2(i=CLIENT_IP, s="postmaster@" + domain, h=domain)
    return result


def run(domains, workers, kind, server):
    if kind == "process":
        pool = concurrent.futures.ProcessPoolExecutor(
            workers, initializer=use_server, initargs=server)
        chunk = max(1, len(domains) // (workers * 8))
    else:
        pool = concurrent.futures.ThreadPoolExecutor(workers)
        chunk = 1
    with pool:
        # Start the workers before the clock does.
        list(pool.map(int, range(workers)))
        start = time.perf_counter()
        results = collections.Counter(pool.map(evaluate, domains, chunksize=chunk))
        elapsed = time.perf_counter() - start
    return len(domains) / elapsed, results


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("-d", "--domains", required=True, help="domain list, one a line")
    ap.add_argument("-s", "--server", required=True, help="HOST:PORT of the DNS server")
    ap.add_argument("-w", "--workers", default="1,2,4,8,16", help="worker counts, comma-separated")
    ap.add_argument("-k", "--kinds", default="thread,process", help="thread, process or both")
    args = ap.parse_args()
    host, _, port = args.server.rpartition(":")
    server = (host, int(port))
    use_server(*server)
    with open(args.domains) as f:
        domains = [l.strip() for l in f if l.strip() and not l.startswith("#")]
    print(f"pyspf {getattr(spf, '__version__', '?')}, dnspython {dns.version.version}, "
          f"DNS backend {spf.DNSLookup.__name__}, {len(domains)} domains, client {CLIENT_IP}")
    best = (0.0, None, None)
    for kind in args.kinds.split(","):
        for w in (int(x) for x in args.workers.split(",")):
            rate, results = run(domains, w, kind, server)
            print(f"pyspf {kind} workers={w} evals/s {rate:.0f} {dict(sorted(results.items()))}")
            sys.stdout.flush()
            if set(results) - {"pass", "fail"}:
                print(f"pyspf: results other than pass and fail: {dict(results)}", file=sys.stderr)
                return 1
            if rate > best[0]:
                best = (rate, kind, w)
    print(f"pyspf best evals/s {best[0]:.0f} ({best[1]} workers={best[2]})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
