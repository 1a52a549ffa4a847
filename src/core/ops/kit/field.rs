//! Scalar fields sampled on a regular grid over the paper, and their contours (marching
//! squares: isolines by `kit::marching`, regions with holes by the `contour` crate): what `isocontour`, `metaball` and
//! `reaction_diffusion` draw.

use contour::ContourBuilder;

use super::distance::RingDistance;
use super::marching::Field;
use super::parallel;
use super::planar::P;
use crate::geometry::{Polylines, Vec3};
use crate::ops::model::context::Executor;
use crate::ops::model::failure::OpFailure;
use crate::ops::model::reference::Inputs;

/// Most grid points one field holds (4 million: 32 MB of values).
pub(crate) const MAX_GRID_POINTS: u64 = 4_000_000;

/// Most grid points times contour levels one op may trace.
pub(crate) const MAX_CONTOUR_WORK: u64 = 200_000_000;

/// Rows of grid points sampled on one thread at least.
const ROWS_PER_CHUNK: usize = 8;

/// A grid of values over a rectangle of the paper: point `(i, j)` lies at
/// `origin + (i, j) · pitch`, its value at `values[j * nx + i]`.
#[derive(Clone, Debug)]
pub(crate) struct Grid {
    pub origin: P,
    pub pitch: f64,
    pub nx: usize,
    pub ny: usize,
    pub values: Vec<f64>,
}

impl Grid {
    /// A grid of `pitch` covering `lo..hi` (every value 0); refused when it would hold
    /// more than [`MAX_GRID_POINTS`].
    pub(crate) fn cover(lo: P, hi: P, pitch: f64) -> Result<Grid, OpFailure> {
        if !(pitch > 0.0 && pitch.is_finite()) {
            return Err(OpFailure::bad_input(format!(
                "grid_pitch {pitch} mm is not allowed: use a positive number"
            )));
        }
        let count = |span: f64| (span.max(0.0) / pitch).ceil() + 1.0;
        let (nx, ny) = (count(hi[0] - lo[0]), count(hi[1] - lo[1]));
        let points = nx * ny;
        OpFailure::check_estimate("grid points (raise grid_pitch)", points, MAX_GRID_POINTS)?;
        let (nx, ny) = (nx as usize, ny as usize);
        Ok(Grid {
            origin: lo,
            pitch,
            nx,
            ny,
            values: vec![0.0; nx * ny],
        })
    }

    /// The paper position of grid point `(i, j)`.
    pub(crate) fn position(&self, i: usize, j: usize) -> P {
        [
            self.origin[0] + i as f64 * self.pitch,
            self.origin[1] + j as f64 * self.pitch,
        ]
    }

    /// Sets every value to `f(position)`, rows in parallel on `ex`.
    pub(crate) fn fill(&mut self, ex: &dyn Executor, f: impl Fn(P) -> f64 + Sync) {
        let (nx, origin, pitch) = (self.nx, self.origin, self.pitch);
        parallel::for_each_chunk_mut(ex, &mut self.values, nx * ROWS_PER_CHUNK, |start, chunk| {
            for (k, v) in chunk.iter_mut().enumerate() {
                let index = start + k;
                let (i, j) = (index % nx, index / nx);
                *v = f([origin[0] + i as f64 * pitch, origin[1] + j as f64 * pitch]);
            }
        });
    }

    fn builder(&self) -> ContourBuilder {
        // The crate treats value i as the pixel [i, i + 1]: its centre is our point i.
        ContourBuilder::new(self.nx, self.ny, true)
            .x_origin(self.origin[0] - self.pitch / 2.0)
            .y_origin(self.origin[1] - self.pitch / 2.0)
            .x_step(self.pitch)
            .y_step(self.pitch)
    }

    /// Whether `ring` runs along the grid's outer frame: the crate closes every region
    /// that reaches the edge there, which is an artefact of the grid, not a contour.
    fn touches_frame(&self, ring: &[P]) -> bool {
        let half = self.pitch / 2.0;
        let lo = [self.origin[0] - half + 1e-9, self.origin[1] - half + 1e-9];
        let hi = [
            self.origin[0] + (self.nx as f64 - 0.5) * self.pitch - 1e-9,
            self.origin[1] + (self.ny as f64 - 0.5) * self.pitch - 1e-9,
        ];
        ring.iter()
            .any(|p| p[0] <= lo[0] || p[1] <= lo[1] || p[0] >= hi[0] || p[1] >= hi[1])
    }

    /// Refuses tracing `levels` contours when the work is over [`MAX_CONTOUR_WORK`].
    pub(crate) fn check_levels(&self, levels: usize) -> Result<(), OpFailure> {
        let work = (self.values.len() as u64).saturating_mul(levels as u64);
        if work > MAX_CONTOUR_WORK {
            return Err(OpFailure::OverBudget {
                what: "grid points × levels to contour (raise grid_pitch or spacing)",
                count: work,
                max: MAX_CONTOUR_WORK,
            });
        }
        Ok(())
    }

    /// The closed rings where the field crosses each of `levels` (what would close only
    /// at the grid's edge is left out), in the order of `levels`; interleaved groups of
    /// levels are traced in parallel on `ex`.
    pub(crate) fn isolines(
        &self,
        levels: &[f64],
        ex: &dyn Executor,
    ) -> Result<Vec<Vec<P>>, OpFailure> {
        self.check_levels(levels.len())?;
        let field = Field {
            values: &self.values,
            nx: self.nx,
            ny: self.ny,
            origin: self.origin,
            pitch: self.pitch,
        };
        // Every part takes every n-th level (neighbouring levels trace rings of about the
        // same length, so the parts get about the same work), then the order is restored.
        let parts = ex.threads().clamp(1, levels.len().max(1));
        let traced = parallel::map_ranges(ex, parts, 1, |range| {
            range
                .map(|part| {
                    let mine: Vec<f64> = levels.iter().copied().skip(part).step_by(parts).collect();
                    field.rings(&mine)
                })
                .collect::<Vec<_>>()
        });
        let mut by_level: Vec<Vec<Vec<P>>> = vec![Vec::new(); levels.len()];
        for (part, rings) in traced.into_iter().flatten().enumerate() {
            for (k, level_rings) in rings.into_iter().enumerate() {
                by_level[part + k * parts] = level_rings;
            }
        }
        Ok(by_level.into_iter().flatten().collect())
    }

    /// Sets every value to the signed distance to `rings` (negative inside, even-odd;
    /// `+∞` when there are none), in parallel on `ex`.
    pub(crate) fn fill_signed_distance(
        &mut self,
        rings: &[Vec<P>],
        ex: &dyn Executor,
    ) -> Result<(), OpFailure> {
        RingDistance::new(rings).fill_grid(self, ex)
    }

    /// The regions where the field is at least `level`: each outer ring with its holes.
    pub(crate) fn regions(&self, level: f64) -> Result<Vec<Vec<Vec<P>>>, OpFailure> {
        self.check_levels(1)?;
        let contours = self
            .builder()
            .contours(&self.values, &[level])
            .map_err(|e| OpFailure::bad_input(format!("cannot contour the field: {e:?}")))?;
        let ring = |l: &geo_types::LineString<f64>| l.0.iter().map(|c| [c.x, c.y]).collect();
        Ok(contours
            .iter()
            .flat_map(|c| c.geometry().0.iter())
            .map(|polygon| {
                std::iter::once(ring(polygon.exterior()))
                    .chain(polygon.interiors().iter().map(ring))
                    .filter(|r: &Vec<P>| !self.touches_frame(r))
                    .collect::<Vec<_>>()
            })
            .filter(|shape| !shape.is_empty())
            .collect())
    }
}

/// Appends closed rings (their first point repeated at the end) on the paper plane.
pub(crate) fn push_rings<'a>(out: &mut Polylines, rings: impl IntoIterator<Item = &'a Vec<P>>) {
    for ring in rings {
        if ring.len() >= 3 {
            let closed = ring.first() == ring.last();
            out.push_line(
                ring.iter()
                    .chain((!closed).then(|| &ring[0]))
                    .map(|p| Vec3::new(p[0] as f32, p[1] as f32, 0.0)),
            );
        }
    }
}

/// Whether every point of `input` lies at one height (the paper plane or parallel to it):
/// `fill` hatches such input as one region, the generative ops draw only in it.
pub(crate) fn is_flat(input: &Polylines) -> bool {
    let z0 = input.points().first().map_or(0.0, |p| p.z);
    input.points().iter().all(|p| (p.z - z0).abs() <= 1e-4)
}

/// `input` unchanged, with a note that `op` draws flat regions only.
pub(crate) fn passed_through(input: &Polylines) -> Polylines {
    let mut out = input.clone();
    out.add_note("the input is not flat (3D): it draws flat regions only, so the input is passed through; project it first (perspective)");
    out
}

/// Runs `draw` on the region a generative op works in: its input, or, when `mask` names
/// layers or shapes, their geometry together, with the input kept beneath the result.
pub(crate) fn in_mask(
    input: &Polylines,
    mask: &Inputs,
    draw: impl FnOnce(&Polylines) -> Result<Polylines, OpFailure>,
) -> Result<Polylines, OpFailure> {
    if mask.is_empty() {
        return draw(input);
    }
    let mut region = Polylines::new();
    for g in mask.geometries() {
        region.extend_from(g);
    }
    let drawn = draw(&region)?;
    let mut out = input.clone();
    out.extend_from(&drawn);
    for note in drawn.notes() {
        out.add_note(note.clone());
    }
    Ok(out)
}

/// The bounds of `rings`, or `None` when they hold no point.
pub(crate) fn bounds_of<'a>(rings: impl IntoIterator<Item = &'a Vec<P>>) -> Option<(P, P)> {
    let mut b: Option<(P, P)> = None;
    for p in rings.into_iter().flatten() {
        let (lo, hi) = b.get_or_insert((*p, *p));
        *lo = [lo[0].min(p[0]), lo[1].min(p[1])];
        *hi = [hi[0].max(p[0]), hi[1].max(p[1])];
    }
    b
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cone_contours_to_a_circle() {
        let mut g = Grid::cover([-10.0, -10.0], [10.0, 10.0], 0.25).unwrap();
        g.fill(&crate::ops::model::context::Serial, |p| p[0].hypot(p[1]));
        let rings = g
            .isolines(&[5.0], &crate::ops::model::context::Serial)
            .unwrap();
        assert_eq!(rings.len(), 1);
        for p in &rings[0] {
            assert!((p[0].hypot(p[1]) - 5.0).abs() < 0.05, "{p:?}");
        }
    }
}
