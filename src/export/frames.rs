//! Animation export: a drawing per frame time written as a numbered PNG (and SVG)
//! sequence, then an MP4 through `ffmpeg` when it is installed.

use std::path::{Path, PathBuf};
use std::process::Command;

use super::error::ExportError;
use super::output::{FileFamily, ensure_absent, numbered_path};
use crate::core::drawing::Drawing;
use crate::core::export::to_png;
use crate::core::export::to_svg;

/// Frames `from..to` (end excluded) at `fps`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct FrameRange {
    /// First frame time (s).
    pub from: f64,
    /// End time (s, excluded).
    pub to: f64,
    /// Frames per second.
    pub fps: f64,
}

/// Most frames one export may write.
pub const MAX_FRAMES: usize = 100_000;

impl FrameRange {
    /// The frame times, or why the range is not allowed.
    pub fn times(&self) -> Result<Vec<f64>, ExportError> {
        let FrameRange { from, to, fps } = *self;
        if !(from.is_finite() && to.is_finite()) || to <= from {
            return Err(ExportError::FrameRange { from, to });
        }
        if !(fps.is_finite() && fps > 0.0 && fps <= 1000.0) {
            return Err(ExportError::Fps(fps));
        }
        let n = ((to - from) * fps - 1e-9).ceil() as usize;
        if n > MAX_FRAMES {
            return Err(ExportError::TooManyFrames {
                count: n,
                max: MAX_FRAMES,
            });
        }
        Ok((0..n).map(|i| from + i as f64 / fps).collect())
    }
}

/// What each frame is written as.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct FrameFormats {
    /// Write `frame_NNNNN.png` (rendered by resvg at `dpi`).
    pub png: bool,
    /// Write `frame_NNNNN.svg`.
    pub svg: bool,
    /// PNG resolution.
    pub dpi: f64,
}

/// The file of frame `i` (0-based) in `dir`.
pub fn frame_path(dir: &Path, i: usize, ext: &str) -> PathBuf {
    dir.join(format!("frame_{i:05}.{ext}"))
}

/// A frame sequence written one frame at a time, so that a caller can let other file
/// work run between two frames (the app writes each frame as a task of its own, and a
/// save or reload waits at most for one frame). Frames are staged as they are written
/// and appear together at [`FrameSequence::commit`]; dropped before, it leaves nothing.
#[derive(Debug)]
pub struct FrameSequence {
    dir: PathBuf,
    times: Vec<f64>,
    exts: Vec<&'static str>,
    dpi: f64,
    family: FileFamily,
    next: usize,
}

impl FrameSequence {
    /// Checks the range and formats and, without `overwrite`, that no frame file exists
    /// yet; creates `dir`. Nothing is written.
    pub fn start(
        dir: &Path,
        range: FrameRange,
        formats: FrameFormats,
        overwrite: bool,
    ) -> Result<FrameSequence, ExportError> {
        let times = range.times()?;
        if !formats.png && !formats.svg {
            return Err(ExportError::NoFrameFormat);
        }
        let exts: Vec<&'static str> = [(formats.png, "png"), (formats.svg, "svg")]
            .into_iter()
            .filter_map(|(on, e)| on.then_some(e))
            .collect();
        let all: Vec<PathBuf> = (0..times.len())
            .flat_map(|i| exts.iter().map(move |e| frame_path(dir, i, e)))
            .collect();
        if !overwrite {
            ensure_absent(&all).map_err(ExportError::FramesExist)?;
        }
        std::fs::create_dir_all(dir).map_err(|source| ExportError::FrameFolder {
            path: dir.to_path_buf(),
            source,
        })?;
        Ok(FrameSequence {
            dir: dir.to_path_buf(),
            times,
            exts,
            dpi: formats.dpi,
            family: FileFamily::new(overwrite),
            next: 0,
        })
    }

    /// Frames in the sequence.
    pub fn total(&self) -> usize {
        self.times.len()
    }

    /// Frames written so far.
    pub fn done(&self) -> usize {
        self.next
    }

    /// Whether every frame is written (staged).
    pub fn is_done(&self) -> bool {
        self.next >= self.times.len()
    }

    /// Writes the next frame: `drawing_at(t)` gives its drawing.
    pub fn write_next<E: std::fmt::Display>(
        &mut self,
        drawing_at: impl FnOnce(f64) -> Result<Drawing, E>,
    ) -> Result<(), ExportError> {
        let Some((i, drawing)) = self.draw_next(drawing_at)? else {
            return Ok(());
        };
        let files = self.encoder().encode(&drawing)?;
        self.stage(i, files)
    }

    /// The next frame's index and drawing (`drawing_at(t)`, its coordinates checked), and
    /// the sequence moves on; `None` when every frame was drawn. Encode it with
    /// [`encoder`](Self::encoder) (on any thread), then [`stage`](Self::stage) it.
    pub fn draw_next<E: std::fmt::Display>(
        &mut self,
        drawing_at: impl FnOnce(f64) -> Result<Drawing, E>,
    ) -> Result<Option<(usize, Drawing)>, ExportError> {
        let Some(&t) = self.times.get(self.next) else {
            return Ok(None);
        };
        let i = self.next;
        let drawing = drawing_at(t).map_err(|e| ExportError::Frame {
            index: i,
            t,
            message: e.to_string(),
        })?;
        drawing.check_coordinates()?;
        self.next += 1;
        Ok(Some((i, drawing)))
    }

    /// What turns a frame's drawing into its files' bytes.
    pub fn encoder(&self) -> FrameEncoder {
        FrameEncoder {
            exts: self.exts.clone(),
            dpi: self.dpi,
        }
    }

    /// Stages the encoded files of frame `i` (published together by [`commit`](Self::commit)).
    pub fn stage(
        &mut self,
        i: usize,
        files: Vec<(&'static str, Vec<u8>)>,
    ) -> Result<(), ExportError> {
        for (ext, bytes) in files {
            self.family.add(&frame_path(&self.dir, i, ext), &bytes)?;
        }
        Ok(())
    }

    /// Publishes every frame written (the sequence is one family: a failure leaves no
    /// frame behind). Returns the files.
    pub fn commit(self) -> Result<Vec<PathBuf>, ExportError> {
        Ok(self.family.commit()?)
    }
}

/// Turns a frame's drawing into the bytes of its files (PNG, SVG); cheap to clone, and
/// sent to whichever thread encodes.
#[derive(Clone, Debug)]
pub struct FrameEncoder {
    exts: Vec<&'static str>,
    dpi: f64,
}

impl FrameEncoder {
    /// The files of one frame: extension and bytes.
    pub fn encode(&self, drawing: &Drawing) -> Result<Vec<(&'static str, Vec<u8>)>, ExportError> {
        self.exts
            .iter()
            .map(|&ext| {
                let bytes = match ext {
                    "png" => to_png(drawing, self.dpi)?,
                    _ => to_svg(drawing).into_bytes(),
                };
                Ok((ext, bytes))
            })
            .collect()
    }
}

/// Writes every frame of `range` into `dir`: `drawing_at(t)` gives each frame's drawing,
/// `progress(done, total)` is told after each one. Without `overwrite`, existing frame
/// files are an error before anything is written; the frames appear together once all
/// are rendered, or none on failure. Returns the files written.
///
/// Frames are drawn in turn on the calling thread (the scene's evaluation splits its own
/// work) while one encoder thread per core rasterises and encodes the frames drawn
/// before; at most two drawings per encoder wait, so memory stays bounded.
pub fn export_frames<E: std::fmt::Display>(
    dir: &Path,
    range: FrameRange,
    formats: FrameFormats,
    overwrite: bool,
    mut drawing_at: impl FnMut(f64) -> Result<Drawing, E>,
    mut progress: impl FnMut(usize, usize),
) -> Result<Vec<PathBuf>, ExportError> {
    use std::sync::mpsc;
    use std::sync::{Arc, Mutex};
    type Encoded = (usize, Result<Vec<(&'static str, Vec<u8>)>, ExportError>);
    let mut frames = FrameSequence::start(dir, range, formats, overwrite)?;
    let total = frames.total();
    let workers = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .clamp(1, 8)
        .min(total.max(1));
    let encoder = frames.encoder();
    std::thread::scope(|scope| {
        let (to_encode, jobs) = mpsc::sync_channel::<(usize, Drawing)>(workers);
        let jobs = Arc::new(Mutex::new(jobs));
        let (encoded, results) = mpsc::channel::<Encoded>();
        for _ in 0..workers {
            let (jobs, encoded, encoder) = (Arc::clone(&jobs), encoded.clone(), encoder.clone());
            scope.spawn(move || {
                loop {
                    let job = jobs.lock().unwrap_or_else(|e| e.into_inner()).recv();
                    let Ok((i, drawing)) = job else {
                        return;
                    };
                    if encoded.send((i, encoder.encode(&drawing))).is_err() {
                        return;
                    }
                }
            });
        }
        drop(encoded);
        let mut staged = 0;
        let mut stage = |frames: &mut FrameSequence, (i, files): Encoded| {
            frames.stage(i, files?)?;
            staged += 1;
            progress(staged, total);
            Ok::<(), ExportError>(())
        };
        let mut outcome = Ok(());
        while outcome.is_ok() {
            match frames.draw_next(&mut drawing_at) {
                Ok(Some(job)) => {
                    // Blocks while every encoder is busy and their queue is full.
                    let _ = to_encode.send(job);
                }
                Ok(None) => break,
                Err(e) => outcome = Err(e),
            }
            while let (true, Ok(done)) = (outcome.is_ok(), results.try_recv()) {
                outcome = stage(&mut frames, done);
            }
        }
        // No more frames: the encoders finish what they have and stop.
        drop(to_encode);
        for done in results {
            if outcome.is_ok() {
                outcome = stage(&mut frames, done);
            }
        }
        outcome
    })?;
    // Staged as they were encoded: listed in frame order.
    let mut written = frames.commit()?;
    written.sort();
    Ok(written)
}

/// The ffmpeg command that turns the PNG frames in `dir` into `out`.
pub fn ffmpeg_command(dir: &Path, fps: f64, out: &Path) -> Vec<String> {
    vec![
        "ffmpeg".into(),
        "-y".into(),
        "-framerate".into(),
        format!("{fps}"),
        "-i".into(),
        dir.join("frame_%05d.png").display().to_string(),
        "-vf".into(),
        // H.264 needs even sides.
        "pad=ceil(iw/2)*2:ceil(ih/2)*2".into(),
        "-c:v".into(),
        "libx264".into(),
        "-pix_fmt".into(),
        "yuv420p".into(),
        out.display().to_string(),
    ]
}

/// Assembles `dir/animation.mp4` (`animation_NNN.mp4` if taken) with ffmpeg. When ffmpeg
/// is not on PATH the error says how to install it and the command to run.
pub fn assemble_mp4(dir: &Path, fps: f64) -> Result<PathBuf, ExportError> {
    let out = match dir.join("animation.mp4") {
        free if !free.exists() => free,
        _ => numbered_path(dir, "animation", "mp4")?,
    };
    let cmd = ffmpeg_command(dir, fps, &out);
    let shown = cmd
        .iter()
        .map(|a| {
            let plain = a
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "/._-%".contains(c));
            if plain { a.clone() } else { format!("'{a}'") }
        })
        .collect::<Vec<_>>()
        .join(" ");
    match Command::new(&cmd[0]).args(&cmd[1..]).output() {
        Ok(o) if o.status.success() => Ok(out),
        Ok(o) => Err(ExportError::Ffmpeg {
            status: o.status.to_string(),
            message: String::from_utf8_lossy(&o.stderr)
                .lines()
                .last()
                .unwrap_or_default()
                .to_string(),
        }),
        Err(_) => Err(ExportError::NoFfmpeg { command: shown }),
    }
}

/// A terminal progress bar for [`export_frames`] (indicatif, on stderr; hidden when
/// stderr is not a terminal): `[#####-----] 5/10 frames, 2s left`. Call the returned
/// closure with `(done, total)`; it finishes the bar at `done == total`.
pub fn terminal_progress() -> impl FnMut(usize, usize) {
    let bar = indicatif::ProgressBar::new(0);
    bar.set_style(
        indicatif::ProgressStyle::with_template("[{bar:30}] {pos}/{len} frames, {eta} left")
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar())
            .progress_chars("#-"),
    );
    move |done, total| {
        bar.set_length(total as u64);
        bar.set_position(done as u64);
        if done == total {
            bar.finish();
        }
    }
}
