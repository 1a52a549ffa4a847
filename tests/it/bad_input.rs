//! Bad input, as a hostile or careless user gives it, through the `graft` command line:
//! broken RON, absurd numbers and budgets, bad expressions, CLI paths, G-code profiles,
//! fonts and names. Every case must end with the expected exit status and a message with
//! its key words, in bounded time and memory (a hang or runaway allocation fails the
//! case), and leave every file that existed before untouched.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::util::tempdir;

/// Longest a case may run before it counts as a hang.
const HANG: Duration = Duration::from_secs(60);
/// Address space a case may use (a runaway allocation fails instead of swapping).
const MEMORY_LIMIT: u64 = 8 << 30;

/// One bad input.
struct Case {
    name: &'static str,
    /// The scene file's text (written to `s.scene.ron`), if the case has one.
    scene: Option<String>,
    /// Arguments; `{scene}` and `{dir}` are replaced.
    args: Vec<String>,
    /// Whether the command should succeed.
    ok: bool,
    /// Words the output (stderr, or stdout on success) must contain.
    words: Vec<&'static str>,
    /// Other files the case's folder holds: (name, text).
    files: Vec<(&'static str, String)>,
    /// Longest the case may take.
    within: Duration,
}

/// A scene with one layer made of `source` and `effects`, and `extra` top-level fields.
fn scene(source: &str, effects: &str, extra: &str) -> String {
    format!(
        "(\n    canvas: (size: (100, 100)),\n    layers: [\n        (name: \"a\", source: {source}, effects: [{effects}]),\n    ],\n    {extra}\n)\n"
    )
}

fn render(extra: &[&str]) -> Vec<String> {
    let mut a: Vec<String> = [
        "render",
        "{scene}",
        "--svg",
        "{dir}/out/a.svg",
        "--gcode",
        "{dir}/out/a.gcode",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    a.extend(extra.iter().map(|s| s.to_string()));
    a
}

fn bad(name: &'static str, scene_text: String, words: &[&'static str]) -> Case {
    Case {
        name,
        scene: Some(scene_text),
        args: render(&[]),
        ok: false,
        words: words.to_vec(),
        files: Vec::new(),
        within: HANG,
    }
}

fn good(name: &'static str, scene_text: String, words: &[&'static str]) -> Case {
    Case {
        name,
        scene: Some(scene_text),
        args: render(&[]),
        ok: true,
        words: words.to_vec(),
        files: Vec::new(),
        within: HANG,
    }
}

fn cli(
    name: &'static str,
    scene_text: Option<String>,
    args: &[&str],
    ok: bool,
    words: &[&'static str],
) -> Case {
    Case {
        name,
        scene: scene_text,
        args: args.iter().map(|s| s.to_string()).collect(),
        ok,
        words: words.to_vec(),
        files: Vec::new(),
        within: HANG,
    }
}

/// Longest an SVG import may take, whatever the file holds.
const SVG_WITHIN: Duration = Duration::from_secs(20);

/// A scene importing `in.svg`, a file whose body (inside `<svg>`) is `body`.
fn svg(name: &'static str, body: &str, ok: bool, words: &[&'static str]) -> Case {
    let text = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" xmlns:xlink=\"http://www.w3.org/1999/xlink\" width=\"100mm\" height=\"100mm\" viewBox=\"0 0 100 100\">\n{body}\n</svg>\n"
    );
    svg_file(name, text, ok, words)
}

/// A scene importing `in.svg`, whose whole text is `text`.
fn svg_file(name: &'static str, text: String, ok: bool, words: &[&'static str]) -> Case {
    Case {
        within: SVG_WITHIN,
        files: vec![("in.svg", text)],
        ..cli(
            name,
            Some(scene("svg(path: \"in.svg\")", "", "")),
            &render(&[]).iter().map(String::as_str).collect::<Vec<_>>(),
            ok,
            words,
        )
    }
}

/// SVG files that must never make graft read other files, grow without bound, recurse
/// or drop geometry without a word.
fn svg_hazards() -> Vec<Case> {
    let line = "<path id=\"near\" d=\"M 10 10 L 90 90\"/>";
    let laughs = {
        let mut t = String::from(
            "<?xml version=\"1.0\"?>\n<!DOCTYPE svg [\n<!ENTITY a0 \"hahahahahahahahahaha\">\n",
        );
        for i in 1..12 {
            let p = i - 1;
            t += &format!(
                "<!ENTITY a{i} \"&a{p};&a{p};&a{p};&a{p};&a{p};&a{p};&a{p};&a{p};&a{p};&a{p};\">\n"
            );
        }
        t + "]>\n<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 100 100\"><text>&a11;</text></svg>\n"
    };
    vec![
        svg(
            "an image of /dev/zero",
            &format!("<image href=\"/dev/zero\" width=\"10\" height=\"10\"/>{line}"),
            true,
            &[
                "note: layer 'a': svg: 1 image ignored",
                "nothing they name is read",
                "1 polylines",
            ],
        ),
        svg(
            "an image of the user's file",
            &format!(
                "<image xlink:href=\"keep.txt\" width=\"10\" height=\"10\"/><image href=\"file://{{dir}}/keep.txt\"/>{line}"
            ),
            true,
            &["2 images ignored"],
        ),
        svg(
            "text that is not paths",
            &format!("<text x=\"10\" y=\"10\">hello</text>{line}"),
            true,
            &["1 text element ignored", "convert text to paths"],
        ),
        svg(
            "coordinates past single precision",
            &format!("<path id=\"far\" d=\"M 0 0 L 1e300 1e300\"/>\n{line}"),
            true,
            &[
                "1 element dropped",
                "not finite or beyond",
                "first: <path id=\"far\"> at line 2",
                "1 polylines",
            ],
        ),
        svg(
            "coordinates past a kilometre",
            &format!(
                "<g transform=\"scale(1e30)\"><path d=\"M 0 0 L 1 1\"/><path d=\"M 0 0 L 2 1\"/></g>{line}"
            ),
            true,
            &[
                "2 elements dropped",
                "first: a path without an id",
                "1 polylines",
            ],
        ),
        svg_file(
            "billion laughs",
            laughs,
            false,
            &["in.svg", "not a readable SVG file"],
        ),
        svg_file(
            "external entity",
            format!(
                "<?xml version=\"1.0\"?>\n<!DOCTYPE svg [<!ENTITY x SYSTEM \"file:///etc/passwd\">]>\n<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 100 100\"><text>&x;</text>{line}</svg>"
            ),
            false,
            &["in.svg", "not a readable SVG file"],
        ),
        svg(
            "100 000 nested groups",
            &format!("{}{line}{}", "<g>".repeat(100_000), "</g>".repeat(100_000)),
            false,
            &["in.svg", "not a readable SVG file"],
        ),
        svg(
            "a use that refers to itself",
            &format!(
                "<g id=\"loop\"><use href=\"#loop\"/>{line}</g><use href=\"#b\" id=\"a\"/><use href=\"#a\" id=\"b\"/>"
            ),
            true,
            &["wrote"],
        ),
        svg_file(
            "a zero viewBox",
            format!("<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 0 0\">{line}</svg>"),
            true,
            &[
                "viewBox \"0 0 0 0\" has no area and is ignored",
                "1 polylines",
            ],
        ),
        svg_file(
            "a negative viewBox",
            format!(
                "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 -100 100\">{line}</svg>"
            ),
            true,
            &["viewBox \"0 0 -100 100\" has no area"],
        ),
        svg_file(
            "an empty file",
            String::new(),
            false,
            &["in.svg", "not a readable SVG file"],
        ),
        svg_file("not UTF-8", "\u{0}\u{ff}".into(), false, &["in.svg"]),
    ]
}

fn plain() -> String {
    scene("polygon()", "", "")
}

fn with_gcode(profile: &str) -> String {
    scene(
        "line(center: (50, 50, 0))",
        "",
        &format!("export: (gcode: ({profile})),"),
    )
}

fn cases() -> Vec<Case> {
    let mut c = vec![
        // RON syntax.
        bad("empty file", String::new(), &["s.scene.ron:1:1", "the scene file is empty"]),
        bad("offset contours of a long line past the budget", scene("spiral()", "subdivide(subdivisions: 6), offset_curve(distance: 1000, count: 1000)", ""), &["op 'offset_curve'", "over the budget"]),
        bad("more layers than a scene holds", format!("(canvas: (size: (100, 100)), layers: [{}])", (0..10_001).map(|i| format!("(name: \"l{i}\", source: line()),\n")).collect::<String>()), &["s.scene.ron:10001:", "more than 10000 layers"]),
        bad("a step graft cannot tell from 0", scene("line()", "resample(step: 1e-12)", ""), &["s.scene.ron:", "resample.step", "below 0.001", "use 0 or at least 0.001"]),
        bad("only a comment", "// nothing\n".into(), &["the scene file is empty"]),
        bad("missing closing paren", "(canvas: (size: (100, 100)), layers: [\n".into(), &["s.scene.ron:"]),
        bad("unterminated string", scene("text(text: \"abc)", "", ""), &["s.scene.ron:"]),
        bad("trailing garbage", plain() + "xyz", &["s.scene.ron:"]),
        bad("unknown top-level field", scene("polygon()", "", "colour: 1,"), &["s.scene.ron:", "colour"]),
        bad("layers not a list", "(canvas: (size: (100, 100)), layers: 3)".into(), &["s.scene.ron:"]),
        bad("canvas size not a pair", "(canvas: (size: 100), layers: [])".into(), &["s.scene.ron:"]),
        bad("binary garbage", "\u{1}\u{2}\u{3}(\u{0}".into(), &["s.scene.ron:"]),
        bad("deep nesting", scene(&format!("polygon(center: {}1{})", "(".repeat(5000), ")".repeat(5000)), "", ""), &["s.scene.ron:", "nests more than"]),
        bad("huge integer", scene("polygon(n_sides: 99999999999999999999999999)", "", ""), &["s.scene.ron:"]),
        bad("layer without source", "(canvas: (size: (100, 100)), layers: [(name: \"a\")])".into(), &["s.scene.ron:", "source"]),
        bad("layer without name", "(canvas: (size: (100, 100)), layers: [(source: polygon())])".into(), &["s.scene.ron:", "name"]),
        bad("op not a call", scene("polygon", "", ""), &["s.scene.ron:"]),
        bad("parameter given twice", scene("polygon(scale: 1, scale: 2)", "", ""), &["given twice"]),
        bad("map as a value", scene("polygon(center: {\"x\": 1})", "", ""), &["a map", "polygon.center"]),
        bad("unit as a value", scene("polygon(scale: ())", "", ""), &["polygon.scale"]),
        bad("unknown primitive", scene("hexagon()", "", ""), &["unknown primitive 'hexagon'", "polygon"]),
        bad("unknown effect", scene("polygon()", "blur()", ""), &["unknown effect 'blur'", "displace"]),
        bad("effect as source", scene("fill()", "", ""), &["'fill' is an effect"]),
        bad("primitive as effect", scene("polygon()", "circle()", ""), &["'circle' is a primitive"]),
        bad("unknown parameter", scene("polygon(sides: 5)", "", ""), &["no parameter 'sides'", "n_sides"]),
        bad("very long op name", scene(&format!("{}()", "x".repeat(100_000)), "", ""), &["unknown primitive", "(100000 characters)"]),
        bad("duplicate layer names", "(canvas: (size: (100, 100)), layers: [(name: \"a\", source: polygon()), (name: \"a\", source: circle())])".into(), &["used twice"]),
        bad("choice value unknown", scene("polygon()", "scale(mode: \"sideways\")", ""), &["one of all, by_line, by_face"]),
        bad("bad colour", "(canvas: (size: (100, 100)), layers: [(name: \"a\", color: \"#12\", source: polygon())])".into(), &["#12", "hex digits"]),
        bad("colour name unknown", "(canvas: (size: (100, 100)), layers: [(name: \"a\", color: \"blurple\", source: polygon())])".into(), &["blurple"]),
        bad("bool for a number", scene("polygon(scale: true)", "", ""), &["polygon.scale"]),
        bad("string for a bool", scene("polygon()", "fill(remove_boundary: \"yes\")", ""), &["true or false"]),
        bad("tuple of two for vec3", scene("polygon(center: (1, 2))", "", ""), &["polygon.center"]),
        // Numbers and budgets.
        bad("canvas zero", "(canvas: (size: (0, 100)), layers: [])".into(), &["canvas size 0 mm is not allowed"]),
        bad("canvas huge", "(canvas: (size: (1e9, 100)), layers: [])".into(), &["canvas size", "1..=10000"]),
        bad("canvas NaN", "(canvas: (size: (NaN, 100)), layers: [])".into(), &["canvas size"]),
        bad("pen width negative", "(canvas: (size: (100, 100)), layers: [(name: \"a\", pen_width: -1, source: polygon())])".into(), &["pen_width -1 is not allowed"]),
        bad("pen width huge", "(canvas: (size: (100, 100)), layers: [(name: \"a\", pen_width: 100, source: polygon())])".into(), &["pen_width 100"]),
        bad("n_sides negative", scene("polygon(n_sides: -3)", "", ""), &["polygon.n_sides"]),
        bad("n_sides over budget", scene("polygon(n_sides: 100000000)", "", ""), &["polygon"]),
        bad("grid over budget", scene("grid(nx: 10000000, ny: 10000000)", "", ""), &["grid"]),
        bad("subdivide too deep", scene("polygon()", "subdivide(subdivisions: 100)", ""), &["subdivide.subdivisions", "0..=24"]),
        bad("subdivide over budget", scene("grid(nx: 2000, ny: 2000)", "subdivide(subdivisions: 20)", ""), &["subdivide", "budget"]),
        bad("repeat over budget", scene("circle(segments: 10000)", "repeat(count: 100000)", ""), &["repeat"]),
        bad("dash of a huge line", scene("line(length: 1e20)", "dash(dash_length: 0.001, gap_length: 0.001)", ""), &["op 'dash'", "budget"]),
        bad("fill density huge", scene("circle()", "fill(density: 1e12)", ""), &["fill"]),
        bad("scale to infinity", scene("polygon(scale: 1e30)", "scale(scale: (1e30, 1e30, 1))", ""), &["non-finite"]),
        bad("coordinates too far", scene("polygon(scale: 1e20)", "", ""), &["layer 'a': point 0", "finite and within"]),
        bad("NaN parameter", scene("polygon(scale: NaN)", "", ""), &["polygon.scale"]),
        bad("inf parameter", scene("polygon(scale: inf)", "", ""), &["polygon.scale"]),
        bad("negative radius", scene("circle(radius: -5)", "", ""), &["circle.radius"]),
        bad("trim reversed", scene("line()", "trim(start_param: 0.8, end_param: 0.2)", ""), &["start_param", "less than end_param"]),
        bad("trim out of domain", scene("line()", "trim(start_param: 2)", ""), &["trim.start_param"]),
        bad("text too long", scene(&format!("text(text: \"{}\")", "a".repeat(200_000)), "", ""), &["text"]),
        bad("displace huge t", scene("grid()", "displace(t: 1e300)", ""), &["displace"]),
        bad("a tiny canvas is too small for the G-code margin", "(canvas: (size: (3, 3)), layers: [(name: \"a\", source: polygon(scale: 1, center: (1.5, 1.5, 0)))])".into(), &["gcode.paper_margin = 2", "half the paper"]),
        cli("a tiny canvas is fine without G-code", Some("(canvas: (size: (3, 3)), layers: [(name: \"a\", source: polygon(scale: 1, center: (1.5, 1.5, 0)))])".into()), &["render", "{scene}", "--svg", "{dir}/out/tiny.svg"], true, &["wrote"]),
        // Expressions.
        bad("unknown variable", scene("polygon(scale: \"x * 2\")", "", ""), &["unknown variable 'x'"]),
        bad("unknown function", scene("polygon(scale: \"foo(t)\")", "", ""), &["unknown function 'foo'", "sin"]),
        bad("unbalanced parens", scene("polygon(scale: \"(t + 1\")", "", ""), &["cannot parse expression"]),
        bad("expression too long", scene(&format!("polygon(scale: \"{}1\")", "1+".repeat(1000)), "", ""), &["too long", "at most 1000"]),
        bad("expression too deep", scene(&format!("polygon(scale: \"{}t{}\")", "sin(".repeat(100), ")".repeat(100)), "", ""), &["nests 100 parentheses", "at most 32"]),
        bad("expression not finite", scene("polygon(scale: \"1 / (t - t)\")", "", ""), &["not finite"]),
        bad("expression out of range", scene("polygon(n_sides: \"t - 10\")", "", ""), &["polygon.n_sides"]),
        bad("expression for a bool", scene("polygon()", "fill(remove_boundary: \"t > 1\")", ""), &["fill.remove_boundary"]),
        bad("empty expression", scene("polygon(scale: \"\")", "", ""), &["polygon.scale"]),
        good("scientific notation in an expression", scene("polygon(scale: \"t * 1e1 + 1\")", "", ""), &["wrote"]),
        bad("expression with a string", scene("polygon(scale: \"'a'\")", "", ""), &["polygon.scale"]),
        // G-code profiles.
        bad("decimals too many", with_gcode("decimals: 9"), &["gcode.decimals = 9", "0..=6"]),
        bad("paper margin past half the paper", with_gcode("paper_margin: 60"), &["s.scene.ron:6:", "gcode.paper_margin = 60", "less than half"]),
        bad("travel feed zero", with_gcode("travel_feed: 0"), &["gcode.travel_feed"]),
        bad("draw feed negative", with_gcode("draw_feed: -5"), &["gcode.draw_feed"]),
        bad("draw feed NaN", with_gcode("draw_feed: NaN"), &["gcode.draw_feed"]),
        bad("feed huge", with_gcode("travel_feed: 1e12"), &["gcode.travel_feed"]),
        bad("margin negative", with_gcode("paper_margin: -1"), &["gcode.paper_margin"]),
        bad("margin over half the paper", with_gcode("paper_margin: 60"), &["gcode.paper_margin", "half the paper"]),
        bad("origin NaN", with_gcode("origin: (NaN, 0)"), &["gcode.origin"]),
        bad("origin far away", with_gcode("origin: (1e12, 0)"), &["gcode.origin"]),
        bad("pen Z absurd", with_gcode("pen: Z(up: 1e300, down: 0)"), &["gcode.pen"]),
        bad("pen Z up below down", with_gcode("pen: Z(up: -1, down: 2)"), &["up > down"]),
        bad("pen commands empty", with_gcode("pen: Commands(up: [], down: [\"M3\"])"), &["gcode.pen"]),
        bad("header with a line break", with_gcode("header: [\"G21\\nG1 Z-40\"]"), &["gcode.header", "line breaks"]),
        bad("footer with a carriage return", with_gcode("footer: [\"M2\\rG1 X0\"]"), &["gcode.footer"]),
        bad("bed reversed", with_gcode("bed_x: (150, 0)"), &["gcode.bed_x"]),
        bad("bridge negative", with_gcode("bridge_distance: -1"), &["gcode.bridge_distance"]),
        bad("unknown gcode field", with_gcode("speed: 3"), &["speed"]),
        bad("bed too small for the drawing", with_gcode("bed_x: (0, 10)"), &["outside bed_x"]),
        good("bed as a plain tuple", with_gcode("bed_x: (0, 150), bed_y: (0, 150)"), &["wrote"]),
        bad("a profile error points at its field, not a comment", "// my plotter: decimals matter\n(canvas: (size: (100, 100)), layers: [(name: \"a\", source: line(center: (50, 50, 0)))],\n export: (gcode: (decimals: 9)))".into(), &["s.scene.ron:3:", "gcode.decimals"]),
        bad("png dpi zero", scene("polygon()", "", "export: (png: (dpi: 0)),"), &["png.dpi"]),
        // Fonts and names.
        bad("font file missing", scene("text(font: \"/no/such/font.ttf\")", "", ""), &["cannot read font", "futural"]),
        bad("font is a device", scene("text(font: \"/dev/zero\")", "", ""), &["font '/dev/zero'"]),
        bad("font is a folder", scene("text(font: \"/tmp\")", "", ""), &["font '/tmp'"]),
        bad("font is text", scene("text(font: \"{dir}/s.scene.ron\")", "", ""), &["not a TrueType/OpenType font"]),
        bad("jhf garbage", scene("text(font: \"{dir}/bad.jhf\")", "", ""), &["not a valid .jhf file"]),
        bad("font index past the faces", scene("text(font_index: 999)", "", ""), &["font_index 999", "1 face"]),
        good("layer name with control characters", "(canvas: (size: (100, 100)), layers: [(name: \"evil\\rG1 Z-40\\u{1b}\", source: line(center: (50, 50, 0)))])".into(), &["wrote"]),
        good("layer name with XML specials", "(canvas: (size: (100, 100)), layers: [(name: \"<&\\\">\", source: line(center: (50, 50, 0)))])".into(), &["wrote"]),
        bad("empty text font name", scene("text(font: \"\")", "", ""), &["font"]),
    ];
    c.extend(svg_hazards());
    // CLI paths.
    c.extend([
        cli(
            "scene missing",
            None,
            &["render", "{dir}/none.scene.ron", "--svg", "{dir}/out/a.svg"],
            false,
            &["none.scene.ron"],
        ),
        cli(
            "scene is a folder",
            None,
            &["render", "{dir}", "--svg", "{dir}/out/a.svg"],
            false,
            &["not a regular file"],
        ),
        cli(
            "scene is a device",
            None,
            &["render", "/dev/zero", "--svg", "{dir}/out/a.svg"],
            false,
            &["/dev/zero"],
        ),
        cli(
            "output over the scene",
            Some(plain()),
            &["render", "{scene}", "--svg", "{scene}", "--overwrite"],
            false,
            &["is an input of this command"],
        ),
        cli(
            "output exists",
            Some(plain()),
            &["render", "{scene}", "--svg", "{dir}/keep.txt"],
            false,
            &["already exists; pass --overwrite"],
        ),
        cli(
            "output is a folder",
            Some(plain()),
            &["render", "{scene}", "--svg", "{dir}/folder", "--overwrite"],
            false,
            &["folder is a folder; give a file name"],
        ),
        cli(
            "output is a folder, no --overwrite",
            Some(plain()),
            &["render", "{scene}", "--svg", "{dir}/folder"],
            false,
            &["folder is a folder; give a file name"],
        ),
        cli(
            "output under a file",
            Some(plain()),
            &["render", "{scene}", "--svg", "{dir}/keep.txt/a.svg"],
            false,
            &["cannot write"],
        ),
        cli(
            "output in /proc",
            Some(plain()),
            &["render", "{scene}", "--svg", "/proc/graft-test.svg"],
            false,
            &["cannot write"],
        ),
        cli(
            "t NaN",
            Some(plain()),
            &[
                "render",
                "{scene}",
                "--t",
                "NaN",
                "--svg",
                "{dir}/out/a.svg",
            ],
            false,
            &["--t NaN is not allowed"],
        ),
        cli(
            "t infinite",
            Some(plain()),
            &[
                "render",
                "{scene}",
                "--t",
                "inf",
                "--svg",
                "{dir}/out/a.svg",
            ],
            false,
            &["--t inf is not allowed"],
        ),
        cli(
            "t not a number",
            Some(plain()),
            &["render", "{scene}", "--t", "soon"],
            false,
            &["invalid value 'soon'"],
        ),
        cli(
            "dpi zero",
            Some(plain()),
            &[
                "render",
                "{scene}",
                "--png",
                "{dir}/out/a.png",
                "--dpi",
                "0",
            ],
            false,
            &["dpi 0 is not allowed"],
        ),
        cli(
            "dpi huge",
            Some(plain()),
            &[
                "render",
                "{scene}",
                "--png",
                "{dir}/out/a.png",
                "--dpi",
                "1e9",
            ],
            false,
            &["lower the dpi"],
        ),
        cli(
            "frames fps zero",
            Some(plain()),
            &[
                "frames",
                "{scene}",
                "--to",
                "1",
                "--fps",
                "0",
                "--out",
                "{dir}/frames",
            ],
            false,
            &["fps 0 is not allowed"],
        ),
        cli(
            "frames reversed",
            Some(plain()),
            &[
                "frames",
                "{scene}",
                "--from",
                "2",
                "--to",
                "1",
                "--out",
                "{dir}/frames",
            ],
            false,
            &["from < to"],
        ),
        cli(
            "frames too many",
            Some(plain()),
            &[
                "frames",
                "{scene}",
                "--to",
                "1e9",
                "--fps",
                "1000",
                "--out",
                "{dir}/frames",
            ],
            false,
            &["too many"],
        ),
        cli(
            "unknown flag",
            None,
            &["--paint"],
            false,
            &["unexpected argument '--paint'"],
        ),
        cli(
            "ops of an unknown op",
            None,
            &["ops", "hexagon"],
            false,
            &["unknown op 'hexagon'"],
        ),
        cli(
            "a later output fails: nothing is written",
            Some(with_gcode("bed_x: (0, 10)")),
            &[
                "render",
                "{scene}",
                "--svg",
                "{dir}/out/first.svg",
                "--gcode",
                "{dir}/out/first.gcode",
            ],
            false,
            &["outside bed_x"],
        ),
        cli(
            "sort travel on a fine scene",
            Some(plain()),
            &[
                "render",
                "{scene}",
                "--gcode",
                "{dir}/out/s.gcode",
                "--sort-travel",
            ],
            true,
            &["wrote"],
        ),
    ]);
    c
}

/// Hashes of every file under `dir` (relative path → content hash).
fn snapshot(dir: &Path) -> BTreeMap<PathBuf, u64> {
    let mut out = BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else {
                let bytes = std::fs::read(&path).unwrap();
                out.insert(
                    path.strip_prefix(dir).unwrap().to_path_buf(),
                    xxhash_rust::xxh3::xxh3_64(&bytes),
                );
            }
        }
    }
    out
}

/// Runs one case in its own folder; returns what went wrong, if anything.
fn run(case: &Case, root: &Path, index: usize) -> Result<(), String> {
    let dir = root.join(format!("case{index:03}"));
    std::fs::create_dir_all(dir.join("folder")).unwrap();
    std::fs::write(dir.join("keep.txt"), "the user's file").unwrap();
    std::fs::write(dir.join("bad.jhf"), "12345 9MWRMWR\nnot a font").unwrap();
    let subst = |s: &str| {
        s.replace("{scene}", &dir.join("s.scene.ron").to_string_lossy())
            .replace("{dir}", &dir.to_string_lossy())
    };
    if let Some(text) = &case.scene {
        std::fs::write(dir.join("s.scene.ron"), subst(text)).unwrap();
    }
    for (name, text) in &case.files {
        std::fs::write(dir.join(name), subst(text)).unwrap();
    }
    let before = snapshot(&dir);
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_graft"));
    cmd.args(case.args.iter().map(|a| subst(a)))
        .current_dir(&dir)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    // SAFETY: setrlimit only changes the child's own limit, before it runs graft.
    unsafe {
        use std::os::unix::process::CommandExt;
        cmd.pre_exec(|| {
            let limit = libc::rlimit {
                rlim_cur: MEMORY_LIMIT,
                rlim_max: MEMORY_LIMIT,
            };
            libc::setrlimit(libc::RLIMIT_AS, &limit);
            Ok(())
        });
    }
    let mut child = cmd.spawn().unwrap();
    let start = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if start.elapsed() > case.within {
            let _ = child.kill();
            return Err(format!(
                "{}: still running after {:?}",
                case.name, case.within
            ));
        }
        std::thread::sleep(Duration::from_millis(5));
    };
    let out = child.wait_with_output().unwrap();
    let (stdout, stderr) = (
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    );
    let text = if case.ok { &stdout } else { &stderr };
    if status.code() == Some(101) || stderr.contains("panicked") {
        return Err(format!("{}: panicked\n{stderr}", case.name));
    }
    if status.success() != case.ok {
        return Err(format!(
            "{}: exit {:?}, expected {}\nstdout: {stdout}\nstderr: {stderr}",
            case.name,
            status.code(),
            if case.ok { "success" } else { "failure" }
        ));
    }
    if let Some(word) = case.words.iter().find(|w| !text.contains(&subst(w))) {
        return Err(format!("{}: no '{word}' in\n{text}", case.name));
    }
    let after = snapshot(&dir);
    for (path, hash) in &before {
        if after.get(path) != Some(hash) {
            return Err(format!("{}: {} changed", case.name, path.display()));
        }
    }
    if !case.ok && after.len() != before.len() {
        let new: Vec<_> = after.keys().filter(|p| !before.contains_key(*p)).collect();
        return Err(format!("{}: a failed command wrote {new:?}", case.name));
    }
    Ok(())
}

#[test]
fn every_bad_input_gets_a_clear_error_and_leaves_the_users_files_alone() {
    let cases = cases();
    assert!(cases.len() >= 100, "{} cases", cases.len());
    let root = tempdir("bad-input");
    // Two at a time: the machine has two cores and each case starts a process.
    let failures: Vec<String> = std::thread::scope(|s| {
        let chunks: Vec<Vec<(usize, &Case)>> = (0..2)
            .map(|k| {
                cases
                    .iter()
                    .enumerate()
                    .filter(|(i, _)| i % 2 == k)
                    .collect()
            })
            .collect();
        let handles: Vec<_> = chunks
            .into_iter()
            .map(|chunk| {
                let root = &root;
                s.spawn(move || {
                    chunk
                        .into_iter()
                        .filter_map(|(i, case)| run(case, root, i).err())
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().unwrap())
            .collect()
    });
    assert!(
        failures.is_empty(),
        "{} of {} cases failed:\n\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n\n")
    );
}
