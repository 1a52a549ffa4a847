"""Writes the random inputs of `graft bench` as SVG files for vpype, with the same
generator (xorshift, fixed seeds) as src/bench/mod.rs:
    python3 benches/bench_inputs_svg.py segments OUT.svg [N]   # benchmark 8: 100 000 segments
    python3 benches/bench_inputs_svg.py circles OUT.svg [N]    # benchmark 9d: 10 000 circles
    python3 benches/bench_inputs_svg.py squares OUT.svg [N]    # benchmark 9e: 10 000 squares
"""
import math
import sys

M = (1 << 64) - 1


def xorshift(seed):
    state = seed

    def rnd():
        nonlocal state
        state ^= (state << 13) & M
        state ^= state >> 7
        state ^= (state << 17) & M
        return (state >> 11) / float(1 << 53)

    return rnd


def segments(n):
    rnd = xorshift(0x2545F4914F6CDD1D)
    for _ in range(n):
        ax, ay = 5 + rnd() * 200, 5 + rnd() * 287
        bx, by = ax + rnd() * 10 - 5, ay + rnd() * 10 - 5
        yield [(ax, ay), (bx, by)]


def circles(n):
    rnd = xorshift(0x9E3779B97F4A7C15)
    for _ in range(n):
        cx, cy, r = 5 + rnd() * 200, 5 + rnd() * 287, 2 + rnd() * 4
        yield [(cx + r * math.cos(2 * math.pi * (k % 64) / 64),
                cy + r * math.sin(2 * math.pi * (k % 64) / 64)) for k in range(65)]


def squares(n):
    rnd = xorshift(0xD1B54A32D192ED03)
    for _ in range(n):
        x, y, s = 5 + rnd() * 200, 5 + rnd() * 287, 2 + rnd() * 6
        yield [(x, y), (x + s, y), (x + s, y + s), (x, y + s), (x, y)]


def main():
    kinds = {"segments": (segments, 100_000), "circles": (circles, 10_000), "squares": (squares, 10_000)}
    if len(sys.argv) < 3 or sys.argv[1] not in kinds:
        sys.exit(__doc__)
    make, n = kinds[sys.argv[1]]
    n = int(sys.argv[3]) if len(sys.argv) > 3 else n
    paths = ['<path d="M' + " L".join(f"{x:.4f},{y:.4f}" for x, y in pts) + '"/>' for pts in make(n)]
    with open(sys.argv[2], "w") as f:
        f.write('<svg xmlns="http://www.w3.org/2000/svg" width="210mm" height="297mm" viewBox="0 0 210 297">'
                '<g fill="none" stroke="black" stroke-width="0.3">\n' + "\n".join(paths) + "\n</g></svg>\n")


if __name__ == "__main__":
    main()
