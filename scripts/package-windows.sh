#!/usr/bin/env bash
# Builds the Windows packages from Debian into dist/ (x86-64):
#   mailwizard<suffix>.exe                 the window (GUI subsystem)
#   mailwizard<suffix>-cli.exe             its console twin, for cmd and PowerShell
#   mailwizard<suffix>-setup-<version>.exe the NSIS installer (per user, no admin)
#   mailwizard<suffix>-setup.exe           the same installer under a name that
#                                          stays put, for links to "the latest"
#   mailwizard<suffix>-<version>-windows-amd64.zip
#                                          portable: both programs and README.txt
# <suffix> is "" or "-<provider id>" with PROVIDER=<id or profile file>, which
# also locks the build to that profile (scripts/buildinfo.sh). Both programs
# carry the icon, a version resource and a manifest (packaging/windows/),
# compiled by windres into an object that mingw's linker links in: nothing
# is written into the source tree.
# Needs: gcc-mingw-w64-x86-64 (gcc and windres), nsis, p7zip-full (the zip).
set -euo pipefail
cd "$(dirname "$0")/.."
GO=${GO:-go}
CC_WIN=${CC_WIN:-x86_64-w64-mingw32-gcc}
WINDRES=${WINDRES:-x86_64-w64-mingw32-windres}

missing=()
for tool in "$CC_WIN:gcc-mingw-w64-x86-64" "$WINDRES:binutils-mingw-w64-x86-64" makensis:nsis 7z:p7zip-full; do
	command -v "${tool%%:*}" >/dev/null || missing+=("${tool#*:}")
done
if [ ${#missing[@]} -gt 0 ]; then
	echo "package-windows: missing tools; install them with: apt-get install ${missing[*]}" >&2
	exit 1
fi

# Everything the build is stamped with, read before anything is built (a
# bad PROVIDER fails here).
version=$(scripts/buildinfo.sh version)
winversion=$(scripts/buildinfo.sh win)
ldflags=$(scripts/buildinfo.sh ldflags)
suffix=$(scripts/buildinfo.sh suffix)
name=$(scripts/buildinfo.sh name)
icon=$(scripts/buildinfo.sh icon)
appid=$(sed -n 's/^ *ID *= *"\(.*\)"/\1/p' FyneApp.toml)$suffix
if ! [[ $winversion =~ ^[0-9]+\.[0-9]+\.[0-9]+\.[0-9]+$ ]]; then
	echo "package-windows: scripts/buildinfo.sh win gave \"$winversion\", not four numbers" >&2
	exit 1
fi

# The tree as the build finds it: scripts/check-windows.sh checks that the
# build left it so.
status=$(git status --porcelain | tr '\n' '\t')

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p dist

# The icon: the hand-drawn sizes in resources/icons/ when they are there
# (and the app's own icon is used), the rest scaled down from the 256 px
# PNG; a provider's icon is scaled to every size.
icons=()
if [ "$icon" = resources/icon.png ]; then
	for s in 16 24 32 48 64 128 256; do
		[ ! -f "resources/icons/$s.png" ] || icons+=("resources/icons/$s.png")
	done
fi
CGO_ENABLED=0 "$GO" run ./tools/mkico -o "$tmp/mailwizard.ico" -src "$icon" "${icons[@]}"

# esc makes $1 safe as sed replacement text (\, & and the delimiter |).
esc() { sed -e 's/[\\&|]/\\&/g' <<<"$1"; }

# resource <exe name> <description> writes $tmp/<exe name>.res.o, a COFF
# object holding the icon, version and manifest.
resource() {
	local dir=$tmp/rc-$1
	mkdir -p "$dir"
	cp "$tmp/mailwizard.ico" "$dir/"
	# A build after (or without) a release tag, or from a changed tree, is
	# marked a pre-release in its properties.
	local flags=0
	[[ $version != *-* ]] || flags=VS_FF_PRERELEASE
	for f in mailwizard.rc mailwizard.manifest; do
		sed -e "s|@VERSION@|$winversion|g" -e "s|@VERSION_COMMAS@|${winversion//./,}|g" \
			-e "s|@FULLVERSION@|$(esc "$version")|g" -e "s|@NAME@|$(esc "$name")|g" \
			-e "s|@DESCRIPTION@|$(esc "$2")|g" -e "s|@FILENAME@|$1|g" -e "s|@INTERNAL@|${1%.exe}|g" \
			-e "s/@FILEFLAGS@/$flags/g" "packaging/windows/$f" >"$dir/$f"
	done
	"$WINDRES" --target=pe-x86-64 -c 65001 -O coff -i "$dir/mailwizard.rc" -o "$tmp/$1.res.o"
}

# build <exe name> <extra -ldflags> cross-compiles the root package and
# links that exe's resource object in through mingw's linker (`go build
# -overlay` cannot add a .syso: the linker opens the real path).
build() {
	local start=$SECONDS
	CC=$CC_WIN CGO_ENABLED=1 GOOS=windows GOARCH=amd64 "$GO" build -trimpath \
		-ldflags "$2 -linkmode=external -extldflags=$tmp/$1.res.o $ldflags" -o "$tmp/$1" .
	echo "package-windows: built $1 in $((SECONDS - start)) s"
}

resource mailwizard.exe "$name"
resource mailwizard-cli.exe "$name (command line)"
build mailwizard.exe -H=windowsgui
build mailwizard-cli.exe ""

base=mailwizard$suffix
rm -f dist/".$base-windows.build" dist/"$base".exe dist/"$base"-cli.exe dist/"$base"-setup*.exe dist/"$base"-*-windows-amd64.zip
cp "$tmp/mailwizard.exe" "dist/$base.exe"
cp "$tmp/mailwizard-cli.exe" "dist/$base-cli.exe"

# The installer, from the same two programs.
setup=dist/$base-setup-$version.exe
makensis -V2 -INPUTCHARSET UTF8 \
	"-DNAME=$name" "-DVERSION=$version" "-DWINVERSION=$winversion" "-DAPPID=$appid" \
	"-DSUFFIX=$suffix" "-DSRCDIR=$tmp" "-DICON=$tmp/mailwizard.ico" \
	"-DOUTFILE=$PWD/$setup" \
	packaging/windows/installer.nsi
cp "$setup" "dist/$base-setup.exe" # a copy, not a link: replacing one leaves the other

# The portable zip: no installer, no registry; README.txt says how to use it.
zipdir=$tmp/zip
mkdir -p "$zipdir"
cp "$tmp/mailwizard.exe" "$tmp/mailwizard-cli.exe" "$zipdir/"
sed -e "s|@NAME@|$(esc "$name")|g" -e "s|@VERSION@|$version|g" -e 's/$/\r/' packaging/windows/README.txt >"$zipdir/README.txt"
zip=dist/$base-$version-windows-amd64.zip
(cd "$zipdir" && 7z a -tzip -bd -bso0 "$tmp/out.zip" mailwizard.exe mailwizard-cli.exe README.txt)
mv "$tmp/out.zip" "$zip"

# What scripts/check-windows.sh compares the files with.
printf 'version=%s\nwinversion=%s\nname=%s\nstatus=%s\n' "$version" "$winversion" "$name" "$status" >"dist/.$base-windows.build"

echo "package-windows: $name $version ($winversion) in dist/:"
for f in "dist/$base.exe" "dist/$base-cli.exe" "$setup" "dist/$base-setup.exe" "$zip"; do
	stat -c %s "$f" | awk -v f="$f" '{ printf "  %-52s %5.1f MB (%d bytes)\n", f, $1 / 1048576, $1 }'
done
