//! What a batch renders: the seeds, the parameter sweeps, their Cartesian product in a
//! fixed order, and the file names each item gets from a template.

use std::collections::HashSet;
use std::path::PathBuf;

use crate::ops::ParamAddress;
use crate::ops::RawParam;
use crate::scene::parse_param_text;

use super::BatchError;

/// Most items one batch may hold (before sharding).
pub const MAX_ITEMS: usize = 10_000_000;

/// Most seeds one `--seeds` range may name.
const MAX_SEEDS: u64 = MAX_ITEMS as u64;

/// The seeds of `--seeds`: `A..B` (both included, as vsketch's `--seed A..B`), a list
/// `1,4,9`, or one seed.
pub fn parse_seeds(text: &str) -> Result<Vec<u64>, BatchError> {
    let bad = |why: &str| BatchError::Seeds {
        text: text.to_string(),
        why: why.to_string(),
    };
    let number = |s: &str| {
        s.trim()
            .parse::<u64>()
            .map_err(|_| bad("seeds are whole numbers from 0 to 18446744073709551615"))
    };
    if let Some((a, b)) = text.split_once("..") {
        let (a, b) = (number(a)?, number(b.trim_start_matches('='))?);
        if b < a {
            return Err(bad("the range ends before it starts"));
        }
        if b - a >= MAX_SEEDS {
            return Err(bad(&format!("a range holds at most {MAX_SEEDS} seeds")));
        }
        return Ok((a..=b).collect());
    }
    let seeds: Vec<u64> = text.split(',').map(number).collect::<Result<_, _>>()?;
    let distinct: HashSet<u64> = seeds.iter().copied().collect();
    if distinct.len() != seeds.len() {
        return Err(bad("a seed is listed twice"));
    }
    Ok(seeds)
}

/// One `--set ADDRESS=V1,V2,…`: the values one parameter takes across the batch.
#[derive(Clone, Debug)]
pub struct Sweep {
    /// The parameter.
    pub address: ParamAddress,
    /// Each value as written and as parsed.
    pub values: Vec<(String, RawParam)>,
}

/// Splits at the commas that are not inside brackets or quotes (`(9, 9, 0),(1, 1, 0)`
/// is two values).
fn split_top_level(text: &str) -> Vec<&str> {
    let (mut depth, mut quoted, mut start) = (0i32, false, 0);
    let mut parts = Vec::new();
    for (i, c) in text.char_indices() {
        match c {
            '"' => quoted = !quoted,
            '(' | '[' if !quoted => depth += 1,
            ')' | ']' if !quoted => depth -= 1,
            ',' if !quoted && depth == 0 => {
                parts.push(&text[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    parts.push(&text[start..]);
    parts
}

/// Reads `ADDRESS=V1,V2,…` (values as in a scene file; tuples keep their commas).
pub fn parse_sweep(text: &str) -> Result<Sweep, BatchError> {
    let (address, values) = text.split_once('=').ok_or_else(|| BatchError::Sweep {
        text: text.to_string(),
        why: "write ADDRESS=V1,V2,… e.g. --set 'ridges/displace/amplitude=(4, 4, 0),(9, 9, 0)'"
            .into(),
    })?;
    let address = ParamAddress::parse(address.trim()).map_err(|e| BatchError::Sweep {
        text: text.to_string(),
        why: e.to_string(),
    })?;
    let values = split_top_level(values)
        .into_iter()
        .map(|v| {
            let v = v.trim();
            parse_param_text(v)
                .map(|raw| (v.to_string(), raw))
                .map_err(|e| BatchError::Sweep {
                    text: text.to_string(),
                    why: format!("value '{v}': {e}"),
                })
        })
        .collect::<Result<Vec<_>, _>>()?;
    Ok(Sweep { address, values })
}

/// One drawing of the batch: its place in the product, its seed and its values.
#[derive(Clone, Debug, PartialEq)]
pub struct BatchItem {
    /// Place in the product (seeds outermost, then each sweep in order).
    pub index: usize,
    /// The scene seed (`None`: the scene's own).
    pub seed: Option<u64>,
    /// One value per sweep: its address, the value as written, the value.
    pub values: Vec<(ParamAddress, String, RawParam)>,
}

/// The Cartesian product of `seeds` (none: the scene's own seed) and every sweep's values.
pub fn items(seeds: &[u64], sweeps: &[Sweep]) -> Result<Vec<BatchItem>, BatchError> {
    let seeds: Vec<Option<u64>> = if seeds.is_empty() {
        vec![None]
    } else {
        seeds.iter().map(|&s| Some(s)).collect()
    };
    let total = sweeps
        .iter()
        .try_fold(seeds.len(), |n, s| n.checked_mul(s.values.len()))
        .filter(|&n| n <= MAX_ITEMS)
        .ok_or(BatchError::TooMany { max: MAX_ITEMS })?;
    let mut out = Vec::with_capacity(total);
    for index in 0..total {
        // Mixed radix: the last sweep changes fastest.
        let mut rest = index;
        let mut values = Vec::with_capacity(sweeps.len());
        for sweep in sweeps.iter().rev() {
            let (text, raw) = &sweep.values[rest % sweep.values.len()];
            values.push((sweep.address.clone(), text.clone(), raw.clone()));
            rest /= sweep.values.len();
        }
        values.reverse();
        out.push(BatchItem {
            index,
            seed: seeds[rest],
            values,
        });
    }
    Ok(out)
}

/// A file name with placeholders: `{name}` (the scene's name), `{seed}`, `{index}`
/// (zero-padded to the batch's size), `{t}`, and each swept parameter by its name
/// (`{amplitude}`) or its place (`{set1}`, `{set2}`, …).
#[derive(Clone, Debug)]
pub struct Template(pub String);

/// A value as it may stand in a file name: letters, digits, `.`, `-` and `_` kept, the
/// rest `_` (so `(9, 9, 0)` is `9_9_0`).
fn file_safe(text: &str) -> String {
    let kept: String = text
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || "._-".contains(c) {
                c
            } else {
                '_'
            }
        })
        .collect();
    let parts: Vec<&str> = kept.split('_').filter(|p| !p.is_empty()).collect();
    if parts.is_empty() {
        "_".into()
    } else {
        parts.join("_")
    }
}

impl Template {
    /// The path of `item`; an unknown placeholder is an error naming the allowed ones.
    pub fn fill(
        &self,
        item: &BatchItem,
        scene_name: &str,
        t: f64,
        total: usize,
    ) -> Result<PathBuf, BatchError> {
        let width = total.saturating_sub(1).max(1).to_string().len();
        let mut out = String::new();
        let mut rest = self.0.as_str();
        while let Some(open) = rest.find('{') {
            out.push_str(&rest[..open]);
            let close = rest[open..].find('}').ok_or_else(|| BatchError::Template {
                template: self.0.clone(),
                why: "a '{' is not closed".into(),
            })? + open;
            let key = &rest[open + 1..close];
            let value = match key {
                "name" => scene_name.to_string(),
                "seed" => item.seed.map_or("scene".into(), |s| s.to_string()),
                "index" => format!("{:0width$}", item.index),
                "t" => file_safe(&format!("{t}")),
                _ => {
                    let by_place = key
                        .strip_prefix("set")
                        .and_then(|k| k.parse::<usize>().ok())
                        .and_then(|k| item.values.get(k.checked_sub(1)?));
                    let by_name: Vec<_> = item
                        .values
                        .iter()
                        .filter(|(a, ..)| a.param == key)
                        .collect();
                    match (by_place, by_name.as_slice()) {
                        (Some((_, text, _)), _) | (None, [(_, text, _)]) => file_safe(text),
                        (None, [_, _, ..]) => {
                            return Err(BatchError::Template {
                                template: self.0.clone(),
                                why: format!(
                                    "{{{key}}} is swept twice; use {{set1}}, {{set2}}, … (in --set order)"
                                ),
                            });
                        }
                        (None, []) => {
                            let mut allowed = vec!["{name}", "{seed}", "{index}", "{t}"]
                                .into_iter()
                                .map(String::from)
                                .collect::<Vec<_>>();
                            for (k, (a, ..)) in item.values.iter().enumerate() {
                                allowed.push(format!("{{{}}}", a.param));
                                allowed.push(format!("{{set{}}}", k + 1));
                            }
                            return Err(BatchError::Template {
                                template: self.0.clone(),
                                why: format!(
                                    "unknown placeholder {{{key}}}; allowed: {}",
                                    allowed.join(", ")
                                ),
                            });
                        }
                    }
                }
            };
            out.push_str(&value);
            rest = &rest[close + 1..];
        }
        out.push_str(rest);
        Ok(PathBuf::from(out))
    }
}
