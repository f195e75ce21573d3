#!/usr/bin/env bash
# Times `mailwizard check --domains FILE --json` of a support desk's 1,000
# customers (bench/spfzones) on loopback, and counts the DNS questions the
# server received for them. Goals (issue 12): ≤ 1 s for 1,000 domains;
# about 5 questions for a domain whose includes the run has already seen.
#   bench/check-many.sh                    builds the binary from this tree
#   BIN=/tmp/mw-old bench/check-many.sh    times another build (a baseline)
# Environment: N (domains, 1000), RUNS (timed runs, 5; the median is shown),
# PROVIDER (the profile the desk checks for: bench/spfzones/service.json,
# whose include and DKIM selector the zones carry; PROVIDER= checks without
# one, so the common selectors are probed instead).
set -euo pipefail
cd "$(dirname "$0")/.."
n=${N:-1000}
runs=${RUNS:-5}
provider=${PROVIDER-bench/spfzones/service.json}

work=$(mktemp -d)
server_pid=
stop_server() { # prints the server's counts (on SIGTERM) to $work/server.err
	if [ -n "$server_pid" ]; then
		kill -TERM "$server_pid" 2>/dev/null || true
		wait "$server_pid" 2>/dev/null || true
		server_pid=
	fi
}
trap 'stop_server; rm -rf "$work"' EXIT

start_server() {
	"$work/spfzones" -n "$n" -listen 127.0.0.1:0 -domains "$work/domains.txt" >"$work/server.out" 2>"$work/server.err" &
	server_pid=$!
	for _ in $(seq 100); do
		grep -q '^listening ' "$work/server.out" && break
		sleep 0.1
	done
	addr=$(awk '/^listening /{print $2}' "$work/server.out")
	[ -n "$addr" ] || { echo "$0: spfzones did not start" >&2; cat "$work/server.err" >&2; exit 1; }
	check=("$bin" check --domains "$work/domains.txt" --dns-server "$addr" --json)
	[ -z "$provider" ] || check+=(--provider "$provider")
}

bin=${BIN:-}
if [ -z "$bin" ]; then
	bin=/tmp/mw-bench
	echo "building $bin (cgo and Fyne: the first build takes minutes)" >&2
	go build -o "$bin" .
fi
go build -o "$work/spfzones" ./bench/spfzones

# Timing: one server for all runs, as a desk's resolver would be; each run
# of check starts with nothing cached of its own. check exits 1 when it
# finds errors and 3 when some are temporary (a timeout): not a failed
# run, but the table counts the temporary ones, since a slow run shows as
# timeouts.
start_server
run_check() {
	local rc=0
	"${check[@]}" >"$work/report.json" 2>"$work/check.err" || rc=$?
	case $rc in 0 | 1 | 3) ;; *) echo "$0: check exited $rc" >&2; cat "$work/check.err" >&2; exit 1 ;; esac
}
run_check
if command -v hyperfine >/dev/null; then
	hyperfine -N -i --warmup 1 --runs "$runs" --export-json "$work/times.json" "${check[*]}" >&2
	median=$(jq '.results[0].median' "$work/times.json")
else
	for _ in $(seq "$runs"); do
		t0=$(date +%s%N)
		"${check[@]}" >/dev/null 2>&1 || true
		echo $(( $(date +%s%N) - t0 ))
	done | sort -n | awk '{t[NR] = $1} END {printf "%.3f\n", t[int((NR + 1) / 2)] / 1e9}' >"$work/median"
	median=$(cat "$work/median")
fi
stop_server

# Counting: a fresh server, one run, the server's own count.
start_server
run_check
stop_server
stat() { awk -v k="$1" '$1 == k {print $2}' "$work/server.err"; }
# The report's own count, where the build reports one (the first domain
# pays for the shared includes; the median is a domain that did not).
json_q=$(jq -r '[.[] | .queries // empty] | sort | if length == 0 then "—" else "\(.[length/2|floor]) (median), \(add/length) (mean)" end' "$work/report.json")

echo
echo "| check --domains, $n domains on loopback ($(nproc) CPUs), provider ${provider:-none} | measured | goal |"
echo "|---|---|---|"
echo "| wall time, median of $runs | $(awk -v t="$median" 'BEGIN{printf "%.2f s", t}') | ≤ 1 s |"
echo "| queries the server received, per domain | $(stat queries-per-domain) ($(stat queries) in all) | — |"
echo "| of which about the domain's own names | $(stat own-queries-per-domain) | ≈ 5 |"
echo "| of which about the shared includes, in all | $(stat shared-queries) | a few |"
echo "| queries per domain as --json reports them | $json_q | ≈ 5 |"
echo "| domains with a temporary error (timeouts) in the counted run | $(jq '[.[] | select(any(.findings[]; .temporary == true))] | length' "$work/report.json") | 0 |"
echo "| the test server's own CPU time (same machine) | $(stat server-cpu) | — |"
