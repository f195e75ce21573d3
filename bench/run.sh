#!/usr/bin/env bash
# Measures the figures the issues name and prints them as a table:
#   bench/run.sh            everything (about 4 minutes: the poll race waits
#                           for unbound's negative cache to expire)
#   QUICK=1 bench/run.sh    skip the poll race
# The support desk's figures (issue 12) follow as tables of their own:
# bench/check-many.sh (check --domains of 1,000 customer zones) and
# bench/spf-vs-pyspf.sh (SPF evaluation against Debian's pyspf).
#   bench/window.sh         the window against Fyne's hello world alone
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/deps.sh bench
export LANG=en_US.UTF-8

metric() { # package, benchmark regexp, count -> the raw benchmark lines
	go test "$1" -run '^$' -bench "$2" -benchtime "${3}x" -count 1 | grep '^Benchmark'
}
ms() { awk '{printf "%.1f ms", $3/1e6}'; }

echo "| what | measured | goal |"
echo "|---|---|---|"
echo "| check of one domain on loopback | $(metric ./checks/domaincheck 'CheckOneDomain$' 200 | ms) | ≤ 100 ms |"
echo "| check of 1,000 domains (64 at a time) | $(metric ./checks/domaincheck 'CheckThousandDomains$' 3 | awk '{printf "%.2f s", $3/1e9}') | ≤ 10 s |"
echo "| SPF evaluations per second (include, a, mx, ip4; no cache) | $(metric ./checks/spf 'CheckHost$' 2000 | awk '{for(i=1;i<=NF;i++) if($i=="evals/s") printf "%d", $(i-1)}') | — |"
while read -r name _ ns _; do
	algo=${name#BenchmarkGenerate/}
	goal="—"
	[ "$algo" = rsa2048 ] && goal="well under 1 s"
	echo "| DKIM key generation, $algo | $(echo "x x $ns" | ms) | $goal |"
done < <(metric ./transports/dkimkey 'Generate' 10 | sed 's/-[0-9]*\s/ /')
echo "| smtp detect, 3 ports probed at once, one silent (timeout 500 ms) | $(metric ./checks/smtp 'DetectThreePorts$' 5 | ms) | ≈ the slowest probe |"
while read -r name _ ns _ noticed _; do
	interval=${name#BenchmarkSetupHosted/interval=}
	echo "| setup, scripted hosted run, poll every $interval: whole run | $(echo "x x $ns" | ms) | — |"
	echo "| setup, last record published → noticed, poll every $interval | $noticed ms | ≤ one poll interval |"
done < <(metric ./wizard/cli 'SetupHosted' 3 | sed 's/-[0-9]*\s/ /')
while read -r _ _ _ _ all _ primary _ send _; do
	echo "| dns publish: signed update sent and answered (BIND 9 on loopback) | $send ms | — |"
	echo "| dns publish: \"Publish\" → the primary answers with the record | $primary ms | — |"
	echo "| dns publish: \"Publish\" → every authoritative server answers (secondary by NOTIFY + IXFR) | $all ms | — |"
done < <(metric ./checks/publish 'PublishUntilEveryServer$' 30)
bench/window.sh --rows
echo
bench/check-many.sh 2>/dev/null
echo
bench/spf-vs-pyspf.sh 2>/dev/null | sed -n '/^| SPF evaluation/,$p'
if [ -z "${QUICK:-}" ]; then
	echo
	go run ./bench/polllatency -interval 5s -negative-ttl 120 2>/dev/null
fi
