//! `tone_contour`: isolines of an image's darkness at levels that crowd toward ink, so
//! darker areas are drawn with more, closer rings (marching squares, shared with the generative
//! ops' fields). The image is padded with paper, so every ring closes.

use crate::geometry::{IdHasher, Polylines};

use crate::ops::model::failure::OpFailure;
use crate::ops::model::op::EvalContext;
use crate::ops::model::typed::Evaluate;

super::source::picture_op! {
    /// isolines of an image's darkness at `levels` tones, closer together toward ink: darker areas get more, closer rings; the image (PNG, JPEG or WebP, beside the scene, or `sample`) is placed by `center` and `width`
    #[op(primitive, name = "tone_contour", version = 1)]
    pub struct ToneContour {
        /// tones between paper and ink at which a ring is drawn
        pub levels: i64 = 8 => ui(1.0, 40.0).domain(1.0, 200.0),
        /// sampling distance on the paper
        pub pitch: f64 = 0.5 => ui(0.1, 5.0).domain(0.05, 50.0).unit("mm"),
    }
}

impl Evaluate for ToneContour {
    fn eval(&self, _: &Polylines, ctx: &EvalContext) -> Result<Polylines, OpFailure> {
        let picture = self.source().sample(ctx, self.pitch)?;
        let (nx, ny) = (picture.nx, picture.ny);
        let dark = &picture.dark;
        ctx.check_cancelled()?;
        // One sample of paper around the image closes every ring.
        let (px, py) = (nx + 2, ny + 2);
        let mut values = vec![0.0; px * py];
        for j in 0..ny {
            values[(j + 1) * px + 1..(j + 1) * px + 1 + nx]
                .iter_mut()
                .zip(&dark[j * nx..(j + 1) * nx])
                .for_each(|(v, &d)| *v = d as f64);
        }
        let n = self.levels.max(1) as usize;
        // Levels crowd toward ink (the square root of even steps), so darker areas get
        // closer rings: more ink where the picture is darker, as a pen shades.
        let levels: Vec<f64> = (1..=n)
            .map(|k| (k as f64 / (n + 1) as f64).sqrt())
            .collect();
        let mut out = Polylines::new();
        for ring in picture.rings_on_paper(&values, &levels).iter().flatten() {
            // Drawn closed: back to the first point.
            out.push_line(ring.iter().chain(ring.first()).map(|&p| picture.vertex(p)));
        }
        self.source().finish(vec![out], ctx)
    }

    fn fingerprint(&self, ctx: &EvalContext, h: &mut IdHasher) {
        self.source().fingerprint(ctx, h);
    }

    fn draft(&self) -> Option<Self> {
        Some(Self {
            pitch: self.pitch * 2.0,
            ..self.clone()
        })
    }
}
