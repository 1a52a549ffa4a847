//! Writing capture files under numbered names that never replace an existing file.

use std::path::{Path, PathBuf};

use crate::export::{OutputError, write_atomic};

/// Writes a family of files named `dir/STEM_NNN{suffix}.EXT` for the first `NNN` (from
/// 001) at which none of them exists; `files` gives each suffix, extension and bytes.
/// A file that appears meanwhile is never replaced: the next number is tried.
pub fn write_numbered(
    dir: &Path,
    stem: &str,
    files: &[(String, &str, Vec<u8>)],
) -> Result<Vec<PathBuf>, String> {
    std::fs::create_dir_all(dir)
        .map_err(|e| format!("cannot create the output folder {}: {e}", dir.display()))?;
    'numbers: for n in 1..=99_999u32 {
        let paths: Vec<PathBuf> = files
            .iter()
            .map(|(suffix, ext, _)| dir.join(format!("{stem}_{n:03}{suffix}.{ext}")))
            .collect();
        if paths.iter().any(|p| p.exists()) {
            continue;
        }
        for (i, (path, (_, _, bytes))) in paths.iter().zip(files).enumerate() {
            match write_atomic(path, bytes, false) {
                Ok(()) => {}
                // Someone took the name between the check and the write.
                Err(OutputError::Exists(_)) if i == 0 => continue 'numbers,
                Err(e) => return Err(e.to_string()),
            }
        }
        return Ok(paths);
    }
    Err(format!(
        "no free file name left for {stem} in {}",
        dir.display()
    ))
}
