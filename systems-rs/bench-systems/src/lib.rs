//! Hot systems for hotloop's benchmarks (`bench/`).
//!
//! - `noop`: no parameters; measures the bare cost of a hot-system call.
//! - `bench_bare_noop`: a plain `extern "C"` no-op, the bare bun:ffi call it is compared with.
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
    q.for_each_mut(|(pos, vel)| {
        *pos.x += vel.x * dt;
        *pos.y += vel.y * dt;
    });
}

hotloop_sdk::export! {
    systems: [noop, movement],
}

/// A plain C no-op outside the SDK: the bare bun:ffi call the `noop` hot system is compared with.
#[no_mangle]
pub extern "C" fn bench_bare_noop() {}

#[cfg(test)]
mod tests {
    extern "C" {
        fn hotloop_system_table() -> *const hotloop_sdk::SystemFn;
    }

    fn addr<T>(ptr: *const T) -> u64 {
        ptr.expose_provenance() as u64
    }

    #[test]
    fn movement_integrates_velocity_for_listed_ids_only() {
        let capacity = 2048; // > 1000 elements, as the host allocates columns
        let (mut px, mut py) = (vec![1.0f32; capacity], vec![2.0f32; capacity]);
        let (vx, vy) = (vec![4.0f32; capacity], vec![-8.0f32; capacity]);
        let ids = [1u32, 2047, 9];
        let time = [0.25f64, 0.0, 0.0, 0.0, 0.0, 0.0];
        let ctx = [
            addr(ids.as_ptr()),
            ids.len() as u64,
            capacity as u64,
            addr(px.as_mut_ptr()),
            addr(py.as_mut_ptr()),
            addr(vx.as_ptr()),
            addr(vy.as_ptr()),
            addr(time.as_ptr()),
        ];
        // SAFETY: our own export; entry 1 is `movement`, `ctx` is laid out for it.
        let status = unsafe {
            let table = hotloop_system_table();
            assert_eq!((*table)(std::ptr::null()), 0, "noop");
            (*table.add(1))(ctx.as_ptr())
        };
        assert_eq!(status, 0);
        for i in 0..capacity {
            let moved = ids.contains(&(i as u32));
            let expected = if moved { (2.0, 0.0) } else { (1.0, 2.0) };
            assert_eq!((px[i], py[i]), expected, "row {i}");
        }
    }
}
