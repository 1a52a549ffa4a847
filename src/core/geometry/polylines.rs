//! Packed polyline storage shared between pipeline stages.

use std::ops::Range;
use std::sync::Arc;

use glam::Vec3;

/// Offsets that do not describe polylines over the points.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum OffsetsError {
    /// The first offset is not 0.
    #[error("offsets must start with 0")]
    Start,
    /// An offset is below the one before it.
    #[error("offsets must not decrease")]
    Decreasing,
    /// The last offset is not the number of points.
    #[error("last offset {last} does not match {points} points")]
    End {
        /// The last offset.
        last: u32,
        /// Points given.
        points: usize,
    },
}

/// Many polylines packed into one block: all points in order, plus offsets.
///
/// Polyline `i` is `points[offsets[i]..offsets[i + 1]]`. `offsets[0] == 0` and the
/// last offset equals `points.len()`. Units are millimetres, origin top-left, +y down.
/// The offsets sit behind an `Arc` so that effects which only move points (displace,
/// translate, …) share the topology of their input instead of copying it.
///
/// A result may carry notes: what the op that made it (or an earlier stage) left out or
/// changed without failing, e.g. "3 images ignored". They travel with the geometry
/// (cached with it, so a cache hit still shows them) and play no part in equality.
#[derive(Clone, Debug)]
pub struct Polylines {
    points: Vec<Vec3>,
    offsets: Arc<Vec<u32>>,
    notes: Option<Arc<Vec<String>>>,
}

/// Most notes one geometry carries (later ones are dropped).
pub const MAX_NOTES: usize = 16;

impl PartialEq for Polylines {
    /// Same points in the same polylines (notes are not compared).
    fn eq(&self, other: &Self) -> bool {
        self.points == other.points && self.offsets == other.offsets
    }
}

impl Default for Polylines {
    fn default() -> Self {
        Self::new()
    }
}

impl Polylines {
    /// An empty geometry.
    pub fn new() -> Self {
        Self {
            points: Vec::new(),
            offsets: Arc::new(vec![0]),
            notes: None,
        }
    }

    /// An empty geometry with room for `points` points and `lines` polylines.
    pub fn with_capacity(points: usize, lines: usize) -> Self {
        let mut offsets = Vec::with_capacity(lines + 1);
        offsets.push(0);
        Self {
            points: Vec::with_capacity(points),
            offsets: Arc::new(offsets),
            notes: None,
        }
    }

    /// Builds from raw parts, checking the offsets invariant.
    pub fn from_parts(points: Vec<Vec3>, offsets: Vec<u32>) -> Result<Self, OffsetsError> {
        Self::from_shared_parts(points, Arc::new(offsets))
    }

    /// Builds from points and an offsets block shared with another geometry.
    pub fn from_shared_parts(
        points: Vec<Vec3>,
        offsets: Arc<Vec<u32>>,
    ) -> Result<Self, OffsetsError> {
        if offsets.first() != Some(&0) {
            return Err(OffsetsError::Start);
        }
        if offsets.windows(2).any(|w| w[0] > w[1]) {
            return Err(OffsetsError::Decreasing);
        }
        if *offsets.last().unwrap() as usize != points.len() {
            return Err(OffsetsError::End {
                last: *offsets.last().unwrap(),
                points: points.len(),
            });
        }
        Ok(Self {
            points,
            offsets,
            notes: None,
        })
    }

    /// Builds from a list of point lists (handy in tests and small primitives).
    pub fn from_lines<I, L>(lines: I) -> Self
    where
        I: IntoIterator<Item = L>,
        L: IntoIterator<Item = Vec3>,
    {
        let mut out = Self::new();
        for line in lines {
            out.push_line(line);
        }
        out
    }

    /// Appends one polyline.
    pub fn push_line(&mut self, line: impl IntoIterator<Item = Vec3>) {
        self.points.extend(line);
        let end = self.points.len() as u32;
        Arc::make_mut(&mut self.offsets).push(end);
    }

    /// Appends `run` as one polyline when it has two or more points (a single point
    /// draws nothing), and empties it: the pattern of ops that cut lines into runs.
    pub fn push_run(&mut self, run: &mut Vec<Vec3>) {
        if run.len() > 1 {
            self.push_line(run.drain(..));
        } else {
            run.clear();
        }
    }

    /// Appends the points of a polyline one at a time; call [`Self::end_line`] after.
    pub fn push_point(&mut self, p: Vec3) {
        self.points.push(p);
    }

    /// Closes the polyline started by the points pushed since the last line ended.
    pub fn end_line(&mut self) {
        let end = self.points.len() as u32;
        Arc::make_mut(&mut self.offsets).push(end);
    }

    /// Appends every polyline of `other`.
    pub fn extend_from(&mut self, other: &Polylines) {
        let base = self.points.len() as u32;
        self.points.extend_from_slice(&other.points);
        let offsets = Arc::make_mut(&mut self.offsets);
        offsets.extend(other.offsets[1..].iter().map(|o| o + base));
    }

    /// All points, in order.
    pub fn points(&self) -> &[Vec3] {
        &self.points
    }

    /// Index of the first point with a NaN or infinite coordinate. Checked in blocks
    /// without early exit first (the common all-finite case vectorises), so a check after
    /// every stage costs little.
    pub fn first_non_finite(&self) -> Option<usize> {
        let floats: &[f32] = bytemuck::cast_slice(&self.points);
        const EXPONENT: u32 = 0x7f80_0000;
        let all_finite = floats.chunks(1024).all(|block| {
            block.iter().fold(0u32, |bad, x| {
                bad | ((x.to_bits() & EXPONENT == EXPONENT) as u32)
            }) == 0
        });
        if all_finite {
            None
        } else {
            self.points.iter().position(|p| !p.is_finite())
        }
    }

    /// Mutable access to the points (topology stays as it is).
    pub fn points_mut(&mut self) -> &mut [Vec3] {
        &mut self.points
    }

    /// The offsets block (`len() == line_count() + 1`).
    pub fn offsets(&self) -> &[u32] {
        &self.offsets
    }

    /// The shared offsets block, for geometries that keep this topology.
    pub fn shared_offsets(&self) -> &Arc<Vec<u32>> {
        &self.offsets
    }

    /// Number of polylines.
    pub fn line_count(&self) -> usize {
        self.offsets.len() - 1
    }

    /// Number of points.
    pub fn point_count(&self) -> usize {
        self.points.len()
    }

    /// Number of drawable segments (pairs of consecutive points within a polyline).
    pub fn segment_count(&self) -> usize {
        self.offsets
            .windows(2)
            .map(|w| (w[1] - w[0]).saturating_sub(1) as usize)
            .sum()
    }

    /// True when there is no point at all.
    pub fn is_empty(&self) -> bool {
        self.points.is_empty()
    }

    /// Index range of polyline `i` in [`Self::points`].
    pub fn range(&self, i: usize) -> Range<usize> {
        self.offsets[i] as usize..self.offsets[i + 1] as usize
    }

    /// Points of polyline `i`.
    pub fn line(&self, i: usize) -> &[Vec3] {
        &self.points[self.range(i)]
    }

    /// Iterates over the polylines as point slices.
    pub fn lines(&self) -> impl ExactSizeIterator<Item = &[Vec3]> + '_ {
        self.offsets
            .windows(2)
            .map(|w| &self.points[w[0] as usize..w[1] as usize])
    }

    /// What was left out or changed on the way here (see the type's notes).
    pub fn notes(&self) -> &[String] {
        self.notes.as_deref().map_or(&[], Vec::as_slice)
    }

    /// Adds a note (once; at most [`MAX_NOTES`] are kept).
    pub fn add_note(&mut self, note: impl Into<String>) {
        let note = note.into();
        let notes = Arc::make_mut(self.notes.get_or_insert_with(Default::default));
        if notes.len() < MAX_NOTES && !notes.contains(&note) {
            notes.push(note);
        }
    }

    /// Replaces the notes.
    pub fn set_notes(&mut self, notes: Vec<String>) {
        self.notes = (!notes.is_empty()).then(|| Arc::new(notes));
    }

    /// Approximate heap size in bytes (points + offsets), used by cache budgets.
    pub fn byte_size(&self) -> usize {
        self.points.len() * std::mem::size_of::<Vec3>() + self.offsets.len() * 4
    }

    /// A geometry with the same topology and new points (`points.len()` must match).
    pub fn with_points(&self, points: Vec<Vec3>) -> Self {
        assert_eq!(points.len(), self.points.len(), "topology must not change");
        Self {
            points,
            offsets: Arc::clone(&self.offsets),
            notes: None,
        }
    }

    /// Axis-aligned bounds `(min, max)` of all points, or `None` when empty.
    pub fn bounds(&self) -> Option<(Vec3, Vec3)> {
        let first = *self.points.first()?;
        Some(
            self.points
                .iter()
                .fold((first, first), |(lo, hi), p| (lo.min(*p), hi.max(*p))),
        )
    }

    /// Mean of all points (the "auto centre" of transforms), or zero when empty.
    pub fn centroid(&self) -> Vec3 {
        if self.points.is_empty() {
            return Vec3::ZERO;
        }
        let sum: glam::DVec3 = self.points.iter().map(|p| p.as_dvec3()).sum();
        (sum / self.points.len() as f64).as_vec3()
    }
}

/// True when a polyline's first and last points coincide (within `tolerance`).
pub fn is_closed(line: &[Vec3], tolerance: f32) -> bool {
    line.len() >= 3 && line[0].distance(line[line.len() - 1]) <= tolerance
}

/// The distinct points of a ring whose last point repeats its first exactly (so a
/// centre counts that corner once); other lines unchanged.
pub fn without_closing_point<T: PartialEq>(line: &[T]) -> &[T] {
    if line.len() > 2 && line[0] == line[line.len() - 1] {
        &line[..line.len() - 1]
    } else {
        line
    }
}

/// Length of a polyline along its points.
pub fn line_length(line: &[Vec3]) -> f64 {
    line.windows(2)
        .map(|w| w[0].distance(w[1]) as f64)
        .sum::<f64>()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offsets_invariant_is_checked() {
        assert!(Polylines::from_parts(vec![Vec3::ZERO], vec![0, 2]).is_err());
        assert!(Polylines::from_parts(vec![Vec3::ZERO], vec![1, 1]).is_err());
        let p = Polylines::from_parts(vec![Vec3::ZERO, Vec3::X], vec![0, 2]).unwrap();
        assert_eq!(p.line_count(), 1);
        assert_eq!(p.segment_count(), 1);
    }

    #[test]
    fn extend_rebases_offsets() {
        let mut a = Polylines::from_lines([[Vec3::ZERO, Vec3::X]]);
        let b = Polylines::from_lines([vec![Vec3::Y, Vec3::ONE, Vec3::Z]]);
        a.extend_from(&b);
        assert_eq!(a.offsets(), &[0, 2, 5]);
        assert_eq!(a.line(1), &[Vec3::Y, Vec3::ONE, Vec3::Z]);
    }
}
