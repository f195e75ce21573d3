#!/usr/bin/env bash
# The window against Fyne's hello world (bench/hello: the same Fyne, the
# same window size), side by side on one Xvfb display, in turn A B A B:
#   - time from exec to the first drawn frame (bench/firstwindow: the window
#     mapped and its pixels, read back from the X server, no longer one flat
#     colour; measured from outside, the same way for both programs);
#   - resident memory (VmRSS) after 5 s idle on the first step;
#   - the stripped binary's size (-ldflags "-s -w").
# Both run inside one D-Bus session, as on a desktop: without one, every
# start of the wizard (which opens the keychain) would launch its own bus.
#   bench/window.sh           a table with a header
#   bench/window.sh --rows    the rows only (bench/run.sh)
#   RUNS=N                    counted runs of each (default 5)
set -euo pipefail
cd "$(dirname "$0")/.."
if [ -z "${DBUS_SESSION_BUS_ADDRESS:-}" ]; then
	exec dbus-run-session -- "$0" "$@"
fi
tmp=$(mktemp -d)
xvfb=
trap '[ -n "$xvfb" ] && kill $xvfb 2>/dev/null; rm -rf "$tmp"' EXIT
go build -ldflags "-s -w" -o "$tmp/mailwizard" .
go build -ldflags "-s -w" -o "$tmp/hello" ./bench/hello
go build -o "$tmp/firstwindow" ./bench/firstwindow

exec 3>"$tmp/display"
Xvfb -displayfd 3 -screen 0 1280x800x24 -nolisten tcp >"$tmp/xvfb.log" 2>&1 &
xvfb=$!
for _ in $(seq 100); do [ -s "$tmp/display" ] && break; sleep 0.1; done
[ -s "$tmp/display" ] || { echo "window.sh: Xvfb did not start: $(cat "$tmp/xvfb.log")" >&2; exit 1; }
export DISPLAY=:$(head -1 "$tmp/display")
export HOME=$tmp/home XDG_CONFIG_HOME=$tmp/home/.config XDG_CACHE_HOME=$tmp/home/.cache LANG=en_US.UTF-8
mkdir -p "$HOME"
# The keychain's Secret Service started now, unlocked, as a desktop's is
# after login; left to D-Bus activation it would print its environment
# into the table.
printf 'bench' | gnome-keyring-daemon --unlock --components=secrets >/dev/null

"$tmp/firstwindow" -runs "${RUNS:-5}" -idle 5s "Mail Transport Wizard=$tmp/mailwizard" "Hello Fyne=$tmp/hello" >"$tmp/fw.out"
# Each line: TITLE<TAB>first-frame-ms MEDIAN (MIN-MAX)<TAB>idle-rss-mib MEDIAN (MIN-MAX)
field() { awk -F'\t' -v t="$1" -v f="$2" '$1 == t { split($f, a, " "); print (a[3] == "" ? a[2] : a[2] " " a[3]) }' "$tmp/fw.out"; }
median() { field "$1" "$2" | cut -d' ' -f1; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
mw_ms=$(median "Mail Transport Wizard" 2) hello_ms=$(median "Hello Fyne" 2)
mw_rss=$(median "Mail Transport Wizard" 3) hello_rss=$(median "Hello Fyne" 3)
size() { awk -v b="$(stat -c %s "$1")" 'BEGIN { printf "%.1f MB", b / 1e6 }'; }

[ "${1:-}" = --rows ] || { echo "| what | measured | goal |"; echo "|---|---|---|"; }
echo "| window: exec to first drawn frame, median (min-max) ms | wizard $(field "Mail Transport Wizard" 2), hello world $(field "Hello Fyne" 2): $(ratio "$mw_ms" "$hello_ms")× | ≤ 1.3× |"
echo "| window: resident memory after 5 s idle, median (min-max) MiB | wizard $(field "Mail Transport Wizard" 3), hello world $(field "Hello Fyne" 3): $(ratio "$mw_rss" "$hello_rss")× | ≤ 1.2× |"
echo "| stripped binary (-s -w) | wizard $(size "$tmp/mailwizard"), hello world $(size "$tmp/hello") | ≤ 35 MB |"
