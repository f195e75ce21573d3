#!/usr/bin/env bash
# usage: sudo scripts/fresh-machine.sh [REPO]
#
# Proves the README's promise on a truly clean Debian 12: in a new minbase
# chroot that has only Go, make, git and ca-certificates (no gcc, no headers),
# a clone of REPO's `main` (default: the repository this script lives in,
# with ../shared beside it) must pass, in this order:
#   build  `make build`: what `make run` does before opening the window, so
#          the build packages scripts/deps.sh installs must suffice alone
#   test   `make test`: vet, staticcheck, go test -race, smoke test
#   run    `make run` under Xvfb: the window 'Mail Transport Wizard' must
#          appear; then Ctrl+Q closes it and make must exit 0
# Logs: out/fresh-machine/ in the repository this script lives in.
#
# Environment:
#   FRESH_DIR=DIR    the chroot (default: a new directory under ${TMPDIR:-/tmp})
#   FRESH_REUSE=1    reuse an existing chroot in FRESH_DIR instead of refusing;
#                    quicker, but no longer a fresh machine (packages that an
#                    earlier run installed are already there)
#   FRESH_MIRROR=URL the Debian mirror (default: the host's, else deb.debian.org)
#   FRESH_WAIT=SECS  how long to wait for a `go test` already running on the
#                    host before the test phase (default 3600)
# The chroot is left in place at the end, for FRESH_REUSE=1.
set -euo pipefail

usage="usage: sudo $0 [REPO]   (env: FRESH_DIR, FRESH_REUSE=1, FRESH_MIRROR, FRESH_WAIT)"
case "${1:-}" in -h | --help) echo "$usage"; exit 0 ;; esac
[ $# -le 1 ] || { echo "$usage" >&2; exit 2; }

here=$(cd "$(dirname "$0")/.." && pwd)
repo=$(cd "${1:-$here}" && pwd)
name=$(basename "$repo")
logs=$here/out/fresh-machine
suite=bookworm
# The PATH of a fresh root shell with Go installed the documented way, and
# the locale the Debian container images default to.
chroot_path=/usr/local/go/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin

step=setup   # the phase or step running now, named in the failure message
declare -a timings=() mounts=()

say() { echo "fresh-machine: $*"; }
die() { echo "fresh-machine: $*" >&2; exit 1; }

[ "$(id -u)" -eq 0 ] || die "needs root (debootstrap, chroot, mount): sudo $0"
git -C "$repo" rev-parse --verify -q main >/dev/null || die "$repo has no branch main"

mkdir -p "$logs"
rm -f "$logs"/*.log "$logs"/*.png "$logs"/*.txt
say "logs in $logs"

# --- the chroot's place -------------------------------------------------------
# By default always a new directory: the point is a machine nothing has
# touched. An existing FRESH_DIR is used only when asked to (FRESH_REUSE=1).
if [ -n "${FRESH_DIR:-}" ]; then
	root=$FRESH_DIR
	if [ -e "$root" ] && [ -n "$(ls -A "$root" 2>/dev/null)" ] && [ "${FRESH_REUSE:-}" != 1 ]; then
		die "$root exists and is not empty; set FRESH_REUSE=1 to reuse it, or remove it"
	fi
	mkdir -p "$root"
else
	root=$(mktemp -d "${TMPDIR:-/tmp}/mailwizard-fresh.XXXXXX")
fi
root=$(cd "$root" && pwd)
[ "$root" != / ] || die "FRESH_DIR must not be /"
# The chroot's / as on a real machine: mktemp makes it 0700, and then no
# other user inside could resolve any path (Postfix's daemons run as the
# postfix user).
chmod 755 "$root"
say "chroot $root"

# --- clean-up, also on failure ------------------------------------------------
# Processes started inside the chroot (Xvfb, gnome-keyring-daemon, dbus,
# a hung test) would keep its mounts busy: end them, by id, found by their
# root directory. Then lazily unmount, newest mount first.
chroot_pids() {
	local p r
	for p in /proc/[0-9]*; do
		r=$(readlink "$p/root" 2>/dev/null) || continue
		[ "$r" = "$root" ] && echo "${p#/proc/}"
	done
	return 0
}
cleanup() {
	local rc=$? pids i
	set +e
	pids=$(chroot_pids)
	if [ -n "$pids" ]; then
		kill $pids 2>/dev/null
		sleep 1
		pids=$(chroot_pids)
		[ -z "$pids" ] || kill -9 $pids 2>/dev/null
	fi
	for ((i = ${#mounts[@]} - 1; i >= 0; i--)); do
		umount -l "${mounts[i]}" 2>/dev/null
	done
	if [ ${#timings[@]} -gt 0 ]; then
		say "timings:"
		printf '  %s\n' "${timings[@]}"
	fi
	if [ $rc -ne 0 ]; then
		echo "fresh-machine: FAILED in phase '$step' (exit $rc); logs: $logs" >&2
	fi
	say "chroot left in $root ($(du -sh -x "$root" 2>/dev/null | cut -f1)); reuse: FRESH_DIR=$root FRESH_REUSE=1 $0"
	exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# timed NAME CMD...: runs CMD with its output in $logs/NAME.log, records
# the wall time, and on failure names the phase and shows the log's end.
timed() {
	local phase=$1 start rc=0
	shift
	step=$phase
	start=$(date +%s)
	say "[$phase] started $(date +%T), log $logs/$phase.log"
	# In the background, not as `"$@" || rc=$?`: bash ignores set -e inside
	# functions called on the left of ||, and a failing step must stop.
	"$@" >"$logs/$phase.log" 2>&1 &
	wait $! || rc=$?
	timings+=("$(printf '%-10s %5ss  %s' "$phase" $(($(date +%s) - start)) "$([ $rc -eq 0 ] && echo ok || echo "FAILED ($rc)")")")
	if [ $rc -ne 0 ]; then
		echo "--- last lines of $logs/$phase.log:" >&2
		tail -n 40 "$logs/$phase.log" >&2
		return $rc
	fi
	say "[$phase] ok in $(($(date +%s) - start))s"
}

# in_chroot [-C DIR] CMD...: runs CMD as root in the chroot with a clean
# environment: a login's PATH, HOME and locale, plus the host's Go proxy
# settings (the machine reaches the module proxy, not arbitrary VCS hosts).
declare -a go_env=()
for v in GOPROXY GOSUMDB GOFLAGS; do
	val=$(go env "$v" 2>/dev/null || true)
	[ -z "$val" ] || go_env+=("$v=$val")
done
in_chroot() {
	local dir=/
	if [ "$1" = -C ]; then dir=$2; shift 2; fi
	chroot "$root" /usr/bin/env -i -C "$dir" HOME=/root PATH=$chroot_path LANG=C.UTF-8 \
		TERM=dumb "${go_env[@]}" "$@"
}
pkg_count() { chroot "$root" dpkg-query -W -f='${db:Status-Abbrev}\n' | grep -c '^ii'; }
# pkg_list NAME: the installed packages, to $logs/packages-NAME.txt, so a
# diff shows what each make target installed.
pkg_list() { chroot "$root" dpkg-query -W -f='${db:Status-Abbrev} ${Package}\n' | awk '$1 == "ii" {print $2}' >"$logs/packages-$1.txt"; }

# --- phase: bootstrap ---------------------------------------------------------
command -v debootstrap >/dev/null || {
	step=install-debootstrap
	say "installing debootstrap on the host"
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq debootstrap >/dev/null
}
mirror=${FRESH_MIRROR:-}
if [ -z "$mirror" ] && [ -r /etc/apt/sources.list.d/debian.sources ]; then
	mirror=$(awk '/^URIs:/ && $2 !~ /security/ {print $2; exit}' /etc/apt/sources.list.d/debian.sources)
fi
mirror=${mirror:-http://deb.debian.org/debian}
security=${mirror%/debian}/debian-security

bootstrap() {
	debootstrap --variant=minbase "$suite" "$root" "$mirror"
	# The sources a Debian 12 install or container has: updates and security
	# too, in the deb822 file, not only what debootstrap writes.
	rm -f "$root/etc/apt/sources.list"
	cat >"$root/etc/apt/sources.list.d/debian.sources" <<-EOF
		Types: deb
		URIs: $mirror
		Suites: $suite $suite-updates
		Components: main
		Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

		Types: deb
		URIs: $security
		Suites: $suite-security
		Components: main
		Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
	EOF
	# Packages must not start their daemons (dbus) in the chroot: they would
	# outlive it and share the host's network. Debian's container images
	# ship the same policy-rc.d; on a real machine the daemon runs anyway.
	printf '#!/bin/sh\nexit 101\n' >"$root/usr/sbin/policy-rc.d"
	chmod 755 "$root/usr/sbin/policy-rc.d"
	# A real machine's installer writes /etc/hosts; debootstrap may not.
	[ -s "$root/etc/hosts" ] || printf '127.0.0.1\tlocalhost\n::1\t\tlocalhost ip6-localhost ip6-loopback\n' >"$root/etc/hosts"
}
# What "a fresh machine with Go and make" has, and nothing else: make,
# ca-certificates (the module proxy is https), git (to clone; go also runs
# it to stamp the build's VCS information) and Go in /usr/local/go.
base_packages() {
	in_chroot env DEBIAN_FRONTEND=noninteractive apt-get update -qq
	in_chroot env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
		make ca-certificates git
	# Only for this host's sake: it may reach the internet through a
	# TLS-inspecting proxy whose CA it trusts locally. Copy the host's local
	# CAs (none on an ordinary machine) so the chroot trusts what the host
	# trusts; Debian's bundle is what a real fresh machine verifies with.
	if compgen -G '/usr/local/share/ca-certificates/*.crt' >/dev/null; then
		cp /usr/local/share/ca-certificates/*.crt "$root/usr/local/share/ca-certificates/"
		in_chroot update-ca-certificates
	fi
	# Like a container image: no package lists left, so make must fetch
	# them itself (scripts/deps.sh runs apt-get update).
	in_chroot apt-get clean
	rm -rf "$root"/var/lib/apt/lists/*
	rm -rf "$root/usr/local/go"
	cp -a /usr/local/go "$root/usr/local/go"
	in_chroot go version
}

mount_chroot() {
	local m
	for m in proc sys dev dev/pts dev/shm; do mkdir -p "$root/$m"; done
	# One command a line: a failing mount must stop the script (set -e
	# does not see a failure on the left of &&).
	mount -t proc proc "$root/proc"
	mounts+=("$root/proc")
	mount -t sysfs sysfs "$root/sys"
	mounts+=("$root/sys")
	mount --bind /dev "$root/dev"
	mounts+=("$root/dev")
	# Nothing mounted below the chroot's /dev may reach the host's /dev.
	mount --make-rslave "$root/dev"
	mount --bind /dev/pts "$root/dev/pts"
	mounts+=("$root/dev/pts")
	# A /dev/shm of its own: gnome-keyring and Xvfb use it; the host's stays
	# untouched.
	mount -t tmpfs -o mode=1777,nosuid,nodev shm "$root/dev/shm"
	mounts+=("$root/dev/shm")
	cp /etc/resolv.conf "$root/etc/resolv.conf"
}

if [ -f "$root/etc/debian_version" ] && [ "${FRESH_REUSE:-}" = 1 ]; then
	say "reusing the chroot in $root (FRESH_REUSE=1): not a fresh machine any more"
	step=mount
	mount_chroot
else
	timed bootstrap bootstrap
	step=mount
	mount_chroot
	timed base base_packages
fi
say "installed packages: $(pkg_count)"
pkg_list base
# The proof is void if the base already had a C toolchain.
if [ "${FRESH_REUSE:-}" != 1 ]; then
	for p in gcc libc6-dev pkg-config; do
		if chroot "$root" dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
			step=base
			die "the base chroot already has $p: not a clean machine"
		fi
	done
	say "base has no gcc, libc6-dev or pkg-config: make must install them"
fi

# --- phase: clone -------------------------------------------------------------
# A clone of main as committed, with ../shared beside it as CI has it.
clone() {
	rm -rf "$root/build"
	mkdir -p "$root/build"
	git clone --no-hardlinks --branch main --single-branch "$repo" "$root/build/$name"
	git -C "$root/build/$name" log -1 --format='commit %H %s'
	if [ -d "$repo/../shared" ]; then
		cp -a "$repo/../shared" "$root/build/shared"
		echo "copied $(cd "$repo/../shared" && pwd) to /build/shared"
	fi
}
if [ -n "$(git -C "$repo" status --porcelain --untracked-files=no 2>/dev/null)" ] ||
	[ "$(git -C "$repo" rev-parse HEAD)" != "$(git -C "$repo" rev-parse main)" ]; then
	say "note: $repo has uncommitted changes or is not on main; they are NOT part of this test"
fi
timed clone clone
say "testing $(git -C "$root/build/$name" log -1 --format='%h %s')"
src=/build/$name

# --- phase: build (what `make run` does before ./mailwizard) -----------------
timed build in_chroot -C "$src" make build
say "installed packages after make build: $(pkg_count)"
pkg_list build

# --- phase: test --------------------------------------------------------------
# The tests bind fixed loopback addresses (127.0.0.2-10, port 53 and more)
# and the chroot shares the host's network: wait for a test run on the host.
host_tests() {
	local p r
	for p in $(pgrep -f 'go test' || true); do
		r=$(readlink "/proc/$p/root" 2>/dev/null) || continue
		[ "$r" = "$root" ] || echo "$p"
	done
}
step=wait-for-host-tests
waited=0
while [ -n "$(host_tests)" ]; do
	[ $waited -ge "${FRESH_WAIT:-3600}" ] && die "a 'go test' on the host still runs after ${waited}s: $(host_tests | tr '\n' ' ')"
	[ $((waited % 60)) -eq 0 ] && say "waiting for the host's go test to finish (pids $(host_tests | tr '\n' ' '))"
	sleep 10
	waited=$((waited + 10))
done
timed test in_chroot -C "$src" make test
say "installed packages after make test: $(pkg_count)"
pkg_list test
[ ! -f "$root$src/out/smoke-welcome.png" ] || cp "$root$src/out/smoke-welcome.png" "$logs/smoke-welcome.png"

# --- phase: run ---------------------------------------------------------------
# `make run` itself, under an Xvfb started in the chroot (make test has
# installed it): the window must appear, then Ctrl+Q must close it and
# make must exit 0.
cat >"$root/tmp/fresh-run.sh" <<'EOF'
#!/bin/bash
set -euo pipefail
tmp=$(mktemp -d)
exec 3>"$tmp/display"
Xvfb -displayfd 3 -screen 0 1280x800x24 -nolisten tcp >"$tmp/xvfb.log" 2>&1 &
xvfb=$!
exec 3>&-
trap 'kill $xvfb 2>/dev/null || true' EXIT
for _ in $(seq 100); do [ -s "$tmp/display" ] && break; sleep 0.1; done
[ -s "$tmp/display" ] || { echo "run: Xvfb did not start: $(cat "$tmp/xvfb.log")"; exit 1; }
export DISPLAY=:$(head -1 "$tmp/display")
echo "run: Xvfb on $DISPLAY; make run"
make run &
make=$!
win=
for _ in $(seq 1200); do # 120 s: make run may still compile
	win=$(xdotool search --name '^Mail Transport Wizard$' 2>/dev/null | head -1 || true)
	[ -n "$win" ] && break
	kill -0 $make 2>/dev/null || { wait $make || true; echo "run: make run exited before a window appeared"; exit 1; }
	sleep 0.1
done
[ -n "$win" ] || { kill $make; echo "run: no window titled 'Mail Transport Wizard' after 120 s"; exit 1; }
echo "run: window $win: $(xdotool getwindowname "$win"), $(xdotool getwindowgeometry "$win" | tr '\n' ' ')"
sleep 2 # let it draw, for the screenshot
import -window "$win" /tmp/fresh-run-window.png 2>/dev/null || echo "run: (no screenshot)"
xdotool windowfocus --sync "$win"
xdotool key --clearmodifiers ctrl+q
for _ in $(seq 100); do kill -0 $make 2>/dev/null || break; sleep 0.1; done
if kill -0 $make 2>/dev/null; then
	pkill -P $make || true
	echo "run: the window did not close on Ctrl+Q"
	exit 1
fi
rc=0
wait $make || rc=$?
echo "run: make run exited $rc after Ctrl+Q"
exit $rc
EOF
chmod 755 "$root/tmp/fresh-run.sh"
timed run in_chroot -C "$src" /tmp/fresh-run.sh
[ ! -f "$root/tmp/fresh-run-window.png" ] || mv "$root/tmp/fresh-run-window.png" "$logs/run-window.png"
say "installed packages after make run: $(pkg_count)"
pkg_list run

step=done
if [ "${FRESH_REUSE:-}" = 1 ]; then
	say "PASS: make build, make test and make run work in the REUSED chroot (not a fresh-machine proof)"
else
	say "PASS: make build, make test and make run work on a clean Debian $suite chroot"
fi
