#!/bin/sh
# Installs @NAME@ from this unpacked archive.
#   ./install.sh                 for you alone: ~/.local/bin and ~/.local/share
#   sudo ./install.sh --system   for everyone: /usr/local/bin and /usr/local/share
#   ./install.sh --uninstall     removes what the same install put there
#                                (with --system: the system-wide one)
# It copies the program, its menu entry, its icons and the preset file type
# (*.mwpreset, which then opens in the wizard), and refreshes the desktop's
# caches with update-desktop-database, update-mime-database and
# gtk-update-icon-cache where those are installed.
set -eu

pkg=@PKG@
here=$(cd "$(dirname "$0")" && pwd)

usage() {
	sed -n '2,10s/^# \{0,1\}//p' "$0"
	exit "${1:-0}"
}

scope=user
action=install
for arg in "$@"; do
	case $arg in
	--system) scope=system ;;
	--uninstall) action=uninstall ;;
	-h | --help) usage 0 ;;
	*)
		echo "install.sh: unknown option $arg" >&2
		usage 2 >&2
		;;
	esac
done

if [ "$scope" = system ]; then
	bindir=/usr/local/bin
	datadir=/usr/local/share
	if [ "$(id -u)" -ne 0 ]; then
		echo "install.sh: --system writes to /usr/local: run it as root (sudo $0 $*)" >&2
		exit 1
	fi
else
	: "${HOME:?install.sh: HOME is not set}"
	bindir=$HOME/.local/bin
	datadir=${XDG_DATA_HOME:-$HOME/.local/share}
fi

# The files under share/ in this archive, relative to it, one a line.
files=$(cd "$here/share" && find . -type f | sed 's|^\./||' | sort)

refresh() {
	if command -v update-desktop-database >/dev/null 2>&1 && [ -d "$datadir/applications" ]; then
		update-desktop-database -q "$datadir/applications" || true
	fi
	if command -v update-mime-database >/dev/null 2>&1 && [ -d "$datadir/mime" ]; then
		# Without packages/ it would keep the old database: keep the
		# directory, so an uninstall unregisters *.mwpreset.
		mkdir -p "$datadir/mime/packages"
		update-mime-database "$datadir/mime" || true
	fi
	if [ -d "$datadir/icons/hicolor" ]; then
		touch "$datadir/icons/hicolor" # a cache older than its directory is not used
		if command -v gtk-update-icon-cache >/dev/null 2>&1; then
			gtk-update-icon-cache -q -t -f "$datadir/icons/hicolor" || true
		fi
	fi
}

if [ "$action" = uninstall ]; then
	rm -f "$bindir/$pkg"
	echo "$files" | while IFS= read -r f; do
		rm -f "$datadir/$f"
		# Remove the directories this install made, if now empty.
		d=$(dirname "$datadir/$f")
		while [ "$d" != "$datadir" ] && rmdir "$d" 2>/dev/null; do
			d=$(dirname "$d")
		done
	done
	refresh
	echo "$pkg removed from $bindir and $datadir"
	exit 0
fi

mkdir -p "$bindir"
cp "$here/bin/$pkg" "$bindir/$pkg.new"
chmod 755 "$bindir/$pkg.new"
mv -f "$bindir/$pkg.new" "$bindir/$pkg"
echo "$files" | while IFS= read -r f; do
	mkdir -p "$(dirname "$datadir/$f")"
	case $f in
	applications/*.desktop)
		# The menu starts the program by its full path: ~/.local/bin is
		# not on every session's PATH. Exec quotes a path with spaces.
		sed -e "s|^TryExec=.*|TryExec=$bindir/$pkg|" \
			-e "s|^Exec=$pkg |Exec=\"$bindir/$pkg\" |" "$here/share/$f" >"$datadir/$f"
		;;
	*) cp "$here/share/$f" "$datadir/$f" ;;
	esac
	chmod 644 "$datadir/$f"
done
refresh

echo "$pkg installed: $bindir/$pkg, with its menu entry in $datadir/applications"
case ":$PATH:" in
*":$bindir:"*) ;;
*) echo "note: $bindir is not on your PATH; the menu entry works, and a terminal needs $bindir/$pkg (or log in again)" ;;
esac
