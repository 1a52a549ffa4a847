//! The generative ops: exact or invariant checks on small inputs.

use graft::geometry::{Polylines, Vec3};
use graft::ops::RawParam;

use crate::util::*;

fn circle_at(cx: f32, cy: f32, r: f32, n: usize) -> Vec<Vec3> {
    (0..=n)
        .map(|k| {
            let a = std::f32::consts::TAU * (k % n) as f32 / n as f32;
            Vec3::new(cx + r * a.cos(), cy + r * a.sin(), 0.0)
        })
        .collect()
}

/// Signed area of a closed polyline (shoelace).
fn area(line: &[Vec3]) -> f64 {
    line.windows(2)
        .map(|w| w[0].x as f64 * w[1].y as f64 - w[1].x as f64 * w[0].y as f64)
        .sum::<f64>()
        / 2.0
}

fn contains(line: &[Vec3], x: f32, y: f32) -> bool {
    let mut inside = false;
    for w in line.windows(2) {
        let (a, b) = (w[0], w[1]);
        if (a.y > y) != (b.y > y) && x < a.x + (y - a.y) * (b.x - a.x) / (b.y - a.y) {
            inside = !inside;
        }
    }
    inside
}

#[test]
fn the_voronoi_cells_of_four_sites_tile_the_square() {
    let square = Polylines::from_lines([square(0.0, 0.0, 100.0)]);
    let cells = effect(
        "partition",
        &[("site_count", 4.into()), ("seed", 7.into())],
        &square,
    )
    .unwrap();
    assert_eq!(cells.line_count(), 4);
    let total: f64 = cells.lines().map(|c| area(c).abs()).sum();
    assert!(
        (total - 10_000.0).abs() < 1e-6 * 10_000.0,
        "areas sum to {total}"
    );
    // Every point of the square off the cells' edges lies in exactly one cell.
    for i in 0..50 {
        for j in 0..50 {
            let (x, y) = (1.0 + i as f32 * 2.0 + 0.013, 1.0 + j as f32 * 2.0 + 0.007);
            let holders = cells.lines().filter(|c| contains(c, x, y)).count();
            assert_eq!(holders, 1, "({x}, {y}) lies in {holders} cells");
        }
    }
    // The same seed gives the same cells; another seed others.
    let again = effect(
        "partition",
        &[("site_count", 4.into()), ("seed", 7.into())],
        &square,
    )
    .unwrap();
    assert_eq!(again, cells);
    let other = effect(
        "partition",
        &[("site_count", 4.into()), ("seed", 8.into())],
        &square,
    )
    .unwrap();
    assert_ne!(other, cells);
}

#[test]
fn partition_cuts_cells_to_the_region_and_keeps_holes_empty() {
    // A ring: 100 x 100 square with a 40 x 40 hole.
    let ring = Polylines::from_lines([square(0.0, 0.0, 100.0), square(30.0, 30.0, 40.0)]);
    let cells = effect("partition", &[("site_count", 30.into())], &ring).unwrap();
    let total: f64 = cells.lines().map(|c| area(c).abs()).sum::<f64>();
    // Cells with a hole of their own give the hole back as an inner ring: signed areas.
    let signed: f64 = cells.lines().map(area).sum::<f64>().abs();
    assert!(total >= signed);
    assert!(
        (signed - (10_000.0 - 1_600.0)).abs() < 1e-3,
        "area {signed}"
    );
    for c in cells.lines() {
        for p in c {
            let in_hole = p.x > 30.001 && p.x < 69.999 && p.y > 30.001 && p.y < 69.999;
            assert!(!in_hole, "a cell corner at {p} lies in the hole");
        }
    }
}

#[test]
fn the_isocontour_of_a_circle_is_a_circle_grown_by_the_level() {
    let circle = Polylines::from_lines([circle_at(50.0, 50.0, 20.0, 256)]);
    let pitch = 0.25;
    let rings = effect(
        "isocontour",
        &[
            ("mode", RawParam::from("outside")),
            ("spacing", 5.0.into()),
            ("max_dist", 10.0.into()),
            ("grid_pitch", pitch.into()),
        ],
        &circle,
    )
    .unwrap();
    // Levels 5 and 10 outside: two rings of radius 25 and 30.
    assert_eq!(rings.line_count(), 2);
    let mut radii: Vec<f64> = rings
        .lines()
        .map(|l| {
            let r: Vec<f64> = l
                .iter()
                .map(|p| ((p.x - 50.0) as f64).hypot((p.y - 50.0) as f64))
                .collect();
            for x in &r {
                assert!(x.is_finite());
            }
            let mean = r.iter().sum::<f64>() / r.len() as f64;
            for x in &r {
                assert!(
                    (x - mean).abs() < pitch * 0.2,
                    "radius {x} off the mean {mean}"
                );
            }
            mean
        })
        .collect();
    radii.sort_by(f64::total_cmp);
    assert!((radii[0] - 25.0).abs() < pitch * 0.2, "{radii:?}");
    assert!((radii[1] - 30.0).abs() < pitch * 0.2, "{radii:?}");
    // Inside, every 2 mm down to 30 mm: rings at 18, 16, …, 2 mm radius (9 of them).
    let inside = effect("isocontour", &[("grid_pitch", pitch.into())], &circle).unwrap();
    assert_eq!(inside.line_count(), 9);
}

#[test]
fn metaballs_merge_near_shapes_and_keep_far_ones_apart() {
    let loops = |gap: f32| {
        let two = Polylines::from_lines([
            circle_at(50.0, 50.0, 10.0, 128),
            circle_at(70.0 + gap, 50.0, 10.0, 128),
        ]);
        effect(
            "metaball",
            &[("radius", 3.0.into()), ("grid_pitch", 0.25.into())],
            &two,
        )
        .unwrap()
        .line_count()
    };
    assert_eq!(loops(40.0), 2, "far apart: two loops");
    assert_eq!(
        loops(0.5),
        1,
        "0.5 mm apart, within the 3 mm reach: one loop"
    );
    // A lone circle keeps its outline (field 1 on it) within the grid's tolerance.
    let one = effect(
        "metaball",
        &[("grid_pitch", 0.25.into())],
        &Polylines::from_lines([circle_at(50.0, 50.0, 10.0, 128)]),
    )
    .unwrap();
    assert_eq!(one.line_count(), 1);
    for p in one.line(0) {
        let r = ((p.x - 50.0) as f64).hypot((p.y - 50.0) as f64);
        assert!((r - 10.0).abs() < 0.1, "radius {r}");
    }
}

#[test]
fn reaction_diffusion_with_a_fixed_seed_draws_the_same_pattern_on_every_run() {
    let mask = Polylines::from_lines([square(0.0, 0.0, 40.0)]);
    let params = [
        ("grid_pitch", RawParam::from(0.5)),
        ("steps", 1500.into()),
        ("seed", 3.into()),
        ("seed_radius", 8.0.into()),
    ];
    let a = effect("reaction_diffusion", &params, &mask).unwrap();
    let b = effect("reaction_diffusion", &params, &mask).unwrap();
    assert_eq!(a, b);
    let id = xxhash_rust::xxh3::xxh3_64(bytemuck::cast_slice(a.points()));
    // Golden: the same pattern on every machine (f32 arithmetic in a fixed order, the
    // row chunks reading only the previous step).
    assert_eq!(
        (a.line_count(), id),
        (2, 0x32d2_90af_cd2f_8496),
        "id {id:#x}"
    );
    for p in a.points() {
        assert!(
            p.x >= -0.5 && p.x <= 40.5 && p.y >= -0.5 && p.y <= 40.5,
            "{p}"
        );
    }
}

#[test]
fn the_generative_gallery_scene_loads_renders_and_keeps_every_layer_on_the_paper() {
    let path =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/scenes/generative.scene.ron");
    let scene = graft::host::load_scene(&path, &registry()).unwrap();
    let drawing = scene.realize(0.0, &ctx()).unwrap();
    let names: Vec<&str> = drawing.layers.iter().map(|l| l.name.as_str()).collect();
    assert_eq!(names, ["coral", "cells", "web", "blobs", "rings"]);
    for layer in &drawing.layers {
        assert!(layer.geometry.line_count() > 0, "{} is empty", layer.name);
        // The field ops draw closed rings (the web's chords are open).
        for line in layer.geometry.lines().filter(|_| layer.name != "web") {
            assert_eq!(line.first(), line.last(), "{}: an open line", layer.name);
        }
        for p in layer.geometry.points() {
            assert!(
                (0.0..=210.0).contains(&p.x) && (0.0..=148.0).contains(&p.y),
                "{}: {p}",
                layer.name
            );
        }
    }
    // The metaballs of the row of dots merge into one loop (and its holes).
    let blobs = &drawing.layers[3].geometry;
    let outer = blobs.lines().filter(|l| area(l).abs() > 200.0).count();
    assert_eq!(blobs.line_count(), 1, "no dot stays apart");
    assert_eq!(outer, 1, "one merged outline");
}

#[test]
fn relax_smooths_a_network_but_keeps_ends_branches_and_shared_points() {
    // A zigzag from (0, 0) to (40, 0), and a spur from its middle point up to (20, 30).
    let zigzag: Vec<(f32, f32)> = (0..=8)
        .map(|i| (i as f32 * 5.0, if i % 2 == 1 { 4.0 } else { 0.0 }))
        .collect();
    let spur = [(20.0, 0.0), (20.0, 10.0), (25.0, 20.0), (20.0, 30.0)];
    let input = Polylines::from_lines(
        [zigzag.as_slice(), spur.as_slice()]
            .map(|l| l.iter().map(|&(x, y)| v(x, y)).collect::<Vec<_>>()),
    );
    let out = effect(
        "relax",
        &[("relaxation_iterations", 30.into()), ("step", 0.5.into())],
        &input,
    )
    .unwrap();
    let (z, spur) = (out.line(0), out.line(1));
    // Ends and the branch point stay put, and the spur still starts on the zigzag.
    assert_eq!((z[0], z[8]), (v(0.0, 0.0), v(40.0, 0.0)));
    assert_eq!(z[4], v(20.0, 0.0));
    assert_eq!(spur[0], z[4]);
    assert_eq!(spur[3], v(20.0, 30.0));
    // The zigzag flattens.
    let height = |l: &[graft::geometry::Vec3]| l.iter().map(|p| p.y.abs()).fold(0.0, f32::max);
    assert!(height(z) < 1.0, "still {} high", height(z));
}

#[test]
fn weave_spans_a_closed_curve_with_chords_that_stay_inside_and_end_on_it() {
    let sq = Polylines::from_lines([square(0.0, 0.0, 50.0)]);
    let params = [
        ("num_candidate_lines", RawParam::from(40)),
        ("seed", 5.into()),
    ];
    let web = effect("weave", &params, &sq).unwrap();
    assert_eq!(web.line(0), sq.line(0), "the outline is kept");
    assert!(web.line_count() > 10, "{} chords", web.line_count() - 1);
    let on_edge = |p: &graft::geometry::Vec3| {
        p.x.abs() < 1e-3
            || (p.x - 50.0).abs() < 1e-3
            || p.y.abs() < 1e-3
            || (p.y - 50.0).abs() < 1e-3
    };
    let mut crossings = 0;
    for chord in web.lines().skip(1) {
        assert!(
            on_edge(&chord[0]) && on_edge(&chord[chord.len() - 1]),
            "{chord:?}"
        );
        crossings += chord.len() - 2;
        for p in chord {
            assert!(
                (-1e-3..=50.001).contains(&p.x) && (-1e-3..=50.001).contains(&p.y),
                "{p}"
            );
        }
    }
    assert!(crossings > 0, "chords cross");
    assert_eq!(
        effect("weave", &params, &sq).unwrap(),
        web,
        "the same seed, the same web"
    );
}

#[test]
fn growth_keeps_every_loop_inside_the_mask_and_its_spacing_within_bounds() {
    let mask = Polylines::from_lines([circle_at(50.0, 50.0, 30.0, 256)]);
    let params = [
        ("seed_count", RawParam::from(4)),
        ("iters", 120.into()),
        ("target_spacing", 1.5.into()),
        ("seed", 2.into()),
    ];
    let loops = effect("growth", &params, &mask).unwrap();
    assert_eq!(loops.line_count(), 4);
    let mut points = 0;
    for l in loops.lines() {
        assert_eq!(l.first(), l.last(), "a closed loop");
        for w in l.windows(2) {
            let d = w[0].distance(w[1]);
            assert!(d <= 1.5 * 1.5 + 1e-3, "an edge of {d} mm");
        }
        for p in l {
            let r = ((p.x - 50.0) as f64).hypot((p.y - 50.0) as f64);
            assert!(r < 30.0, "a point at radius {r}, outside the mask");
        }
        points += l.len();
    }
    // The loops grew from 8 points each.
    assert!(points > 4 * 60, "{points} points");
    assert_eq!(
        effect("growth", &params, &mask).unwrap(),
        loops,
        "the same seed, the same growth"
    );
}

#[test]
fn growth_crowded_against_its_edge_stops_with_a_note_instead_of_running_on() {
    // Pushing hard from the edge crowds every point into the middle, where each one has
    // thousands of neighbours: the rounds are counted by the neighbours they test.
    let mask = Polylines::from_lines([circle_at(50.0, 50.0, 40.0, 256)]);
    let params = [
        ("seed_count", RawParam::from(10)),
        ("target_spacing", 0.05.into()),
        ("boundary_avoid", 30.0.into()),
        ("iters", 200.into()),
    ];
    let loops = effect("growth", &params, &mask).unwrap();
    assert!(loops.line_count() > 1, "{} loops", loops.line_count());
    let notes = loops.notes().join("\n");
    assert!(notes.contains("too crowded to go on past round"), "{notes}");
    assert!(notes.contains("of 200"), "{notes}");
}
