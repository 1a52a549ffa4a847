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
        (2, 0x1b65_6703_7dec_54a7),
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
    let scene = bundled_scene("generative.scene.ron");
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

/// The strokes of `line`, moved so that the first point of the first stroke is at 0.
fn strokes_from_origin(lines: &[Vec<Vec3>]) -> Vec<Vec<Vec3>> {
    let o = lines[0][0];
    lines
        .iter()
        .map(|l| l.iter().map(|p| *p - o).collect())
        .collect()
}

#[test]
fn asemic_draws_the_same_glyph_for_the_same_character_and_seed() {
    let params = |text: &str, seed: i32| {
        vec![
            ("text", RawParam::from(text)),
            ("seed", seed.into()),
            ("stroke_style", "line".into()),
            ("center", (0.0, 0.0, 0.0).into()),
            ("scale", 10.0.into()),
        ]
    };
    let one = primitive("asemic", &params("q", 7)).unwrap();
    assert!(one.line_count() >= 2, "{} strokes", one.line_count());
    let glyph: Vec<Vec<Vec3>> = one.lines().map(<[Vec3]>::to_vec).collect();
    // Inside its em square.
    for p in glyph.iter().flatten() {
        assert!(
            (0.0..=10.0).contains(&p.x) && (0.0..=10.0).contains(&p.y),
            "{p}"
        );
    }
    // "q q": the same strokes again, one glyph advance and one space (1.35 em) along.
    let two = primitive("asemic", &params("q q", 7)).unwrap();
    let lines: Vec<Vec<Vec3>> = two.lines().map(<[Vec3]>::to_vec).collect();
    let (first, second) = lines.split_at(glyph.len());
    assert_eq!(first, &glyph[..]);
    for (a, b) in glyph.iter().zip(second) {
        for (p, q) in a.iter().zip(b) {
            assert!(
                (*q - *p - Vec3::new(13.5, 0.0, 0.0)).length() < 1e-4,
                "{p} {q}"
            );
        }
    }
    // Another character or another seed: another glyph.
    let other = primitive("asemic", &params("r", 7)).unwrap();
    let reseeded = primitive("asemic", &params("q", 8)).unwrap();
    assert_ne!(
        strokes_from_origin(&glyph),
        strokes_from_origin(&other.lines().map(<[Vec3]>::to_vec).collect::<Vec<_>>())
    );
    assert_ne!(one, reseeded);
    // A period is a small closed dot; a space draws nothing.
    let dot = primitive("asemic", &params(". ", 7)).unwrap();
    assert_eq!(dot.line_count(), 1);
    let ring = dot.lines().next().unwrap();
    assert_eq!(ring.first(), ring.last());
    // Wrapped at a box 25 mm wide: "qq qq" breaks at its space into two rows 1.2 em apart.
    let mut wrapped = params("qq qq", 7);
    wrapped.push(("box_width", 25.0.into()));
    let rows = primitive("asemic", &wrapped).unwrap();
    let ys: Vec<f32> = rows.lines().map(|l| l[0].y).collect();
    let (low, high) = ys.split_at(ys.len() / 2);
    for (a, b) in low.iter().zip(high) {
        assert!((b - a - 12.0).abs() < 1e-4, "{a} {b}");
    }
}

#[test]
fn laplace_field_grid_follows_its_conformal_map() {
    let base = |preset: &str| {
        vec![
            ("preset", RawParam::from(preset)),
            ("center", (0.0, 0.0, 0.0).into()),
            ("scale", 1.0.into()),
            ("n_u", 7.into()),
            ("n_v", 7.into()),
            ("samples", 200.into()),
        ]
    };
    // The identity Möbius map draws the plain grid: 14 straight lines at -6, -4, …, 6.
    let grid = primitive("laplace_field_grid", &base("mobius")).unwrap();
    assert_eq!(grid.line_count(), 14);
    for (k, line) in grid.lines().enumerate() {
        let level = -6.0 + 2.0 * (k % 7) as f32;
        for p in line {
            let fixed = if k < 7 { p.x } else { p.y };
            assert!((fixed - level).abs() < 1e-5, "line {k}: {p}");
        }
    }
    // exp: lines of constant u are circles of radius e^u about the origin.
    let mut exp = base("exp");
    exp.extend([
        ("u_min", RawParam::from(-1.0)),
        ("u_max", 1.0.into()),
        ("n_v", 0.into()),
    ]);
    let circles = primitive("laplace_field_grid", &exp).unwrap();
    for (k, line) in circles.lines().enumerate() {
        let r = (-1.0 + k as f64 / 3.0).exp();
        for p in line {
            assert!(
                ((p.x as f64).hypot(p.y as f64) - r).abs() < 1e-5 * r.max(1.0),
                "{p}"
            );
        }
    }
    // The cylinder flow: every point outside the cylinder, and each streamline keeps its
    // stream function, Im(speed·(z + a²/z)) = v.
    let mut cylinder = base("cylinder_uniform");
    cylinder.extend([
        ("a", RawParam::from(2.0)),
        ("n_u", 0.into()),
        ("n_v", 6.into()),
        ("draw_boundary", false.into()),
    ]);
    let flow = primitive("laplace_field_grid", &cylinder).unwrap();
    assert_eq!(flow.line_count(), 6);
    for (k, line) in flow.lines().enumerate() {
        let v = -6.0 + 12.0 * k as f64 / 5.0;
        for p in line {
            let (x, y) = (p.x as f64, p.y as f64);
            let r2 = x * x + y * y;
            assert!(r2 >= 4.0 - 1e-3, "inside the cylinder: {p}");
            let psi = y - 4.0 * y / r2;
            assert!((psi - v).abs() < 1e-4, "line {k}: psi {psi} at {p}");
        }
    }
    // The boundary: a closed circle of radius a; clip cuts what leaves the box.
    cylinder.extend([("draw_boundary", RawParam::from(true)), ("n_v", 0.into())]);
    let circle = primitive("laplace_field_grid", &cylinder).unwrap();
    assert_eq!(circle.line_count(), 1);
    cylinder.extend([("clip", RawParam::from(true)), ("clip_ymin", 0.0.into())]);
    let half = primitive("laplace_field_grid", &cylinder).unwrap();
    assert!(half.lines().flatten().all(|p| p.y >= 0.0));
    assert!(half.point_count() < circle.point_count() / 2 + 2);
}

#[test]
fn a_named_mask_gives_the_region_and_the_input_stays_beneath() {
    use graft::ops::EvalContext;
    use graft::scene::Scene;
    for effect in [
        "partition(mask: \"disc\", site_count: 8)",
        "growth(mask: \"disc\", seed_count: 3, iters: 60)",
        "isocontour(mask: \"disc\", spacing: 5, mode: \"inside\")",
        "reaction_diffusion(mask: \"disc\", steps: 200, grid_pitch: 1, seed_radius: 12, level: 0.05)",
    ] {
        let text = format!(
            "(\n canvas: (size: (200, 200)),\n layers: [(name: \"frame\", source: rect(width: 180, height: 180, center: (100, 100, 0)), effects: [{effect}])],\n shapes: [(name: \"disc\", source: circle(radius: 30, center: (100, 100, 0)))],\n)"
        );
        let scene = Scene::parse(&text, "mask.scene.ron", &registry()).unwrap();
        let drawing = scene.realize(0.0, &EvalContext::default()).unwrap();
        let g = &drawing.layers[0].geometry;
        let lines: Vec<&[Vec3]> = g.lines().collect();
        // The frame first, as it was.
        assert_eq!(lines[0].len(), 5, "{effect}");
        assert!(
            lines[0]
                .iter()
                .all(|p| (p.x - 100.0).abs() == 90.0 && (p.y - 100.0).abs() == 90.0)
        );
        // Then what the op drew, inside the disc only.
        assert!(lines.len() > 1, "{effect}: nothing drawn");
        for p in lines[1..].iter().copied().flatten() {
            let r = (p.x - 100.0).hypot(p.y - 100.0);
            assert!(r <= 30.01, "{effect}: a point at radius {r}");
        }
    }
}

#[test]
fn the_flow_gallery_scene_loads_renders_and_hides_the_coral_under_the_tiles() {
    let scene = bundled_scene("flow.scene.ron");
    let drawing = scene.realize(0.0, &ctx()).unwrap();
    let names: Vec<&str> = drawing.layers.iter().map(|l| l.name.as_str()).collect();
    assert_eq!(names, ["flow", "coral", "tiles", "caption"]);
    for layer in &drawing.layers {
        assert!(layer.geometry.line_count() > 0, "{} is empty", layer.name);
        for p in layer.geometry.points() {
            assert!(
                (0.0..=210.0).contains(&p.x) && (0.0..=148.0).contains(&p.y),
                "{}: {p}",
                layer.name
            );
        }
    }
    // The flow keeps to its clip box, 7 units of 6.5 mm about (58, 62).
    for p in drawing.layers[0].geometry.points() {
        assert!(
            (p.x - 58.0).abs() <= 45.5 + 1e-3 && (p.y - 62.0).abs() <= 45.5 + 1e-3,
            "{p}"
        );
    }
    // Nothing of the coral lies inside the tiles' disc (radius 17 about (186, 88)).
    for p in drawing.layers[1].geometry.points() {
        assert!((p.x - 186.0).hypot(p.y - 88.0) >= 17.0 - 0.05, "{p}");
    }
    // The caption: 42 characters, the period a dot, the spaces blank.
    assert!(drawing.layers[3].geometry.line_count() > 60);
}
