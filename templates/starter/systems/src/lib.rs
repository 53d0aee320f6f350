//! The game's hot systems. While `bun run dev --features reload` runs, change a constant or a
//! body below and save: the running game takes it within a frame, every entity where it was.
//!
//! As the game grows, give each part of it a module of its own (`mod player;` in src/player.rs,
//! `mod enemies;`, …) and `pub use` its systems here for `export!`: rustc compiles each module as
//! a unit, so a save optimises again only the module it touched, and the rebuild stays short.
use hotloop_sdk::prelude::*;

// The components crate (systems/components), generated from src/components.ts by `hotloop codegen`.
use components::*;

/// Pixels per second the player moves at.
const SPEED: f32 = 240.0;

/// Moves the player with the arrow keys or WASD, diagonals as fast as straight lines.
pub fn player_movement(
    mut players: Query<(Write<Position>, Write<Velocity>), With<Player>>,
    input: Res<Input>,
    time: Res<Time>,
) {
    let x = (input.axis(Key::LEFT, Key::RIGHT) + input.axis(Key::A, Key::D)).clamp(-1.0, 1.0);
    let y = (input.axis(Key::UP, Key::DOWN) + input.axis(Key::W, Key::S)).clamp(-1.0, 1.0);
    let len = (x * x + y * y).sqrt().max(1.0);
    let dt = time.delta_f32();
    for (pos, vel) in players.iter_mut() {
        *vel.x = x / len * SPEED;
        *vel.y = y / len * SPEED;
        *pos.x += *vel.x * dt;
        *pos.y += *vel.y * dt;
    }
}

/// Seconds between two sparks of the moving player's trail.
const SPARK_EVERY: f32 = 0.05;
/// Seconds a spark lives.
const SPARK_LIFE: f32 = 0.6;

/// Leaves a trail behind the moving player: spawns a Spark where it is every SPARK_EVERY seconds
/// and despawns sparks whose life ran out. `Commands` apply right after the system returns; the
/// `Local` timer is kept by the host, so it survives every reload.
pub fn spark_trail(
    mut commands: Commands,
    mut since_last: Local<f32>,
    players: Query<(Read<Position>, Read<Velocity>), With<Player>>,
    mut sparks: Query<(Entity, Write<Spark>)>,
    time: Res<Time>,
) {
    let dt = time.delta_f32();
    for (id, spark) in sparks.iter_mut() {
        *spark.life -= dt;
        if *spark.life <= 0.0 {
            commands.despawn(id);
        }
    }
    *since_last += dt;
    if *since_last < SPARK_EVERY {
        return;
    }
    *since_last = 0.0;
    for (pos, vel) in players.iter() {
        if vel.x != 0.0 || vel.y != 0.0 {
            commands.spawn((Value::<Spark> { life: SPARK_LIFE }, Value::<Position> { x: pos.x, y: pos.y }));
        }
    }
}

hotloop_sdk::export! {
    // Placed by the library: each schedule's list runs in order (`.after("name")` /
    // `.before("name")` against any system, TypeScript ones too). Add a system to a list and save:
    // it runs from the next frame; take it out and it stops. `OnEnter(GameState::Paused): [...]`
    // runs systems when the state changes.
    FixedUpdate: [spark_trail.after("player_movement").run_if(in_state(GameState::Playing))],
    // Placed by the app: src/game.ts adds hotSystem("player_movement") to FixedUpdate.
    systems: [player_movement],
}
