//! A memo of values keyed by their type, held by an evaluation context: an op keeps
//! what it may reuse across evaluations (the `text` op's parsed fonts) without the
//! context knowing the op or the type.

use std::any::{Any, TypeId};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

/// One shared value per type, made on first use.
#[derive(Default)]
pub struct Memo {
    values: Mutex<HashMap<TypeId, Arc<dyn Any + Send + Sync>>>,
}

impl Memo {
    /// The value of type `T`, made with `T::default()` the first time it is asked for.
    pub fn get<T: Any + Default + Send + Sync>(&self) -> Arc<T> {
        let mut values = self.values.lock().unwrap_or_else(|e| e.into_inner());
        let value = values
            .entry(TypeId::of::<T>())
            .or_insert_with(|| Arc::new(T::default()));
        Arc::clone(value)
            .downcast::<T>()
            .expect("a memo entry holds the type it is keyed by")
    }
}
