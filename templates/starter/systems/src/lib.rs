//! The game's hot systems. While `bun run dev --features reload` runs, change a constant or a
//! body below and save: the running game takes it within a frame, every entity where it was.
use hotloop_sdk::prelude::*;

mod components; // generated from src/components.ts by `hotloop codegen`
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

hotloop_sdk::export! {
    // Placed by the app: src/game.ts adds hotSystem("player_movement") to FixedUpdate.
    systems: [player_movement],
    // Placed by the library: list a new system in a schedule (in run order, `.after("name")` /
    // `.before("name")` against any system, TypeScript ones too) and save; it runs from the next
    // frame, and taking it out stops it. For example:
    //     FixedUpdate: [my_system.after("player_movement")],
}
