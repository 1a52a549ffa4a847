//! `partition`: Voronoi cells of random sites in the input's closed regions, each cell
//! cut to the region: a drawing split into crystal-like tiles.

use i_overlay::core::fill_rule::FillRule as Winding;
use i_overlay::core::overlay_rule::OverlayRule;
use i_overlay::float::single::SingleFloatOverlay;

use crate::geometry::{Polylines, Vec3};

use crate::ops::kit::distance::RingDistance;
use rstar::primitives::{GeomWithData, Rectangle};
use rstar::{AABB, RTree};

use crate::ops::kit::crossings;
use crate::ops::kit::field::{bounds_of, in_mask, is_flat, passed_through, push_rings};
use crate::ops::kit::fill_rule::FillRule;
use crate::ops::kit::parallel;
use crate::ops::kit::planar::{P, regions, rings_and_paths};
use crate::ops::kit::random::SeededRng;
use crate::ops::model::failure::OpFailure;
use crate::ops::model::op::EvalContext;
use crate::ops::model::reference::Inputs;
use crate::ops::model::typed::Evaluate;

crate::choice! {
    /// Which closed regions `partition` splits.
    pub enum PartitionMode { Merge = "merge", Group = "group", Ring = "ring" }
}

crate::op! {
    /// splits the closed regions of the input (ends within 0.001 mm closed; open lines are ignored) into the Voronoi cells of site_count random sites, each cell cut to its region; merge: all rings one even-odd region, group: each outer ring with its holes, ring: every ring on its own; the result is closed cells on the XY plane
    #[op(effect, name = "partition", version = 1)]
    pub struct Partition {
        /// draw in the closed regions of these layers or shapes instead of the input's (the input is then kept, beneath)
        pub mask: Inputs = Inputs::none(),
        /// which regions are split
        pub mode: PartitionMode = PartitionMode::Merge,
        /// sites (cells) per region
        pub site_count: u32 = 12 => ui(1.0, 500.0).domain(1.0, 5000.0),
        /// random seed of the sites
        pub seed: u32 = 0 => ui(0.0, 9999.0),
        /// thinning of the sites per axis: 0 keeps every site, 1 keeps none but where the slope adds back
        pub site_density_base: Vec3 = Vec3::ZERO => ui(0.0, 1.0).domain(0.0, 1.0),
        /// change of the kept share across the region per axis (positive: more sites toward +x, +y)
        pub site_density_slope: Vec3 = Vec3::ZERO => ui(-1.0, 1.0).domain(-10.0, 10.0),
        /// the slope is centred on the middle of each region's bounds (else on pivot)
        pub auto_center: bool = true,
        /// the centre of the slope when auto_center is off
        pub pivot: Vec3 = Vec3::ZERO => ui(-300.0, 600.0).unit("mm"),
    }
}

/// Most sites of one evaluation, over all regions (a couple of seconds of cutting).
const MAX_SITES: u64 = 200_000;

/// Twice the signed area of a ring (positive: counter-clockwise with y up).
fn signed_area(ring: &[P]) -> f64 {
    (0..ring.len())
        .map(|i| {
            let (a, b) = (ring[i], ring[(i + 1) % ring.len()]);
            a[0] * b[1] - b[0] * a[1]
        })
        .sum()
}

/// Draws per kept site at most (then the region gets fewer sites, and a note says so).
const TRIES_PER_SITE: u64 = 1000;

/// The convex cell of `site` among `sites` within the box `lo..hi`: the box cut by the
/// bisector of every other site (for the few sites a triangulation cannot take).
fn cell_by_bisectors(sites: &[P], k: usize, lo: P, hi: P) -> Vec<P> {
    let mut cell = vec![lo, [hi[0], lo[1]], hi, [lo[0], hi[1]]];
    let s = sites[k];
    for (j, o) in sites.iter().enumerate() {
        if j == k || cell.is_empty() {
            continue;
        }
        // Keep the points nearer to s than to o: (p - m) · (o - s) <= 0.
        let m = [(s[0] + o[0]) / 2.0, (s[1] + o[1]) / 2.0];
        let n = [o[0] - s[0], o[1] - s[1]];
        let side = |p: P| (p[0] - m[0]) * n[0] + (p[1] - m[1]) * n[1];
        let mut next = Vec::with_capacity(cell.len() + 1);
        for (i, &a) in cell.iter().enumerate() {
            let b = cell[(i + 1) % cell.len()];
            let (da, db) = (side(a), side(b));
            if da <= 0.0 {
                next.push(a);
            }
            if (da < 0.0) != (db < 0.0) && da != db {
                let t = da / (da - db);
                next.push([a[0] + t * (b[0] - a[0]), a[1] + t * (b[1] - a[1])]);
            }
        }
        cell = next;
    }
    cell
}

/// The Voronoi cells of `sites` within `lo..hi`, in site order.
fn cells(sites: &[P], lo: P, hi: P) -> Vec<Vec<P>> {
    let built = (sites.len() >= 3).then(|| {
        let center = voronoice::Point {
            x: (lo[0] + hi[0]) / 2.0,
            y: (lo[1] + hi[1]) / 2.0,
        };
        voronoice::VoronoiBuilder::default()
            .set_sites(
                sites
                    .iter()
                    .map(|p| voronoice::Point { x: p[0], y: p[1] })
                    .collect(),
            )
            .set_bounding_box(voronoice::BoundingBox::new(
                center,
                hi[0] - lo[0],
                hi[1] - lo[1],
            ))
            .set_clip_behavior(voronoice::ClipBehavior::Clip)
            .build()
    });
    match built.flatten() {
        Some(v) if v.sites().len() == sites.len() => v
            .iter_cells()
            .map(|c| c.iter_vertices().map(|p| [p.x, p.y]).collect())
            .collect(),
        // Collinear or too few sites: cut the box by bisectors.
        _ => (0..sites.len())
            .map(|k| cell_by_bisectors(sites, k, lo, hi))
            .collect(),
    }
}

impl Partition {
    /// The share of sites kept at `p` in a region with bounds `lo..hi`.
    fn kept_share(&self, p: P, lo: P, hi: P) -> f64 {
        let center = if self.auto_center {
            [(lo[0] + hi[0]) / 2.0, (lo[1] + hi[1]) / 2.0]
        } else {
            [self.pivot.x as f64, self.pivot.y as f64]
        };
        let (base, slope) = (self.site_density_base, self.site_density_slope);
        let axis = |k: usize, b: f32, s: f32| {
            let half = ((hi[k] - lo[k]) / 2.0).max(1e-9);
            let u = (p[k] - center[k]) / half;
            (1.0 - b as f64 + s as f64 * u).clamp(0.0, 1.0)
        };
        axis(0, base.x, slope.x) * axis(1, base.y, slope.y)
    }

    /// The sites of one region and whether all `site_count` were found.
    fn sites(&self, field: &RingDistance, lo: P, hi: P, stream: u64) -> (Vec<P>, bool) {
        let mut rng = SeededRng::new(self.seed as u64, stream);
        let want = self.site_count as usize;
        let mut sites = Vec::with_capacity(want);
        let mut tries = 0u64;
        while sites.len() < want && tries < want as u64 * TRIES_PER_SITE {
            tries += 1;
            let p = [
                lo[0] + rng.unit() * (hi[0] - lo[0]),
                lo[1] + rng.unit() * (hi[1] - lo[1]),
            ];
            let keep = rng.unit();
            if field.inside(p) && keep < self.kept_share(p, lo, hi) {
                sites.push(p);
            }
        }
        let all = sites.len() == want;
        (sites, all)
    }
}

impl Partition {
    /// Draws in the closed regions of `input`.
    fn draw(&self, input: &Polylines, ctx: &EvalContext) -> Result<Polylines, OpFailure> {
        if !is_flat(input) {
            return Ok(passed_through(input));
        }
        let rings = rings_and_paths(input).0;
        let groups: Vec<Vec<Vec<P>>> = match self.mode {
            PartitionMode::Merge if rings.is_empty() => Vec::new(),
            PartitionMode::Merge => vec![rings],
            PartitionMode::Group => regions(&rings, FillRule::PerShape),
            PartitionMode::Ring => rings.into_iter().map(|r| vec![r]).collect(),
        };
        let total = groups.len() as u64 * self.site_count as u64;
        if total > MAX_SITES {
            return Err(OpFailure::OverBudget {
                what: "sites (site_count × regions: each is a cell to cut)",
                count: total,
                max: MAX_SITES,
            });
        }
        // A cell has about 6 corners, more where it meets the region's outline.
        ctx.check_budget(total.saturating_mul(8), total)?;
        let mut out = Polylines::new();
        let mut short = 0;
        for (g, region) in groups.iter().enumerate() {
            let Some((lo, hi)) = bounds_of(region) else {
                continue;
            };
            // Counted before anything else: the overlay below costs what they cost.
            crossings::check_rings(region, ctx)?;
            let field = RingDistance::new(region);
            let (sites, all) = self.sites(&field, lo, hi, g as u64);
            short += usize::from(!all);
            // The box holds the region with room to spare, so no cell is cut by it there.
            let pad = ((hi[0] - lo[0]) + (hi[1] - lo[1])).max(1.0);
            let cells = cells(
                &sites,
                [lo[0] - pad, lo[1] - pad],
                [hi[0] + pad, hi[1] + pad],
            );
            // The region as disjoint shapes (one overlay); each cell is cut by the shapes
            // its box meets only.
            let shapes = regions(region, FillRule::EvenOdd);
            let boxes = RTree::bulk_load(
                shapes
                    .iter()
                    .enumerate()
                    .filter_map(|(k, s)| {
                        let (lo, hi) = bounds_of(s)?;
                        Some(GeomWithData::new(Rectangle::from_corners(lo, hi), k))
                    })
                    .collect(),
            );
            let cut = parallel::map_ranges(ctx.executor.as_ref(), cells.len(), 16, |range| {
                let mut part = Vec::new();
                for cell in &cells[range] {
                    let Some((lo, hi)) = bounds_of([cell]).filter(|_| cell.len() >= 3) else {
                        continue;
                    };
                    // A cell whose circle about its middle holds no edge of the region
                    // and lies inside it is kept whole, without an overlay.
                    let mid = [(lo[0] + hi[0]) / 2.0, (lo[1] + hi[1]) / 2.0];
                    let reach = cell
                        .iter()
                        .map(|p| (p[0] - mid[0]).hypot(p[1] - mid[1]))
                        .fold(0.0, f64::max);
                    if field.at(mid).is_some_and(|(d, _)| -d > reach) {
                        // Wound as the overlay winds outer contours (positive area).
                        let mut whole = cell.clone();
                        if signed_area(&whole) < 0.0 {
                            whole.reverse();
                        }
                        part.push(whole);
                        continue;
                    }
                    let near: Vec<&Vec<P>> = boxes
                        .locate_in_envelope_intersecting(AABB::from_corners(lo, hi))
                        .flat_map(|b| &shapes[b.data])
                        .collect();
                    if near.is_empty() {
                        continue;
                    }
                    let near: Vec<Vec<P>> = near.into_iter().cloned().collect();
                    let pieces = cell.overlay(&near, OverlayRule::Intersect, Winding::EvenOdd);
                    part.extend(pieces.into_iter().flatten());
                }
                part
            });
            push_rings(&mut out, cut.iter().flatten());
        }
        if short > 0 {
            out.add_note(format!(
                "{short} region(s) got fewer than {} sites (too small a share kept by the density settings)",
                self.site_count
            ));
        }
        Ok(out)
    }
}

impl Evaluate for Partition {
    fn eval(&self, input: &Polylines, ctx: &EvalContext) -> Result<Polylines, OpFailure> {
        in_mask(input, &self.mask, |region| self.draw(region, ctx))
    }
}
