//! Primitives through given points: `polyline`, `bezier` (cubic) and `spline`
//! (centripetal Catmull–Rom).

use glam::DVec3;

use crate::geometry::{Polylines, Vec3};

use crate::ops::kit::defaults::{A4_CENTER, MAX_SAMPLES};
use crate::ops::model::failure::OpFailure;
use crate::ops::model::op::EvalContext;
use crate::ops::model::typed::Evaluate;

fn default_points() -> Vec<Vec3> {
    let c = A4_CENTER;
    vec![
        c + Vec3::new(-60.0, 20.0, 0.0),
        c + Vec3::new(-20.0, -30.0, 0.0),
        c + Vec3::new(20.0, 30.0, 0.0),
        c + Vec3::new(60.0, -20.0, 0.0),
    ]
}

crate::op! {
    /// one polyline through the given points (mm); `closed` adds the first point at the end when it is not there already
    #[op(primitive, name = "polyline", version = 1)]
    pub struct Polyline {
        /// the points, as [(x, y), (x, y, z), …]
        pub points: Vec<Vec3> = default_points(),
        /// join the last point back to the first
        pub closed: bool = false,
    }
}

impl Evaluate for Polyline {
    fn eval(&self, _: &Polylines, _: &EvalContext) -> Result<Polylines, OpFailure> {
        let mut pts = self.points.clone();
        if pts.is_empty() {
            return Ok(Polylines::new());
        }
        if self.closed && pts.len() > 1 && pts.first() != pts.last() {
            pts.push(pts[0]);
        }
        Ok(Polylines::from_lines([pts]))
    }
}

crate::op! {
    /// one cubic Bézier curve from p0 to p3 pulled towards p1 and p2, in `segments` straight pieces; the ends are exact
    #[op(primitive, name = "bezier", version = 1)]
    pub struct Bezier {
        /// start
        pub p0: Vec3 = A4_CENTER + Vec3::new(-60.0, 0.0, 0.0) => ui(-300.0, 600.0).unit("mm"),
        /// first control point
        pub p1: Vec3 = A4_CENTER + Vec3::new(-20.0, -60.0, 0.0) => ui(-300.0, 600.0).unit("mm"),
        /// second control point
        pub p2: Vec3 = A4_CENTER + Vec3::new(20.0, 60.0, 0.0) => ui(-300.0, 600.0).unit("mm"),
        /// end
        pub p3: Vec3 = A4_CENTER + Vec3::new(60.0, 0.0, 0.0) => ui(-300.0, 600.0).unit("mm"),
        /// number of straight pieces
        pub segments: u32 = 64 => ui(1.0, 512.0).domain(1.0, MAX_SAMPLES),
    }
}

impl Evaluate for Bezier {
    fn eval(&self, _: &Polylines, ctx: &EvalContext) -> Result<Polylines, OpFailure> {
        let n = self.segments as u64;
        ctx.check_budget(n + 1, 1)?;
        let [a, b, c, d] = [self.p0, self.p1, self.p2, self.p3].map(|p| p.as_dvec3());
        let at = |t: f64| {
            let u = 1.0 - t;
            a * (u * u * u) + b * (3.0 * u * u * t) + c * (3.0 * u * t * t) + d * (t * t * t)
        };
        let mut pts: Vec<Vec3> = (0..=n).map(|i| at(i as f64 / n as f64).as_vec3()).collect();
        // Exact ends, whatever rounding did.
        pts[0] = self.p0;
        pts[n as usize] = self.p3;
        Ok(Polylines::from_lines([pts]))
    }
}

crate::op! {
    /// a smooth curve through every point (centripetal Catmull–Rom: no loops or cusps between close points); `tension` 1 gives straight chords; a closed spline ends exactly on its first point
    #[op(primitive, name = "spline", version = 1)]
    pub struct Spline {
        /// the points it passes through, as [(x, y), (x, y, z), …]
        pub points: Vec<Vec3> = default_points(),
        /// join the last point back to the first, smoothly
        pub closed: bool = false,
        /// 0: the full curve, 1: straight between the points
        pub tension: f64 = 0.0 => ui(0.0, 1.0).domain(0.0, 1.0),
        /// straight pieces between two points
        pub segments_per_span: u32 = 16 => ui(1.0, 512.0).domain(1.0, 100_000.0),
    }
}

/// The centripetal Catmull–Rom point at `t` in 0..1 between p1 and p2.
fn catmull_rom(p0: DVec3, p1: DVec3, p2: DVec3, p3: DVec3, t: f64) -> DVec3 {
    let knot = |a: DVec3, b: DVec3| a.distance(b).sqrt().max(1e-12);
    let t0 = 0.0;
    let t1 = t0 + knot(p0, p1);
    let t2 = t1 + knot(p1, p2);
    let t3 = t2 + knot(p2, p3);
    let u = t1 + (t2 - t1) * t;
    let lerp = |a: DVec3, b: DVec3, ta: f64, tb: f64| a + (b - a) * ((u - ta) / (tb - ta));
    let a1 = lerp(p0, p1, t0, t1);
    let a2 = lerp(p1, p2, t1, t2);
    let a3 = lerp(p2, p3, t2, t3);
    let b1 = lerp(a1, a2, t0, t2);
    let b2 = lerp(a2, a3, t1, t3);
    lerp(b1, b2, t1, t2)
}

impl Evaluate for Spline {
    fn eval(&self, _: &Polylines, ctx: &EvalContext) -> Result<Polylines, OpFailure> {
        // Consecutive repeats would make zero-length spans.
        let mut anchors: Vec<DVec3> = Vec::with_capacity(self.points.len());
        for p in &self.points {
            let p = p.as_dvec3();
            if anchors.last().is_none_or(|q| q.distance(p) > 1e-9) {
                anchors.push(p);
            }
        }
        if self.closed
            && anchors.len() > 2
            && anchors[0].distance(anchors[anchors.len() - 1]) < 1e-9
        {
            anchors.pop();
        }
        match anchors.len() {
            0 => return Ok(Polylines::new()),
            1 => return Ok(Polylines::from_lines([vec![anchors[0].as_vec3()]])),
            _ => {}
        }
        let n = anchors.len();
        let closed = self.closed && n > 2;
        let spans = if closed { n } else { n - 1 };
        let per = self.segments_per_span as u64;
        ctx.check_budget(spans as u64 * per + 1, 1)?;
        // Neighbours outside an open curve are its ends mirrored.
        let anchor = |i: isize| -> DVec3 {
            if closed {
                anchors[i.rem_euclid(n as isize) as usize]
            } else if i < 0 {
                2.0 * anchors[0] - anchors[1]
            } else if i as usize >= n {
                2.0 * anchors[n - 1] - anchors[n - 2]
            } else {
                anchors[i as usize]
            }
        };
        let mut pts = Vec::with_capacity(spans * per as usize + 1);
        for s in 0..spans as isize {
            let (p0, p1, p2, p3) = (anchor(s - 1), anchor(s), anchor(s + 1), anchor(s + 2));
            for k in 0..per {
                let t = k as f64 / per as f64;
                let curve = catmull_rom(p0, p1, p2, p3, t);
                let chord = p1.lerp(p2, t);
                pts.push(curve.lerp(chord, self.tension).as_vec3());
            }
        }
        pts.push(if closed {
            pts[0]
        } else {
            anchors[n - 1].as_vec3()
        });
        Ok(Polylines::from_lines([pts]))
    }
}
