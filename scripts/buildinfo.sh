#!/usr/bin/env bash
# Prints what a release build is stamped with, for the packaging scripts.
#   scripts/buildinfo.sh version   0.1.0 on a tag v0.1.0, 0.1.0-12-gabc1234
#                                  after it; with no tag, the FyneApp.toml
#                                  version, commit count and hash:
#                                  0.1.0-120-gc89e184
#   scripts/buildinfo.sh deb       the same as a Debian version (0.1.0+120.gc89e184)
#   scripts/buildinfo.sh win       four numbers for a Windows version resource (0.1.0.120)
#   scripts/buildinfo.sh ldflags   -s -w, the version, and with PROVIDER the
#                                  locked profile (and its icon)
#   scripts/buildinfo.sh suffix    "" or "-<provider id>", for file names
#   scripts/buildinfo.sh name      the display name: "Mail Transport Wizard",
#                                  or "<Service> Mail Wizard" when locked
#   scripts/buildinfo.sh icon      the PNG to use as the app icon
# PROVIDER is a built-in profile ID or a profile file; it is checked (schema
# and rules) before anything is built, so a bad profile fails the build.
set -euo pipefail
cd "$(dirname "$0")/.."
GO=${GO:-go}

base=$(sed -n 's/^ *Version *= *"\(.*\)"/\1/p' FyneApp.toml)
version() {
	local d
	if d=$(git describe --tags --match 'v[0-9]*' --dirty 2>/dev/null); then
		echo "${d#v}"
	else
		echo "$base-$(git rev-list --count HEAD)-g$(git rev-parse --short=7 HEAD)$(git diff --quiet HEAD -- 2>/dev/null || echo -dirty)"
	fi
}

# lock prints "KEY=value" lines for PROVIDER (id, name, profile, icon), once.
lockinfo=""
lock() {
	[ -n "${PROVIDER:-}" ] || return 0
	[ -n "$lockinfo" ] || lockinfo=$(CGO_ENABLED=0 "$GO" run ./tools/lockprofile "$PROVIDER")
	sed -n "s/^$1=//p" <<<"$lockinfo"
}

case "${1:-version}" in
version) version ;;
deb) version | sed -e 's/^\([0-9.]*\)-\([0-9]*\)-g/\1+\2.g/' -e 's/-dirty$/.dirty/' -e 's/-/~/g' ;;
win)
	v=$(version)
	n=$(sed -n 's/^[0-9.]*-\([0-9]*\)-g.*/\1/p' <<<"$v")
	echo "${v%%-*}.${n:-0}"
	;;
ldflags)
	f="-s -w -X mailwizard/wizard.version=$(version)"
	if [ -n "${PROVIDER:-}" ]; then
		f+=" -X mailwizard/transports.lockedProfile=$(lock profile)"
		icon=$(lock iconb64)
		[ -z "$icon" ] || f+=" -X mailwizard/transports.lockedIcon=$icon"
	fi
	echo "$f"
	;;
suffix) [ -z "${PROVIDER:-}" ] || echo "-$(lock id)" ;;
name) if [ -n "${PROVIDER:-}" ]; then lock title; else echo "Mail Transport Wizard"; fi ;;
icon) i=$(lock iconfile); echo "${i:-resources/icon.png}" ;;
*)
	echo "usage: $0 version|deb|win|ldflags|suffix|name|icon" >&2
	exit 2
	;;
esac
