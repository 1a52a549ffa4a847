//! Custom ops from sketches: registered into the app's shared registry, so scene files,
//! the inspector, `ops` listings and the caches treat them like built-ins.

use bevy::app::App;

use crate::ecs::{OpRegistrationErrors, OpsRegistry};
use crate::ops::{Evaluate, Op, RegistryError};

/// Registering custom ops on an [`App`].
pub trait RegisterOp {
    /// Adds the typed op `T` (declared with [`op!`](crate::op)) to the app's registry.
    /// A wrong schema or a taken name is logged and kept in [`OpRegistrationErrors`]
    /// (the inspector shows it); the app goes on without it.
    fn register_op<T: Evaluate>(&mut self) -> &mut Self {
        self.register_dynamic_op(Op::of::<T>())
    }

    /// Adds the typed op `T`, returning the error (which names the op) instead of logging it.
    fn try_register_op<T: Evaluate>(&mut self) -> Result<(), RegistryError> {
        self.try_register_dynamic_op(Op::of::<T>())
    }

    /// Adds an op whose schema is built at run time (e.g. from data); prefer
    /// [`RegisterOp::register_op`] for ops written in Rust.
    fn register_dynamic_op(&mut self, op: Op) -> &mut Self;

    /// Adds an op whose schema is built at run time, returning the error.
    fn try_register_dynamic_op(&mut self, op: Op) -> Result<(), RegistryError>;
}

impl RegisterOp for App {
    fn register_dynamic_op(&mut self, op: Op) -> &mut Self {
        let name = op.name().to_string();
        if let Err(e) = self.try_register_dynamic_op(op) {
            let message = format!("custom op '{name}' not registered: {e}");
            bevy::log::error!("{message}");
            self.world_mut()
                .get_resource_or_insert_with(OpRegistrationErrors::default)
                .0
                .push(message);
        }
        self
    }

    fn try_register_dynamic_op(&mut self, op: Op) -> Result<(), RegistryError> {
        let registry = self
            .world_mut()
            .get_resource_or_insert_with(OpsRegistry::default)
            .clone();
        registry.register(op)
    }
}
