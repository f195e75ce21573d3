#!/usr/bin/env bash
# Proves the Linux packages install on a clean Debian 12 and the program
# starts there:
#   scripts/check-deb.sh              builds them (scripts/package-linux.sh,
#                                     with PROVIDER if set) and checks them
#   scripts/check-deb.sh --no-build   checks what dist/ holds for this
#                                     version (and PROVIDER)
#   scripts/check-deb.sh --no-build dist/a.deb dist/b.deb
#                                     also installs them side by side
# In a fresh minbase chroot (debootstrap bookworm) per package:
# `apt-get install ./<pkg>.deb` resolves its Depends from the mirror;
# `<pkg> version` prints the version; `<pkg>` without DISPLAY exits 2 saying
# it needs a desktop session; the menu entry, icons and MIME type are
# installed and registered; after `apt-get purge`, the tar.xz's install.sh
# installs per user into a fake HOME and system-wide, and --uninstall
# leaves nothing. Then lintian on the .deb (errors fail), and `git status`
# must be as before.
# One debootstrap per run (the base is copied for each test); a new one
# each run unless CHECK_DEB_BASE=DIR names a base to keep and reuse.
# MIRROR overrides the Debian mirror (default: the host's apt source for
# bookworm, else http://deb.debian.org/debian). KEEP=1 keeps the chroots
# (unmounted) for a look afterwards. Runs as root.
set -euo pipefail
cd "$(dirname "$0")/.."
export PROVIDER=${PROVIDER:-}
start=$SECONDS

say() { echo "check-deb: $*" >&2; }
fail() {
	say "FAIL: $*"
	exit 1
}
phase() {
	say "$1 ($((SECONDS - phase_start)) s)"
	phase_start=$SECONDS
}
phase_start=$SECONDS

[ "$(id -u)" -eq 0 ] || fail "needs root (debootstrap, chroot, mount)"
for t in debootstrap lintian dpkg-deb xz; do
	command -v "$t" >/dev/null || fail "$t is missing: apt-get install debootstrap lintian dpkg-dev xz-utils"
done

build=1
debs=()
for a in "$@"; do
	case $a in
	--no-build) build=0 ;;
	*.deb) debs+=("$(realpath "$a")") ;;
	*) fail "usage: $0 [--no-build] [PKG.deb ...]" ;;
	esac
done

# tree_unchanged BEFORE: git status as it was. Strict under CI (or
# STRICT_TREE=1): any difference fails. On a shared working tree, where
# others edit meanwhile, only paths packaging could write fail (the
# metadata Fyne's tools bump, go.mod/go.sum, the icons, packaging/linux/).
tree_unchanged() {
	local changed
	changed=$(diff <(echo "$1") <(git status --porcelain) | sed -n 's/^[<>] ...//p' | sort -u) || true
	[ -n "$changed" ] || return 0
	if [ -n "${CI:-}${STRICT_TREE:-}" ] || grep -qE '^(FyneApp\.toml|go\.(mod|sum)|resources/icon|packaging/linux/)' <<<"$changed"; then
		say "the tree changed: $(echo $changed)"
		return 1
	fi
	say "note: changed meanwhile, not by packaging: $(echo $changed)"
}
tree_before=$(git status --porcelain)
if [ "$build" = 1 ]; then
	scripts/package-linux.sh
	phase "packages built"
fi
this_version=$(scripts/buildinfo.sh version)
if [ ${#debs[@]} -eq 0 ]; then
	debs=("$PWD/dist/mailwizard$(scripts/buildinfo.sh suffix)_$(scripts/buildinfo.sh deb)_amd64.deb")
fi
for d in "${debs[@]}"; do
	[ -f "$d" ] || fail "$d: no such package (run scripts/package-linux.sh)"
done

# --- the host's checks ---------------------------------------------------
for d in "${debs[@]}"; do
	say "lintian $(basename "$d"):"
	out=$(lintian --tag-display-limit 0 "$d" 2>&1 | grep -v '^running with root privileges') || true
	echo "${out:-(no errors, no warnings)}" | sed 's/^/  /' >&2
	if grep -q '^E:' <<<"$out"; then fail "lintian reports errors"; fi
done
phase "lintian done"

# --- a clean Debian 12 ---------------------------------------------------
mirror=${MIRROR:-}
if [ -z "$mirror" ]; then
	# deb822 (.sources) or one-line (.list) entries naming bookworm.
	mirror=$(cat /etc/apt/sources.list.d/*.sources 2>/dev/null |
		awk '/^URIs:/ { u = $2 } /^Suites:/ && / bookworm( |$)/ { print u; exit }')
	[ -n "$mirror" ] || mirror=$(cat /etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null |
		awk '$1 == "deb" && $3 == "bookworm" { print $2; exit }')
	mirror=${mirror:-http://deb.debian.org/debian}
fi

tmp=$(mktemp -d /var/tmp/check-deb.XXXXXX)
mounts=()
cleanup() {
	local i
	for ((i = ${#mounts[@]} - 1; i >= 0; i--)); do
		umount "${mounts[i]}" 2>/dev/null || umount -l "${mounts[i]}" 2>/dev/null || true
	done
	if [ -n "${KEEP:-}" ]; then say "kept $tmp (KEEP)"; else rm -rf --one-file-system "$tmp"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

base=${CHECK_DEB_BASE:-$tmp/base}
if [ -x "$base/usr/bin/apt-get" ] && [ -f "$base/.check-deb-complete" ]; then
	say "reusing the Debian 12 base in $base (CHECK_DEB_BASE)"
else
	rm -rf --one-file-system "$base"
	mkdir -p "$base"
	say "debootstrap --variant=minbase bookworm from $mirror"
	if ! debootstrap --variant=minbase bookworm "$base" "$mirror" >"$tmp/debootstrap.log" 2>&1; then
		tail -n 15 "$tmp/debootstrap.log" >&2
		fail "debootstrap could not build Debian 12 from $mirror (is the mirror reachable? set MIRROR=...)"
	fi
	touch "$base/.check-deb-complete"
	phase "debootstrap done"
fi

# fresh NAME: root= a new copy of the base, with /proc and /dev, ready for apt.
fresh() {
	root=$tmp/$1
	cp -a "$base" "$root"
	cp /etc/resolv.conf "$root/etc/resolv.conf"
	mount -t proc proc "$root/proc" && mounts+=("$root/proc")
	mount --bind /dev "$root/dev" && mounts+=("$root/dev")
}
in_root() { chroot "$root" /usr/bin/env -i PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin LANG=C.UTF-8 DEBIAN_FRONTEND=noninteractive "$@"; }

# check_program ROOT BIN: the version, and the no-desktop refusal (also
# as the menu entry starts it, with an empty --preset=).
check_program() {
	local binpath=$1 out rc
	out=$(in_root "$binpath" version) || fail "$binpath version failed: $out"
	[ "$out" = "mailwizard $version" ] || fail "$binpath version printed '$out', not 'mailwizard $version'"
	say "  $binpath version: $out"
	for args in "" "--preset="; do
		rc=0
		out=$(in_root "$binpath" $args 2>&1) || rc=$?
		[ "$rc" -eq 2 ] || fail "'$binpath $args' without DISPLAY exited $rc, not 2: $out"
		grep -q "needs a desktop session" <<<"$out" || fail "'$binpath $args' without DISPLAY said: $out"
	done
	say "  $binpath without DISPLAY: exit 2, \"needs a desktop session\""
}

# deb_version DEB: the release the package was made from, as its
# changelog says.
deb_version() {
	local p
	p=$(dpkg-deb -f "$1" Package)
	dpkg-deb --fsys-tarfile "$1" | tar -xO "./usr/share/doc/$p/changelog.gz" | zcat |
		sed -n 's/^  \* Release \(.*\), built from git commit.*/\1/p'
}

# The desktop's own tools, so the packages' triggers register the menu
# entry and the MIME type as on a desktop (minbase has neither).
desktop_tools="shared-mime-info desktop-file-utils"

for deb in "${debs[@]}"; do
	pkg=$(dpkg-deb -f "$deb" Package)
	appid=$(dpkg-deb -c "$deb" | sed -n 's|.*/usr/share/applications/\(.*\)\.desktop$|\1|p')
	# The version the program must print: the one the package was made
	# from (its changelog says), and when built here, this tree's.
	version=$(deb_version "$deb")
	[ -n "$version" ] || fail "$(basename "$deb"): no release in its changelog"
	[ "$build" = 0 ] || [ "$version" = "$this_version" ] || fail "$(basename "$deb") is $version, this tree $this_version"
	say "== $pkg $version in a fresh Debian 12"
	fresh "$pkg"
	cp "$deb" "$root/tmp/"
	in_root apt-get update -qq >/dev/null 2>"$tmp/apt.err" || { cat "$tmp/apt.err" >&2; fail "apt-get update in the chroot"; }
	t0=$SECONDS
	in_root apt-get install -y -qq --no-install-recommends $desktop_tools "/tmp/$(basename "$deb")" >"$tmp/install.log" 2>&1 ||
		{ tail -n 30 "$tmp/install.log" >&2; fail "apt-get install ./$(basename "$deb")"; }
	say "  apt-get install ./$(basename "$deb"): $(grep -c '^Setting up' "$tmp/install.log") packages set up in $((SECONDS - t0)) s"
	check_program "/usr/bin/$pkg"
	for f in "/usr/share/applications/$appid.desktop" "/usr/share/mime/packages/$pkg.xml" \
		"/usr/share/icons/hicolor/48x48/apps/$appid.png" "/usr/share/doc/$pkg/copyright" \
		"/usr/share/man/man1/$pkg.1.gz"; do
		[ -f "$root$f" ] || fail "$f is not installed"
	done
	in_root desktop-file-validate "/usr/share/applications/$appid.desktop" || fail "desktop-file-validate"
	grep -q "^application/x-mailwizard-preset=.*$appid.desktop" "$root/usr/share/applications/mimeinfo.cache" ||
		fail "the menu entry is not registered for *.mwpreset (mimeinfo.cache)"
	[ -f "$root/usr/share/mime/application/x-mailwizard-preset.xml" ] || fail "the MIME type is not registered (update-mime-database)"
	say "  menu entry, icons, manual and MIME type installed and registered"

	in_root apt-get purge -y -qq "$pkg" >/dev/null 2>&1 || fail "apt-get purge $pkg"
	[ ! -e "$root/usr/bin/$pkg" ] || fail "purge left /usr/bin/$pkg"

	# The tar.xz, unpacked and installed as a user would.
	tarball=$(dirname "$deb")/$pkg-$version-linux-amd64.tar.xz
	if [ ! -f "$tarball" ]; then
		say "  no $(basename "$tarball"): tar.xz not checked"
		continue
	fi
	say "== $(basename "$tarball") in the same chroot (the runtime libraries stay after the purge)"
	mkdir -p "$root/tmp/unpack" "$root/home/fake"
	tar -C "$root/tmp/unpack" -xJf "$tarball"
	dir=/tmp/unpack/$pkg-$version-linux-amd64
	chroot "$root" /usr/bin/env -i HOME=/home/fake PATH=/usr/bin:/bin LANG=C.UTF-8 "$dir/install.sh" >&2 || fail "install.sh (per user)"
	for f in .local/bin/$pkg .local/share/applications/$appid.desktop .local/share/mime/packages/$pkg.xml \
		.local/share/icons/hicolor/256x256/apps/$appid.png .local/share/mime/application/x-mailwizard-preset.xml; do
		[ -f "$root/home/fake/$f" ] || fail "install.sh did not install ~/$f"
	done
	grep -q "^Exec=\"/home/fake/.local/bin/$pkg\" --preset=%f$" "$root/home/fake/.local/share/applications/$appid.desktop" ||
		fail "the per-user menu entry does not start /home/fake/.local/bin/$pkg"
	in_root desktop-file-validate "/home/fake/.local/share/applications/$appid.desktop" || fail "desktop-file-validate (per user)"
	check_program "/home/fake/.local/bin/$pkg"
	chroot "$root" /usr/bin/env -i HOME=/home/fake PATH=/usr/bin:/bin "$dir/install.sh" --uninstall >&2 || fail "install.sh --uninstall"
	left=$(cd "$root/home/fake" && find . -type f ! -path './.local/share/mime/*' ! -name 'icon-theme.cache' ! -name mimeinfo.cache)
	[ -z "$left" ] || fail "install.sh --uninstall left: $left"
	[ ! -e "$root/home/fake/.local/share/mime/application/x-mailwizard-preset.xml" ] || fail "the per-user MIME type is still registered"
	say "  per user: installed into ~/.local, starts, --uninstall removes it"

	in_root "$dir/install.sh" --system >&2 || fail "install.sh --system"
	check_program "/usr/local/bin/$pkg"
	[ -f "$root/usr/local/share/applications/$appid.desktop" ] || fail "install.sh --system: no menu entry"
	in_root "$dir/install.sh" --system --uninstall >&2 || fail "install.sh --system --uninstall"
	[ ! -e "$root/usr/local/bin/$pkg" ] && [ ! -e "$root/usr/local/share/applications/$appid.desktop" ] ||
		fail "install.sh --system --uninstall left files"
	say "  system-wide: installed into /usr/local, starts, --uninstall removes it"
	phase "$pkg checked"
done

if [ ${#debs[@]} -gt 1 ]; then
	say "== side by side: ${debs[*]##*/}"
	fresh together
	for deb in "${debs[@]}"; do cp "$deb" "$root/tmp/"; done
	in_root apt-get update -qq >/dev/null 2>&1 || fail "apt-get update in the chroot"
	in_root apt-get install -y -qq --no-install-recommends $(for d in "${debs[@]}"; do echo "/tmp/${d##*/}"; done) >"$tmp/install.log" 2>&1 ||
		{ tail -n 30 "$tmp/install.log" >&2; fail "the packages do not install together"; }
	for deb in "${debs[@]}"; do
		version=$(deb_version "$deb")
		check_program "/usr/bin/$(dpkg-deb -f "$deb" Package)"
	done
	phase "side by side checked"
fi

tree_unchanged "$tree_before" || fail "packaging changed the tree"
say "PASS in $((SECONDS - start)) s"
