#!/bin/sh
# Side by side with vpype (when it is installed), on the same SVG, as processes:
#   vpype read IN linesort [--two-opt] write OUT      graft optimize IN -o OUT --linesort [--greedy]
#   vpype read IN linemerge linesort write OUT        graft optimize IN -o OUT --linemerge 0.05 --linesort
# printing wall time and total pen-up travel (as vpype's `stat` measures it) of each.
# vpype's two-opt is O(n²) per pass: it is stopped after TWO_OPT_TIMEOUT seconds (600).
# Usage: sh benches/vpype_compare.sh [IN.svg]   (default: the demo scene at t = 2)
#   python3 benches/bench_inputs_svg.py segments /tmp/r.svg  makes graft bench's 100k segments;
#   graft render benches/hatched_dashes.scene.ron --svg /tmp/d.svg  80 799 dashes.
set -eu
cd "$(dirname "$0")/.."
GRAFT=${GRAFT:-target/release/graft}
VPYPE=${VPYPE:-vpype}
TWO_OPT_TIMEOUT=${TWO_OPT_TIMEOUT:-600}
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
travel() {  # the last "Pen-up length" of vpype's stat is the total, in CSS px
    [ -s "$1" ] || { echo "-"; return; }
    "$VPYPE" read "$1" stat 2>/dev/null | awk '/^  Pen-up length:/ { s = $3 } END { printf "%.1f", s * 25.4 / 96 }'
}
row() {  # row NAME OUT COMMAND...: time the command, then measure OUT
    name=$1 out=$2
    shift 2
    start=$(date +%s%N)
    if "$@" >/dev/null 2>&1; then
        ms=$(( ($(date +%s%N) - start) / 1000000 ))
    else
        ms="stopped after $(( ($(date +%s%N) - start) / 1000000 ))"
    fi
    printf '%-52s %22s %14s\n' "$name" "$ms" "$(travel "$out")"
}
printf '%-52s %22s %14s\n' "command" "time (ms)" "pen-up (mm)"
printf '%-52s %22s %14s\n' "input order" "-" "$(travel "$IN")"
row "vpype linesort" "$TMP/v1.svg" "$VPYPE" read "$IN" linesort write "$TMP/v1.svg"
row "vpype linesort --two-opt" "$TMP/v2.svg" timeout "$TWO_OPT_TIMEOUT" "$VPYPE" read "$IN" linesort --two-opt write "$TMP/v2.svg"
row "graft optimize --linesort --greedy" "$TMP/g1.svg" "$GRAFT" optimize "$IN" -o "$TMP/g1.svg" --linesort --greedy
row "graft optimize --linesort" "$TMP/g2.svg" "$GRAFT" optimize "$IN" -o "$TMP/g2.svg" --linesort
row "vpype linemerge linesort" "$TMP/v3.svg" "$VPYPE" read "$IN" linemerge linesort write "$TMP/v3.svg"
row "graft optimize --linemerge 0.05 --linesort" "$TMP/g3.svg" "$GRAFT" optimize "$IN" -o "$TMP/g3.svg" --linemerge 0.05 --linesort
