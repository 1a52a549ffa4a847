//! Every op at the top of its domain on a large input returns (a result or an error)
//! within seconds: each estimates its work before doing it.

use std::sync::Arc;
use std::sync::mpsc;
use std::time::{Duration, Instant};

use graft::ops::{OpKind, OpRegistry, ParamKind, ParamSpec};
use graft::scene::Scene;

use crate::util::{ctx, registry};

/// Longest one case may take before it counts as a hang.
const LIMIT: Duration = Duration::from_secs(10);

/// Large inputs for effects: many long open lines, and many overlapping closed rings.
const INPUTS: [(&str, &str); 3] = [
    (
        "lines",
        "source: grid(nx: 100, ny: 100, scale: 200, center: (150, 150, 0)), effects: [subdivide(subdivisions: 9)",
    ),
    (
        "rings",
        "source: circle(radius: 20, segments: 256, center: (150, 150, 0)), effects: [repeat(layout: \"radial\", n_theta: 30, n_radius: 10, radius: 100)",
    ),
    (
        "many",
        "source: polygon(n_sides: 8, scale: 3, center: (150, 150, 0)), effects: [repeat(layout: \"radial\", n_theta: 200, n_radius: 200, radius: 140)",
    ),
];

/// How far up a parameter is pushed.
#[derive(Clone, Copy, Debug)]
enum Top {
    /// The slider's top.
    Slider,
    /// The hard maximum, or a hundred times the slider's top where there is none.
    Domain,
}

fn number(spec: &ParamSpec, top: Top) -> Option<f64> {
    let slider = spec.ui_range.map(|(_, hi)| hi);
    match top {
        Top::Slider => slider.or(spec.max),
        Top::Domain => spec
            .max
            .filter(|m| m.is_finite() && m.abs() < 1e12)
            .or(slider.map(|h| h * 100.0)),
    }
}

/// The parameter list of one case: every number at `top`, every switch on, `choice` for
/// the choices that list it.
fn params(specs: &[ParamSpec], top: Top, choice: Option<&str>) -> String {
    let mut out = Vec::new();
    for spec in specs {
        let text = match &spec.kind {
            ParamKind::Float => number(spec, top).map(|v| format!("{v:?}")),
            ParamKind::Int => number(spec, top).map(|v| format!("{}", v as i64)),
            ParamKind::Bool => Some("true".into()),
            ParamKind::Vec3 => spec
                .ui_range
                .map(|(_, hi)| format!("({hi:?}, {hi:?}, {hi:?})")),
            ParamKind::Choice(options) => choice
                .filter(|c| options.iter().any(|o| o == c))
                .map(|c| format!("{c:?}")),
            ParamKind::Refs => Some("\"m\"".into()),
            _ => None,
        };
        if let Some(text) = text {
            out.push(format!("{}: {text}", spec.name));
        }
    }
    out.join(", ")
}

/// Every case: (label, scene text).
fn cases(registry: &OpRegistry) -> Vec<(String, String)> {
    let mut cases = Vec::new();
    for op in registry.iter() {
        let schema = op.schema();
        let mut choices: Vec<Option<String>> = schema
            .params
            .iter()
            .filter_map(|p| match &p.kind {
                ParamKind::Choice(o) => Some(o.clone()),
                _ => None,
            })
            .flatten()
            .map(Some)
            .collect();
        if choices.is_empty() {
            choices.push(None);
        }
        for top in [Top::Slider, Top::Domain] {
            for choice in &choices {
                let call = format!(
                    "{}({})",
                    schema.name,
                    params(&schema.params, top, choice.as_deref())
                );
                let label = |input: &str| {
                    format!(
                        "{} {top:?} {} on {input}",
                        schema.name,
                        choice.as_deref().unwrap_or("")
                    )
                };
                let scene = |layer: String| {
                    format!(
                        "(canvas: (size: (300, 300)), shapes: [(name: \"m\", source: circle(radius: 60, center: (150, 150, 0)), effects: [repeat(count: 20, offset: (40, 30, 0))])], layers: [(name: \"a\", {layer})])"
                    )
                };
                if schema.kind == OpKind::Primitive {
                    cases.push((label("nothing"), scene(format!("source: {call}"))));
                } else {
                    for (name, input) in INPUTS {
                        cases.push((label(name), scene(format!("{input}, {call}]"))));
                    }
                }
            }
        }
    }
    cases
}

/// Runs one case on its own thread; `None` when it has not returned within [`LIMIT`].
fn run(text: String) -> Option<(Duration, Result<usize, String>)> {
    let (send, receive) = mpsc::channel();
    std::thread::spawn(move || {
        let began = Instant::now();
        let result = Scene::parse(&text, "x.scene.ron", &Arc::new(OpRegistry::builtin()))
            .map_err(|e| e.to_string())
            .and_then(|scene| scene.realize(0.0, &ctx()).map_err(|e| e.to_string()))
            .map(|d| d.layers.iter().map(|l| l.geometry.point_count()).sum());
        let _ = send.send((began.elapsed(), result));
    });
    receive.recv_timeout(LIMIT).ok()
}

/// Runs every case (those of `only`'s ops when given), printing each when `print`;
/// returns the labels of the cases that did not return in time.
fn run_all(only: &str, print: bool) -> Vec<String> {
    let mut hung = Vec::new();
    for (label, text) in cases(&registry()) {
        if !only.is_empty() && !only.split(',').any(|o| label.starts_with(&format!("{o} "))) {
            continue;
        }
        match run(text) {
            Some((took, result)) if print => println!(
                "{:>8.1} ms {label}: {}",
                took.as_secs_f64() * 1e3,
                match result {
                    Ok(points) => format!("{points} points"),
                    Err(e) => e.chars().take(160).collect(),
                }
            ),
            Some(_) => {}
            None => hung.push(label),
        }
    }
    hung
}

#[test]
fn every_op_at_the_top_of_its_domain_on_a_large_input_returns_within_seconds() {
    let hung = run_all("", false);
    assert!(hung.is_empty(), "no answer within {LIMIT:?}: {hung:#?}");
}

/// Prints every case's time and outcome (`PROBE_OPS=boolean,fill` picks ops).
#[test]
#[ignore = "a probe: prints every case's time"]
fn probe_every_op_at_the_top_of_its_domain() {
    let hung = run_all(&std::env::var("PROBE_OPS").unwrap_or_default(), true);
    println!("no answer within {LIMIT:?}: {hung:#?}");
}
