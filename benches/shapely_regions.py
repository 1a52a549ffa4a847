"""Times the Python peers of `graft bench` 9e and 9f with Shapely (what grafix and
vsketch users reach for), on the same inputs (same generator and seeds):
    python3 benches/shapely_regions.py      # needs `pip install shapely`
9e: union of 10 000 random squares (unary_union); 9f: a grid of 400 + 400 lines, 400 mm
square, intersected with a five-pointed star.
"""
import math
import statistics
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


if __name__ == "__main__":
    main()
