#!/usr/bin/env bash
# Installs the system packages mailwizard needs, only those missing.
#   scripts/deps.sh build   cgo toolchain and the X11/OpenGL headers Fyne links
#   scripts/deps.sh test    the above, plus Xvfb, xdotool, ImageMagick (window
#                           screenshot), gnome-keyring and dbus for a real
#                           Secret Service, openssl (keys made by another
#                           tool), Postfix (a real relay's replies; the
#                           tests run private instances, the system's stays
#                           unconfigured and stopped), python3-dkim
#                           (dkimpy: an independent DKIM signer the
#                           verdict's tests check signatures of), and BIND 9
#                           (bind9: a primary and secondary taking signed
#                           dynamic updates, run privately on 127.0.0.1 the
#                           same way; bind9-dnsutils: nsupdate, fed the dry
#                           run)
#   scripts/deps.sh package the build packages, and what makes and checks
#                           the installers: mingw-w64 (the Windows exe, its
#                           resources), nsis, p7zip-full (reads an NSIS
#                           installer back), dpkg-dev, xz-utils, lintian,
#                           debootstrap (a clean Debian to install the .deb
#                           in), desktop-file-utils, shared-mime-info, file,
#                           binutils, ImageMagick (a provider's icon)
#   scripts/deps.sh bench   the build packages, unbound (a caching resolver
#                           the poll-latency benchmark races against), bind9
#                           (publishing until every name server has it),
#                           Xvfb, xdotool, ImageMagick, D-Bus and gnome-keyring
#                           for the window benchmark (bench/window.sh),
#                           hyperfine and jq (bench/check-many.sh), and
#                           Debian's pyspf with dnspython, the yardstick of
#                           bench/spf-vs-pyspf.sh
# On Debian/Ubuntu it runs apt-get (as root, or through passwordless sudo);
# otherwise it prints what to install and leaves the choice to the user.
set -euo pipefail

# libc6-dev: cgo needs the C library's headers (stdint.h, pthread.h), which
# gcc only recommends and --no-install-recommends leaves out. libwayland-dev
# and libxkbcommon-dev: Fyne 2.8 builds GLFW 3.4 with X11 and Wayland both.
build_pkgs=(gcc libc6-dev pkg-config libgl1-mesa-dev libx11-dev libxcursor-dev libxrandr-dev
	libxinerama-dev libxi-dev libxxf86vm-dev libwayland-dev libxkbcommon-dev)
package_pkgs=(gcc-mingw-w64-x86-64 binutils-mingw-w64-x86-64 nsis p7zip-full binutils dpkg-dev xz-utils
	file desktop-file-utils shared-mime-info lintian debootstrap imagemagick)
test_pkgs=(xvfb xdotool imagemagick gnome-keyring dbus dbus-x11 libsecret-tools openssl postfix python3-dkim bind9 bind9-dnsutils)

case "${1:-build}" in
build) want=("${build_pkgs[@]}") ;;
test) want=("${build_pkgs[@]}" "${test_pkgs[@]}") ;;
package) want=("${build_pkgs[@]}" "${package_pkgs[@]}") ;;
bench) want=("${build_pkgs[@]}" unbound bind9 xvfb xdotool imagemagick dbus gnome-keyring hyperfine jq python3-spf python3-dnspython) ;;
*)
	echo "usage: $0 build|test|package|bench" >&2
	exit 2
	;;
esac

if [ "$(uname -s)" != Linux ]; then
	# macOS needs only the Xcode command line tools (xcode-select --install);
	# Windows needs a gcc such as MSYS2's mingw-w64. Nothing to apt-get.
	exit 0
fi
if ! command -v dpkg-query >/dev/null 2>&1; then
	echo "deps: not a Debian/Ubuntu system; install the equivalents of: ${want[*]}" >&2
	exit 0
fi

installed() { [ "$(dpkg-query -W -f='${Status}' "$1" 2>/dev/null || true)" = "install ok installed" ]; }

missing=()
for p in "${want[@]}"; do
	installed "$p" || missing+=("$p")
done
# Installing postfix would replace another mail server (apt removes the one
# it conflicts with). A machine that has one keeps it: the Postfix tests
# skip there, saying why, and run on CI and fresh machines, which have none.
for mta in exim4-base sendmail-bin opensmtpd nullmailer msmtp-mta dma; do
	if installed "$mta" && [[ " ${missing[*]} " == *" postfix "* ]]; then
		echo "deps: not installing postfix: it would replace $mta, the mail server this machine has; the Postfix tests will skip" >&2
		missing=("${missing[@]/postfix/}")
	fi
done
missing=(${missing[@]})
[ ${#missing[@]} -eq 0 ] && exit 0

echo "deps: installing ${missing[*]}" >&2
if [ "$(id -u)" -eq 0 ]; then
	sudo=()
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
	sudo=(sudo -n)
else
	echo "deps: these packages are missing; run:" >&2
	echo "  sudo apt-get update && sudo apt-get install -y ${missing[*]}" >&2
	exit 1
fi
export DEBIAN_FRONTEND=noninteractive
# Postfix asks how to configure the machine's mail; the answer "No
# configuration" installs it without a main.cf and without starting it.
echo "postfix postfix/main_mailer_type select No configuration" | "${sudo[@]}" debconf-set-selections
"${sudo[@]}" apt-get update -qq >/dev/null
"${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
