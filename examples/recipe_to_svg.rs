//! The pure core from Rust: build a layer recipe, resolve it at a time, evaluate it and
//! write an SVG. Run with `cargo run --release --example recipe_to_svg [OUT.svg]`.

use std::sync::Arc;

use graft::export::{Drawing, DrawnLayer, PlotStats, to_svg, write_atomic};
use graft::ops::{EvalContext, OpRegistry, Recipe, Rgba};
use graft::scene::Canvas;

fn main() -> Result<(), String> {
    let out = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "out/recipe.svg".into());
    let registry = OpRegistry::builtin();
    let recipe = Recipe {
        source: registry.call("polygon", &[("n_sides", 5.into()), ("scale", 120.0.into())])?,
        effects: vec![
            registry.call(
                "repeat",
                &[
                    ("count", 8.into()),
                    ("offset", [0.0, 0.0, 0.0].into()),
                    ("scale", [0.3, 0.3, 1.0].into()),
                    ("rotation_step", [0.0, 0.0, 9.0].into()),
                ],
            )?,
            registry.call("subdivide", &[("subdivisions", 5.into())])?,
            registry.call(
                "displace",
                &[
                    ("amplitude", [1.5, 1.5, 0.0].into()),
                    ("t", "t * 0.5".into()),
                ],
            )?,
        ],
    };
    // One id per stage: the same recipe gives the same ids on every run and machine.
    let resolved = recipe.resolve(1.0)?;
    for (stage, id) in resolved.stages.iter().zip(resolved.ids()) {
        println!("{:<10} {id}", stage.op.name());
    }
    let geometry = resolved
        .evaluate(&EvalContext::default())
        .map_err(|e| e.to_string())?;
    let drawing = Drawing {
        canvas: Canvas {
            width: 210.0,
            height: 297.0,
            background: Rgba::WHITE,
        },
        layers: vec![DrawnLayer {
            name: "star".into(),
            color: Rgba::parse("#6a4c93")?,
            pen_width: 0.3,
            id: resolved.final_id(),
            geometry: Arc::clone(geometry.last().expect("one output per stage")),
        }],
    };
    let stats = PlotStats::of(&drawing);
    write_atomic(out.as_ref(), to_svg(&drawing).as_bytes(), true).map_err(|e| e.to_string())?;
    println!(
        "wrote {out}: {} polylines, {} vertices, {:.0} mm of ink",
        stats.polylines, stats.vertices, stats.pen_down_mm
    );
    Ok(())
}
