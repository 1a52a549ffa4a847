//! `lsystem`: a string rewritten by rules, then drawn by a turtle.

use std::collections::HashMap;

use glam::DVec2;

use crate::geometry::{Polylines, Vec3};

use crate::ops::kit::defaults::A4_CENTER;
use crate::ops::kit::random::SeededRng;
use crate::ops::model::failure::OpFailure;
use crate::ops::model::op::EvalContext;
use crate::ops::model::typed::Evaluate;

/// Longest expanded string.
const MAX_SYMBOLS: usize = 2_000_000;

crate::choice! {
    /// Built-in rule sets of `lsystem`, or the scene's own.
    pub enum LsystemKind { Plant = "plant", Circuit = "circuit", Custom = "custom" }
}

crate::op! {
    /// L-system: `axiom` rewritten `iters` times by `rules`, then drawn by a turtle: F forward drawing, f forward without drawing, + and - turn by `angle`, [ and ] save and restore the turtle; other symbols only rewrite
    #[op(primitive, name = "lsystem", version = 1)]
    pub struct Lsystem {
        /// plant and circuit are built in (axiom X); custom uses `axiom` and `rules`
        pub kind: LsystemKind = LsystemKind::Plant,
        /// rewriting rounds (the string grows fast: at most 2 000 000 symbols)
        pub iters: u32 = 5 => ui(0.0, 8.0).domain(0.0, 30.0),
        /// where the turtle starts
        pub center: Vec3 = Vec3::new(A4_CENTER.x, 260.0, 0.0) => ui(-300.0, 600.0).unit("mm"),
        /// first direction, from +x towards +y (-90 points up the paper)
        pub heading: f64 = -90.0 => ui(-180.0, 180.0).unit("deg"),
        /// turn of + and -
        pub angle: f64 = 25.0 => ui(0.0, 180.0).unit("deg"),
        /// length of F and f
        pub step: f64 = 2.0 => ui(0.1, 50.0).min(0.0).unit("mm"),
        /// random variation of every move and turn, as a fraction
        pub jitter: f64 = 0.0 => ui(0.0, 0.25).domain(0.0, 1.0),
        /// random seed of the jitter
        pub seed: u32 = 0 => ui(0.0, 9999.0),
        /// start string (custom)
        pub axiom: String = "X".into(),
        /// rules (custom): one SYMBOL=REPLACEMENT per line or separated by ;
        pub rules: String = "X=F-[[X]+X]+F[+FX]-X; F=FF".into(),
    }
}

/// The rules of `text`: `A=...` per line or `;`-separated item.
fn parse_rules(text: &str) -> Result<HashMap<char, String>, OpFailure> {
    let mut rules = HashMap::new();
    for (i, item) in text.split(['\n', ';']).enumerate() {
        let item = item.trim();
        if item.is_empty() {
            continue;
        }
        let mut chars = item.chars();
        let (Some(symbol), Some('=')) = (chars.next(), chars.next()) else {
            return Err(OpFailure::bad_input(format!(
                "rule {} '{}' is not of the form SYMBOL=REPLACEMENT (e.g. F=FF)",
                i + 1,
                crate::ops::model::error::shorten(item)
            )));
        };
        rules.insert(symbol, chars.as_str().trim().to_string());
    }
    Ok(rules)
}

impl Lsystem {
    fn grammar(&self) -> Result<(String, HashMap<char, String>), OpFailure> {
        Ok(match self.kind {
            LsystemKind::Plant => ("X".into(), parse_rules("X=F-[[X]+X]+F[+FX]-X\nF=FF")?),
            LsystemKind::Circuit => ("X".into(), parse_rules("X=F[+X]F[-X]FX\nF=FF")?),
            LsystemKind::Custom => (self.axiom.clone(), parse_rules(&self.rules)?),
        })
    }
}

impl Evaluate for Lsystem {
    fn eval(&self, _: &Polylines, ctx: &EvalContext) -> Result<Polylines, OpFailure> {
        let (axiom, rules) = self.grammar()?;
        let mut s: Vec<char> = axiom.chars().collect();
        for round in 0..self.iters {
            let grown: usize = s
                .iter()
                .map(|c| rules.get(c).map_or(1, |r| r.chars().count()))
                .sum();
            if grown > MAX_SYMBOLS {
                return Err(OpFailure::bad_input(format!(
                    "the string grows past {MAX_SYMBOLS} symbols at iteration {}; lower iters (at most {round} here)",
                    round + 1
                )));
            }
            let mut next = Vec::with_capacity(grown);
            for c in &s {
                match rules.get(c) {
                    Some(r) => next.extend(r.chars()),
                    None => next.push(*c),
                }
            }
            s = next;
        }
        let moves = s.iter().filter(|&&c| c == 'F').count() as u64;
        let branches = s.iter().filter(|&&c| c == '[' || c == 'f').count() as u64;
        ctx.check_budget(moves + 2 * branches + 1, branches + 1)?;
        let mut rng = SeededRng::new(self.seed as u64, 0);
        let mut vary = |x: f64| {
            if self.jitter > 0.0 {
                x * (1.0 + self.jitter * (2.0 * rng.unit() - 1.0))
            } else {
                x
            }
        };
        let c = self.center;
        let z = c.z;
        let to_point = |p: DVec2| Vec3::new(p.x as f32, p.y as f32, z);
        let mut pos = DVec2::new(c.x as f64, c.y as f64);
        let mut heading = self.heading.to_radians();
        let turn = self.angle.to_radians();
        let mut stack: Vec<(DVec2, f64)> = Vec::new();
        let mut out = Polylines::new();
        let mut run: Vec<Vec3> = Vec::new();
        for (i, &symbol) in s.iter().enumerate() {
            match symbol {
                'F' | 'f' => {
                    let d = vary(self.step);
                    let next = pos + DVec2::new(heading.cos(), heading.sin()) * d;
                    if symbol == 'F' {
                        if run.is_empty() {
                            run.push(to_point(pos));
                        }
                        run.push(to_point(next));
                    } else {
                        out.push_run(&mut run);
                    }
                    pos = next;
                }
                '+' => heading += vary(turn),
                '-' => heading -= vary(turn),
                '[' => stack.push((pos, heading)),
                ']' => {
                    let Some((p, h)) = stack.pop() else {
                        return Err(OpFailure::bad_input(format!(
                            "']' at symbol {} closes no '[' (check the rules' brackets)",
                            i + 1
                        )));
                    };
                    out.push_run(&mut run);
                    (pos, heading) = (p, h);
                }
                _ => {}
            }
        }
        out.push_run(&mut run);
        Ok(out)
    }
}
