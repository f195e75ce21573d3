#!/usr/bin/env bash
# Checks what scripts/package-windows.sh left in dist/ (with the same
# PROVIDER), since nothing here can run a Windows program:
#   - mailwizard.exe is PE32+ x86-64 for the GUI subsystem (2), and
#     mailwizard-cli.exe the same for the console subsystem (3);
#   - both carry the version resource (the four numbers and the full
#     version), the icon in every size, and the manifest;
#   - the installer is NSIS's (the NullsoftInst marker), carries the
#     version too, and holds both programs and the uninstaller;
#   - the zip holds both programs and README.txt;
#   - each file is within the 35 MB goal;
#   - packaging left the source tree as it found it.
# Each check says what it found; any failure fails the script, after all
# checks have run. Needs: binutils-mingw-w64-x86-64, p7zip-full, binutils.
set -euo pipefail
cd "$(dirname "$0")/.."
OBJDUMP=${OBJDUMP:-x86_64-w64-mingw32-objdump}
MAX_MB=${MAX_MB:-35}

for tool in "$OBJDUMP:binutils-mingw-w64-x86-64" 7z:p7zip-full strings:binutils; do
	command -v "${tool%%:*}" >/dev/null || {
		echo "check-windows: ${tool%%:*} is missing: apt-get install ${tool#*:}" >&2
		exit 1
	}
done

suffix=$(scripts/buildinfo.sh suffix)
base=mailwizard$suffix
stamp=dist/.$base-windows.build
if [ ! -f "$stamp" ]; then
	echo "check-windows: $stamp is missing: run scripts/package-windows.sh first (with the same PROVIDER)" >&2
	exit 1
fi
# What the build was stamped with, and the tree's state before it.
version=$(sed -n 's/^version=//p' "$stamp")
winversion=$(sed -n 's/^winversion=//p' "$stamp")

failed=0
ok() { echo "ok    $*"; }
fail() {
	echo "FAIL  $*" >&2
	failed=1
}

gui=dist/$base.exe cli=dist/$base-cli.exe
setup=dist/$base-setup-$version.exe stable=dist/$base-setup.exe
zip=dist/$base-$version-windows-amd64.zip
for f in "$gui" "$cli" "$setup" "$stable" "$zip"; do
	if [ ! -f "$f" ]; then
		fail "$f: missing"
		continue
	fi
	size=$(stat -c %s "$f")
	mb=$(awk -v s="$size" 'BEGIN { printf "%.1f", s / 1048576 }')
	if [ "$size" -le $((MAX_MB * 1048576)) ]; then
		ok "$f: $mb MB (goal: at most $MAX_MB MB)"
	else
		fail "$f: $mb MB, more than the $MAX_MB MB goal"
	fi
done
[ -f "$gui" ] && [ -f "$cli" ] && [ -f "$setup" ] && [ -f "$zip" ] || {
	echo "check-windows: files are missing; run scripts/package-windows.sh" >&2
	exit 1
}

# pe <file> <subsystem number> <name> checks the PE header.
pe() {
	local hdr
	hdr=$("$OBJDUMP" -p "$1" 2>&1) || {
		fail "$1: objdump cannot read it as PE: $(head -1 <<<"$hdr")"
		return
	}
	local format magic subsystem
	format=$(sed -n 's/.*file format //p' <<<"$hdr" | head -1)
	magic=$(awk '$1 == "Magic" { print $2, $3 }' <<<"$hdr")
	subsystem=$(awk '$1 == "Subsystem" { $1 = ""; print substr($0, 2) }' <<<"$hdr")
	if [ "$format" = pei-x86-64 ] && [ "$magic" = "020b (PE32+)" ]; then
		ok "$1: $format, $magic"
	else
		fail "$1: format \"$format\", magic \"$magic\"; want pei-x86-64, 020b (PE32+)"
	fi
	if [[ $subsystem == "0000000$2"* ]]; then
		ok "$1: subsystem $subsystem"
	else
		fail "$1: subsystem \"$subsystem\"; want $2 ($3)"
	fi
}

# resources <file> <original file name> checks the version resource,
# the icon and the manifest.
resources() {
	local list strs
	list=$(7z l -tPE "$1" 2>&1) || {
		fail "$1: 7z cannot list its resources: $(tail -1 <<<"$list")"
		return
	}
	strs=$(strings -a -el "$1")
	# The fixed part (Explorer's "File version"), then the strings.
	if grep -qx "FileVersion: $winversion" <<<"$list" && grep -qx "ProductVersion: $winversion" <<<"$list"; then
		ok "$1: VS_FIXEDFILEINFO file and product version $winversion"
	else
		fail "$1: no fixed version $winversion in the version resource (7z says: $(grep -i version: <<<"$list" | tr '\n' ' '))"
	fi
	local key want got
	for key in FileVersion ProductVersion OriginalFilename ProductName; do
		case $key in
		FileVersion) want=$winversion ;;
		ProductVersion) want=$winversion ;;
		OriginalFilename) want=$2 ;;
		ProductName) want=$(sed -n 's/^name=//p' "$stamp") ;;
		esac
		got=$(grep -A1 -x "$key" <<<"$strs" | sed -n 2p || true)
		if [ "$got" = "$want" ]; then
			ok "$1: version string $key = \"$got\""
		else
			fail "$1: version string $key is \"$got\"; want \"$want\""
		fi
	done
	got=$(grep -A1 -x Comments <<<"$strs" | sed -n 2p || true)
	if [ "$got" = "$version" ]; then
		ok "$1: version string Comments = \"$got\" (the full version)"
	else
		fail "$1: version string Comments is \"$got\"; want \"$version\""
	fi
	local icons
	# 7z names resources .rsrc/[<language>/]<type>/<id>.
	icons=$(grep -cE '\.rsrc/(.+/)?ICON/[0-9]+$' <<<"$list" || true)
	if [ "$icons" -ge 7 ] && grep -qE '\.rsrc/(.+/)?GROUP_ICON/[0-9]+$' <<<"$list"; then
		ok "$1: an icon group with $icons images"
	else
		fail "$1: $icons icon images and $(grep -c 'GROUP_ICON' <<<"$list" || true) icon groups; want a group of 7 (16 to 256 px)"
	fi
	local ascii
	ascii=$(strings -a "$1")
	if grep -qE '\.rsrc/(.+/)?MANIFEST/1$' <<<"$list" && grep -q '<dpiAwareness[^>]*>PerMonitorV2<' <<<"$ascii"; then
		ok "$1: manifest, with PerMonitorV2"
	else
		fail "$1: no manifest resource with PerMonitorV2 DPI awareness"
	fi
}

pe "$gui" 2 "Windows GUI"
resources "$gui" mailwizard.exe
pe "$cli" 3 "Windows CUI, the console"
resources "$cli" mailwizard-cli.exe

# The installer.
if grep -q -a -F NullsoftInst "$setup"; then
	ok "$setup: NSIS signature NullsoftInst"
else
	fail "$setup: no NullsoftInst marker: not an NSIS installer"
fi
if cmp -s "$setup" "$stable"; then
	ok "$stable: the same installer"
else
	fail "$stable: differs from $setup"
fi
if list=$(7z l "$setup" 2>&1); then
	names=$(awk '/^-----/ { n++; next } n == 1 { print $NF }' <<<"$list")
	for want in mailwizard.exe mailwizard-cli.exe uninstall.exe; do
		if grep -qx "$want" <<<"$names"; then
			ok "$setup: holds $want"
		else
			fail "$setup: does not hold $want (it holds: $(tr '\n' ' ' <<<"$names"))"
		fi
	done
else
	fail "$setup: 7z cannot list it: $(tail -1 <<<"$list")"
fi
# Read whole, then matched: grep -q ends at the first match, and under
# pipefail 7z's SIGPIPE for the rest would fail the check by chance.
setup_pe=$(7z l -tPE "$setup" 2>/dev/null || true)
if grep -qx "FileVersion: $winversion" <<<"$setup_pe"; then
	ok "$setup: version resource $winversion"
else
	fail "$setup: no version $winversion in its version resource"
fi

# The zip.
if list=$(7z l -tzip "$zip" 2>&1); then
	names=$(awk '/^-----/ { n++; next } n == 1 { print $NF }' <<<"$list" | sort | tr '\n' ' ')
	if [ "$names" = "README.txt mailwizard-cli.exe mailwizard.exe " ]; then
		ok "$zip: holds $names"
	else
		fail "$zip: holds \"$names\"; want README.txt mailwizard-cli.exe mailwizard.exe"
	fi
else
	fail "$zip: 7z cannot list it: $(tail -1 <<<"$list")"
fi

# The tree: as the build found it. From a clean tree (CI) any change
# fails. In a tree someone is editing, lines that appeared are shown, and
# only paths packaging could have written fail (a resource object, an
# icon, FyneApp.toml's Build, a program outside dist/).
before=$(sed -n 's/^status=//p' "$stamp" | tr '\t' '\n' | sed '/^$/d')
now=$(git status --porcelain)
new=$(comm -13 <(sort <<<"$before") <(sort <<<"$now") | sed '/^$/d')
if [ -z "$new" ]; then
	ok "git status --porcelain: nothing new since before the build ($(grep -c . <<<"$now" || true) lines, as then)"
elif [ -z "$before" ]; then
	fail "git status --porcelain: the build started from a clean tree, and now:"$'\n'"$new"
else
	ours=$(grep -E '(\.syso|\.ico|\.res\.o|\.rc|\.manifest|\.exe|\.zip| FyneApp\.toml)$' <<<"$new" | grep -v ' dist/' || true)
	if [ -n "$ours" ]; then
		fail "git status --porcelain: packaging left these in the tree:"$'\n'"$ours"
	else
		ok "git status --porcelain: nothing packaging writes; changed meanwhile by someone editing the tree:"$'\n'"$(sed 's/^/        /' <<<"$new")"
	fi
fi
left=$(git ls-files --others --exclude-standard -- '*.syso' '*.ico' '*.res.o' '*.rc' '*.manifest' | grep -v '^packaging/windows/' || true)
if [ -z "$left" ]; then
	ok "no .syso, .ico, .res.o, .rc or .manifest left in the tree"
else
	fail "left in the tree: $left"
fi

if [ "$failed" != 0 ]; then
	echo "check-windows: FAILED (see FAIL above)" >&2
	exit 1
fi
echo "check-windows: all checks passed for $base $version"
