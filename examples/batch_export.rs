//! Headless batch export with the library API: the same sketch plugin rendered without a
//! window for three seeds, each as a PNG frame sequence (and an MP4 when ffmpeg exists).
//!
//! `cargo run --release --example batch_export [OUT_DIR]` (default `out/batch`).

use std::path::PathBuf;

use graft::export::{FrameFormats, FrameRange, assemble_mp4, export_frames, terminal_progress};
use graft::prelude::*;
use graft::sketch::render_at;

/// A field of dashed circles whose jitter depends on a seed.
struct Field {
    seed: u64,
}

impl Plugin for Field {
    fn build(&self, app: &mut App) {
        let seed = self.seed;
        app.add_systems(
            Startup,
            move |mut commands: Commands, registry: Res<OpsRegistry>| -> Result {
                commands.spawn_layer(
                    &registry,
                    LayerSpec::new("field")
                        .color("#1d3557")
                        .source(Circle {
                            radius: 70.0,
                            center: Vec3::new(105.0, 148.5, 0.0),
                            ..default()
                        })
                        .then(Repeat {
                            count: 20,
                            scale: Vec3::new(0.93, 0.93, 1.0),
                            offset: Vec3::ZERO,
                            ..default()
                        })
                        .then(Subdivide { subdivisions: 4 })
                        .then(Displace {
                            amplitude: Vec3::new(4.0, 4.0, 0.0),
                            ..default()
                        })
                        .animate(field!(Displace::t), format!("{seed} + t * 0.5"))
                        .then(Dash {
                            dash_length: 5.0,
                            gap_length: 2.0,
                            ..default()
                        }),
                )?;
                Ok(())
            },
        );
    }
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let out = std::env::args()
        .nth(1)
        .map(PathBuf::from)
        .unwrap_or_else(|| "out/batch".into());
    for seed in [1u64, 2, 3] {
        let mut app = Sketch::new(Field { seed }).headless()?;
        let dir = out.join(format!("seed{seed}"));
        let range = FrameRange {
            from: 0.0,
            to: 1.0,
            fps: 12.0,
        };
        let formats = FrameFormats {
            png: true,
            svg: false,
            dpi: 72.0,
        };
        println!("seed {seed} -> {}", dir.display());
        export_frames(
            &dir,
            range,
            formats,
            true,
            |t| render_at(&mut app, t),
            terminal_progress(),
        )?;
        match assemble_mp4(&dir, range.fps) {
            Ok(mp4) => println!("wrote {}", mp4.display()),
            Err(e) => println!("{e}"),
        }
    }
    Ok(())
}
