//! `tone_contour`: isolines of an image's darkness at levels that crowd toward ink, so
//! darker areas are drawn with more, closer rings (marching squares, shared with the generative
//! ops' fields). The image is padded with paper, so every ring closes.

use crate::geometry::{IdHasher, Polylines, Vec3};

use crate::ops::kit::defaults::A4_CENTER;
use crate::ops::kit::marching::Field;
use crate::ops::model::failure::OpFailure;
use crate::ops::model::op::EvalContext;
use crate::ops::model::typed::Evaluate;

use super::source::{self, Tone};

/// Most samples across or down the image (the grid of `pitch` mm).
const MAX_SAMPLES_PER_SIDE: f64 = 4000.0;

crate::op! {
    /// isolines of an image's darkness at `levels` tones, closer together toward ink: darker areas get more, closer rings; the image (PNG, JPEG or WebP, beside the scene, or `sample`) is placed by `center` and `width`
    #[op(primitive, name = "tone_contour", version = 1)]
    pub struct ToneContour {
        /// the image file (or `sample`, a bundled one)
        pub image: String = "sample".into(),
        /// centre of the image on the paper
        pub center: Vec3 = A4_CENTER => ui(-300.0, 600.0).unit("mm"),
        /// width of the image on the paper
        pub width: f64 = 150.0 => ui(10.0, 400.0).domain(0.1, 2000.0).unit("mm"),
        /// height of the image on the paper (0: kept in proportion to the width)
        pub height: f64 = 0.0 => ui(0.0, 400.0).domain(0.0, 2000.0).unit("mm"),
        /// tones between paper and ink at which a ring is drawn
        pub levels: i64 = 8 => ui(1.0, 40.0).domain(1.0, 200.0),
        /// sampling distance on the paper
        pub pitch: f64 = 0.5 => ui(0.1, 5.0).domain(0.05, 50.0).unit("mm"),
        /// added to the image's lightness
        pub brightness: f64 = 0.0 => ui(-1.0, 1.0).domain(-1.0, 1.0),
        /// contrast around mid-grey (1: as it is)
        pub contrast: f64 = 1.0 => ui(0.0, 3.0).domain(0.0, 10.0),
        /// gamma of the lightness (1: as it is)
        pub gamma: f64 = 1.0 => ui(0.2, 3.0).domain(0.05, 10.0),
        /// draw the light parts instead of the dark ones
        pub invert: bool = false,
        /// smoothing radius in samples (rounded rings, fewer specks)
        pub blur: f64 = 1.0 => ui(0.0, 10.0).domain(0.0, 50.0),
    }
}

impl Evaluate for ToneContour {
    fn eval(&self, _: &Polylines, ctx: &EvalContext) -> Result<Polylines, OpFailure> {
        let gray = source::read(ctx, &self.image)?;
        let width = self.width;
        let height = if self.height > 0.0 {
            self.height
        } else {
            width * gray.height as f64 / gray.width as f64
        };
        let (nx, ny) = ((width / self.pitch).ceil(), (height / self.pitch).ceil());
        if nx > MAX_SAMPLES_PER_SIDE || ny > MAX_SAMPLES_PER_SIDE {
            return Err(OpFailure::bad_input(format!(
                "a {width:.0} × {height:.0} mm image at pitch {} mm is {nx} × {ny} samples; at most {MAX_SAMPLES_PER_SIDE} a side (raise pitch)",
                self.pitch
            )));
        }
        let (nx, ny) = (nx.max(2.0) as usize, ny.max(2.0) as usize);
        let tone = Tone {
            brightness: self.brightness,
            contrast: self.contrast,
            gamma: self.gamma,
            invert: self.invert,
            blur: self.blur,
        };
        let dark = source::darkness(ctx.executor.as_ref(), &gray, nx, ny, tone);
        ctx.check_cancelled()?;
        // One sample of paper around the image closes every ring.
        let (px, py) = (nx + 2, ny + 2);
        let mut values = vec![0.0; px * py];
        for j in 0..ny {
            values[(j + 1) * px + 1..(j + 1) * px + 1 + nx]
                .copy_from_slice(&dark[j * nx..(j + 1) * nx]);
        }
        let pitch_x = width / nx as f64;
        let pitch_y = height / ny as f64;
        let left = self.center.x as f64 - width / 2.0 - 0.5 * pitch_x;
        let top = self.center.y as f64 - height / 2.0 - 0.5 * pitch_y;
        // The field on a unit grid, scaled to the paper afterwards (the pitches differ).
        let field = Field {
            values: &values,
            nx: px,
            ny: py,
            origin: [0.0, 0.0],
            pitch: 1.0,
        };
        let n = self.levels.max(1) as usize;
        // Levels crowd toward ink (the square root of even steps), so darker areas get
        // closer rings: more ink where the picture is darker, as a pen shades.
        let levels: Vec<f64> = (1..=n)
            .map(|k| (k as f64 / (n + 1) as f64).sqrt())
            .collect();
        let mut out = Polylines::new();
        for rings in field.rings(&levels) {
            for ring in rings {
                // Drawn closed: back to the first point.
                out.push_line(ring.iter().chain(ring.first()).map(|p| {
                    Vec3::new(
                        (left + (p[0] - 1.0) * pitch_x + pitch_x) as f32,
                        (top + (p[1] - 1.0) * pitch_y + pitch_y) as f32,
                        self.center.z,
                    )
                }));
            }
        }
        Ok(out)
    }

    fn fingerprint(&self, ctx: &EvalContext, h: &mut IdHasher) {
        // Saving the image on disk changes the id (size and modification time).
        if self.image != "sample"
            && let Some(stamp) = ctx.files.stamp(&self.image)
        {
            h.bytes(&stamp.to_le_bytes());
        }
    }
}
