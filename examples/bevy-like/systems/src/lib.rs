//! The hot systems of the bevy-like example. Run `bun run dev --features reload`, change a
//! constant below, save: the running game picks it up within a frame, entities where they were.
use hotloop_sdk::prelude::*;

mod components;
use components::*;

/// Pixels per second the player moves at.
const SPEED: f32 = 220.0;
/// The player's colour, 0xRRGGBBAA.
const PLAYER_COLOR: u32 = 0x3c_b4_ff_ff;
/// The player's radius in pixels.
const PLAYER_RADIUS: f32 = 18.0;
/// Radians per second a coin spins at.
const COIN_SPIN: f32 = 4.0;
/// The arena the player is kept in (the window's size).
const ARENA: (f32, f32) = (800.0, 450.0);

/// Moves the player with the arrow keys or WASD at SPEED, diagonals normalised, inside the arena.
pub fn player_movement(
    mut players: Query<(Write<Position>, Write<Velocity>, Read<Appearance>), With<Player>>,
    input: Res<Input>,
    time: Res<Time>,
) {
    let axis = |neg: [Key; 2], pos: [Key; 2]| -> f32 {
        let down = |keys: [Key; 2]| keys.iter().any(|k| input.key_down(*k));
        (down(pos) as i32 - down(neg) as i32) as f32
    };
    let mut dir = (
        axis([Key::LEFT, Key::A], [Key::RIGHT, Key::D]),
        axis([Key::UP, Key::W], [Key::DOWN, Key::S]),
    );
    let len = (dir.0 * dir.0 + dir.1 * dir.1).sqrt();
    if len > 0.0 {
        dir = (dir.0 / len, dir.1 / len);
    }
    let dt = time.delta_f32();
    for (pos, vel, look) in players.iter_mut() {
        *vel.x = dir.0 * SPEED;
        *vel.y = dir.1 * SPEED;
        let r = look.radius;
        *pos.x = (*pos.x + *vel.x * dt).clamp(r, ARENA.0 - r);
        *pos.y = (*pos.y + *vel.y * dt).clamp(r, ARENA.1 - r);
    }
}

/// Sets how the player looks: edit PLAYER_COLOR or PLAYER_RADIUS and save.
pub fn player_style(mut players: Query<Write<Appearance>, With<Player>>) {
    for look in players.iter_mut() {
        *look.color = PLAYER_COLOR;
        *look.radius = PLAYER_RADIUS;
    }
}

/// Points for one coin: edit it while `bun run dev --features reload` runs.
const POINTS_PER_COIN: u32 = 1;

/// Collects the coins the player touches: despawns each (Commands, applied right after this
/// system), scores it (ResMut<Score>, the resource the HUD reads) and says where (CoinCollected,
/// which TypeScript's respawn_coins answers with a new coin).
pub fn collect_coins(
    mut commands: Commands,
    mut score: ResMut<Score>,
    mut collected: EventWriter<CoinCollected>,
    players: Query<(Read<Position>, Read<Appearance>), With<Player>>,
    coins: Query<(Entity, Read<Position>, Read<Appearance>), With<Coin>>,
) {
    for (player, reach) in players.iter() {
        for (coin, at, look) in coins.iter() {
            let (dx, dy) = (at.x - player.x, at.y - player.y);
            let r = reach.radius + look.radius;
            if dx * dx + dy * dy <= r * r {
                commands.despawn(coin);
                score.value += POINTS_PER_COIN;
                collected.send(CoinCollected { x: at.x, y: at.y });
            }
        }
    }
}

/// Spins the coins.
pub fn coin_spin(mut coins: Query<Write<Coin>>, time: Res<Time>) {
    let step = COIN_SPIN * time.delta_f32();
    for coin in coins.iter_mut() {
        *coin.phase = (*coin.phase + step) % std::f32::consts::TAU;
    }
}

hotloop_sdk::export! {
    // Placed here: the coins spin in FixedUpdate, after the player moved. Add a system to a list
    // (or a new schedule) and save: it runs from the next frame; take it out and it stops.
    FixedUpdate: [coin_spin.after("player_movement"), collect_coins],
    // Placed by TypeScript (src/gameplay.ts adds hotSystem("player_movement") and its ordering).
    systems: [player_movement, player_style],
}
