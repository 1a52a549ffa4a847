//! The op registry as a resource shared with the scene loader.

use std::sync::{Arc, RwLock};

use bevy::app::{App, Plugin};
use bevy::ecs::resource::Resource;

use crate::ops::{Op, OpRegistry, RegistryError};

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
    pub fn register(&self, op: Op) -> Result<(), RegistryError> {
        let mut guard = self.0.write().unwrap_or_else(|e| e.into_inner());
        let mut next = OpRegistry::clone(&guard);
        next.register(op)?;
        *guard = Arc::new(next);
        Ok(())
    }
}

/// Ops a sketch tried to register and could not (wrong schema, name taken), with why.
#[derive(Resource, Clone, Debug, Default)]
pub struct OpRegistrationErrors(pub Vec<String>);

/// The latest errors returned by systems (a sketch's), newest last; the inspector shows
/// them and a headless render fails with them.
#[derive(Resource, Clone, Debug, Default)]
pub struct SystemErrors {
    /// The newest errors (at most [`Self::KEEP`]).
    pub latest: Vec<String>,
    /// Errors received since the app started (kept or not).
    pub count: u64,
}

impl SystemErrors {
    /// Most errors kept.
    pub const KEEP: usize = 5;

    /// Adds errors, keeping the newest [`Self::KEEP`].
    pub fn extend(&mut self, errors: impl IntoIterator<Item = String>) {
        for e in errors {
            self.latest.push(e);
            self.count += 1;
        }
        let excess = self.latest.len().saturating_sub(Self::KEEP);
        self.latest.drain(..excess);
    }

    /// The errors received after the first `since` (of those still kept).
    pub fn since(&self, since: u64) -> &[String] {
        let new = (self.count - since.min(self.count)) as usize;
        &self.latest[self.latest.len().saturating_sub(new)..]
    }
}

/// Inserts [`OpsRegistry`] (unless the app already has one) and the error lists.
pub(super) struct RegistryPlugin;

impl Plugin for RegistryPlugin {
    fn build(&self, app: &mut App) {
        app.init_resource::<OpsRegistry>()
            .init_resource::<OpRegistrationErrors>()
            .init_resource::<SystemErrors>();
    }
}
