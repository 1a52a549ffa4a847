//! Summaries of measured samples (frame times, task times, benchmark runs).

/// The `q` quantile (0..=1, nearest rank) of samples sorted ascending; `None` when there
/// are none.
pub fn quantile(sorted: &[f64], q: f64) -> Option<f64> {
    if sorted.is_empty() {
        return None;
    }
    Some(sorted[((sorted.len() - 1) as f64 * q.clamp(0.0, 1.0)).round() as usize])
}
