#!/usr/bin/env bash
# Runs every fuzz target of the module for FUZZTIME each (default 30s),
# then keeps what the fuzzer learned: the interesting inputs from the Go
# build cache are copied to <package>/testdata/fuzz/<Target>/, where plain
# `go test` replays them on every run.
#   scripts/fuzz.sh [PACKAGE-PATTERN]     e.g. scripts/fuzz.sh ./transports/...
set -euo pipefail
fuzztime=${FUZZTIME:-30s}
cache=$(go env GOCACHE)/fuzz
module=$(go list -m)
for pkg in $(go list "${1:-./...}"); do
	dir=$(go list -f '{{.Dir}}' "$pkg")
	for target in $(go test -list '^Fuzz' "$pkg" | grep '^Fuzz' || true); do
		echo "== $pkg $target ($fuzztime)"
		# Minimising a long input can stall a worker for a minute; 5 s is
		# plenty for the inputs these parsers see.
		go test "$pkg" -run '^$' -fuzz "^$target\$" -fuzztime "$fuzztime" -fuzzminimizetime 5s | grep -v '^fuzz: elapsed' || exit 1
		if [ -d "$cache/$pkg/$target" ]; then
			mkdir -p "$dir/testdata/fuzz/$target"
			cp -n "$cache/$pkg/$target"/* "$dir/testdata/fuzz/$target/" 2>/dev/null || true
		fi
	done
done
echo "corpus kept under testdata/fuzz of each package (module $module)"
