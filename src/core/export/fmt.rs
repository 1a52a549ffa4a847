//! Deterministic fixed-point number formatting shared by SVG and G-code writers.

/// Appends `v` with exactly `decimals` decimals (`-0.000` is written `0.000`).
pub fn push_fixed(out: &mut String, v: f64, decimals: u32) {
    let scale = 10i64.pow(decimals);
    let q = (v * scale as f64).round() as i64;
    if q < 0 {
        out.push('-');
    }
    let a = q.unsigned_abs();
    let (int, frac) = (a / scale as u64, a % scale as u64);
    out.push_str(itoa::Buffer::new().format(int));
    if decimals > 0 {
        out.push('.');
        let digits = itoa::Buffer::new().format(frac).to_string();
        for _ in digits.len()..decimals as usize {
            out.push('0');
        }
        out.push_str(&digits);
    }
}

/// Appends `v` rounded to `decimals` decimals without trailing zeros (`1.5`, `2`, `-0.25`).
pub fn push_short(out: &mut String, v: f64, decimals: u32) {
    let start = out.len();
    push_fixed(out, v, decimals);
    if decimals > 0 {
        let trimmed = out[start..]
            .trim_end_matches('0')
            .trim_end_matches('.')
            .len();
        out.truncate(start + trimmed);
        if &out[start..] == "-0" {
            out.truncate(start);
            out.push('0');
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fixed(v: f64, d: u32) -> String {
        let mut s = String::new();
        push_fixed(&mut s, v, d);
        s
    }

    fn short(v: f64) -> String {
        let mut s = String::new();
        push_short(&mut s, v, 3);
        s
    }

    #[test]
    fn fixed_and_short() {
        assert_eq!(fixed(-0.0001, 3), "0.000");
        assert_eq!(fixed(-1.25, 3), "-1.250");
        assert_eq!(fixed(12.0005, 3), "12.001");
        assert_eq!(fixed(7.4, 0), "7");
        assert_eq!(short(1.5), "1.5");
        assert_eq!(short(2.0), "2");
        assert_eq!(short(-0.0002), "0");
        assert_eq!(short(-0.25), "-0.25");
    }
}
