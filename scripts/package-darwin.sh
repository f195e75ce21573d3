#!/usr/bin/env bash
# Builds the macOS packages into dist/; runs on a Mac only (cgo needs
# Apple's SDK, and hdiutil and codesign exist nowhere else):
#   <name>.app                        the application bundle (universal:
#                                     Apple silicon and Intel in one binary)
#   mailwizard<suffix>-<version>.dmg  a disk image: the app and a link to
#                                     /Applications to drag it onto
#   mailwizard<suffix>.dmg            the same image under a name that stays
#                                     put, for links to "the latest"
# <name> is "Mail Transport Wizard", or "<Service> Mail Wizard" with
# PROVIDER=<id or profile file>, which locks the build to that profile;
# <suffix> is then "-<provider id>" (scripts/buildinfo.sh). ARCHS="arm64"
# (or "amd64") builds for one architecture only, half the size.
# Needs: Go, and Xcode's command line tools (xcode-select --install) for
# clang, lipo, codesign; hdiutil and PlistBuddy come with macOS. fyne
# (fyne.io/tools, a pinned version) is fetched by the go command.
#
# Signing: the app is signed ad hoc (codesign -s -), which Apple silicon
# requires of every program it runs, but which names no developer. A Mac
# that downloaded the image therefore refuses to open it at first (the
# Gatekeeper warning: Control-click > Open, or System Settings > Privacy &
# Security > Open Anyway on macOS 15 and later). To hand out an image that
# opens without the warning, the service signs it with its own Apple
# "Developer ID Application" certificate (codesign --options runtime
# --timestamp -s "Developer ID Application: ...") and has Apple notarise it
# (xcrun notarytool submit ... --wait; xcrun stapler staple), which needs
# the service's Apple developer account; nothing here can do that for it.
set -euo pipefail

if [ "$(uname -s)" != Darwin ]; then
	echo "package-darwin: builds the macOS app and disk image, and runs on macOS only (it needs Apple's SDK, codesign and hdiutil); on a Mac run: make package-darwin" >&2
	exit 2
fi
cd "$(dirname "$0")/.."
repo=$PWD
GO=${GO:-go}
ARCHS=${ARCHS:-arm64 amd64}
FYNE=fyne.io/tools/cmd/fyne@v1.7.4
PLISTBUDDY=/usr/libexec/PlistBuddy
# Go 1.25 and later run on macOS 12 Monterey and later; the C parts (GLFW)
# are built for the same.
export MACOSX_DEPLOYMENT_TARGET=12.0

for tool in clang lipo codesign hdiutil plutil "$PLISTBUDDY"; do
	if ! command -v "$tool" >/dev/null; then
		echo "package-darwin: $tool is missing; install Xcode's command line tools: xcode-select --install" >&2
		exit 1
	fi
done

# Everything the build is stamped with, read before anything is built (a
# bad PROVIDER fails here).
version=$(scripts/buildinfo.sh version)
winversion=$(scripts/buildinfo.sh win) # 0.1.0.120: the same numbers as Windows
ldflags=$(scripts/buildinfo.sh ldflags)
suffix=$(scripts/buildinfo.sh suffix)
name=$(scripts/buildinfo.sh name)
icon=$(scripts/buildinfo.sh icon)
case $icon in /*) ;; *) icon=$repo/$icon ;; esac
appid=$(sed -n 's/^ *ID *= *"\(.*\)"/\1/p' FyneApp.toml)$suffix
short=${winversion%.*}   # CFBundleShortVersionString: three numbers
build=${winversion##*.}  # CFBundleVersion: the commits since the tag
[ "$build" -gt 0 ] || build=1
if ! [[ $short =~ ^[0-9]+\.[0-9]+\.[0-9]+$ && $build =~ ^[0-9]+$ ]]; then
	echo "package-darwin: scripts/buildinfo.sh win gave \"$winversion\", not four numbers" >&2
	exit 1
fi

# The tree as the build finds it: the build must leave it so.
status=$(git status --porcelain)

tmp=$(mktemp -d)
mnt=
cleanup() {
	[ -z "$mnt" ] || hdiutil detach -quiet "$mnt" 2>/dev/null || true
	rm -rf "$tmp"
}
trap cleanup EXIT

# The program, once per architecture (cgo cross-builds within the Mac:
# go passes clang -arch), then joined into one universal binary.
slices=()
for arch in $ARCHS; do
	start=$SECONDS
	CGO_ENABLED=1 GOOS=darwin GOARCH=$arch "$GO" build -trimpath -ldflags "$ldflags" -o "$tmp/mailwizard-$arch" .
	echo "package-darwin: built $arch in $((SECONDS - start)) s, $(($(stat -f %z "$tmp/mailwizard-$arch") / 1048576)) MB"
	slices+=("$tmp/mailwizard-$arch")
done
lipo -create -output "$tmp/mailwizard" "${slices[@]}"

# The bundle: fyne package writes Info.plist and the .icns (every size,
# with the rounded corners of macOS icons) around the binary built above.
# It also adds one to Build in FyneApp.toml after every run; it gets a
# copy of FyneApp.toml in a directory of its own (with one .go file, which
# it looks for), so the tree is never written to.
mkdir -p "$tmp/src" "$tmp/out"
cp FyneApp.toml "$tmp/src/"
echo 'package main' >"$tmp/src/main.go"
GOBIN=$tmp/bin "$GO" install "$FYNE"
(cd "$tmp/out" && "$tmp/bin/fyne" package -os darwin -src "$tmp/src" -executable "$tmp/mailwizard" \
	-name "$name" -app-id "$appid" -app-version "$short" -app-build "$build" -icon "$icon")
app=$tmp/out/$name.app
plist=$app/Contents/Info.plist
[ -x "$app/Contents/MacOS/mailwizard" ] || {
	echo "package-darwin: fyne package made no $name.app with Contents/MacOS/mailwizard" >&2
	exit 1
}

# What fyne's template leaves out or gets wrong for this app: the name in
# the Dock and Finder, the App Store category (empty without one in
# FyneApp.toml), the oldest macOS that Go supports, and the preset files
# the app opens (packaging/darwin/document-types.plist, merged from a copy
# in $tmp: PlistBuddy reads its command line split at spaces).
plutil -replace CFBundleDisplayName -string "$name" "$plist"
plutil -replace LSApplicationCategoryType -string public.app-category.utilities "$plist"
plutil -replace LSMinimumSystemVersion -string "$MACOSX_DEPLOYMENT_TARGET" "$plist"
plutil -replace CFBundleDevelopmentRegion -string en "$plist"
cp packaging/darwin/document-types.plist "$tmp/document-types.plist"
"$PLISTBUDDY" -c "Merge $tmp/document-types.plist" "$plist"
plutil -lint -s "$plist"
# The type's name in Finder, in the languages the app speaks.
for lproj in packaging/darwin/*.lproj; do
	cp -R "$lproj" "$app/Contents/Resources/"
	plutil -lint -s "$app/Contents/Resources/${lproj##*/}/InfoPlist.strings"
done
for key in CFBundleDocumentTypes.0.LSItemContentTypes.0 UTExportedTypeDeclarations.0.UTTypeIdentifier; do
	got=$(plutil -extract "$key" raw -o - "$plist")
	[ "$got" = app.mailwizard.preset ] || {
		echo "package-darwin: Info.plist $key is \"$got\", want app.mailwizard.preset" >&2
		exit 1
	}
done

# Ad hoc signature over the whole bundle (see the top of this file).
codesign --force --deep --sign - "$app"
codesign --verify --deep --strict "$app"

# The disk image: the app and a link to /Applications. hdiutil create
# sometimes fails with "Resource busy" on a busy machine; it is tried again.
stage=$tmp/stage
mkdir -p "$stage"
cp -R "$app" "$stage/"
ln -s /Applications "$stage/Applications"
base=mailwizard$suffix
dmg=dist/$base-$version.dmg
mkdir -p dist
rm -rf "dist/$name.app" "dist/$base.dmg" "dist/$base"-[0-9]*.dmg
for try in 1 2 3 4 5; do
	if hdiutil create -quiet -volname "$name" -srcfolder "$stage" -fs HFS+ -format UDZO -ov "$tmp/out.dmg"; then
		break
	fi
	[ "$try" -lt 5 ] || {
		echo "package-darwin: hdiutil create failed five times" >&2
		exit 1
	}
	sleep $((try * 2))
done
mv "$tmp/out.dmg" "$dmg"
cp "$dmg" "dist/$base.dmg" # a copy, not a link: replacing one leaves the other
cp -R "$app" "dist/"

# The image as a Mac finds it: it verifies, mounts read-only, holds the
# signed app and the link, and the program in it starts.
hdiutil verify -quiet "$dmg"
mnt=$tmp/mnt
mkdir -p "$mnt"
hdiutil attach -quiet -readonly -nobrowse -mountpoint "$mnt" "$dmg"
[ -L "$mnt/Applications" ] || {
	echo "package-darwin: the image has no Applications link" >&2
	exit 1
}
codesign --verify --deep --strict "$mnt/$name.app"
got=$("$mnt/$name.app/Contents/MacOS/mailwizard" version)
[ "$got" = "mailwizard $version" ] || {
	echo "package-darwin: the app in the image says \"$got\", want \"mailwizard $version\"" >&2
	exit 1
}
for arch in $ARCHS; do
	a=$arch
	[ "$a" != amd64 ] || a=x86_64
	if arch "-$a" /usr/bin/true 2>/dev/null; then # Intel code on Apple silicon needs Rosetta
		arch "-$a" "$mnt/$name.app/Contents/MacOS/mailwizard" version >/dev/null
	fi
done
hdiutil detach -quiet "$mnt"
mnt=

if [ "$(git status --porcelain)" != "$status" ]; then
	echo "package-darwin: the build changed the source tree:" >&2
	git status --short >&2
	exit 1
fi

echo "package-darwin: $name $version ($short build $build, $(lipo -archs "dist/$name.app/Contents/MacOS/mailwizard")) in dist/:"
for arch in $ARCHS; do
	stat -f %z "$tmp/mailwizard-$arch" | awk -v f="mailwizard ($arch part)" '{ printf "  %-52s %5.1f MB (%d bytes)\n", f, $1 / 1048576, $1 }'
done
for f in "dist/$name.app/Contents/MacOS/mailwizard" "$dmg" "dist/$base.dmg"; do
	stat -f %z "$f" | awk -v f="$f" '{ printf "  %-52s %5.1f MB (%d bytes)\n", f, $1 / 1048576, $1 }'
done
