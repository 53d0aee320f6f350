//! The hot library of the peers benchmark, as hot-lib-reloader's README writes one: public
//! `#[unsafe(no_mangle)]` Rust functions in a `dylib`. The suite edits the constants below in copies
//! of this crate (and `mover`'s signature, and a panic in `stamp`) to make its builds.

/// Which build is running: the suite rewrites this line.
const STAMP: u32 = 1;

/// Does nothing: the cost of a call.
#[unsafe(no_mangle)]
pub fn noop() {}

/// Which build is running.
#[unsafe(no_mangle)]
pub fn stamp() -> u32 {
    STAMP
}

/// position += velocity * dt, over parallel slices (the host's 1000 entities).
#[unsafe(no_mangle)]
pub fn mover(pos: &mut [f32], vel: &[f32], dt: f32) {
    for (p, v) in pos.iter_mut().zip(vel) {
        *p += v * dt;
    }
}
