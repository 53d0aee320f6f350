//! Hot systems for hotloop's benchmarks (`bench/`).
//!
//! - `noop`: no parameters; measures the bare cost of a hot-system call.
//! - `movement`: `pos += vel * delta` over every entity with both components, through the
//!   host's id list (SoA columns), the loop the TypeScript version is compared with.

mod components;

use components::{Position, Velocity};
use hotloop_sdk::prelude::*;

/// Does nothing: the cost of the call itself.
pub fn noop() {}

/// Moves every entity by its velocity times the step.
pub fn movement(mut q: Query<(Write<Position>, Read<Velocity>)>, time: Res<Time>) {
    let dt = time.delta_f32();
    for (pos, vel) in q.iter_mut() {
        *pos.x += vel.x * dt;
        *pos.y += vel.y * dt;
    }
}

hotloop_sdk::export! {
    systems: [noop, movement],
}
