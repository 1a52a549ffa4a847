//! What can stop a sketch's command (render, frames, ops, open).

use crate::app::AppError;
use crate::export::ExportError;
use crate::ops::RegistryError;
use crate::scene::SceneError;

/// Why a sketch's command did not complete.
#[derive(Debug, thiserror::Error)]
pub enum SketchError {
    /// The command line is wrong (clap's message, with usage).
    #[error("{0}")]
    Usage(String),
    /// The window or its scene could not be opened.
    #[error(transparent)]
    App(#[from] AppError),
    /// The app ended with an error.
    #[error("the app stopped with an error")]
    AppFailed,
    /// A time that is not a finite number.
    #[error("t = {0} is not allowed: use a finite time in seconds")]
    Time(f64),
    /// Sketch systems returned errors.
    #[error("{}", .0.join("; "))]
    Systems(Vec<String>),
    /// The scene file is broken.
    #[error(transparent)]
    Scene(#[from] SceneError),
    /// Nothing to render.
    #[error("the sketch has no layers: spawn some (LayerSpec) or open a scene")]
    NoLayers,
    /// The layers kept computing.
    #[error("the layers did not finish within {0} s")]
    Timeout(u64),
    /// A layer failed to evaluate.
    #[error("layer '{layer}': {message}")]
    Layer {
        /// The layer.
        layer: String,
        /// Why, naming the op and parameter.
        message: String,
    },
    /// An op name or registration.
    #[error(transparent)]
    Registry(#[from] RegistryError),
    /// Files could not be written.
    #[error(transparent)]
    Export(#[from] ExportError),
}
