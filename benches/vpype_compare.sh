#!/bin/sh
# Side by side with vpype (when it is installed): the same SVG through
#   vpype read IN linemerge linesort [--two-opt] write OUT
#   graft optimize IN -o OUT --linemerge 0.05 --linesort
# printing wall time and total pen-up travel (as vpype's `stat` measures it) of each.
# Usage: sh benches/vpype_compare.sh [IN.svg]   (default: the demo scene, rendered)
set -eu
cd "$(dirname "$0")/.."
GRAFT=${GRAFT:-target/release/graft}
VPYPE=${VPYPE:-vpype}
if ! command -v "$VPYPE" >/dev/null 2>&1; then
    echo "vpype is not installed (pip install vpype); set VPYPE=/path/to/vpype" >&2
    exit 1
fi
[ -x "$GRAFT" ] || cargo build --release
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
IN=${1:-}
if [ -z "$IN" ]; then
    IN="$TMP/demo.svg"
    "$GRAFT" render assets/scenes/demo.scene.ron --t 2 --svg "$IN" >/dev/null
fi
travel() { "$VPYPE" read "$1" stat 2>/dev/null | awk '/^  Pen-up length:/ { s = $3 } END { printf "%.1f", s }'; }  # the last one is the total
ms() { start=$(date +%s%N); "$@" >/dev/null 2>&1; end=$(date +%s%N); echo $(( (end - start) / 1000000 )); }
printf '%-48s %10s %16s\n' "command" "time (ms)" "pen-up (mm)"
printf '%-48s %10s %16s\n' "input order" "-" "$(travel "$IN")"
t=$(ms "$VPYPE" read "$IN" linemerge linesort write "$TMP/vp.svg")
printf '%-48s %10s %16s\n' "vpype linemerge linesort" "$t" "$(travel "$TMP/vp.svg")"
t=$(ms "$VPYPE" read "$IN" linemerge linesort --two-opt write "$TMP/vp2.svg")
printf '%-48s %10s %16s\n' "vpype linemerge linesort --two-opt" "$t" "$(travel "$TMP/vp2.svg")"
t=$(ms "$GRAFT" optimize "$IN" -o "$TMP/gr.svg" --linemerge 0.05 --linesort)
printf '%-48s %10s %16s\n' "graft optimize --linemerge 0.05 --linesort" "$t" "$(travel "$TMP/gr.svg")"
