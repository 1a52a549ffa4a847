"""Writes graft bench's 10 000 random circles (benchmark 9d) as an SVG, for
`vpype read OUT.svg occult write x.svg`: python3 benches/occult_circles_svg.py OUT.svg"""
import math
import sys

M = (1 << 64) - 1


def main():
    state = 0x9E3779B97F4A7C15

    def rnd():
        nonlocal state
        state ^= (state << 13) & M
        state ^= state >> 7
        state ^= (state << 17) & M
        return (state >> 11) / float(1 << 53)

    paths = []
    for _ in range(10_000):
        cx, cy, r = 5 + rnd() * 200, 5 + rnd() * 287, 2 + rnd() * 4
        pts = [(cx + r * math.cos(2 * math.pi * (k % 64) / 64), cy + r * math.sin(2 * math.pi * (k % 64) / 64)) for k in range(65)]
        paths.append('<path d="M' + " L".join(f"{x:.4f},{y:.4f}" for x, y in pts) + '"/>')
    with open(sys.argv[1], "w") as f:
        f.write('<svg xmlns="http://www.w3.org/2000/svg" width="210mm" height="297mm" viewBox="0 0 210 297">'
                '<g fill="none" stroke="black">\n' + "\n".join(paths) + "\n</g></svg>\n")


main()
