//! The op registry as a resource shared with the scene loader.

use std::sync::{Arc, RwLock};

use bevy::app::{App, Plugin};
use bevy::ecs::resource::Resource;

use crate::ops::{Op, OpRegistry};

/// The app's op registry. Cloning shares it: the scene loader holds a clone, so ops a
/// sketch registers are known to scene files loaded afterwards.
#[derive(Resource, Clone)]
pub struct OpsRegistry(Arc<RwLock<Arc<OpRegistry>>>);

impl Default for OpsRegistry {
    fn default() -> Self {
        Self(Arc::new(RwLock::new(Arc::new(OpRegistry::builtin()))))
    }
}

impl OpsRegistry {
    /// The registry as it is now (cheap: an `Arc`).
    pub fn snapshot(&self) -> Arc<OpRegistry> {
        Arc::clone(&self.0.read().unwrap_or_else(|e| e.into_inner()))
    }

    /// Adds a custom op; the message names the op when its schema is wrong or taken.
    pub fn register(&self, op: Op) -> Result<(), String> {
        let mut guard = self.0.write().unwrap_or_else(|e| e.into_inner());
        let mut next = OpRegistry::clone(&guard);
        next.register(op)?;
        *guard = Arc::new(next);
        Ok(())
    }
}

/// Inserts [`OpsRegistry`] (unless the app already has one).
pub(super) struct RegistryPlugin;

impl Plugin for RegistryPlugin {
    fn build(&self, app: &mut App) {
        app.init_resource::<OpsRegistry>();
    }
}
