//! Polylines on the XY plane in the form the polygon libraries (i_overlay,
//! cavalier_contours) take: f64 points without repeats, rings without their closing point.

use i_overlay::core::fill_rule::FillRule as Winding;
use i_overlay::float::simplify::SimplifyShape;

use crate::geometry::{Polylines, Vec3};

use crate::ops::kit::fill_rule::{FillRule, shapes};

/// A point on the paper plane, as the libraries take it.
pub(crate) type P = [f64; 2];
/// i_overlay's regions: shapes, each an outer contour followed by its holes.
pub(crate) type Shapes = Vec<Vec<Vec<P>>>;

/// Ends closer than this (mm) make a polyline a ring.
pub(crate) const CLOSE: f64 = 1e-3;

/// `line`'s XY points, consecutive points closer than 1e-9 mm merged (the libraries need
/// distinct neighbours), and whether it is a ring (ends within [`CLOSE`]; the closing
/// point dropped). `None` when fewer than 2 points remain, or 3 for a ring.
pub(crate) fn planar(line: &[Vec3]) -> Option<(Vec<[f64; 2]>, bool)> {
    let mut pts: Vec<[f64; 2]> = line.iter().map(|p| [p.x as f64, p.y as f64]).collect();
    pts.dedup_by(|a, b| (a[0] - b[0]).hypot(a[1] - b[1]) < 1e-9);
    let closed = pts.len() >= 3 && {
        let (a, b) = (pts[0], pts[pts.len() - 1]);
        (a[0] - b[0]).hypot(a[1] - b[1]) <= CLOSE
    };
    if closed {
        pts.pop();
    }
    if pts.len() < 2 || (closed && pts.len() < 3) {
        return None;
    }
    Some((pts, closed))
}

/// The rings (closed, without the repeated point) and the open paths of `input`, in XY.
pub(crate) fn rings_and_paths(input: &Polylines) -> (Vec<Vec<P>>, Vec<Vec<P>>) {
    let (mut rings, mut paths) = (Vec::new(), Vec::new());
    for (pts, closed) in input.lines().filter_map(planar) {
        if closed {
            rings.push(pts)
        } else {
            paths.push(pts)
        }
    }
    (rings, paths)
}

/// The rings (as [`rings_and_paths`] finds them) of every geometry `inputs` reads, in
/// order: the closed regions of a mask.
pub(crate) fn rings_of(inputs: &crate::ops::model::reference::Inputs) -> Vec<Vec<P>> {
    inputs
        .geometries()
        .flat_map(|g| rings_and_paths(g).0)
        .collect()
}

/// The regions `rings` enclose under `rule`, as proper shapes (outer contours with their
/// holes, no overlaps within one shape). Per shape, each outer ring with the holes
/// nested in it is one region; overlapping regions stay separate shapes.
pub(crate) fn regions(rings: &[Vec<P>], rule: FillRule) -> Shapes {
    match rule {
        FillRule::EvenOdd => rings.simplify_shape(Winding::EvenOdd),
        FillRule::Nonzero => rings.simplify_shape(Winding::NonZero),
        FillRule::PerShape => {
            let as_vec2: Vec<Vec<glam::Vec2>> = rings
                .iter()
                .map(|r| {
                    r.iter()
                        .map(|p| glam::Vec2::new(p[0] as f32, p[1] as f32))
                        .collect()
                })
                .collect();
            shapes(&as_vec2)
                .into_iter()
                .flat_map(|group| {
                    let group: Vec<Vec<P>> = group
                        .iter()
                        .map(|r| r.iter().map(|p| [p.x as f64, p.y as f64]).collect())
                        .collect();
                    group.simplify_shape(Winding::EvenOdd)
                })
                .collect()
        }
    }
}

/// Appends every contour of `shapes` as a closed polyline on the XY plane.
pub(crate) fn push_contours(out: &mut Polylines, shapes: &Shapes) {
    for contour in shapes.iter().flatten() {
        if contour.len() >= 3 {
            out.push_line(
                contour
                    .iter()
                    .chain(contour.first())
                    .map(|p| Vec3::new(p[0] as f32, p[1] as f32, 0.0)),
            );
        }
    }
}
