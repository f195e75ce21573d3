#!/usr/bin/env bash
# Smoke test of the real binary: the CLI contract's exit codes, then the
# window under Xvfb: it must appear with its title and minimum size, render
# the welcome step (screenshot in out/), and quit cleanly on Ctrl+Q.
#   scripts/smoke.sh [BINARY]
set -euo pipefail
bin=$(realpath "${1:-./mailwizard}")
out=${SMOKE_OUT:-out}
mkdir -p "$out"
fail() { echo "smoke: $*" >&2; exit 1; }

# --- the command line -------------------------------------------------------
expect_exit() { # want, command...
	local want=$1; shift
	set +e; "$@" >"$out/cli.out" 2>"$out/cli.err"; local got=$?; set -e
	[ "$got" = "$want" ] || fail "$* exited $got, want $want: $(cat "$out/cli.err")"
}
expect_exit 0 "$bin" providers --json
grep -q '"spf_include": "_spf.clockwise.info"' "$out/cli.out" || fail "providers --json lacks ClockWise's include"
expect_exit 2 "$bin" no-such-command
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
sed 's/"version": 1/"version": 99/' transports/testdata/config.golden.json >"$tmp/v99.json"
expect_exit 2 "$bin" export validate "$tmp/v99.json"
grep -q 'version: is 99' "$out/cli.err" || fail "version-99 file: $(cat "$out/cli.err")"
expect_exit 0 "$bin" export validate transports/testdata/config.golden.json
# Whatever the locale, a command prints only what it was asked for: Fyne
# reads the locale when it starts and used to log errors for C.UTF-8 and
# for glibc names with a modifier (wizard/i18n/localeenv).
for loc in C.UTF-8 C POSIX "" de_DE@euro sr_RS.UTF-8@latin UTF-8 xx_YY nl_NL.UTF-8; do
	env -u LC_ALL -u LC_MESSAGES -u LANGUAGE LANG="$loc" "$bin" version >"$out/cli.out" 2>"$out/cli.err" ||
		fail "LANG=$loc mailwizard version failed: $(cat "$out/cli.err")"
	[ ! -s "$out/cli.err" ] || fail "LANG=$loc mailwizard version wrote to stderr: $(cat "$out/cli.err")"
	grep -qx 'mailwizard .*' "$out/cli.out" && [ "$(wc -l <"$out/cli.out")" -eq 1 ] ||
		fail "LANG=$loc mailwizard version printed: $(cat "$out/cli.out")"
done
env LANGUAGE=xx:nl LC_ALL=de_DE@euro "$bin" providers >/dev/null 2>"$out/cli.err" && [ ! -s "$out/cli.err" ] ||
	fail "mailwizard providers with LANGUAGE=xx:nl LC_ALL=de_DE@euro wrote to stderr: $(cat "$out/cli.err")"
# Without a display (an SSH session) the window is not tried: a sentence
# in the admin's language that points to setup, exit 2, no stack trace.
for lang in en nl; do
	expect_exit 2 env -u DISPLAY -u WAYLAND_DISPLAY "$bin" --lang $lang
	grep -q "mailwizard setup" "$out/cli.err" && ! grep -qE 'panic|goroutine|GLFW' "$out/cli.err" ||
		fail "no display, --lang $lang: $(cat "$out/cli.err")"
done
grep -q "bureaubladsessie" "$out/cli.err" || fail "no display, --lang nl is not Dutch: $(cat "$out/cli.err")"
echo "smoke: command line ok"

# --- the window -------------------------------------------------------------
# A fresh HOME: no draft from an earlier run, no user settings.
export HOME=$tmp/home XDG_CONFIG_HOME=$tmp/home/.config
mkdir -p "$HOME"
exec 3>"$tmp/display"
Xvfb -displayfd 3 -screen 0 1280x800x24 -nolisten tcp >"$out/xvfb.log" 2>&1 &
xvfb=$!
trap 'kill $xvfb 2>/dev/null; rm -rf "$tmp"' EXIT
for _ in $(seq 100); do [ -s "$tmp/display" ] && break; sleep 0.1; done
[ -s "$tmp/display" ] || fail "Xvfb did not start: $(cat "$out/xvfb.log")"
export DISPLAY=:$(head -1 "$tmp/display")

"$bin" >"$out/gui.log" 2>&1 &
app=$!
win=
for _ in $(seq 600); do # a cold start on a slow machine: allow 60 s
	win=$(xdotool search --name '^Mail Transport Wizard$' 2>/dev/null | head -1 || true)
	[ -n "$win" ] && break
	kill -0 $app 2>/dev/null || fail "the app exited before showing its window: $(cat "$out/gui.log")"
	sleep 0.1
done
[ -n "$win" ] || fail "no window titled 'Mail Transport Wizard' after 60 s"

read -r w h < <(xdotool getwindowgeometry --shell "$win" | awk -F= '/^WIDTH/{w=$2} /^HEIGHT/{h=$2} END{print w, h}')
[ "$w" -ge 900 ] && [ "$h" -ge 650 ] || fail "window is ${w}x${h}, want at least 900x650"

# Take screenshots until the window has drawn its content: a blank frame
# has one or two colours, the welcome step hundreds.
shot=$out/smoke-welcome.png
for _ in $(seq 100); do
	import -window "$win" "$shot" 2>/dev/null || true
	colours=$(identify -format '%k' "$shot" 2>/dev/null || echo 0)
	[ "$colours" -gt 50 ] && break
	sleep 0.1
done
[ "$colours" -gt 50 ] || fail "the window stayed blank (screenshot $shot)"
echo "smoke: window ${w}x${h} rendered, screenshot $shot"

xdotool windowfocus --sync "$win"
xdotool key --clearmodifiers ctrl+q
for _ in $(seq 100); do kill -0 $app 2>/dev/null || break; sleep 0.1; done
if kill -0 $app 2>/dev/null; then
	kill $app
	fail "the window did not close on Ctrl+Q"
fi
wait $app || fail "the app exited with status $? after Ctrl+Q: $(cat "$out/gui.log")"
if grep -qi 'error' "$out/gui.log"; then
	fail "the app logged errors: $(cat "$out/gui.log")"
fi
echo "smoke: window closed cleanly"
