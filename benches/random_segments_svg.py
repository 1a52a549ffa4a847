"""Writes the 100 000 random segments of `graft bench` (benchmark 8) as an SVG, for
benches/vpype_compare.sh: python3 benches/random_segments_svg.py OUT.svg [N]"""
import sys

M = (1 << 64) - 1


def main():
    out = sys.argv[1]
    n = int(sys.argv[2]) if len(sys.argv) > 2 else 100_000
    state = 0x2545F4914F6CDD1D

    def rnd():
        nonlocal state
        state ^= (state << 13) & M
        state ^= state >> 7
        state ^= (state << 17) & M
        return (state >> 11) / float(1 << 53)

    paths = []
    for _ in range(n):
        ax, ay = 5 + rnd() * 200, 5 + rnd() * 287
        bx, by = ax + rnd() * 10 - 5, ay + rnd() * 10 - 5
        paths.append(f'<path d="M{ax:.4f},{ay:.4f} L{bx:.4f},{by:.4f}"/>')
    with open(out, "w") as f:
        f.write('<svg xmlns="http://www.w3.org/2000/svg" width="210mm" height="297mm" '
                'viewBox="0 0 210 297"><g fill="none" stroke="black" stroke-width="0.3">\n')
        f.write("\n".join(paths))
        f.write("\n</g></svg>\n")


main()
