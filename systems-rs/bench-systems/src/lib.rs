//! Hot systems for hotloop's benchmarks (`bench/`).
//!
//! - `noop`: no parameters; measures the bare cost of a hot-system call.
//! - `bench_bare_noop`: a plain `extern "C"` no-op, the bare bun:ffi call it is compared with.
//! - `movement`: `pos += vel * delta` over every entity with both components, through the
//!   host's id list (SoA columns), the loop the TypeScript version is compared with.
//! - the scene suite's asteroids (`ship_fly`, `rock_drift`, `rock_wrap`, `ship_hits`), each
//!   mirrored line for line by a TypeScript system in bench/suites/scene.ts;
//! - `spin_0` .. `spin_999`: one small system (`angle += rate * delta`) under 1000 names, for how
//!   a frame grows with the number of hot systems (the names come from build.rs).

mod components;

use components::{Churn, Position, Rock, Ship, Spin, Velocity};
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

/// Side of the square arena the scene's rocks and ship fly in, wrapping at its edges.
pub const ARENA: f32 = 8192.0;
/// The ship's speed in px/s; it turns at one radian per second.
pub const SHIP_SPEED: f32 = 120.0;

/// Wraps a coordinate back into the arena (things move far less than an arena per frame).
fn wrap(v: f32) -> f32 {
    if v < 0.0 {
        v + ARENA
    } else if v >= ARENA {
        v - ARENA
    } else {
        v
    }
}

/// The ship turns (its heading is the elapsed time), moves and wraps.
pub fn ship_fly(mut q: Query<(Write<Position>, Write<Velocity>), With<Ship>>, time: Res<Time>) {
    let (dt, heading) = (time.delta_f32(), time.elapsed_f32());
    q.for_each_mut(|(pos, vel)| {
        *vel.x = heading.cos() * SHIP_SPEED;
        *vel.y = heading.sin() * SHIP_SPEED;
        *pos.x = wrap(*pos.x + *vel.x * dt);
        *pos.y = wrap(*pos.y + *vel.y * dt);
    });
}

/// Every rock drifts by its velocity.
pub fn rock_drift(mut q: Query<(Write<Position>, Read<Velocity>), With<Rock>>, time: Res<Time>) {
    let dt = time.delta_f32();
    q.for_each_mut(|(pos, vel)| {
        *pos.x += vel.x * dt;
        *pos.y += vel.y * dt;
    });
}

/// Rocks that left the arena come back on the other side.
pub fn rock_wrap(mut q: Query<Write<Position>, With<Rock>>) {
    q.for_each_mut(|pos| {
        *pos.x = wrap(*pos.x);
        *pos.y = wrap(*pos.y);
    });
}

/// Counts, for each ship, the rocks overlapping it (circles) into `Ship::hits`.
pub fn ship_hits(
    mut ships: Query<(Read<Position>, Write<Ship>)>,
    rocks: Query<(Read<Position>, Read<Rock>)>,
) {
    ships.for_each_mut(|(at, ship)| {
        let (sx, sy, sr) = (at.x, at.y, *ship.radius);
        let mut hits = 0u32;
        rocks.for_each(|(pos, rock)| {
            let (dx, dy, reach) = (pos.x - sx, pos.y - sy, sr + rock.radius);
            hits += u32::from(dx * dx + dy * dy < reach * reach);
        });
        *ship.hits = hits;
    });
}

/// The body of every `spin_*` system: one small system's work.
fn spin(mut q: Query<Write<Spin>>, time: Res<Time>) {
    let dt = time.delta_f32();
    q.for_each_mut(|s| *s.angle += *s.rate * dt);
}

/// Exports every system of the library, with `spin` under each given name: a constant
/// function pointer per name, so the 1000 copies share one instance of the SDK's generic code
/// (one `fn` item each would compile it 1000 times: 20 s more per release build).
/// How many entities `churn` spawns per call (and despawns at the next): the commands suite's load.
pub const CHURN: u32 = 10_000;

/// Despawns every `Churn` entity and spawns CHURN new ones with a Position and a Velocity, through
/// `Commands`: the commands suite's frame, mirrored by a TypeScript system in bench/suites/commands.ts.
pub fn churn(mut commands: Commands, live: Query<Entity, With<Churn>>) {
    for id in live.iter() {
        commands.despawn(id);
    }
    for i in 0..CHURN {
        commands.spawn((
            Churn,
            Value::<Position> { x: i as f32, y: 0.0 },
            Value::<Velocity> { x: 1.0, y: -1.0 },
        ));
    }
}

macro_rules! many_spins {
    ($($name:ident),*) => {
        $(
            /// `spin` under its own name.
            #[allow(non_upper_case_globals)]
            pub const $name: fn(Query<Write<Spin>>, Res<Time>) = spin;
        )*

        hotloop_sdk::export! {
            systems: [noop, movement, ship_fly, rock_drift, rock_wrap, ship_hits, churn, $($name),*],
        }
    };
}

include!(concat!(env!("OUT_DIR"), "/spins.rs"));

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
