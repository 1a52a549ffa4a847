//! Clipping of segments and polylines by the simplest regions: a rectangle (G-code's
//! paper margin, `crop`) and a half-space (the source region of `mirror`, `mirror3d`).

/// The part `[t0, t1]` of the segment `a → b` inside the axis-aligned rectangle from
/// `min` to `max` (Liang–Barsky); `None` when it is all outside.
pub fn segment_in_rect(
    a: [f64; 2],
    b: [f64; 2],
    min: [f64; 2],
    max: [f64; 2],
) -> Option<(f64, f64)> {
    let d = [b[0] - a[0], b[1] - a[1]];
    let (mut t0, mut t1) = (0.0f64, 1.0f64);
    for (p, q) in [
        (-d[0], a[0] - min[0]),
        (d[0], max[0] - a[0]),
        (-d[1], a[1] - min[1]),
        (d[1], max[1] - a[1]),
    ] {
        if p == 0.0 {
            if q < 0.0 {
                return None;
            }
        } else {
            let t = q / p;
            if p < 0.0 {
                t0 = t0.max(t);
            } else {
                t1 = t1.min(t);
            }
        }
    }
    (t0 <= t1).then_some((t0, t1))
}

/// The parts of `line` where `side(p) >= 0` (within `tolerance`: a point on the
/// boundary counts as inside), each a polyline; `lerp(q, p, t)` places a crossing.
pub fn clip_to_half_space<P: Copy>(
    line: &[P],
    tolerance: f64,
    side: impl Fn(P) -> f64,
    lerp: impl Fn(P, P, f64) -> P,
) -> Vec<Vec<P>> {
    let mut parts = Vec::new();
    let mut run: Vec<P> = Vec::new();
    for (i, &p) in line.iter().enumerate() {
        let inside = side(p) >= -tolerance;
        if i > 0 {
            let q = line[i - 1];
            let (sq, sp) = (side(q), side(p));
            if (sq < -tolerance && sp > tolerance) || (sq > tolerance && sp < -tolerance) {
                run.push(lerp(q, p, sq / (sq - sp)));
                if !inside {
                    parts.push(std::mem::take(&mut run));
                }
            }
        }
        if inside {
            run.push(p);
        } else if !run.is_empty() {
            parts.push(std::mem::take(&mut run));
        }
    }
    if !run.is_empty() {
        parts.push(run);
    }
    parts
}
