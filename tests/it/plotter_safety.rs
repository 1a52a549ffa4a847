//! G-code that a plotter can run without ruining a sheet: names cannot inject commands,
//! every move has a feed, written numbers respect the margin, sorting never lengthens
//! travel, and absurd profiles or coordinates are refused before anything is written.

use std::sync::Arc;

use graft::export::{
    Drawing, DrawnLayer, GcodeProfile, OutputRequest, PenControl, to_gcode, to_svg, write_outputs,
};
use graft::geometry::{GeometryId, Polylines, Vec3};
use graft::ops::Rgba;
use graft::scene::Canvas;

use crate::gcode_sim::{assert_plotter_safe, simulate};
use crate::util::{tempdir, v};

fn sheet(layers: Vec<(&str, Vec<Vec<Vec3>>)>) -> Drawing {
    Drawing {
        canvas: Canvas {
            width: 100.0,
            height: 80.0,
            background: Rgba::WHITE,
        },
        layers: layers
            .into_iter()
            .map(|(name, lines)| DrawnLayer {
                name: name.into(),
                color: Rgba::BLACK,
                pen_width: 0.3,
                id: GeometryId(0),
                geometry: Arc::new(Polylines::from_lines(lines)),
            })
            .collect(),
    }
}

#[test]
fn a_layer_name_cannot_inject_commands_into_gcode_or_break_the_svg() {
    let evil = "evil\rG1 Z-40 F9000\rG1 X0 Y0\n\u{1b}";
    let d = sheet(vec![(evil, vec![vec![v(10.0, 10.0), v(50.0, 10.0)]])]);
    let profile = GcodeProfile::default();
    let file = to_gcode(&d, &profile).unwrap();
    let sim = assert_plotter_safe(&file.text, &profile, (100.0, 80.0));
    assert_eq!(sim.pen_downs, 1);
    assert!(!file.text.contains('\r'));
    assert!(
        sim.down_segments
            .iter()
            .all(|(a, b)| a.0 >= 10.0 - 1e-9 && b.0 <= 50.0 + 1e-9),
        "{:?}",
        sim.down_segments
    );
    // The SVG stays well-formed XML with the name readable.
    let svg = to_svg(&d);
    let doc = roxmltree::Document::parse(&svg).expect("valid XML");
    let label = doc
        .descendants()
        .find_map(|n| n.attribute(("http://www.inkscape.org/namespaces/inkscape", "label")))
        .unwrap();
    assert!(
        label.starts_with("1 evil") && !label.chars().any(char::is_control),
        "{label:?}"
    );
}

#[test]
fn every_move_has_a_feed_in_force_from_the_first_line() {
    let d = sheet(vec![("a", vec![vec![v(10.0, 10.0), v(50.0, 30.0)]])]);
    let profile = GcodeProfile::default();
    let file = to_gcode(&d, &profile).unwrap();
    let sim = simulate(&file.text, &profile);
    assert_eq!(sim.moves_without_feed, 0, "{}", file.text);
    // Raising the pen is a rapid move; lowering it carries the draw feed.
    assert!(file.text.contains("\nG0 Z3.000\n"), "{}", file.text);
    assert!(file.text.contains("\nG1 Z-1.000 F1500\n"), "{}", file.text);
}

#[test]
fn rounded_coordinates_stay_inside_the_margin() {
    // Lines crossing every edge; whole millimetres and an odd margin.
    let lines = vec![
        vec![v(-10.0, 40.0), v(110.0, 41.0)],
        vec![v(50.0, -10.0), v(51.0, 90.0)],
        vec![v(-5.0, -5.0), v(105.0, 85.0)],
    ];
    for (margin, decimals, y_flip, origin) in [
        (27.3, 0, true, (0.0, 0.0)),
        (2.45, 1, false, (0.0, 0.0)),
        (5.0, 3, true, (12.34, -7.5)),
        (0.0, 0, false, (0.5, 0.5)),
    ] {
        let profile = GcodeProfile {
            paper_margin: margin,
            decimals,
            y_flip,
            origin,
            ..Default::default()
        };
        let d = sheet(vec![("edges", lines.clone())]);
        let file = to_gcode(&d, &profile).unwrap();
        let sim = assert_plotter_safe(&file.text, &profile, (100.0, 80.0));
        assert!(sim.down_segments.len() >= 3);
    }
}

#[test]
fn sorting_never_returns_a_longer_travel_than_the_drawing_order() {
    // Many small random layouts (a fixed generator): a greedy order sometimes loses to
    // the author's order; the written order must never be worse.
    let mut seed = 0x2545_f491_4f6c_dd1du64;
    let mut next = || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        (seed >> 11) as f32 / (1u64 << 53) as f32
    };
    for _ in 0..300 {
        let lines: Vec<Vec<Vec3>> = (0..7)
            .map(|_| {
                let (x, y) = (5.0 + next() * 90.0, 5.0 + next() * 70.0);
                vec![v(x, y), v(x + next() * 6.0 - 3.0, y + next() * 6.0 - 3.0)]
            })
            .collect();
        let d = sheet(vec![("random", lines)]);
        for (sort, reverse) in [(true, true), (true, false), (false, true)] {
            let profile = GcodeProfile {
                sort_polylines: sort,
                allow_reverse: reverse,
                ..Default::default()
            };
            let file = to_gcode(&d, &profile).unwrap();
            assert!(
                file.travel_after_mm <= file.travel_before_mm + 1e-9,
                "{} > {}",
                file.travel_after_mm,
                file.travel_before_mm
            );
        }
    }
}

#[test]
fn absurd_profiles_are_refused_naming_the_field() {
    let d = sheet(vec![("a", vec![vec![v(10.0, 10.0), v(50.0, 30.0)]])]);
    let cases: Vec<(GcodeProfile, &str)> = vec![
        (
            GcodeProfile {
                origin: (f64::NAN, 0.0),
                ..Default::default()
            },
            "gcode.origin",
        ),
        (
            GcodeProfile {
                pen: PenControl::Z {
                    up: 1e300,
                    down: 0.0,
                },
                ..Default::default()
            },
            "gcode.pen",
        ),
        (
            GcodeProfile {
                pen: PenControl::Z {
                    up: -1.0,
                    down: 2.0,
                },
                ..Default::default()
            },
            "up > down",
        ),
        (
            GcodeProfile {
                header: vec!["G21\nG1 Z-40".into()],
                ..Default::default()
            },
            "gcode.header",
        ),
        (
            GcodeProfile {
                pen: PenControl::Commands {
                    up: vec!["M5".into()],
                    down: vec![],
                },
                ..Default::default()
            },
            "gcode.pen",
        ),
        (
            GcodeProfile {
                bed_x: Some((0.0, 1e9)),
                ..Default::default()
            },
            "gcode.bed_x",
        ),
    ];
    for (profile, words) in cases {
        let err = to_gcode(&d, &profile).unwrap_err().to_string();
        assert!(err.contains(words), "{words}: {err}");
    }
}

#[test]
fn non_finite_or_absurd_coordinates_are_an_error_before_any_file_is_written() {
    let dir = tempdir("absurd-coordinates");
    for bad in [f32::NAN, f32::INFINITY, 1e38] {
        let d = sheet(vec![
            ("fine", vec![vec![v(10.0, 10.0), v(20.0, 10.0)]]),
            ("broken", vec![vec![v(10.0, 10.0), v(bad, 10.0)]]),
        ]);
        let err = to_gcode(&d, &GcodeProfile::default())
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("layer 'broken'") && err.contains("point 1") && err.contains("finite"),
            "{err}"
        );
        let request = OutputRequest {
            svg: Some(dir.join("a.svg")),
            png: Some(dir.join("a.png")),
            dpi: 50.0,
            ..Default::default()
        };
        let err = write_outputs(&d, &GcodeProfile::default(), &request)
            .unwrap_err()
            .to_string();
        assert!(err.contains("layer 'broken'"), "{err}");
        assert_eq!(
            std::fs::read_dir(&dir).unwrap().count(),
            0,
            "nothing written"
        );
    }
}
