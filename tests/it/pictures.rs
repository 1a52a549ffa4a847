//! Pictures into lines: images read beside the scene, every mode putting more ink where
//! the picture is darker, masks, colour channels, hot reload of the picture alone, and
//! hostile files refused with clear errors.

use graft::geometry::Polylines;
use graft::ops::RawParam;

use crate::util::{ctx, primitive, tempdir};

/// A PNG of `w` × `h` pixels whose grey value is `f(x, y)` (0..=255).
fn png(w: u32, h: u32, f: impl Fn(u32, u32) -> u8) -> Vec<u8> {
    let img = image::GrayImage::from_fn(w, h, |x, y| image::Luma([f(x, y)]));
    let mut bytes = Vec::new();
    img.write_to(
        &mut std::io::Cursor::new(&mut bytes),
        image::ImageFormat::Png,
    )
    .unwrap();
    bytes
}

/// Pen-down length inside each of `n` vertical bands of the 100 mm wide image at x 50..150.
fn ink_by_band(lines: &Polylines, n: usize) -> Vec<f64> {
    let mut bands = vec![0.0; n];
    for line in lines.lines() {
        for w in line.windows(2) {
            let mid = (w[0].x + w[1].x) as f64 / 2.0;
            let k = (((mid - 50.0) / 100.0) * n as f64).floor();
            if (0.0..n as f64).contains(&k) {
                bands[k as usize] += (w[1] - w[0]).length() as f64;
            }
        }
    }
    bands
}

/// The parameters placing the image at `path` 100 mm wide about (100, 100), and `extra`.
fn params_for<'a>(
    path: &std::path::Path,
    extra: &[(&'a str, RawParam)],
) -> Vec<(&'a str, RawParam)> {
    let mut params = vec![
        ("image", RawParam::Str(path.display().to_string())),
        ("center", [100.0, 100.0, 0.0].into()),
        ("width", 100.0.into()),
    ];
    params.extend(extra.iter().cloned());
    params
}

/// The evaluation context of a scene in folder `dir`: files read beside it, serial.
fn scene_ctx(dir: &std::path::Path) -> graft::ops::EvalContext {
    let files = graft::host::DiskFiles::default();
    files.set_base(Some(dir.to_path_buf()));
    graft::ops::EvalContext::new(
        graft::ops::ResourceBudget::default(),
        std::sync::Arc::new(files),
        std::sync::Arc::new(graft::ops::Serial),
    )
}

/// Mode `op` on the image at `path`, placed 100 mm wide about (100, 100).
fn mode(op: &str, path: &std::path::Path, extra: &[(&str, RawParam)]) -> Result<Polylines, String> {
    primitive(op, &params_for(path, extra))
}

fn contour(path: &std::path::Path, extra: &[(&str, RawParam)]) -> Result<Polylines, String> {
    let mut params = vec![("levels", 12.into()), ("blur", 0.0.into())];
    params.extend(extra.iter().cloned());
    mode("tone_contour", path, &params)
}

/// Each mode with settings light enough for a test.
fn modes() -> Vec<(&'static str, Vec<(&'static str, RawParam)>)> {
    vec![
        (
            "tone_contour",
            vec![("levels", 12.into()), ("blur", 0.0.into())],
        ),
        (
            "tone_hatch",
            vec![("pitch", 1.0.into()), ("blur", 0.0.into())],
        ),
        (
            "flow_lines",
            vec![
                ("separation_min", 0.5.into()),
                ("separation_max", 3.0.into()),
            ],
        ),
        ("squiggle", vec![("spacing", 1.5.into())]),
        (
            "stipple",
            vec![("dots", 2000.into()), ("iterations", 10.into())],
        ),
        ("halftone", vec![("cell", 2.0.into())]),
    ]
}

#[test]
fn a_ramp_from_white_to_black_gets_more_ink_toward_black_and_invert_turns_it_round() {
    let dir = tempdir("pictures-ramp");
    let path = dir.join("ramp.png");
    std::fs::write(&path, png(256, 64, |x, _| 255 - x as u8)).unwrap();
    let lines = contour(&path, &[]).unwrap();
    let bands = ink_by_band(&lines, 4);
    assert!(
        bands.windows(2).all(|w| w[1] >= w[0] * 0.98) && bands[3] > bands[0] * 1.5,
        "ink by band, white to black: {bands:?}"
    );
    // Every ring closes and lies on the image.
    for line in lines.lines() {
        assert_eq!(line.first(), line.last());
        assert!(line.iter().all(|p| (49.0..=151.0).contains(&p.x)));
    }
    let inverted = ink_by_band(&contour(&path, &[("invert", true.into())]).unwrap(), 4);
    assert!(inverted[0] > inverted[3] * 1.5, "inverted: {inverted:?}");
    // The sample draws with the defaults.
    assert!(primitive("tone_contour", &[]).unwrap().point_count() > 100);
}

#[test]
fn every_mode_puts_more_ink_where_a_ramp_is_darker_and_invert_turns_it_round() {
    let dir = tempdir("pictures-ramp-modes");
    let path = dir.join("ramp.png");
    std::fs::write(&path, png(256, 64, |x, _| 255 - x as u8)).unwrap();
    for (op, params) in modes() {
        let bands = ink_by_band(&mode(op, &path, &params).unwrap(), 4);
        assert!(
            bands.windows(2).all(|w| w[1] >= w[0] * 0.95)
                && bands[3] > bands[0] * 1.5
                && bands[3] > 0.0,
            "{op}: ink by band, white to black: {bands:?}"
        );
        let mut inverted = params.clone();
        inverted.push(("invert", true.into()));
        let bands = ink_by_band(&mode(op, &path, &inverted).unwrap(), 4);
        assert!(bands[0] > bands[3] * 1.5, "{op} inverted: {bands:?}");
        // Every mode draws the built-in sample with its defaults.
        let sample = primitive(op, &[]).unwrap();
        assert!(sample.point_count() > 50, "{op} on the sample");
        // The same drawing whatever the number of threads the work is split over.
        let c = crate::util::call(op, &params_for(&path, &params));
        let p = c.resolve(0.0).unwrap();
        let nothing = Polylines::new();
        let serial = c.op.eval(&nothing, &p, &crate::util::ctx()).unwrap();
        for threads in [2, 3] {
            let ctx = crate::util::ctx()
                .with_executor(std::sync::Arc::new(graft::ops::ScopedThreads { threads }));
            let parallel = c.op.eval(&nothing, &p, &ctx).unwrap();
            assert_eq!(
                parallel.points(),
                serial.points(),
                "{op} on {threads} threads"
            );
        }
    }
}

/// A white square image with a black disc of a quarter of its width in radius.
fn disc_png(dir: &std::path::Path) -> std::path::PathBuf {
    let path = dir.join("disc.png");
    std::fs::write(
        &path,
        png(200, 200, |x, y| {
            let d = ((x as f64 - 99.5).powi(2) + (y as f64 - 99.5).powi(2)).sqrt();
            if d < 50.0 { 0 } else { 255 }
        }),
    )
    .unwrap();
    path
}

#[test]
fn a_black_disc_is_hatched_only_inside_the_disc_up_to_its_edge() {
    let dir = tempdir("pictures-disc");
    let path = disc_png(&dir);
    // The disc is 25 mm in radius on the paper, about (100, 100).
    for (extra, what) in [
        (vec![], "lines"),
        (vec![("circular", true.into())], "circles"),
    ] {
        let mut params = vec![("pitch", 1.0.into()), ("blur", 1.0.into())];
        params.extend(extra);
        let lines = mode("tone_hatch", &path, &params).unwrap();
        let radii: Vec<f64> = lines
            .points()
            .iter()
            .map(|p| ((p.x - 100.0) as f64).hypot((p.y - 100.0) as f64))
            .collect();
        let farthest = radii.iter().copied().fold(0.0, f64::max);
        // Within the smoothing (a sample of 0.4 mm each side) of the edge, and reaching it.
        assert!(
            farthest <= 25.0 + 0.8,
            "{what}: a hatch point {farthest} mm out"
        );
        assert!(
            farthest >= 25.0 - 0.8,
            "{what}: the hatching stops {farthest} mm out"
        );
        // Straight hatch ends lie on the disc's edge, not on a pixel staircase.
        if what == "lines" {
            for line in lines.lines() {
                for end in [line[0], line[line.len() - 1]] {
                    let r = ((end.x - 100.0) as f64).hypot((end.y - 100.0) as f64);
                    assert!((r - 25.0).abs() < 0.5, "an end {r} mm out");
                }
            }
        }
        // Crossed levels: the disc is black, so every level hatches it.
        assert!(
            lines.line_count() > 100,
            "{what}: {} lines",
            lines.line_count()
        );
    }
}

#[test]
fn edges_trace_the_outline_of_a_disc() {
    let dir = tempdir("pictures-edges");
    let path = disc_png(&dir);
    let lines = mode("edges", &path, &[]).unwrap();
    assert!(
        lines.line_count() >= 1 && lines.line_count() <= 3,
        "{} edges",
        lines.line_count()
    );
    for p in lines.points() {
        let r = ((p.x - 100.0) as f64).hypot((p.y - 100.0) as f64);
        assert!(
            (r - 25.0).abs() < 0.6,
            "an edge point {r} mm from the centre"
        );
    }
    // All the way round: about 2 pi r of outline.
    let length: f64 = lines
        .lines()
        .flat_map(|l| l.windows(2).map(|w| (w[1] - w[0]).length() as f64))
        .sum();
    assert!(
        (length - std::f64::consts::TAU * 25.0).abs() < 5.0,
        "outline {length} mm"
    );
}

#[test]
fn stipple_dots_follow_the_darkness_and_the_route_visits_every_dot_once() {
    let dir = tempdir("pictures-stipple");
    let path = dir.join("shade.png");
    // Darker to the right and to the bottom.
    std::fs::write(
        &path,
        png(200, 200, |x, y| 255 - ((x + y) * 255 / 400) as u8),
    )
    .unwrap();
    let common = vec![
        ("dots", 3000.into()),
        ("iterations", 20.into()),
        ("blur", 0.0.into()),
    ];
    let mut as_points = common.clone();
    as_points.push(("dot", RawParam::Str("point".into())));
    let dots: Vec<(f32, f32)> = mode("stipple", &path, &as_points)
        .unwrap()
        .lines()
        .map(|l| (l[0].x, l[0].y))
        .collect();
    assert_eq!(dots.len(), 3000);
    // Dot counts over a 5 x 5 grid of cells against the cells' mean darkness.
    let mut count = [0f64; 25];
    for &(x, y) in &dots {
        let (i, j) = (((x - 50.0) / 20.0) as usize, ((y - 50.0) / 20.0) as usize);
        count[j.min(4) * 5 + i.min(4)] += 1.0;
    }
    let darkness: Vec<f64> = (0..25)
        .map(|k| ((k % 5) + (k / 5)) as f64 / 8.0 + 0.5 / 8.0)
        .collect();
    let r = correlation(&count, &darkness);
    assert!(
        r > 0.95,
        "dot count against darkness: r = {r}; counts {count:?}"
    );
    // The route: one line through the same dots, each once.
    let mut routed = common.clone();
    routed.push(("route", true.into()));
    let route = mode("stipple", &path, &routed).unwrap();
    assert_eq!(route.line_count(), 1);
    let mut visited: Vec<(i64, i64)> = route.points().iter().map(|p| key(p.x, p.y)).collect();
    let mut expected: Vec<(i64, i64)> = dots.iter().map(|&(x, y)| key(x, y)).collect();
    visited.sort();
    expected.sort();
    assert_eq!(visited, expected);
    // Never crossing itself: a crossing tour is never the shortest.
    let pts: Vec<[f64; 2]> = route
        .points()
        .iter()
        .map(|p| [p.x as f64, p.y as f64])
        .collect();
    let crossings = self_crossings(&pts);
    assert_eq!(crossings, 0, "the route crosses itself");
}

fn key(x: f32, y: f32) -> (i64, i64) {
    ((x * 1000.0).round() as i64, (y * 1000.0).round() as i64)
}

fn correlation(a: &[f64], b: &[f64]) -> f64 {
    let n = a.len() as f64;
    let (ma, mb) = (a.iter().sum::<f64>() / n, b.iter().sum::<f64>() / n);
    let cov: f64 = a.iter().zip(b).map(|(x, y)| (x - ma) * (y - mb)).sum();
    let va: f64 = a.iter().map(|x| (x - ma).powi(2)).sum();
    let vb: f64 = b.iter().map(|y| (y - mb).powi(2)).sum();
    cov / (va * vb).sqrt()
}

/// Pairs of non-adjacent legs of the path `p` that cross.
fn self_crossings(p: &[[f64; 2]]) -> usize {
    let cross = |a: [f64; 2], b: [f64; 2], c: [f64; 2]| {
        (b[0] - a[0]) * (c[1] - a[1]) - (b[1] - a[1]) * (c[0] - a[0])
    };
    let mut n = 0;
    for i in 0..p.len().saturating_sub(1) {
        let (a, b) = (p[i], p[i + 1]);
        let (lo, hi) = (a[0].min(b[0]), a[0].max(b[0]));
        for j in i + 2..p.len() - 1 {
            let (c, d) = (p[j], p[j + 1]);
            if c[0].max(d[0]) < lo || c[0].min(d[0]) > hi {
                continue;
            }
            if cross(a, b, c) * cross(a, b, d) < 0.0 && cross(c, d, a) * cross(c, d, b) < 0.0 {
                n += 1;
            }
        }
    }
    n
}

#[test]
fn flow_lines_never_come_closer_than_the_least_separation() {
    let dir = tempdir("pictures-flow");
    let path = dir.join("ramp.png");
    std::fs::write(&path, png(128, 128, |x, _| 255 - (x * 2) as u8)).unwrap();
    for field in ["noise", "curl", "edges"] {
        let lines = mode(
            "flow_lines",
            &path,
            &[
                ("field", RawParam::Str(field.into())),
                ("separation_min", 0.8.into()),
                ("separation_max", 3.0.into()),
                ("noise_scale", 20.0.into()),
            ],
        )
        .unwrap();
        assert!(
            lines.line_count() > 20,
            "{field}: {} lines",
            lines.line_count()
        );
        // A sample of points against every point of every other line.
        let owner: Vec<(usize, [f32; 2])> = lines
            .lines()
            .enumerate()
            .flat_map(|(k, l)| l.iter().map(move |p| (k, [p.x, p.y])))
            .collect();
        let mut closest = f32::MAX;
        for &(k, p) in owner.iter().step_by(37) {
            for &(m, q) in &owner {
                if m != k {
                    closest = closest.min((p[0] - q[0]).hypot(p[1] - q[1]));
                }
            }
        }
        assert!(
            closest >= 0.8 * 0.99,
            "{field}: two lines {closest} mm apart"
        );
        // Lines keep to the minimum and maximum lengths.
        for line in lines.lines() {
            let length: f32 = line.windows(2).map(|w| (w[1] - w[0]).length()).sum();
            assert!(
                length >= 3.0 - 1e-3 && length <= 120.0 + 0.5,
                "{field}: a line {length} mm long"
            );
        }
    }
}

#[test]
fn a_mask_keeps_every_mode_inside_its_region_and_colour_channels_split_the_inks() {
    let dir = tempdir("pictures-mask");
    let ramp = dir.join("ramp.png");
    std::fs::write(&ramp, png(256, 256, |x, _| 255 - x as u8)).unwrap();
    let layers: String = modes()
        .iter()
        .map(|(op, _)| {
            format!(
                "(name: \"{op}\", source: {op}(image: \"ramp.png\", center: (100, 100, 0), width: 100, mask: \"window\")),\n"
            )
        })
        .collect();
    let text = format!(
        "(canvas: (size: (200, 200)), layers: [{layers}], shapes: [(name: \"window\", source: rect(center: (110, 100, 0), width: 40, height: 30))])"
    );
    let scene_path = dir.join("mask.scene.ron");
    std::fs::write(&scene_path, text).unwrap();
    let scene = graft::host::load_scene(&scene_path, &crate::util::registry()).unwrap();
    let ctx = scene_ctx(&dir);
    let drawing = scene.realize(0.0, &ctx).unwrap();
    for layer in &drawing.layers {
        let lines = &layer.geometry;
        assert!(lines.point_count() > 10, "{}: nothing drawn", layer.name);
        for p in lines.points() {
            assert!(
                (90.0 - 1e-3..=130.0 + 1e-3).contains(&p.x)
                    && (85.0 - 1e-3..=115.0 + 1e-3).contains(&p.y),
                "{}: a point at {p} outside the mask",
                layer.name
            );
        }
    }
    // Colour: a pure cyan half and a pure magenta half; each process ink draws its half.
    let colour = dir.join("cm.png");
    let img = image::RgbImage::from_fn(200, 100, |x, _| {
        if x < 100 {
            image::Rgb([0, 255, 255])
        } else {
            image::Rgb([255, 0, 255])
        }
    });
    img.save(&colour).unwrap();
    let hatch = |channel: &str, palette: &str, pen: i64| {
        mode(
            "tone_hatch",
            &colour,
            &[
                ("channel", RawParam::Str(channel.into())),
                ("palette", RawParam::Str(palette.into())),
                ("pen", pen.into()),
                ("blur", 0.0.into()),
            ],
        )
        .unwrap()
    };
    let halves = |lines: &Polylines| {
        let b = ink_by_band(lines, 2);
        (b[0], b[1])
    };
    let (left, right) = halves(&hatch("cyan", "", 1));
    assert!(left > 100.0 && right == 0.0, "cyan: {left} | {right}");
    let (left, right) = halves(&hatch("magenta", "", 1));
    assert!(left == 0.0 && right > 100.0, "magenta: {left} | {right}");
    assert_eq!(hatch("yellow", "", 1).point_count(), 0);
    // A palette: each pixel to its nearest pen.
    let (left, right) = halves(&hatch("palette", "#00ffff #ff00ff", 2));
    assert!(
        left == 0.0 && right > 100.0,
        "palette pen 2: {left} | {right}"
    );
    let bad = mode(
        "tone_hatch",
        &colour,
        &[("channel", RawParam::Str("palette".into()))],
    );
    assert!(bad.unwrap_err().contains("palette"));
    let bad = mode(
        "tone_hatch",
        &colour,
        &[
            ("channel", RawParam::Str("palette".into())),
            ("palette", RawParam::Str("#00ffff teal".into())),
        ],
    );
    assert!(bad.unwrap_err().contains("'teal' is not a colour"));
}

#[test]
fn hostile_image_files_are_clear_errors_naming_the_file() {
    let dir = tempdir("pictures-hostile");
    let good = png(64, 64, |x, y| (x * 4) as u8 ^ (y * 4) as u8);
    // Truncated.
    let truncated = dir.join("truncated.png");
    std::fs::write(&truncated, &good[..good.len() / 3]).unwrap();
    // A header claiming 100 000 × 100 000 pixels (its checksum made right).
    let mut huge = good.clone();
    huge[16..20].copy_from_slice(&100_000u32.to_be_bytes());
    huge[20..24].copy_from_slice(&100_000u32.to_be_bytes());
    let crc = crc32(&huge[12..29]);
    huge[29..33].copy_from_slice(&crc.to_be_bytes());
    let huge_path = dir.join("huge.png");
    std::fs::write(&huge_path, &huge).unwrap();
    // Not an image at all.
    let text = dir.join("notes.png");
    std::fs::write(&text, "these are my notes").unwrap();
    let missing = dir.join("missing.png");
    for (path, says) in [
        (&truncated, "not a readable image"),
        (&huge_path, "at most 100000000 pixels"),
        (&text, "not a PNG, JPEG or WebP"),
        (&missing, "cannot read"),
    ] {
        let e = contour(path, &[]).unwrap_err();
        assert!(
            e.contains(&path.display().to_string()) && e.contains(says),
            "{}: {e}",
            path.display()
        );
    }
    let _ = ctx();
}

/// CRC-32 of PNG chunks.
fn crc32(bytes: &[u8]) -> u32 {
    let mut crc = 0xffff_ffffu32;
    for &b in bytes {
        crc ^= b as u32;
        for _ in 0..8 {
            crc = if crc & 1 != 0 {
                (crc >> 1) ^ 0xedb8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}

#[test]
fn the_portrait_scene_draws_the_bundled_photo_and_renders_from_the_cli() {
    let path = crate::util::bundled_path("portrait.scene.ron");
    let scene = crate::util::bundled_scene("portrait.scene.ron");
    let ctx = scene_ctx(path.parent().unwrap());
    let drawing = scene.realize(0.0, &ctx).unwrap();
    let names: Vec<&str> = drawing.layers.iter().map(|l| l.name.as_str()).collect();
    assert_eq!(
        names,
        [
            "hatch", "flow", "squiggle", "stipple", "halftone", "edges", "contours"
        ]
    );
    // Each mode draws its 90 mm square of the 300 x 210 mm page.
    let squares = [
        (52.0, 55.0),
        (150.0, 55.0),
        (248.0, 55.0),
        (52.0, 155.0),
        (150.0, 155.0),
        (248.0, 155.0),
        (248.0, 155.0),
    ];
    for (layer, (cx, cy)) in drawing.layers.iter().zip(squares) {
        let lines = &layer.geometry;
        assert!(
            lines.point_count() > 1000,
            "{}: {} points",
            layer.name,
            lines.point_count()
        );
        assert!(
            lines
                .points()
                .iter()
                .all(|p| (p.x - cx).abs() <= 46.0 && (p.y - cy).abs() <= 46.0),
            "{} outside its square",
            layer.name
        );
    }
    // The stipple is one continuous line; the halftone stays in its porthole.
    assert_eq!(drawing.layers[3].geometry.line_count(), 1);
    assert!(
        drawing.layers[4]
            .geometry
            .points()
            .iter()
            .all(|p| ((p.x - 150.0).hypot(p.y - 155.0)) <= 44.01)
    );
    // One decode of the photo, shared by the seven layers.
    assert_eq!(ctx.memo.get::<graft::ops::DecodedImages>().decodes(), 1);
    // The command line reads it beside the scene from anywhere.
    let dir = tempdir("pictures-cli");
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_graft"))
        .current_dir(&dir)
        .args(["render", &path.display().to_string(), "--svg", "p.svg"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(dir.join("p.svg").is_file());
}

#[test]
fn saving_the_picture_recomputes_only_the_layers_that_read_it() {
    use crate::pipeline::{SCENE, app, entity, run_until, settle};
    use graft::ecs::{PipelineStats, Realized};
    let dir = tempdir("pictures-watch");
    let picture = dir.join("photo.png");
    std::fs::write(&picture, png(64, 64, |x, _| if x < 32 { 0 } else { 255 })).unwrap();
    std::fs::write(
        dir.join(SCENE),
        "(canvas: (size: (200, 200)), layers: [\n\
         (name: \"hatch\", source: tone_hatch(image: \"photo.png\", center: (100, 100, 0), width: 100)),\n\
         (name: \"grid\", source: grid(nx: 5, ny: 5)),\n])\n",
    )
    .unwrap();
    let mut app = app(&dir, false);
    settle(&mut app);
    let (hatch, grid) = (entity(&mut app, "hatch"), entity(&mut app, "grid"));
    let realized = |app: &bevy::app::App, e| app.world().get::<Realized>(e).unwrap().clone();
    // Ink on the left half only.
    let mean_x = |app: &bevy::app::App| {
        let g = realized(app, hatch).geometry;
        g.points().iter().map(|p| p.x as f64).sum::<f64>() / g.point_count() as f64
    };
    assert!(mean_x(&app) < 100.0);
    let grid_id = realized(&app, grid).id;
    let before = app.world().resource::<PipelineStats>().clone();
    // The picture saved the other way round: only the hatch runs again.
    std::fs::write(&picture, png(64, 64, |x, _| if x < 32 { 255 } else { 0 })).unwrap();
    run_until(&mut app, "the saved picture to show", |app| {
        mean_x(app) > 100.0
    });
    settle(&mut app);
    let after = app.world().resource::<PipelineStats>().clone();
    assert_eq!(
        after.stage_misses - before.stage_misses,
        1,
        "only the picture's stage"
    );
    assert_eq!(realized(&app, grid).id, grid_id);
}

#[test]
fn the_four_colour_scene_draws_each_process_ink_on_its_own_pen() {
    let path = crate::util::bundled_path("portrait_cmyk.scene.ron");
    let scene = crate::util::bundled_scene("portrait_cmyk.scene.ron");
    let ctx = scene_ctx(path.parent().unwrap());
    let drawing = scene.realize(0.0, &ctx).unwrap();
    let ink: Vec<(String, usize)> = drawing
        .layers
        .iter()
        .map(|l| (l.name.clone(), l.geometry.line_count()))
        .collect();
    // The photo's orange suit and dark background give every ink dots of its own.
    for (name, dots) in &ink {
        assert!(*dots > 500, "{name}: {dots} dots");
    }
    assert_eq!(
        ink.iter().map(|(n, _)| n.as_str()).collect::<Vec<_>>(),
        ["cyan", "magenta", "yellow", "black"]
    );
    // Different inks, different dots.
    assert_ne!(
        drawing.layers[0].geometry.points(),
        drawing.layers[1].geometry.points()
    );
}

#[test]
fn a_drag_draws_every_mode_from_a_coarser_sample_and_absurd_settings_are_refused() {
    let draft = crate::util::ctx().with_draft(true);
    for (op, params) in modes().into_iter().chain([
        ("edges", vec![]),
        ("stipple", vec![("iterations", 30.into())]),
    ]) {
        let c = crate::util::call(op, &params);
        let p = c.resolve(0.0).unwrap();
        let nothing = Polylines::new();
        let quick = c.op.eval(&nothing, &p, &draft).unwrap();
        let full = c.op.eval(&nothing, &p, &crate::util::ctx()).unwrap();
        assert!(graft::ops::is_draft(&quick), "{op}: the draft is marked");
        assert!(!graft::ops::is_draft(&full));
        assert!(quick.point_count() > 0, "{op}: the draft draws");
    }
    for (op, params, says) in [
        (
            "tone_hatch",
            vec![
                ("width", 2000.0.into()),
                ("pitch", 0.05.into()),
                ("levels", 32.into()),
            ],
            "at most",
        ),
        (
            "stipple",
            vec![("dots", 1_000_000.into()), ("iterations", 1000.into())],
            "at most",
        ),
        (
            "halftone",
            vec![("width", 2000.0.into()), ("cell", 0.05.into())],
            "budget",
        ),
        (
            "flow_lines",
            vec![("width", 2000.0.into()), ("separation_min", 0.05.into())],
            "budget",
        ),
        (
            "tone_contour",
            vec![("width", 2000.0.into()), ("pitch", 0.05.into())],
            "at most 4000",
        ),
    ] {
        let e = primitive(op, &params).unwrap_err();
        assert!(e.contains(says), "{op}: {e}");
    }
}

#[test]
fn an_images_section_names_a_picture_once_for_every_layer_and_survives_a_save() {
    let dir = tempdir("pictures-images-section");
    std::fs::write(
        dir.join("ramp.png"),
        png(64, 16, |x, _| 255 - (x * 4) as u8),
    )
    .unwrap();
    let text = "(\n    canvas: (size: (200, 200)),\n    layers: [\n        (name: \"a\", source: tone_hatch(image: \"photo\", center: (100, 100, 0), width: 100)),\n        (name: \"b\", source: squiggle(image: \"photo\", center: (100, 100, 0), width: 100)),\n    ],\n    images: [\n        (name: \"photo\", path: \"ramp.png\"),\n    ],\n)\n";
    let path = dir.join("named.scene.ron");
    std::fs::write(&path, text).unwrap();
    let registry = crate::util::registry();
    let scene = graft::host::load_scene(&path, &registry).unwrap();
    assert_eq!(
        scene.images,
        [("photo".to_string(), "ramp.png".to_string())]
    );
    // Written back as it was read.
    let again = graft::scene::Scene::parse(&scene.to_ron(""), "again", &registry).unwrap();
    assert_eq!(again.images, scene.images);
    let ctx = scene_ctx(&dir);
    let drawing = scene.realize(0.0, &ctx).unwrap();
    assert!(drawing.layers.iter().all(|l| l.geometry.point_count() > 10));
    assert_eq!(ctx.memo.get::<graft::ops::DecodedImages>().decodes(), 1);
    // A name the scene does not have is an error that lists the ones it has.
    let wrong = text.replace(
        "image: \"photo\", center: (100, 100, 0), width: 100)),\n        (name: \"b\"",
        "image: \"phot\", center: (100, 100, 0), width: 100)),\n        (name: \"b\"",
    );
    let scene = graft::scene::Scene::parse(&wrong, "wrong", &registry).unwrap();
    let e = scene.realize(0.0, &ctx).unwrap_err().to_string();
    assert!(
        e.contains("'phot'") && e.contains("the scene's images: photo"),
        "{e}"
    );
    // Two images of one name are refused where the second is named.
    let twice = text.replace(
        "(name: \"photo\", path: \"ramp.png\"),",
        "(name: \"photo\", path: \"ramp.png\"), (name: \"photo\", path: \"x.png\"),",
    );
    let e = graft::scene::Scene::parse(&twice, "twice", &registry)
        .unwrap_err()
        .to_string();
    assert!(e.contains("image name \"photo\" is used twice"), "{e}");
}

#[test]
fn separating_a_picture_layer_makes_one_pen_per_ink_in_its_place() {
    use graft::scene::{SeparateError, Separation};
    let registry = crate::util::registry();
    let scene = crate::util::bundled_scene("portrait.scene.ron");
    let split = scene.separate("halftone", &Separation::Cmyk).unwrap();
    let names: Vec<&str> = split.layers.iter().map(|l| l.name.as_str()).collect();
    assert_eq!(
        names,
        [
            "hatch",
            "flow",
            "squiggle",
            "stipple",
            "halftone-cyan",
            "halftone-magenta",
            "halftone-yellow",
            "halftone-black",
            "edges",
            "contours"
        ]
    );
    // Each ink its channel, its pen colour and its screen angle (15°, 75°, 0°, 45°).
    let text = split.to_ron("");
    for (ink, colour, angle) in [
        ("cyan", "#0093d0", 15),
        ("magenta", "#d6007e", 75),
        ("yellow", "#f2c400", 0),
        ("black", "#1b1b1b", 45),
    ] {
        let layer = &split.layers[names
            .iter()
            .position(|n| *n == format!("halftone-{ink}"))
            .unwrap()];
        assert_eq!(layer.color.to_hex(), colour);
        let at = text.find(&format!("\"halftone-{ink}\"")).unwrap();
        let block = &text[at..at + text[at..].find("\n        ),").unwrap()];
        assert!(block.contains(&format!("channel: \"{ink}\"")), "{block}");
        assert!(block.contains(&format!("angle: {angle},")), "{block}");
        assert!(block.contains("mask: \"porthole\""), "{block}");
    }
    // The rest of the scene is untouched, and the file reads back the same.
    assert_eq!(split.layers[0], scene.layers[0]);
    assert_eq!(
        graft::scene::Scene::parse(&text, "split", &registry)
            .unwrap()
            .layers,
        split.layers
    );
    // A palette: one layer per pen colour.
    let split = scene
        .separate(
            "squiggle",
            &Separation::Palette(vec!["#d62828".into(), "#003049".into()]),
        )
        .unwrap();
    assert!(split.layers.iter().any(|l| l.name == "squiggle-d62828"));
    assert!(split.layers.iter().any(|l| l.name == "squiggle-003049"));
    // What cannot be separated says why.
    let grid = graft::scene::Scene::parse(
        "(canvas: (size: (100, 100)), layers: [(name: \"g\", source: grid())])",
        "g",
        &registry,
    )
    .unwrap();
    let e = grid.separate("g", &Separation::Cmyk).unwrap_err();
    assert!(matches!(e, SeparateError::NotPicture { .. }), "{e}");
    assert!(e.to_string().contains("reads no picture"));
    let e = scene
        .separate("nope", &Separation::Cmyk)
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("no layer named 'nope'") && e.contains("hatch, flow"),
        "{e}"
    );
    let e = scene
        .separate("hatch", &Separation::Palette(vec!["#zz".into()]))
        .unwrap_err()
        .to_string();
    assert!(e.contains("'#zz'"), "{e}");
    // Colour names are written as the hex the op reads.
    let named = scene
        .separate("hatch", &Separation::Palette(vec!["teal".into()]))
        .unwrap();
    assert!(named.to_ron("").contains("palette: \"#008080\""));
    // A new layer's name that is taken is refused, the scene left as it was.
    let mut taken = scene.clone();
    taken.layers[0].name = "halftone-cyan".into();
    let e = taken.separate("halftone", &Separation::Cmyk).unwrap_err();
    assert_eq!(e, SeparateError::NameTaken("halftone-cyan".into()));
}

#[test]
fn graft_separate_writes_the_split_scene_beside_the_old_one_and_never_over_a_file() {
    let dir = tempdir("pictures-separate-cli");
    let scene = dir.join("photo.scene.ron");
    std::fs::write(
        dir.join("ramp.png"),
        png(64, 16, |x, _| 255 - (x * 4) as u8),
    )
    .unwrap();
    std::fs::write(
        &scene,
        "// my photo\n(canvas: (size: (200, 200)), layers: [(name: \"dots\", source: halftone(image: \"ramp.png\", center: (100, 100, 0), width: 100))])\n",
    )
    .unwrap();
    let graft = |args: &[&str]| {
        std::process::Command::new(env!("CARGO_BIN_EXE_graft"))
            .args(args)
            .output()
            .unwrap()
    };
    let path = scene.display().to_string();
    let out = graft(&["separate", &path, "dots", "--cmyk"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let written = dir.join("photo-cmyk.scene.ron");
    let text = std::fs::read_to_string(&written).unwrap();
    assert!(text.starts_with("// my photo\n"));
    let split = graft::host::load_scene(&written, &crate::util::registry()).unwrap();
    assert_eq!(split.layers.len(), 4);
    let drawing = split.realize(0.0, &scene_ctx(&dir)).unwrap();
    // The ramp is grey: black draws, the colour inks draw nothing.
    assert!(drawing.layers[3].geometry.line_count() > 100);
    assert_eq!(drawing.layers[0].geometry.line_count(), 0);
    // Again: the file exists and is kept.
    let out = graft(&["separate", &path, "dots", "--cmyk"]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("already exists"));
    assert_eq!(std::fs::read_to_string(&written).unwrap(), text);
    // Elsewhere, its relative paths would break: refused.
    let elsewhere = tempdir("pictures-separate-elsewhere").join("x.scene.ron");
    let out = graft(&[
        "separate",
        &path,
        "dots",
        "--palette",
        "#ff0000 #0000ff",
        "-o",
        &elsewhere.display().to_string(),
    ]);
    assert!(String::from_utf8_lossy(&out.stderr).contains("not in the scene's folder"));
    assert!(!elsewhere.exists());
    // Neither --cmyk nor --palette: a usage error naming both.
    let out = graft(&["separate", &path, "dots"]);
    assert!(String::from_utf8_lossy(&out.stderr).contains("--cmyk|--palette"));
}

#[test]
fn a_squiggle_lifts_its_pen_on_light_areas_when_asked() {
    let dir = tempdir("pictures-squiggle-lift");
    let path = disc_png(&dir);
    let radius = |lines: &Polylines| {
        lines
            .points()
            .iter()
            .map(|p| ((p.x - 100.0) as f64).hypot((p.y - 100.0) as f64))
            .fold(0.0, f64::max)
    };
    // Without `lift`, every row runs across the whole image, one line each.
    let whole = mode("squiggle", &path, &[]).unwrap();
    assert!(radius(&whole) > 60.0);
    assert_eq!(whole.line_count(), 66);
    // With it, only the disc is drawn: one stretch per row that crosses it.
    for path_kind in ["rows", "spiral"] {
        let lifted = mode(
            "squiggle",
            &path,
            &[
                ("lift", 0.2.into()),
                ("path", RawParam::Str(path_kind.into())),
            ],
        )
        .unwrap();
        let r = radius(&lifted);
        assert!(r <= 25.0 + 0.8 + 0.7, "{path_kind}: drawn {r} mm out");
        assert!(lifted.line_count() >= 1, "{path_kind}");
    }
}
