#!/usr/bin/env bash
# Renders the app icon's PNGs from its SVGs, for committing: builds and
# packages use the PNGs and need no SVG renderer.
#   resources/icons/<N>.png  N = 16 24 32 48 64 128 256 512 (hicolor sizes)
#   resources/icon.png       the 256 px one, embedded as the window icon
# 16, 24 and 32 px come from their own hand-simplified drawings
# (resources/icons/icon-16.svg, -24, -32: fewer details, edges on the pixel
# grid); 48 px and up from resources/icon.svg, which is also the scalable
# icon the packages install. Needs rsvg-convert (Debian: librsvg2-bin).
set -euo pipefail
cd "$(dirname "$0")/.."
command -v rsvg-convert >/dev/null || { echo "render-icons: rsvg-convert missing: apt-get install librsvg2-bin" >&2; exit 1; }

source_for() {
	case $1 in
	16 | 24 | 32) echo "resources/icons/icon-$1.svg" ;;
	*) echo resources/icon.svg ;;
	esac
}
for n in 16 24 32 48 64 128 256 512; do
	rsvg-convert --width "$n" --height "$n" --format png "$(source_for "$n")" --output "resources/icons/$n.png"
done
cp resources/icons/256.png resources/icon.png
ls -l resources/icons/*.png resources/icon.png | awk '{print "render-icons:", $9, $5, "bytes"}'
