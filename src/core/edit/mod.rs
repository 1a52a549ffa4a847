//! The edit model behind the inspector: edits of one layer, an undo/redo history in
//! which a slider drag is one step, and nothing else. Pure Rust (no Bevy types): the
//! inspector and the tests drive it the same way.

mod history;
mod layer_edit;

pub use history::{EditHistory, Step};
pub use layer_edit::{Edit, EditError, LayerEditError, ParamPath};
