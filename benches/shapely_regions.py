"""Times the Python peers of `graft bench` 9e and 9f with Shapely (what grafix and
vsketch users reach for), on the same inputs (same generator and seeds):
    python3 benches/shapely_regions.py      # needs `pip install shapely`
9e: union of 10 000 random squares (unary_union); 9f: a grid of 400 + 400 lines, 400 mm
square, intersected with a five-pointed star; 9a: the demo's title (benches/title.scene.ron,
rendered by target/release/graft when it is built) buffered by 0.5 mm.
"""
import math
import os
import re
import statistics
import subprocess
import tempfile
import time

from shapely import MultiLineString, Polygon, unary_union

from bench_inputs_svg import squares


def timed(f, runs=5):
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        out = f()
        times.append((time.perf_counter() - t) * 1e3)
    return statistics.median(times), out


def main():
    polys = [Polygon(r) for r in squares(10_000)]
    ms, union = timed(lambda: unary_union(polys))
    print(f"9e. shapely unary_union of 10 000 squares: p50 {ms:.1f} ms, area {union.area:.1f} mm2")

    cx, cy = 105.0, 148.5
    lines = []
    for k in range(400):
        v = -200 + 400 * k / 399
        lines.append([(cx - 200, cy + v), (cx + 200, cy + v)])
        lines.append([(cx + v, cy - 200), (cx + v, cy + 200)])
    star = Polygon([
        (cx + (180 if k % 2 == 0 else 72) * math.cos(2 * math.pi * k / 10 - math.pi / 2),
         cy + (180 if k % 2 == 0 else 72) * math.sin(2 * math.pi * k / 10 - math.pi / 2))
        for k in range(10)
    ])
    hatch = MultiLineString(lines)
    ms, clipped = timed(lambda: hatch.intersection(star))
    print(f"9f. shapely intersection of 800 lines with a star: p50 {ms:.1f} ms, {len(clipped.geoms)} pieces")

    here = os.path.dirname(os.path.abspath(__file__))
    graft = os.path.join(here, "..", "target", "release", "graft")
    if os.path.exists(graft):
        with tempfile.TemporaryDirectory() as tmp:
            svg = os.path.join(tmp, "title.svg")
            subprocess.run([graft, "render", os.path.join(here, "title.scene.ron"), "--svg", svg],
                           check=True, capture_output=True)
            text = open(svg).read()
        strokes = [[tuple(map(float, p.split(","))) for p in m.group(1).replace("L ", "").split()]
                   for m in re.finditer(r'<path d="M ([^"]*)"', text)]
        title = MultiLineString(strokes)
        for q in (8, 16):
            ms, grown = timed(lambda: title.buffer(0.5, quad_segs=q), runs=50)
            print(f"9a. shapely buffer 0.5 of the title (quad_segs {q}): p50 {ms:.2f} ms, "
                  f"area {grown.area:.2f} mm2")
    else:
        print("9a. skipped: build graft first (cargo build --release) to render the title")


if __name__ == "__main__":
    main()
