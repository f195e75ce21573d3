#!/usr/bin/env bash
# Builds the Linux packages into dist/:
#   <pkg>-<version>-linux-amd64.tar.xz  the binary, menu entry, icons, the
#                                       preset file type and install.sh
#                                       (per user, or --system; --uninstall)
#   <pkg>_<debversion>_amd64.deb        the same for apt install ./<file>
# <pkg> is mailwizard, or mailwizard-<provider id> with PROVIDER=<id or
# profile file> (scripts/buildinfo.sh): a locked build installs side by
# side with the plain one (its own binary, menu entry, icon and doc names).
# The version comes from git describe; nothing in the tree is written, and
# the script fails if `git status` differs afterwards.
# Needs: gcc and the headers (scripts/deps.sh build), dpkg-dev (dpkg-deb,
# dpkg-shlibdeps), xz-utils, file, desktop-file-utils and shared-mime-info
# (to validate the menu entry and MIME type); ImageMagick only for a
# provider's icon.
set -euo pipefail
cd "$(dirname "$0")/.."
GO=${GO:-go}
export PROVIDER=${PROVIDER:-}

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

version=$(scripts/buildinfo.sh version)
debversion=$(scripts/buildinfo.sh deb)
suffix=$(scripts/buildinfo.sh suffix)
name=$(scripts/buildinfo.sh name)
icon=$(scripts/buildinfo.sh icon)
ldflags=$(scripts/buildinfo.sh ldflags)

pkg=mailwizard$suffix
appid=app.mailwizard.wizard${suffix:+.${suffix#-}}
arch=amd64
# Dates in the packages are the commit's, so two builds of one commit match.
epoch=$(git log -1 --format=%ct)
export SOURCE_DATE_EPOCH=$epoch

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

say() { echo "package-linux: $*" >&2; }

say "building $pkg $version"
# PIE: the C parts (GLFW) get address randomisation too, as Debian builds.
CGO_ENABLED=1 GOOS=linux GOARCH=$arch "$GO" build -trimpath -buildmode=pie -ldflags "$ldflags" -o "$work/$pkg" .
bin=$work/$pkg
"$bin" version | grep -qF "$version" || { say "the binary does not say its version $version"; exit 1; }

# share_tree DIR: the menu entry, icons, MIME type, manual and copyright
# under DIR (a prefix's share/ directory).
share_tree() {
	local d=$1 n
	install -d "$d/applications" "$d/mime/packages" "$d/man/man1" "$d/doc/$pkg"
	sed -e "s|@NAME@|$name|g" -e "s|@BIN@|$pkg|g" -e "s|@EXEC@|$pkg|g" -e "s|@ICON@|$appid|g" \
		packaging/linux/mailwizard.desktop.in >"$d/applications/$appid.desktop"
	desktop-file-validate "$d/applications/$appid.desktop"
	cp packaging/linux/mailwizard-mime.xml "$d/mime/packages/$pkg.xml"
	# The desktop's own compiler must take it (it only warns on bad XML).
	mkdir -p "$work/mime/packages" && cp "$d/mime/packages/$pkg.xml" "$work/mime/packages/"
	update-mime-database "$work/mime" 2>"$work/mime.err" >/dev/null || true
	[ -f "$work/mime/application/x-mailwizard-preset.xml" ] || { cat "$work/mime.err" >&2; say "update-mime-database refuses $pkg.xml"; exit 1; }

	if [ "$icon" = resources/icon.png ]; then
		for n in 16 24 32 48 64 128 256 512; do
			install -D -m 644 "resources/icons/$n.png" "$d/icons/hicolor/${n}x$n/apps/$appid.png"
		done
		install -D -m 644 resources/icon.svg "$d/icons/hicolor/scalable/apps/$appid.svg"
	else
		# A provider's icon is one PNG, square and at least 256 px
		# (tools/lockprofile checks): scaled down for the smaller sizes.
		command -v convert >/dev/null || { say "a provider icon needs ImageMagick (convert) to scale"; exit 1; }
		local size
		size=$(file -b "$icon" | sed -n 's/.*PNG image data, \([0-9]*\) x.*/\1/p')
		for n in 16 24 32 48 64 128 256 512; do
			[ "$n" -le "$size" ] || continue
			install -d "$d/icons/hicolor/${n}x$n/apps"
			convert "$icon" -strip -resize "${n}x$n" "PNG32:$d/icons/hicolor/${n}x$n/apps/$appid.png"
		done
	fi

	# The manual: the static part, with the program's own overview.
	local help
	help=$("$bin" help | sed -e 's/\\/\\e/g' -e "s/^\([.']\)/\\\\\&\1/" -e "s/\bmailwizard\b/$pkg/g")
	awk -v help="$help" '{ if ($0 == "@HELP@") print help; else print }' packaging/linux/mailwizard.1.in |
		sed -e "s|@PKGUP@|$(tr a-z A-Z <<<"$pkg")|g" -e "s|@PKG@|$pkg|g" -e "s|@NAME@|$name|g" \
			-e "s|@VERSION@|$version|g" -e "s|@DATE@|$(date -u -d "@$epoch" +%Y-%m-%d)|g" |
		gzip -n -9 >"$d/man/man1/$pkg.1.gz"

	copyright >"$d/doc/$pkg/copyright"
	find "$d" -type d -exec chmod 755 {} + && find "$d" -type f -exec chmod 644 {} +
}

# copyright: ours, then each Go module linked into the binary with its
# licence text (BSD and MIT ask binaries to carry the notice).
copyright() {
	sed -e "s|@NAME@|$name|g" -e "s|@PKG@|$pkg|g" packaging/linux/copyright.in
	local path ver dir f
	"$GO" version -m "$bin" | awk '$1 == "dep" { print $2, $3 }' | while read -r path ver; do
		dir=$("$GO" list -m -f '{{.Dir}}' "$path" 2>/dev/null || true)
		printf '\n%s\n%s %s\n%s\n\n' "-----------------------------------------------------------------------" "$path" "$ver" "-----------------------------------------------------------------------"
		f=$(find "$dir" -maxdepth 1 -type f \( -iname 'LICENSE*' -o -iname 'LICENCE*' -o -iname 'COPYING*' \) 2>/dev/null | sort | head -1)
		if [ -z "$dir" ] || [ -z "$f" ]; then
			echo "(no licence file in the module; see https://pkg.go.dev/$path)"
		elif grep -q 'Apache License' "$f" && grep -q 'Version 2\.0' "$f"; then
			# Debian ships the texts it has in common-licenses; a copy
			# of those is refused (lintian).
			echo "Licensed under the Apache License, Version 2.0: /usr/share/common-licenses/Apache-2.0"
		elif grep -q 'Mozilla Public License Version 2\.0' "$f"; then
			echo "Licensed under the Mozilla Public License 2.0: /usr/share/common-licenses/MPL-2.0"
		else
			sed 's/[[:space:]]*$//' "$f"
		fi
	done
}

mkdir -p dist

# --- tar.xz --------------------------------------------------------------
tarname=$pkg-$version-linux-$arch
t=$work/tar/$tarname
install -D -m 755 "$bin" "$t/bin/$pkg"
share_tree "$t/share"
sed -e "s|@PKG@|$pkg|g" -e "s|@NAME@|$name|g" packaging/linux/install.sh >"$t/install.sh"
chmod 755 "$t/install.sh" "$t/bin/$pkg"
tar -C "$work/tar" --sort=name --owner=0 --group=0 --numeric-owner --mtime="@$epoch" \
	-cf - "$tarname" | xz -9e -T1 >"dist/$tarname.tar.xz"

# --- .deb ----------------------------------------------------------------
# Staged where dpkg-shlibdeps looks for a package's files.
r=$work/src/debian/$pkg
install -D -m 755 "$bin" "$r/usr/bin/$pkg"
share_tree "$r/usr/share"
printf '%s (%s) unstable; urgency=medium\n\n  * Release %s, built from git commit %s.\n\n -- %s  %s\n' \
	"$pkg" "$debversion" "$version" "$(git rev-parse --short=12 HEAD)" \
	"${DEB_MAINTAINER:-Mailwizard Support <support@mailwizard.invalid>}" "$(date -u -R -d "@$epoch")" |
	gzip -n -9 >"$r/usr/share/doc/$pkg/changelog.gz"
chmod 644 "$r/usr/share/doc/$pkg/changelog.gz"

# Depends: what the binary links (dpkg-shlibdeps reads its NEEDED entries
# and the symbols' versions), and what GLFW opens with dlopen when it makes
# a window, which NEEDED does not show: on X11 the extensions, on Wayland
# the cursor, EGL and keyboard libraries. GLFW also names libraries it only
# tries (Vulkan, OSMesa, GLES): those are left out. Each library is
# resolved to the package that holds it here (dpkg-query -S); one the
# binary no longer names is dropped, with a note.
dlopen_needs="libX11.so.6 libXrandr.so.2 libXinerama.so.1 libXcursor.so.1 libXi.so.6 libXxf86vm.so.1
	libXext.so.6 libXrender.so.1 libwayland-cursor.so.0 libwayland-egl.so.1 libxkbcommon.so.0 libEGL.so.1"
# libdecor draws the title bar on Wayland desktops without server-side
# decorations (GNOME); without it GLFW draws a plain one.
dlopen_wants="libdecor-0.so.0=libdecor-0-0"
owner() { dpkg-query -S "*/$1" 2>/dev/null | cut -d: -f1 | grep -v -- '-dev$' | sort -u | head -1 || true; }
names() { grep -aoE 'lib[A-Za-z0-9_+-]+\.so\.[0-9]+' "$bin" | sort -u; }
named=$(names)
opened=() wanted=()
for so in $dlopen_needs; do
	if ! grep -qxF "$so" <<<"$named"; then
		say "note: the binary no longer names $so: not in Depends"
		continue
	fi
	p=$(owner "$so")
	[ -n "$p" ] || { say "no package here holds $so, which the binary opens: install the build dependencies (scripts/deps.sh build)"; exit 1; }
	opened+=("$p")
done
for w in $dlopen_wants; do
	so=${w%%=*}
	grep -qxF "$so" <<<"$named" || continue
	p=$(owner "$so")
	wanted+=("${p:-${w#*=}}")
done
mkdir -p "$r/DEBIAN" # dpkg-shlibdeps finds the package's root by it
printf 'Source: %s\n\nPackage: %s\nArchitecture: %s\n' "$pkg" "$pkg" "$arch" >"$work/src/debian/control"
linked=$(cd "$work/src" && dpkg-shlibdeps -O "debian/$pkg/usr/bin/$pkg" | sed -n 's/^shlibs:Depends=//p')
# One entry per package, dpkg-shlibdeps' versioned one first.
depends=$( (tr ',' '\n' <<<"$linked"; printf '%s\n' "${opened[@]}") | sed 's/^ *//' |
	awk 'NF { n = $1; if (!(n in seen)) { seen[n] = 1; print } }' | paste -sd, | sed 's/,/, /g')
recommends=$(printf '%s\n' gnome-keyring "${wanted[@]}" | paste -sd, | sed 's/,/, /g')

mkdir -p "$r/DEBIAN"
cat >"$r/DEBIAN/control" <<EOF
Package: $pkg
Version: $debversion
Architecture: $arch
Maintainer: ${DEB_MAINTAINER:-Mailwizard Support <support@mailwizard.invalid>}
Installed-Size: $(du -sk --apparent-size "$r/usr" | cut -f1)
Depends: $depends
Recommends: $recommends
Section: mail
Priority: optional
Homepage: https://mailwizard.invalid
Description: $name: sets up how a hosted service sends mail for a domain
 A wizard, in a window or on the terminal, that lets a hosted service (a
 CRM, a web shop, an office suite) send mail under your domain: it checks
 SPF, DKIM and DMARC in DNS, tests the SMTP relay, shows the exact records
 to publish and exports the configuration.
 .
 Passwords are kept in the desktop's Secret Service (gnome-keyring).
 Double-clicking a .mwpreset file from a support desk opens the wizard
 with its answers.
EOF
(cd "$r" && find usr -type f | LC_ALL=C sort | xargs md5sum) >"$r/DEBIAN/md5sums"
chmod 644 "$r/DEBIAN/md5sums"
debname=${pkg}_${debversion}_$arch.deb
dpkg-deb --root-owner-group -Zxz --build "$r" "dist/$debname" >/dev/null

# --- report ----------------------------------------------------------------
say "Depends: $depends"
say "Recommends: $recommends"
printf 'package-linux: stripped binary %s: %s bytes (%s MiB)\n' "$pkg" "$(stat -c %s "$bin")" \
	"$(awk -v s="$(stat -c %s "$bin")" 'BEGIN { printf "%.1f", s / 1048576 }')" >&2
for f in "dist/$tarname.tar.xz" "dist/$debname"; do
	printf 'package-linux: %s: %s bytes (%s MiB)\n' "$f" "$(stat -c %s "$f")" \
		"$(awk -v s="$(stat -c %s "$f")" 'BEGIN { printf "%.1f", s / 1048576 }')" >&2
done
file -b "$bin" | grep -q 'stripped$' && ! file -b "$bin" | grep -q 'not stripped' || { say "the binary is not stripped"; exit 1; }

tree_unchanged "$tree_before" || exit 1
