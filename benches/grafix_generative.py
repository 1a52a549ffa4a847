"""Times grafix's own generative effects (the Python peers of graft's generative ops)
on the same inputs graft's benches use:
    python3 benches/grafix_generative.py      # needs `pip install grafix==0.0.6`
Prints one line per case: `CASE p50_ms=... (runs=N)`.

Quality: grafix 0.0.6 has no draft/final switch for effects. The only thing that can
change parameters is the interactive parameter GUI (resolve_api_params consults a
ParamStore only inside a running parameter_context); outside `grafix.run` E.<op>()
resolves to the signature defaults plus what we pass, so this is final quality.
Runs headless: only grafix.api (G/E) and grafix.core are imported, never
grafix.interactive, so no window or OpenGL context is created.
"""
import math
import statistics
import time

import numpy as np

from grafix import E, G, primitive
from grafix.core.effect_registry import effect_registry
from grafix.core.realize import realize


# Registered as a user primitive so the inputs go through grafix's public API (G.<name>).
@primitive
def bench_ring(*, shape="a5"):
    if shape == "a5":  # A5 sheet, 148 x 210 mm, closed (first point repeated)
        xy = [(0, 0), (148, 0), (148, 210), (0, 210), (0, 0)]
    else:  # r = 50 mm circle, 256 segments, centred in a 200 x 200 mm area
        a = np.linspace(0.0, 2.0 * math.pi, 257)
        xy = np.stack([100 + 50 * np.cos(a), 100 + 50 * np.sin(a)], axis=1)
        xy[-1] = xy[0]
    xy = np.asarray(xy, dtype=np.float64)
    coords = np.zeros((len(xy), 3), dtype=np.float32)
    coords[:, :2] = xy
    return coords, np.array([0, len(xy)], dtype=np.int32)


def bench(name, geom):
    # realize() caches by recipe id, so repeated realize() calls would time a dict lookup.
    # Call the registered effect the same way realize() does, on a pre-realized input.
    inputs = [realize(g) for g in geom.inputs]
    run = lambda: effect_registry.get(geom.op)(inputs, geom.args)
    out = run()  # warm-up: numba JIT compile (or load from its on-disk cache)
    def timed():
        t = time.perf_counter()
        run()
        return (time.perf_counter() - t) * 1e3

    # The first timed run decides the count: 5 runs, or 3 when one run exceeds 5 s.
    times = [timed()]
    runs = 5 if times[0] <= 5000.0 else 3
    times += [timed() for _ in range(runs - 1)]
    n_lines = len(out.offsets) - 1
    print(f"{name} p50_ms={statistics.median(times):.1f} (runs={runs})  "
          f"# {n_lines} lines, {len(out.coords)} points", flush=True)


def main():
    a5 = G.bench_ring(shape="a5")
    circle = G.bench_ring(shape="circle")
    bench("reaction_diffusion", E.reaction_diffusion()(a5))  # defaults: pitch 0.6, 4500 steps
    bench("growth", E.growth(iters=250)(a5))
    bench("partition", E.partition(site_count=500)(a5))
    # margin = max_dist + 2 * grid_pitch = 50 mm around the circle's 100 mm box:
    # a 200 mm extent at 0.5 mm pitch = 401 x 401 grid points.
    bench("isocontour", E.isocontour(mode="both", max_dist=49.0, grid_pitch=0.5)(circle))


if __name__ == "__main__":
    main()
