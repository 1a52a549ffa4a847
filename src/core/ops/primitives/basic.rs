//! Primitives made from parameters alone: line, polygon, circle, rect, grid, spiral, lissajous.
//!
//! Shapes follow grafix's semantics (unit shapes placed by `center` and `scale`), with
//! defaults chosen so that a new layer is visible in the middle of an A4 sheet in millimetres.

use std::f64::consts::TAU;

use crate::geometry::{Polylines, Vec3};

use crate::ops::model::failure::OpFailure;
use crate::ops::model::op::EvalContext;
use crate::ops::model::typed::Evaluate;

use crate::ops::kit::defaults::{A4_CENTER, MAX_SAMPLES};

/// Unit-space point (x, y) scaled about the origin and moved to `center`.
fn place(x: f64, y: f64, scale: f64, center: Vec3) -> Vec3 {
    Vec3::new((x * scale) as f32, (y * scale) as f32, 0.0) + center
}

/// A ring of `n` pieces on an ellipse, closed by repeating the first point.
/// A partial sweep keeps the full ring's vertices (every 360°/n) up to the sweep, ends
/// exactly at the sweep (on the circle) when that falls between two of them, and is
/// closed by a chord, as grafix draws it.
fn ring(n: usize, phase_deg: f64, sweep_deg: f64, rx: f64, ry: f64, center: Vec3) -> Vec<Vec3> {
    let phase = phase_deg.to_radians();
    let at = |a: f64| Vec3::new((rx * a.cos()) as f32, (ry * a.sin()) as f32, 0.0) + center;
    let step = 360.0 / n as f64;
    let mut pts: Vec<Vec3> = if sweep_deg >= 360.0 - 1e-9 {
        (0..n)
            .map(|i| at(phase + TAU * i as f64 / n as f64))
            .collect()
    } else {
        let whole = ((sweep_deg / step) + 1e-9).floor() as usize;
        let mut pts: Vec<Vec3> = (0..=whole)
            .map(|i| at(phase + (step * i as f64).to_radians()))
            .collect();
        if sweep_deg - step * whole as f64 > 1e-9 {
            pts.push(at(phase + sweep_deg.to_radians()));
        }
        pts
    };
    pts.push(pts[0]);
    pts
}

crate::choice! {
    /// Which point of a `line` sits at its centre parameter.
    pub enum LineAnchor { Center = "center", Left = "left", Right = "right" }
}

crate::op! {
    /// one straight segment
    #[op(primitive, name = "line", version = 1)]
    pub struct Line {
        /// position of the shape's centre
        pub center: Vec3 = A4_CENTER => ui(-300.0, 600.0).unit("mm"),
        /// which point of the segment sits at `center`
        pub anchor: LineAnchor = LineAnchor::Center,
        /// segment length
        pub length: f64 = 100.0 => ui(0.0, 300.0).min(0.0).unit("mm"),
        /// direction, from +x towards +y
        pub angle: f64 = 0.0 => ui(0.0, 360.0).unit("deg"),
    }
}

impl Evaluate for Line {
    fn eval(&self, _: &Polylines, _: &EvalContext) -> Result<Polylines, OpFailure> {
        let c = self.center;
        let (len, a) = (self.length, self.angle.to_radians());
        let d = Vec3::new((len * a.cos()) as f32, (len * a.sin()) as f32, 0.0);
        let start = match self.anchor {
            LineAnchor::Left => c,
            LineAnchor::Right => c - d,
            LineAnchor::Center => c - d * 0.5,
        };
        Ok(Polylines::from_lines([[start, start + d]]))
    }
}

crate::op! {
    /// regular polygon, closed; `scale` is the diameter of its circumcircle
    #[op(primitive, name = "polygon", version = 2)]
    pub struct Polygon {
        /// number of sides
        pub n_sides: u32 = 6 => ui(3.0, 128.0).domain(3.0, MAX_SAMPLES),
        /// angle of the first vertex from +x
        pub phase: f64 = 0.0 => ui(0.0, 360.0).unit("deg"),
        /// part of the turn covered: a partial sweep keeps the vertices within it (and its exact end on the circumcircle) and is closed by a chord
        pub sweep: f64 = 360.0 => ui(0.0, 360.0).unit("deg").domain(0.0, 360.0),
        /// position of the shape's centre
        pub center: Vec3 = A4_CENTER => ui(-300.0, 600.0).unit("mm"),
        /// diameter of the circumcircle
        pub scale: f64 = 100.0 => ui(0.0, 300.0).min(0.0).unit("mm"),
    }
}

impl Evaluate for Polygon {
    fn eval(&self, _: &Polylines, ctx: &EvalContext) -> Result<Polylines, OpFailure> {
        let n = self.n_sides as u64;
        ctx.check_budget(n + 2, 1)?;
        let r = self.scale * 0.5;
        let pts = ring(n as usize, self.phase, self.sweep, r, r, self.center);
        Ok(Polylines::from_lines([pts]))
    }
}

crate::op! {
    /// closed circle
    #[op(primitive, name = "circle", version = 1)]
    pub struct Circle {
        /// radius
        pub radius: f64 = 50.0 => ui(0.0, 200.0).min(0.0).unit("mm"),
        /// number of straight pieces
        pub segments: u32 = 96 => ui(3.0, 512.0).domain(3.0, MAX_SAMPLES),
        /// position of the shape's centre
        pub center: Vec3 = A4_CENTER => ui(-300.0, 600.0).unit("mm"),
    }
}

impl Evaluate for Circle {
    fn eval(&self, _: &Polylines, ctx: &EvalContext) -> Result<Polylines, OpFailure> {
        let n = self.segments as u64;
        ctx.check_budget(n + 1, 1)?;
        let r = self.radius;
        Ok(Polylines::from_lines([ring(
            n as usize,
            0.0,
            360.0,
            r,
            r,
            self.center,
        )]))
    }
}

crate::op! {
    /// closed rectangle rotated about its centre
    #[op(primitive, name = "rect", version = 1)]
    pub struct Rect {
        /// width
        pub width: f64 = 100.0 => ui(0.0, 300.0).min(0.0).unit("mm"),
        /// height
        pub height: f64 = 100.0 => ui(0.0, 300.0).min(0.0).unit("mm"),
        /// rotation about the centre
        pub angle: f64 = 0.0 => ui(-180.0, 180.0).unit("deg"),
        /// position of the shape's centre
        pub center: Vec3 = A4_CENTER => ui(-300.0, 600.0).unit("mm"),
    }
}

impl Evaluate for Rect {
    fn eval(&self, _: &Polylines, _: &EvalContext) -> Result<Polylines, OpFailure> {
        let (w, h) = (self.width * 0.5, self.height * 0.5);
        let (s, c) = self.angle.to_radians().sin_cos();
        let center = self.center;
        let corner = |x: f64, y: f64| {
            Vec3::new((x * c - y * s) as f32, (x * s + y * c) as f32, 0.0) + center
        };
        let pts = [
            corner(-w, -h),
            corner(w, -h),
            corner(w, h),
            corner(-w, h),
            corner(-w, -h),
        ];
        Ok(Polylines::from_lines([pts]))
    }
}

crate::op! {
    /// nx vertical and ny horizontal lines evenly spanning a square (edges included)
    #[op(primitive, name = "grid", version = 1)]
    pub struct Grid {
        /// number of vertical lines
        pub nx: u32 = 20 => ui(0.0, 500.0).domain(0.0, MAX_SAMPLES),
        /// number of horizontal lines
        pub ny: u32 = 20 => ui(0.0, 500.0).domain(0.0, MAX_SAMPLES),
        /// position of the shape's centre
        pub center: Vec3 = A4_CENTER => ui(-300.0, 600.0).unit("mm"),
        /// side of the square
        pub scale: f64 = 100.0 => ui(0.0, 300.0).min(0.0).unit("mm"),
    }
}

impl Evaluate for Grid {
    fn eval(&self, _: &Polylines, ctx: &EvalContext) -> Result<Polylines, OpFailure> {
        let (nx, ny) = (self.nx as u64, self.ny as u64);
        ctx.check_budget(2 * (nx + ny), nx + ny)?;
        let (s, c) = (self.scale, self.center);
        let at = |i: u64, n: u64| {
            if n <= 1 {
                0.0
            } else {
                i as f64 / (n - 1) as f64 - 0.5
            }
        };
        let mut out = Polylines::with_capacity(2 * (nx + ny) as usize, (nx + ny) as usize);
        for i in 0..nx {
            let x = at(i, nx);
            out.push_line([place(x, -0.5, s, c), place(x, 0.5, s, c)]);
        }
        for j in 0..ny {
            let y = at(j, ny);
            out.push_line([place(-0.5, y, s, c), place(0.5, y, s, c)]);
        }
        Ok(out)
    }
}

/// `samples` points of the curve `f` over 0..=1, moved to `center`.
fn sampled(
    samples: u32,
    center: Vec3,
    ctx: &EvalContext,
    f: impl Fn(f64) -> (f64, f64),
) -> Result<Polylines, OpFailure> {
    let n = samples as u64;
    ctx.check_budget(n, 1)?;
    let pts = (0..n).map(|i| {
        let (x, y) = f(i as f64 / (n - 1) as f64);
        Vec3::new(x as f32, y as f32, 0.0) + center
    });
    Ok(Polylines::from_lines([pts]))
}

crate::op! {
    /// Archimedean spiral from inner to outer radius, open
    #[op(primitive, name = "spiral", version = 1)]
    pub struct Spiral {
        /// radius at the start
        pub inner_radius: f64 = 0.0 => ui(0.0, 200.0).min(0.0).unit("mm"),
        /// radius at the end
        pub outer_radius: f64 = 80.0 => ui(0.0, 200.0).min(0.0).unit("mm"),
        /// number of turns; the sign sets the direction
        pub turns: f64 = 5.0 => ui(-20.0, 20.0).domain(-1000.0, 1000.0),
        /// starting angle
        pub phase: f64 = 0.0 => ui(-360.0, 360.0).unit("deg"),
        /// number of vertices
        pub samples: u32 = 512 => ui(2.0, 8000.0).domain(2.0, MAX_SAMPLES),
        /// position of the shape's centre
        pub center: Vec3 = A4_CENTER => ui(-300.0, 600.0).unit("mm"),
    }
}

impl Evaluate for Spiral {
    fn eval(&self, _: &Polylines, ctx: &EvalContext) -> Result<Polylines, OpFailure> {
        let (r0, r1) = (self.inner_radius, self.outer_radius);
        let (turns, phase) = (self.turns, self.phase.to_radians());
        sampled(self.samples, self.center, ctx, |u| {
            let r = r0 + (r1 - r0) * u;
            let a = phase + TAU * turns * u;
            (r * a.cos(), r * a.sin())
        })
    }
}

crate::op! {
    /// Lissajous curve x = sin(a·s + phase), y = sin(b·s) filling a square of side `scale`
    #[op(primitive, name = "lissajous", version = 1)]
    pub struct Lissajous {
        /// x frequency
        pub a: u32 = 3 => ui(0.0, 20.0).domain(0.0, 10_000.0),
        /// y frequency
        pub b: u32 = 2 => ui(0.0, 20.0).domain(0.0, 10_000.0),
        /// x phase
        pub phase: f64 = 90.0 => ui(0.0, 360.0).unit("deg"),
        /// number of vertices
        pub samples: u32 = 512 => ui(2.0, 8000.0).domain(2.0, MAX_SAMPLES),
        /// length of the curve in full periods
        pub turns: f64 = 1.0 => ui(0.0, 20.0).domain(0.0, 1000.0),
        /// position of the shape's centre
        pub center: Vec3 = A4_CENTER => ui(-300.0, 600.0).unit("mm"),
        /// side of the square the curve fits
        pub scale: f64 = 100.0 => ui(0.0, 300.0).min(0.0).unit("mm"),
    }
}

impl Evaluate for Lissajous {
    fn eval(&self, _: &Polylines, ctx: &EvalContext) -> Result<Polylines, OpFailure> {
        let (a, b) = (self.a as f64, self.b as f64);
        let (phase, turns, s) = (self.phase.to_radians(), self.turns, self.scale);
        sampled(self.samples, self.center, ctx, |u| {
            let t = TAU * turns * u;
            (0.5 * s * (a * t + phase).sin(), 0.5 * s * (b * t).sin())
        })
    }
}
