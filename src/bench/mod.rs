//! `graft bench`: benchmarks timed in process. The core suite times ops and exports;
//! the pipeline suite times frames of a headless app with graft's plugins.

mod catalogue;
mod pipeline;
mod render;

use std::sync::Arc;
use std::time::Instant;

use crate::ecs::ComputePoolExecutor;
use crate::export::{Drawing, DrawnLayer, GcodeProfile, to_gcode, to_svg, write_atomic};
use crate::geometry::{Polylines, Vec3};
use crate::ops::{EvalContext, OpCall, OpRegistry, RawParam, Recipe};
use crate::scene::Canvas;

/// Timing summary of repeated runs, in milliseconds.
#[derive(Clone, Copy, Debug)]
pub struct Timing {
    /// Median.
    pub p50: f64,
    /// 95th percentile.
    pub p95: f64,
    /// Fastest run.
    pub min: f64,
}

/// The time of run `i` at 60 fps (the warm-up run, `usize::MAX`, lands at a sane time
/// too: noise at astronomically large `t` is not a benchmark).
fn frame_time(i: usize) -> f64 {
    (i % 100_000) as f64 * 0.016
}

/// Runs `f(i)` `runs` times (after one warm-up) and summarises the durations.
pub fn time(runs: usize, mut f: impl FnMut(usize)) -> Timing {
    f(usize::MAX);
    let ms: Vec<f64> = (0..runs.max(1))
        .map(|i| {
            let start = Instant::now();
            f(i);
            start.elapsed().as_secs_f64() * 1e3
        })
        .collect();
    summarise(ms)
}

/// Median, 95th percentile and minimum of durations in milliseconds.
pub fn summarise(mut ms: Vec<f64>) -> Timing {
    if ms.is_empty() {
        return Timing {
            p50: f64::NAN,
            p95: f64::NAN,
            min: f64::NAN,
        };
    }
    ms.sort_by(f64::total_cmp);
    let pick = |q: f64| crate::core::stats::quantile(&ms, q).unwrap_or(f64::NAN);
    Timing {
        p50: pick(0.5),
        p95: pick(0.95),
        min: ms[0],
    }
}

pub(crate) fn call(registry: &OpRegistry, name: &str, params: &[(&str, RawParam)]) -> OpCall {
    registry.call(name, params).expect("valid benchmark op")
}

/// Benchmark 1's recipe: a 200×200 grid, 180 mm, subdivided 10 times, displaced at `t`.
pub fn grid_displace_recipe(registry: &OpRegistry, t_expr: &str) -> Recipe {
    Recipe {
        source: call(
            registry,
            "grid",
            &[
                ("nx", 200.into()),
                ("ny", 200.into()),
                ("scale", 180.0.into()),
            ],
        ),
        effects: vec![
            call(registry, "subdivide", &[("subdivisions", 10.into())]),
            call(
                registry,
                "displace",
                &[("amplitude", [3.0, 3.0, 0.0].into()), ("t", t_expr.into())],
            ),
        ],
    }
}

/// Uniform numbers in [0, 1) from a xorshift generator: the benchmarks' inputs, made
/// the same way by `benches/bench_inputs_svg.py` for the Python tools.
fn xorshift(seed: u64) -> impl FnMut() -> f64 {
    let mut state = seed;
    move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        (state >> 11) as f64 / (1u64 << 53) as f64
    }
}

/// 100k random segments on an A4 sheet (fixed seed).
pub fn random_segments(n: usize) -> Polylines {
    let mut next = xorshift(0x2545_F491_4F6C_DD1D);
    let mut rnd = move || next() as f32;
    let mut out = Polylines::with_capacity(2 * n, n);
    for _ in 0..n {
        let a = Vec3::new(5.0 + rnd() * 200.0, 5.0 + rnd() * 287.0, 0.0);
        let b = a + Vec3::new(rnd() * 10.0 - 5.0, rnd() * 10.0 - 5.0, 0.0);
        out.push_line([a, b]);
    }
    out
}

/// `n` circles (closed 64-gons) of radius 2..6 mm at random centres on an A4 sheet.
pub fn random_circles(n: usize) -> Polylines {
    let mut rnd = xorshift(0x9E37_79B9_7F4A_7C15);
    let mut out = Polylines::with_capacity(65 * n, n);
    for _ in 0..n {
        let (cx, cy, r) = (5.0 + rnd() * 200.0, 5.0 + rnd() * 287.0, 2.0 + rnd() * 4.0);
        out.push_line((0..=64).map(|k| {
            let a = std::f64::consts::TAU * (k % 64) as f64 / 64.0;
            Vec3::new((cx + r * a.cos()) as f32, (cy + r * a.sin()) as f32, 0.0)
        }));
    }
    out
}

/// `n` axis-aligned squares of side 2..8 mm at random positions on an A4 sheet.
pub fn random_squares(n: usize) -> Polylines {
    let mut rnd = xorshift(0xD1B5_4A32_D192_ED03);
    let mut out = Polylines::with_capacity(5 * n, n);
    for _ in 0..n {
        let (x, y, s) = (5.0 + rnd() * 200.0, 5.0 + rnd() * 287.0, 2.0 + rnd() * 6.0);
        let corners = [(x, y), (x + s, y), (x + s, y + s), (x, y + s), (x, y)];
        out.push_line(corners.map(|(x, y)| Vec3::new(x as f32, y as f32, 0.0)));
    }
    out
}

/// A five-pointed star (outer radius `r`, inner `r` · 0.4) centred at (`cx`, `cy`), closed.
pub fn star(cx: f64, cy: f64, r: f64) -> Polylines {
    let mut out = Polylines::new();
    out.push_line((0..=10).map(|k| {
        let a = std::f64::consts::TAU * (k % 10) as f64 / 10.0 - std::f64::consts::FRAC_PI_2;
        let radius = if k % 2 == 0 { r } else { 0.4 * r };
        Vec3::new(
            (cx + radius * a.cos()) as f32,
            (cy + radius * a.sin()) as f32,
            0.0,
        )
    }));
    out
}

fn a4() -> Canvas {
    Canvas {
        width: 210.0,
        height: 297.0,
        background: crate::ops::Rgba::WHITE,
    }
}

pub(crate) fn report(name: &str, t: Timing, target: &str) {
    println!(
        "{name:<58} p50 {:>9.3} ms  p95 {:>9.3} ms  min {:>9.3} ms  (target {target})",
        t.p50, t.p95, t.min
    );
}

/// Which benchmarks to run.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Suite {
    /// Ops and exports (benchmarks 1-3).
    Core,
    /// Frames of a headless app with graft's plugins (benchmarks 4-5).
    Pipeline,
    /// The GPU line renderer with a million segments (benchmark 6; needs an adapter).
    Render,
    /// Both.
    All,
}

/// Whether benchmark `number` (e.g. "9d") is among `only` (`--only`; empty: all):
/// `--only 9` selects 9a..9f, `--only 8b` the section numbered 8 (but not 1 or 10).
fn wanted(only: &[String], number: &str) -> bool {
    let section = |s: &str| {
        s.trim_end_matches(|c: char| c.is_ascii_alphabetic())
            .to_owned()
    };
    only.is_empty()
        || only
            .iter()
            .any(|p| p == number || section(number) == *p || section(p) == number)
}

/// Runs a suite with at most `threads` worker threads for op work (0 = all cores);
/// `only` names the core benchmarks to run by number prefix (empty: all).
pub fn run(suite: Suite, threads: usize, runs: usize, only: &[String]) {
    // The pools the app and `graft render` run with, so the figures are what users get.
    crate::ecs::task_pool_options().create_default_pools();
    let executor = ComputePoolExecutor {
        max_threads: if threads == 0 { usize::MAX } else { threads },
    };
    if matches!(suite, Suite::Core | Suite::All) {
        run_core(runs, executor, only);
    }
    if matches!(suite, Suite::Pipeline | Suite::All) {
        pipeline::run(runs);
    }
    if matches!(suite, Suite::Render | Suite::All) {
        render::run(runs);
    }
}

fn run_core(runs: usize, executor: ComputePoolExecutor, only: &[String]) {
    let registry = OpRegistry::builtin();
    let ctx = EvalContext::default().with_executor(Arc::new(executor));
    println!(
        "graft bench: {} thread(s) for op work, {runs} runs each",
        ctx.executor.threads()
    );

    // 1. Animated displaced grid.
    if wanted(only, "1") {
        let recipe = grid_displace_recipe(&registry, "t");
        let resolved = recipe.resolve(0.0, &ctx).expect("valid recipe");
        let stages = resolved.evaluate(&ctx).expect("evaluates");
        println!(
            "1. grid 200x200 -> subdivide 10 -> displace: {} vertices",
            stages[2].point_count()
        );
        let full = time(runs, |i| {
            let r = recipe.resolve(frame_time(i), &ctx).unwrap();
            std::hint::black_box(r.evaluate(&ctx).unwrap());
        });
        report("   full chain per frame (t changes)", full, "<= 5 ms");
        let cached = time(runs, |i| {
            let r = recipe.resolve(frame_time(i), &ctx).unwrap();
            // grid and subdivide do not depend on t: their result is the cached prefix.
            std::hint::black_box(
                r.evaluate_from(2, Some(Arc::clone(&stages[1])), &ctx, |_, _| {})
                    .unwrap(),
            );
        });
        report(
            "   displace only, cached grid+subdivide prefix",
            cached,
            "<= 5 ms",
        );
    }
    // 2. 400 hatched hexagons with an animated angle.
    if wanted(only, "2") {
        let hexagons: Vec<Recipe> = (0..400)
            .map(|i| Recipe {
                source: call(
                    &registry,
                    "polygon",
                    &[
                        ("n_sides", 6.into()),
                        ("scale", 9.0.into()),
                        (
                            "center",
                            [
                                10.0 + (i % 20) as f64 * 9.5,
                                10.0 + (i / 20) as f64 * 9.5,
                                0.0,
                            ]
                            .into(),
                        ),
                    ],
                ),
                effects: vec![call(
                    &registry,
                    "fill",
                    &[("density", 60.0.into()), ("angle", "t * 45".into())],
                )],
            })
            .collect();
        let sources: Vec<Arc<Polylines>> = hexagons
            .iter()
            .map(|r| Arc::clone(&r.resolve(0.0, &ctx).unwrap().evaluate(&ctx).unwrap()[0]))
            .collect();
        let hatch = time(runs, |i| {
            for (recipe, source) in hexagons.iter().zip(&sources) {
                let r = recipe.resolve(frame_time(i), &ctx).unwrap();
                std::hint::black_box(
                    r.evaluate_from(1, Some(Arc::clone(source)), &ctx, |_, _| {})
                        .unwrap(),
                );
            }
        });
        report(
            "2. 400 hexagons, each fill density 60, animated angle",
            hatch,
            "<= 12 ms",
        );
    }
    // 3. 100k random segments to SVG and to sorted G-code.
    if wanted(only, "3") {
        let drawing = Drawing {
            canvas: a4(),
            layers: vec![DrawnLayer {
                name: "random".into(),
                color: crate::ops::Rgba::BLACK,
                pen_width: 0.3,
                id: crate::geometry::GeometryId(0),
                geometry: Arc::new(random_segments(100_000)),
            }],
        };
        let svg_runs = runs.min(10);
        let dir = std::env::temp_dir().join(format!("graft-bench-{}", std::process::id()));
        let svg = time(svg_runs, |_| {
            write_atomic(&dir.join("bench.svg"), to_svg(&drawing).as_bytes(), true).unwrap();
        });
        report("3a. 100k random segments -> SVG file", svg, "<= 300 ms");
        let profile = GcodeProfile {
            sort_polylines: true,
            ..Default::default()
        };
        let mut travel = (0.0, 0.0);
        let gcode = time(svg_runs, |_| {
            let g = to_gcode(&drawing, &profile).unwrap();
            write_atomic(&dir.join("bench.gcode"), g.text.as_bytes(), true).unwrap();
            travel = (g.travel_before_mm, g.travel_after_mm);
        });
        report(
            "3b. 100k random segments -> G-code file, nearest-neighbour order",
            gcode,
            "<= 1000 ms",
        );
        let _ = std::fs::remove_dir_all(&dir);
        println!(
            "    pen-up travel {:.0} mm before, {:.0} mm after ordering",
            travel.0, travel.1
        );
    }
    catalogue::run(&registry, &ctx, runs, only);
}
