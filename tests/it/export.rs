//! SVG, G-code and PNG: round trips, plotter safety rules and never-overwrite writes.

use std::sync::Arc;

use graft::export::{
    Drawing, DrawnLayer, FileFamily, GcodeProfile, OutputError, PenControl, PlotStats,
    create_numbered_dir, numbered_path, to_gcode, to_gcode_per_layer, to_png, to_svg, write_atomic,
    write_numbered,
};
use graft::geometry::{GeometryId, Polylines, Vec3};
use graft::ops::Rgba;
use graft::scene::Canvas;

use crate::gcode_sim::assert_plotter_safe;

use crate::util::*;

const INKSCAPE: &str = "http://www.inkscape.org/namespaces/inkscape";

fn layer(name: &str, color: &str, lines: Vec<Vec<Vec3>>) -> DrawnLayer {
    DrawnLayer {
        name: name.into(),
        color: Rgba::parse(color).unwrap(),
        pen_width: 0.5,
        id: GeometryId(0),
        geometry: Arc::new(Polylines::from_lines(lines)),
    }
}

/// A 100 × 50 mm sheet: a red layer with two lines, one of them crossing the left edge,
/// and a blue layer with a square.
fn drawing() -> Drawing {
    Drawing {
        canvas: Canvas {
            width: 100.0,
            height: 50.0,
            background: Rgba::parse("#ffffff").unwrap(),
        },
        layers: vec![
            layer(
                "red & co",
                "#ff0000",
                vec![
                    vec![v(-20.0, 10.0), v(50.0, 10.0)],
                    vec![v(10.0, 40.0), v(90.0, 40.0)],
                ],
            ),
            layer("blue", "#0000ff", vec![square(40.0, 20.0, 10.0)]),
        ],
    }
}

#[test]
fn svg_parses_back_with_one_layer_group_per_layer() {
    let svg = to_svg(&drawing());
    let doc = roxmltree::Document::parse(&svg).unwrap();
    let root = doc.root_element();
    assert_eq!(root.attribute("width"), Some("100mm"));
    assert_eq!(root.attribute("height"), Some("50mm"));
    assert_eq!(root.attribute("viewBox"), Some("0 0 100 50"));
    let groups: Vec<_> = root.children().filter(|n| n.has_tag_name("g")).collect();
    assert_eq!(groups.len(), 2);
    for (g, (label, stroke, paths)) in groups
        .iter()
        // AxiDraw's layer mode reads the number at the start of the label.
        .zip([("1 red & co", "#ff0000", 2), ("2 blue", "#0000ff", 1)])
    {
        assert_eq!(g.attribute((INKSCAPE, "groupmode")), Some("layer"));
        assert_eq!(g.attribute((INKSCAPE, "label")), Some(label));
        assert_eq!(g.attribute("stroke"), Some(stroke));
        assert_eq!(g.attribute("stroke-width"), Some("0.5"));
        assert_eq!(g.attribute("stroke-linecap"), Some("round"));
        assert_eq!(g.attribute("stroke-linejoin"), Some("round"));
        assert_eq!(
            g.children().filter(|n| n.has_tag_name("path")).count(),
            paths
        );
    }
    let first = groups[0]
        .children()
        .find(|n| n.has_tag_name("path"))
        .unwrap();
    assert_eq!(first.attribute("d"), Some("M -20,10 L 50,10"));
}

#[test]
fn svg_is_deterministic() {
    assert_eq!(to_svg(&drawing()), to_svg(&drawing()));
}

#[test]
fn gcode_never_draws_outside_the_paper_margin_and_lifts_before_travel() {
    let profile = GcodeProfile {
        paper_margin: 5.0,
        y_flip: false,
        ..Default::default()
    };
    let file = to_gcode(&drawing(), &profile).unwrap();
    let r = assert_plotter_safe(&file.text, &profile, (100.0, 50.0));
    // Three polylines, each drawn in one stroke; the first is clipped to start at x = 5.
    assert_eq!(r.pen_downs, 3);
    assert!(
        r.down_segments.contains(&((5.0, 10.0), (50.0, 10.0))),
        "{:?}",
        r.down_segments
    );
    assert!(
        file.text.starts_with(
            "; graft G-code\nG21 ; millimetres\nG90 ; absolute positioning\nG0 Z3.000\n"
        )
    );
    assert!(file.text.contains("; layer 2: blue"));
}

#[test]
fn gcode_clips_a_line_that_leaves_and_reenters_into_two_strokes() {
    let mut d = drawing();
    d.layers = vec![layer(
        "zigzag",
        "#000",
        vec![vec![v(10.0, 10.0), v(10.0, -10.0), v(20.0, 10.0)]],
    )];
    let profile = GcodeProfile {
        paper_margin: 2.0,
        y_flip: false,
        ..Default::default()
    };
    let file = to_gcode(&d, &profile).unwrap();
    let r = assert_plotter_safe(&file.text, &profile, (100.0, 50.0));
    assert_eq!(r.pen_downs, 2);
    assert!(
        r.down_segments
            .iter()
            .all(|(a, b)| a.1 >= 2.0 && b.1 >= 2.0)
    );
}

#[test]
fn gcode_is_byte_identical_across_runs_and_honours_the_profile() {
    let profile = GcodeProfile {
        pen: PenControl::Commands {
            up: vec!["M5".into()],
            down: vec!["M3 S30".into()],
        },
        header: vec!["G21".into()],
        footer: vec!["M2".into()],
        decimals: 2,
        origin: (100.0, 0.0),
        y_flip: true,
        sort_polylines: true,
        ..Default::default()
    };
    let a = to_gcode(&drawing(), &profile).unwrap();
    let b = to_gcode(&drawing(), &profile).unwrap();
    assert_eq!(a.text.as_bytes(), b.text.as_bytes());
    assert!(a.text.ends_with("M5\nM2\n"), "{}", a.text);
    assert!(!a.text.contains(" Z"));
    // y flip: canvas y = 40 is machine y = 10; origin shifts x by 100.
    assert!(a.text.contains("Y10.00"), "{}", a.text);
    assert!(a.text.lines().filter(|l| l.starts_with("G1 X")).all(|l| {
        let x: f64 = l.split_whitespace().nth(1).unwrap()[1..].parse().unwrap();
        (100.0..=200.0).contains(&x)
    }));
    let r = crate::gcode_sim::simulate(&a.text, &profile);
    assert_eq!(r.travels_with_pen_down, 0);
    assert_eq!(r.moves_without_feed, 0);
    assert_eq!(r.pen_downs, 3);
}

#[test]
fn gcode_bed_range_and_bad_profiles_are_refused() {
    let profile = GcodeProfile {
        bed_x: Some((0.0, 50.0)),
        ..Default::default()
    };
    let err = to_gcode(&drawing(), &profile).unwrap_err().to_string();
    assert!(err.contains("outside bed_x (0, 50)"), "{err}");
    let profile = GcodeProfile {
        paper_margin: 30.0,
        ..Default::default()
    };
    let err = to_gcode(&drawing(), &profile).unwrap_err().to_string();
    assert!(
        err.contains("gcode.paper_margin = 30 is not allowed"),
        "{err}"
    );
    let profile = GcodeProfile {
        draw_feed: 0.0,
        ..Default::default()
    };
    assert!(
        to_gcode(&drawing(), &profile)
            .unwrap_err()
            .to_string()
            .contains("gcode.draw_feed")
    );
}

#[test]
fn gcode_sorting_shortens_travel_and_per_layer_files_split() {
    let lines: Vec<Vec<Vec3>> = (0..20)
        .map(|i| {
            // Alternating far-apart rows: file order zigzags across the sheet.
            let y = 5.0 + (i % 2) as f32 * 35.0 + (i / 2) as f32 * 0.5;
            vec![v(10.0, y), v(20.0, y)]
        })
        .collect();
    let mut d = drawing();
    d.layers = vec![layer("rows", "#000", lines)];
    let plain = to_gcode(&d, &GcodeProfile::default()).unwrap();
    let sorted = to_gcode(
        &d,
        &GcodeProfile {
            sort_polylines: true,
            ..Default::default()
        },
    )
    .unwrap();
    assert_eq!(plain.travel_before_mm, sorted.travel_before_mm);
    assert_eq!(plain.travel_after_mm, plain.travel_before_mm);
    assert!(
        sorted.travel_after_mm < plain.travel_after_mm / 5.0,
        "{} vs {}",
        sorted.travel_after_mm,
        plain.travel_after_mm
    );
    let files = to_gcode_per_layer(&drawing(), &GcodeProfile::default()).unwrap();
    assert_eq!(files.len(), 2);
    assert!(files[0].text.contains("; layer 1: red & co") && !files[0].text.contains("; layer 2"));
    assert!(files[1].text.contains("; layer 2: blue"));
}

#[test]
fn png_has_the_paper_size_background_and_layer_colours() {
    let bytes = to_png(&drawing(), 25.4 * 4.0).unwrap();
    let img = resvg::tiny_skia::Pixmap::decode_png(&bytes).unwrap();
    assert_eq!((img.width(), img.height()), (400, 200));
    let px = |x: u32, y: u32| {
        let c = img.pixel(x, y).unwrap();
        (c.red(), c.green(), c.blue())
    };
    assert_eq!(px(2, 2), (255, 255, 255));
    // The red line at y = 10 mm (pixel row 40), the blue square's top edge at y = 20 mm.
    assert_eq!(px(100, 40), (255, 0, 0));
    assert_eq!(px(180, 80), (0, 0, 255));
    let err = to_png(&drawing(), 1e6).unwrap_err().to_string();
    assert!(err.contains("lower the dpi"), "{err}");
}

#[test]
fn plot_stats_count_pen_down_and_travel() {
    let s = PlotStats::of(&drawing());
    assert_eq!(
        (s.layers, s.polylines, s.vertices, s.segments),
        (2, 3, 9, 6)
    );
    assert!((s.pen_down_mm - (70.0 + 80.0 + 40.0)).abs() < 1e-6);
    // Within the red layer: from (50, 10) to (10, 40).
    assert!((s.pen_up_mm - 50.0).abs() < 1e-6);
}

#[test]
fn writes_are_atomic_and_never_overwrite() {
    let dir = tempdir("write");
    let path = dir.join("out.svg");
    write_atomic(&path, b"first", false).unwrap();
    let err = write_atomic(&path, b"second", false).unwrap_err();
    assert!(
        err.to_string().contains("already exists; pass --overwrite"),
        "{err}"
    );
    assert_eq!(std::fs::read(&path).unwrap(), b"first");
    write_atomic(&path, b"third", true).unwrap();
    assert_eq!(std::fs::read(&path).unwrap(), b"third");
    // No temporary files are left behind.
    assert_eq!(std::fs::read_dir(&dir).unwrap().count(), 1);
    let blocked = dir.join("out.svg").join("inside.svg");
    let err = write_atomic(&blocked, b"x", false).unwrap_err();
    assert!(err.to_string().starts_with("cannot write"), "{err}");
    assert_eq!(
        numbered_path(&dir, "out", "svg").unwrap(),
        dir.join("out_001.svg")
    );
    std::fs::write(dir.join("out_001.svg"), "").unwrap();
    assert_eq!(
        numbered_path(&dir, "out", "svg").unwrap(),
        dir.join("out_002.svg")
    );
}

#[test]
fn a_family_of_files_appears_whole_or_not_at_all() {
    let dir = crate::util::tempdir("family");
    // The second file cannot be written (its folder is a file): the first must not stay.
    std::fs::write(dir.join("blocker"), "").unwrap();
    let mut family = FileFamily::new(false);
    family.add(&dir.join("a.gcode"), b"a").unwrap();
    assert!(family.add(&dir.join("blocker/b.gcode"), b"b").is_err());
    drop(family);
    assert!(!dir.join("a.gcode").exists());
    // A name taken between staging and commit: nothing of the family is published, and
    // the other writer's file is kept.
    let mut family = FileFamily::new(false);
    family.add(&dir.join("one.svg"), b"1").unwrap();
    family.add(&dir.join("two.svg"), b"2").unwrap();
    std::fs::write(dir.join("two.svg"), "theirs").unwrap();
    let err = family.commit().unwrap_err();
    assert!(
        matches!(err, OutputError::Exists(ref p) if p.ends_with("two.svg")),
        "{err}"
    );
    assert!(!dir.join("one.svg").exists());
    assert_eq!(
        std::fs::read_to_string(dir.join("two.svg")).unwrap(),
        "theirs"
    );
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(names, ["blocker", "two.svg"], "no temporary file is left");

    // Numbered families skip a number where any member is taken.
    std::fs::write(dir.join("demo_001_layer002_b.gcode"), "").unwrap();
    let files = vec![
        ("_layer001_a".to_string(), "gcode", b"a".to_vec()),
        ("_layer002_b".to_string(), "gcode", b"b".to_vec()),
    ];
    let written = write_numbered(&dir, "demo", &files).unwrap();
    assert_eq!(
        written,
        [
            dir.join("demo_002_layer001_a.gcode"),
            dir.join("demo_002_layer002_b.gcode")
        ]
    );
    assert_eq!(
        create_numbered_dir(&dir, "demo_frames").unwrap(),
        dir.join("demo_frames_001")
    );
    assert_eq!(
        create_numbered_dir(&dir, "demo_frames").unwrap(),
        dir.join("demo_frames_002")
    );
}

#[test]
fn translucent_pens_are_written_with_stroke_opacity() {
    let mut d = drawing();
    d.layers[0].color = Rgba::parse("#ff000080").unwrap();
    let svg = to_svg(&d);
    let doc = roxmltree::Document::parse(&svg).unwrap();
    let groups: Vec<_> = doc.descendants().filter(|n| n.has_tag_name("g")).collect();
    assert_eq!(groups[0].attribute("stroke"), Some("#ff0000"));
    assert_eq!(groups[0].attribute("stroke-opacity"), Some("0.502"));
    // Opaque pens carry no opacity.
    assert_eq!(groups[1].attribute("stroke-opacity"), None);
    // resvg draws it half covered: a blend of red over white, not opaque red.
    let png = to_png(&d, 25.4 * 4.0).unwrap();
    let pixmap = resvg::tiny_skia::Pixmap::decode_png(&png).unwrap();
    let c = pixmap.pixel(4 * 30, 4 * 10).unwrap();
    assert!((120..=136).contains(&c.green()), "{c:?}");
}

/// HPGL commands as (mnemonic, numbers).
fn hpgl_commands(text: &str) -> Vec<(String, Vec<i64>)> {
    text.split(';')
        .map(str::trim)
        .filter(|c| !c.is_empty())
        .map(|c| {
            let (name, args) = c.split_at(2);
            let nums = args
                .split(',')
                .filter(|a| !a.is_empty())
                .map(|a| a.parse().unwrap())
                .collect();
            (name.to_string(), nums)
        })
        .collect()
}

#[test]
fn hpgl_selects_a_pen_per_layer_and_keeps_every_point_on_the_page() {
    let d = Drawing {
        canvas: Canvas {
            width: 100.0,
            height: 50.0,
            background: Rgba::WHITE,
        },
        layers: vec![
            layer(
                "red",
                "#ff0000",
                vec![vec![v(10.0, 10.0), v(50.0, 10.0)], square(60.0, 20.0, 10.0)],
            ),
            layer("blue", "#0000ff", vec![vec![v(0.0, 0.0), v(100.0, 50.0)]]),
        ],
    };
    let device = graft::export::hpgl_device("hp7475a").unwrap();
    let text = graft::export::to_hpgl(&d, &device).unwrap();
    let cmds = hpgl_commands(&text);
    assert_eq!(cmds[0].0, "IN");
    let pens: Vec<i64> = cmds
        .iter()
        .filter(|c| c.0 == "SP")
        .map(|c| c.1.first().copied().unwrap_or(0))
        .collect();
    assert_eq!(pens, [1, 2, 0]);
    // 40 units per mm, y up from the bottom edge: (10, 10) mm is (400, 1600).
    assert_eq!(cmds[2], ("PU".to_string(), vec![400, 1600]));
    assert_eq!(cmds[3], ("PD".to_string(), vec![2000, 1600]));
    for (name, nums) in &cmds {
        if name == "PU" || name == "PD" {
            for xy in nums.chunks(2) {
                assert!(
                    (0..=4000).contains(&xy[0]) && (0..=2000).contains(&xy[1]),
                    "{name} {xy:?}"
                );
            }
        }
    }
    // Off the paper, too many layers, a too large sheet, an unknown device: refused.
    let off = Drawing {
        layers: vec![layer(
            "out",
            "#000000",
            vec![vec![v(-1.0, 0.0), v(5.0, 5.0)]],
        )],
        ..d.clone()
    };
    let e = graft::export::to_hpgl(&off, &device)
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("layer 'out'") && e.contains("off the 100 × 50 mm paper"),
        "{e}"
    );
    let many = Drawing {
        layers: (0..7)
            .map(|i| {
                layer(
                    &format!("l{i}"),
                    "#000000",
                    vec![vec![v(1.0, 1.0), v(2.0, 2.0)]],
                )
            })
            .collect(),
        ..d.clone()
    };
    let e = graft::export::to_hpgl(&many, &device)
        .unwrap_err()
        .to_string();
    assert!(e.contains("holds 6 pens; this drawing has 7 layers"), "{e}");
    let big = Drawing {
        canvas: Canvas {
            width: 600.0,
            height: 400.0,
            background: Rgba::WHITE,
        },
        ..d.clone()
    };
    let e = graft::export::to_hpgl(&big, &device)
        .unwrap_err()
        .to_string();
    assert!(e.contains("does not fit the hp7475a"), "{e}");
    let e = graft::export::hpgl_device("hp9999")
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("known devices: hp7475a, hp7440a, generic"),
        "{e}"
    );
}

#[test]
fn one_gcode_file_pauses_for_a_pen_change_between_layers() {
    let d = Drawing {
        canvas: Canvas {
            width: 100.0,
            height: 50.0,
            background: Rgba::WHITE,
        },
        layers: vec![
            layer("red", "#ff0000", vec![vec![v(10.0, 10.0), v(50.0, 10.0)]]),
            layer(
                "blue\nG1 Z-40",
                "#0000ff",
                vec![vec![v(10.0, 20.0), v(50.0, 20.0)]],
            ),
        ],
    };
    let profile = GcodeProfile {
        pen_change: vec!["M0 ; insert pen {n}: {name}".into()],
        ..Default::default()
    };
    let g = to_gcode(&d, &profile).unwrap();
    let lines: Vec<&str> = g.text.lines().collect();
    let at = lines
        .iter()
        .position(|l| l.starts_with("M0"))
        .expect("a pause");
    assert_eq!(lines[at], "M0 ; insert pen 2: blue G1 Z-40");
    assert_eq!(
        lines.iter().filter(|l| l.starts_with("M0")).count(),
        1,
        "only between layers"
    );
    // The pen is up at the pause: the last pen command before it raised it.
    let last_z = lines[..at].iter().rev().find(|l| l.contains(" Z")).unwrap();
    assert!(last_z.starts_with("G0 Z3"), "{last_z}");
    assert_plotter_safe(&g.text, &profile, (100.0, 50.0));
    // A name outside a comment could be a command: refused.
    let bad = GcodeProfile {
        pen_change: vec!["{name}".into()],
        ..Default::default()
    };
    let e = bad.validate(&d.canvas).unwrap_err().to_string();
    assert!(
        e.contains("gcode.pen_change") && e.contains("put {name} after a ';'"),
        "{e}"
    );
}

#[test]
fn plot_time_counts_acceleration_and_pen_lifts() {
    let p = GcodeProfile {
        draw_feed: 600.0,    // 10 mm/s
        travel_feed: 1200.0, // 20 mm/s
        acceleration: 100.0,
        pen_delay: 0.5,
        ..Default::default()
    };
    // 100 mm drawn in 4 segments, 50 mm of travel, 2 polylines:
    // 10 s + 4 · 0.1 s + 2.5 s + 2 · (0.2 s + 1 s).
    let t = p.plot_seconds(100.0, 50.0, 4, 2);
    assert!((t - (10.0 + 0.4 + 2.5 + 2.4)).abs() < 1e-9, "{t}");
    let bad = GcodeProfile {
        acceleration: 0.0,
        ..Default::default()
    };
    let e = bad.validate_fields().unwrap_err().to_string();
    assert!(e.contains("gcode.acceleration = 0"), "{e}");
}

#[test]
fn layout_fits_and_centres_the_drawing_on_a_page() {
    use graft::export::Fit;
    let d = Drawing {
        canvas: Canvas {
            width: 100.0,
            height: 100.0,
            background: Rgba::WHITE,
        },
        layers: vec![layer(
            "a",
            "#000000",
            vec![vec![v(0.0, 0.0), v(10.0, 20.0)]],
        )],
    };
    let page = graft::export::page_size("A4", false).unwrap();
    let on_page = |page, fit| graft::export::Layout {
        page: Some(page),
        fit,
    };
    let out = graft::export::lay_out(&d, &on_page(page, Fit::Margin(10.0))).unwrap();
    assert_eq!((out.canvas.width, out.canvas.height), (210.0, 297.0));
    // 10 × 20 mm fills the 277 mm of height: 138.5 × 277 mm, centred.
    let p = out.layers[0].geometry.points();
    assert!(
        (p[0].x - 35.75).abs() < 1e-3 && (p[0].y - 10.0).abs() < 1e-3,
        "{}",
        p[0]
    );
    assert!(
        (p[1].x - 174.25).abs() < 1e-3 && (p[1].y - 287.0).abs() < 1e-3,
        "{}",
        p[1]
    );
    assert_eq!(
        graft::export::page_size("letter", true).unwrap(),
        (279.4, 215.9)
    );
    let e = graft::export::page_size("a9", false)
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("unknown page size 'a9'") && e.contains("tabloid"),
        "{e}"
    );
    let e = graft::export::lay_out(&d, &on_page(page, Fit::Margin(200.0)))
        .unwrap_err()
        .to_string();
    assert!(e.contains("200 mm margin leaves no room"), "{e}");
    // scaleto: 10 × 20 mm into 15cm × 10cm keeps proportions (50 × 100 mm), centred on
    // the page given, else on the drawing's own paper.
    assert_eq!(
        graft::export::parse_size("15cmx10cm").unwrap(),
        (150.0, 100.0)
    );
    let (w, h) = graft::export::parse_size("6inx4in").unwrap();
    assert!((w - 152.4).abs() < 1e-9 && (h - 101.6).abs() < 1e-9);
    assert_eq!(
        graft::export::parse_size("150x100").unwrap(),
        (150.0, 100.0)
    );
    for bad in ["150", "axb", "10pxx5px"] {
        let e = graft::export::parse_size(bad).unwrap_err().to_string();
        assert!(
            e.contains("is not a size") && e.contains("15cmx10cm"),
            "{e}"
        );
    }
    let out = graft::export::lay_out(&d, &on_page(page, Fit::Size(150.0, 100.0))).unwrap();
    let p = out.layers[0].geometry.points();
    assert!((p[0] - v(80.0, 98.5)).length() < 1e-3, "{}", p[0]);
    assert!((p[1] - v(130.0, 198.5)).length() < 1e-3, "{}", p[1]);
    let own = graft::export::Layout {
        page: None,
        fit: Fit::Size(150.0, 100.0),
    };
    let out = graft::export::lay_out(&d, &own).unwrap();
    assert_eq!((out.canvas.width, out.canvas.height), (100.0, 100.0));
    let p = out.layers[0].geometry.points();
    assert!((p[0] - v(25.0, 0.0)).length() < 1e-3, "{}", p[0]);
    assert!((p[1] - v(75.0, 100.0)).length() < 1e-3, "{}", p[1]);
    for size in [(0.0, 10.0), (f64::NAN, 10.0), (1e9, 10.0)] {
        let e = graft::export::lay_out(&d, &on_page(page, Fit::Size(size.0, size.1)))
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("cannot scale to") && e.contains("10000 mm"),
            "{e}"
        );
    }
    // The scene's own drawing is untouched.
    assert_eq!(d.layers[0].geometry.points()[1], v(10.0, 20.0));
}

#[test]
fn sort_travel_orders_the_svg_too() {
    let scattered = Drawing {
        canvas: Canvas {
            width: 100.0,
            height: 100.0,
            background: Rgba::WHITE,
        },
        layers: vec![layer(
            "dots",
            "#000000",
            (0..40)
                .map(|i| {
                    let x = ((i * 37) % 40) as f32 * 2.0 + 5.0;
                    vec![v(x, 50.0), v(x + 1.0, 50.0)]
                })
                .collect(),
        )],
    };
    let sorted = graft::export::sort_layers(&scattered);
    let travel = |d: &Drawing| {
        let g = &d.layers[0].geometry;
        graft::geometry::travel_of(g, &graft::geometry::input_order(g))
    };
    assert!(
        travel(&sorted) < travel(&scattered) / 5.0,
        "{} vs {}",
        travel(&sorted),
        travel(&scattered)
    );
    assert_eq!(sorted.layers[0].geometry.point_count(), 80);
}
