//! Property tests: random valid and invalid input never panics. Scene files and
//! expressions of any text are read or refused with an error; every built-in op, with
//! random parameters across (and at the edges of) its schema's domain, either fails
//! with an error or produces finite geometry within its budget.

use std::sync::Arc;

use graft::geometry::{Polylines, Vec3};
use graft::ops::{
    EvalContext, Expr, OpCall, OpKind, ParamKind, Recipe, ResourceBudget, Rgba, Value,
};
use graft::scene::Scene;
use proptest::prelude::*;

use crate::util::registry;

/// Small budget: the property is about correctness at the limits, not about size.
fn budget() -> ResourceBudget {
    ResourceBudget {
        max_vertices: 200_000,
        max_lines: 50_000,
    }
}

/// 256 cases from a fixed seed (every run, CI's included, tries the same cases), or
/// `GRAFT_PROPTEST_CASES` of them from a random seed, to probe further by hand.
fn config() -> ProptestConfig {
    let cases: Option<u32> = std::env::var("GRAFT_PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok());
    ProptestConfig {
        cases: cases.unwrap_or(256),
        rng_seed: if cases.is_some() {
            proptest::test_runner::RngSeed::Random
        } else {
            proptest::test_runner::RngSeed::Fixed(0x6772_6166_7400)
        },
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

/// Far beyond any op's time at the budget: only a runaway reaches it (not a timing test).
const HANG_GUARD: std::time::Duration = std::time::Duration::from_secs(60);

/// Pieces scene files are made of, so random text often gets deep into the reader.
const RON_PIECES: &[&str] = &[
    "(",
    ")",
    "[",
    "]",
    "{",
    "}",
    ",",
    ":",
    "\"",
    "canvas",
    "size",
    "layers",
    "name",
    "source",
    "effects",
    "polygon",
    "grid",
    "fill",
    "displace",
    "(100, 100)",
    "1e309",
    "-1",
    "NaN",
    "inf",
    "\"t * 2\"",
    "true",
    "Some(",
    "None",
    "//",
    "\n",
    "0x10",
    "é",
    "export",
    "gcode",
    "png",
    "dpi",
];

/// Pieces expressions are made of.
const EXPR_PIECES: &[&str] = &[
    "t", "1", "0", "2.5", "1e3", "1e400", "-", "+", "*", "/", "^", "(", ")", "sin", "cos", "sqrt",
    "ln", "abs", "PI", "E", " ", ",", "x", "foo", "%", ".", "1e", "e",
];

fn pieces(set: &'static [&'static str], max: usize) -> impl Strategy<Value = String> {
    prop::collection::vec(prop::sample::select(set), 0..max).prop_map(|v| v.concat())
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn any_text_is_read_as_a_scene_or_refused(text in prop_oneof![
        pieces(RON_PIECES, 60),
        ".{0,200}",
    ]) {
        let registry = registry();
        // Either way without a panic; an error always says where.
        if let Err(e) = Scene::parse(&text, "p.scene.ron", &registry) {
            prop_assert!(e.to_string().starts_with("p.scene.ron"), "{e}");
        }
    }

    #[test]
    fn any_text_is_parsed_as_an_expression_or_refused(text in prop_oneof![
        pieces(EXPR_PIECES, 30),
        ".{0,80}",
    ], t in -1e6f64..1e6) {
        if let Ok(e) = Expr::parse(&text) {
            // Evaluation gives a finite number or an error, never a NaN.
            if let Ok(v) = e.eval(t) {
                prop_assert!(v.is_finite());
            }
        }
    }

    #[test]
    fn every_op_with_random_parameters_errs_or_makes_finite_geometry_within_budget(
        op_index in 0usize..64,
        picks in prop::collection::vec((0u8..8, 0.0f64..1.0, 0.0f64..1.0, 0.0f64..1.0), 24),
    ) {
        let registry = registry();
        let ops: Vec<_> = registry.iter().cloned().collect();
        let op = &ops[op_index % ops.len()];
        let mut call = OpCall::defaults(Arc::clone(op));
        for (spec, &(how, a, b, c)) in op.schema().params.iter().zip(&picks) {
            let (lo, hi) = (
                spec.min.unwrap_or(spec.ui_range.map_or(-1e3, |r| r.0 * 4.0 - 1.0)),
                spec.max.unwrap_or(spec.ui_range.map_or(1e3, |r| r.1 * 4.0 + 1.0)),
            );
            let number = |u: f64| match how {
                // The edges of the domain, and far beyond the slider.
                0 => lo,
                1 => hi,
                2 => lo + (hi - lo) * u * u * u,
                3 => 1e12 * (u - 0.5),
                _ => lo + (hi - lo) * u,
            };
            let value = match &spec.kind {
                ParamKind::Float => Value::Float(number(a)),
                ParamKind::Int => Value::Int(number(a).round().clamp(-1e12, 1e12) as i64),
                ParamKind::Vec3 => Value::Vec3([number(a), number(b), number(c)]),
                ParamKind::Bool => Value::Bool(a < 0.5),
                ParamKind::Choice(names) => {
                    Value::Choice(names[(a * names.len() as f64) as usize % names.len()].clone())
                }
                ParamKind::Color => Value::Color(Rgba([a as f32, b as f32, c as f32, 1.0])),
                ParamKind::Points => Value::Points(
                    (0..(a * 40.0) as usize)
                        .map(|k| [number(b) + k as f64, number(c) - k as f64, 0.0])
                        .collect(),
                ),
                // Nothing to read outside a scene: the op refuses or passes through.
                ParamKind::Refs => Value::Inputs(Vec::new()),
                ParamKind::String => Value::Str(
                    ["graft", "", "a\nb  c", "½ ∑ 😀", "futural", "/dev/null", "nofont"]
                        [(a * 7.0) as usize % 7]
                        .to_string(),
                ),
            };
            // Values outside the domain are refused here (that is the schema's job).
            let _ = call.set_value(&spec.name, value);
        }
        let described = format!("{}: {:?}", op.name(), call.params);
        let input = Polylines::from_lines([
            vec![Vec3::new(10.0, 10.0, 0.0), Vec3::new(90.0, 20.0, 0.0), Vec3::new(50.0, 80.0, 0.0)],
            vec![Vec3::new(20.0, 20.0, 0.0), Vec3::new(80.0, 20.0, 0.0), Vec3::new(80.0, 80.0, 0.0), Vec3::new(20.0, 80.0, 0.0), Vec3::new(20.0, 20.0, 0.0)],
        ]);
        let ctx = EvalContext::default().with_budget(budget());
        let recipe = match op.schema().kind {
            OpKind::Primitive => Recipe { source: call, effects: vec![] },
            OpKind::Effect => Recipe {
                // Only the effect is evaluated, on `input`; the source just fills the slot.
                source: registry.call("rect", &[]).unwrap(),
                effects: vec![call],
            },
        };
        let Ok(resolved) = recipe.resolve(0.5, &ctx) else { return Ok(()) };
        let kind = op.schema().kind;
        let started = std::time::Instant::now();
        // A runaway case fails naming itself instead of stalling the whole run.
        let (sender, receiver) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let result = match kind {
                OpKind::Primitive => resolved.evaluate(&ctx).map(|mut s| s.pop().unwrap()),
                OpKind::Effect => resolved.evaluate_from(1, Some(Arc::new(input)), &ctx, |_, _| {}),
            };
            let _ = sender.send(result);
        });
        let result = receiver.recv_timeout(HANG_GUARD);
        prop_assert!(result.is_ok(), "{described} ran past {HANG_GUARD:?}");
        if std::env::var_os("GRAFT_PROPTEST_CASES").is_some() && started.elapsed().as_secs_f64() > 1.0 {
            eprintln!("slow {:.1} s: {described}", started.elapsed().as_secs_f64());
        }
        match result.unwrap() {
            Ok(g) => {
                prop_assert!(g.first_non_finite().is_none(), "{}: non-finite output", op.name());
                prop_assert!(g.point_count() as u64 <= 200_000, "{}: {} points", op.name(), g.point_count());
            }
            Err(e) => prop_assert!(!e.to_string().contains("panicked"), "{e}"),
        }
    }
}
