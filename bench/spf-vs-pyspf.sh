#!/usr/bin/env bash
# SPF evaluation of a support desk's 1,000 customers (bench/spfzones), ours
# (checks/spf, BenchmarkCheckHostThousand) against Debian's pyspf
# (bench/pyspf_eval.py), each with its best worker count, side by side in
# one run against one loopback server. Goal (issue 12): ours ≥ 10× pyspf.
#   bench/spf-vs-pyspf.sh               both of our modes
#   bench/spf-vs-pyspf.sh -cache off    ours asking afresh for every
#                                       evaluation, as pyspf does
#   bench/spf-vs-pyspf.sh -cache on     ours with one DNS cache for the run
# Environment: N (domains, 1000), RUNS (runs per worker count, 3).
set -euo pipefail
cd "$(dirname "$0")/.."

cache=both
while [ $# -gt 0 ]; do
	case "$1" in
	-cache) cache=${2:?-cache on|off}; shift 2 ;;
	*) echo "usage: $0 [-cache on|off]" >&2; exit 2 ;;
	esac
done
case "$cache" in on | off | both) ;; *) echo "$0: -cache on|off" >&2; exit 2 ;; esac
n=${N:-1000}
runs=${RUNS:-3}

missing=()
/usr/bin/python3 -c 'import spf' 2>/dev/null || missing+=(python3-spf)
/usr/bin/python3 -c 'import dns.resolver' 2>/dev/null || missing+=(python3-dnspython)
if [ ${#missing[@]} -gt 0 ]; then
	if [ "$(id -u)" -ne 0 ]; then
		echo "$0: install ${missing[*]} (as root: apt-get -y --no-install-recommends install ${missing[*]})" >&2
		exit 1
	fi
	apt-get update -qq
	DEBIAN_FRONTEND=noninteractive apt-get -y --no-install-recommends install "${missing[@]}" >/dev/null
fi

work=$(mktemp -d)
server_pid=
cleanup() {
	[ -n "$server_pid" ] && kill -TERM "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null
	rm -rf "$work"
}
trap cleanup EXIT

go build -o "$work/spfzones" ./bench/spfzones
"$work/spfzones" -n "$n" -listen 127.0.0.1:0 -domains "$work/domains.txt" >"$work/server.out" 2>"$work/server.err" &
server_pid=$!
for _ in $(seq 100); do
	grep -q '^listening ' "$work/server.out" && break
	sleep 0.1
done
addr=$(awk '/^listening /{print $2}' "$work/server.out")
[ -n "$addr" ] || { echo "$0: spfzones did not start" >&2; cat "$work/server.err" >&2; exit 1; }

bench='CheckHostThousand'
[ "$cache" != both ] && bench="CheckHostThousand/cache=$cache/"
SPF_BENCH_DOMAINS="$work/domains.txt" SPF_BENCH_SERVER="$addr" \
	go test ./checks/spf -run '^$' -bench "$bench" -benchtime "${runs}x" -count 1 | tee "$work/ours.txt" | grep '^Benchmark' >&2
/usr/bin/python3 bench/pyspf_eval.py -d "$work/domains.txt" -s "$addr" | tee "$work/pyspf.txt" >&2

# "BenchmarkCheckHostThousand/cache=off/workers=8-2  3  469028908 ns/op  2132 evals/s ..."
best_ours() {
	awk -v mode="cache=$1/" 'index($1, mode) {
		split($1, p, "workers="); w = p[2]; sub(/-[0-9]+$/, "", w)
		for (i = 2; i <= NF; i++) if ($i == "evals/s" && $(i-1) > best) { best = $(i-1); bw = w }
	} END { if (best) printf "%d %s\n", best, bw }' "$work/ours.txt"
}
read -r py py_how < <(awk '/^pyspf best/{print $4, $5 " " $6}' "$work/pyspf.txt")

echo
echo "| SPF evaluation, $n domains on loopback ($(nproc) CPUs) | evals/s | best workers | ratio to pyspf | goal |"
echo "|---|---|---|---|---|"
for mode in off on; do
	[ "$cache" = both ] || [ "$cache" = "$mode" ] || continue
	read -r ours w < <(best_ours "$mode")
	what="ours, no cache (asks afresh, as pyspf does)"
	[ "$mode" = on ] && what="ours, one DNS cache for the run"
	echo "| $what | $ours | $w | $(awk -v a="$ours" -v b="$py" 'BEGIN{printf "%.1f×", a/b}') | ≥ 10× |"
done
echo "| pyspf $(awk '/^pyspf [0-9]/{sub(/,$/, "", $2); print $2; exit}' "$work/pyspf.txt") (dnspython, no cache) | ${py%.*} | ${py_how//[()]/} | 1× | — |"
