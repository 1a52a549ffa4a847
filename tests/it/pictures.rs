//! Pictures into lines: images read beside the scene, tone contours that put more ink
//! where the picture is darker, and hostile files refused with clear errors.

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

fn contour(path: &std::path::Path, extra: &[(&str, RawParam)]) -> Result<Polylines, String> {
    let mut params = vec![
        ("image", RawParam::Str(path.display().to_string())),
        ("center", [100.0, 100.0, 0.0].into()),
        ("width", 100.0.into()),
        ("levels", 12.into()),
        ("blur", 0.0.into()),
    ];
    params.extend(extra.iter().cloned());
    primitive("tone_contour", &params)
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
    let files = graft::host::DiskFiles::default();
    files.set_base(path.parent().map(|p| p.to_path_buf()));
    let ctx = graft::ops::EvalContext::new(
        graft::ops::ResourceBudget::default(),
        std::sync::Arc::new(files),
        std::sync::Arc::new(graft::ops::Serial),
    );
    let drawing = scene.realize(0.0, &ctx).unwrap();
    let lines = &drawing.layers[0].geometry;
    assert!(lines.line_count() > 200, "{} rings", lines.line_count());
    // On the paper, within the 140 mm square the photo is placed in.
    assert!(
        lines
            .points()
            .iter()
            .all(|p| (9.0..=151.0).contains(&p.x) && (9.0..=151.0).contains(&p.y))
    );
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
