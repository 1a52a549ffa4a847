//! The pure core from Rust: build a layer recipe, resolve it at a time, evaluate it and
//! write an SVG. Run with `cargo run --release --example recipe_to_svg [OUT.svg]`.

use std::sync::Arc;

use graft::export::{Drawing, DrawnLayer, PlotStats, to_svg, write_atomic};
use graft::geometry::Vec3;
use graft::ops::{Displace, EvalContext, OpCall, Polygon, Recipe, Repeat, Rgba, Subdivide};
use graft::scene::Canvas;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let out = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "out/recipe.svg".into());
    let recipe = Recipe {
        source: OpCall::of(Polygon {
            n_sides: 5,
            scale: 120.0,
            ..Default::default()
        })?,
        effects: vec![
            OpCall::of(Repeat {
                count: 8,
                offset: Vec3::ZERO,
                scale: Vec3::new(0.3, 0.3, 1.0),
                rotation_step: Vec3::new(0.0, 0.0, 9.0),
                ..Default::default()
            })?,
            OpCall::of(Subdivide { subdivisions: 5 })?,
            // A parameter given as an expression of t comes from data: set it by name.
            {
                let mut displace = OpCall::of(Displace {
                    amplitude: Vec3::new(1.5, 1.5, 0.0),
                    ..Default::default()
                })?;
                displace.set("t", &"t * 0.5".into())?;
                displace
            },
        ],
    };
    // One id per stage: the same recipe gives the same ids on every run and machine.
    let ctx = EvalContext::default();
    let resolved = recipe.resolve(1.0, &ctx)?;
    for (stage, id) in resolved.stages.iter().zip(resolved.ids()) {
        println!("{:<10} {id}", stage.op.name());
    }
    let geometry = resolved.evaluate(&ctx).map_err(|e| e.to_string())?;
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
