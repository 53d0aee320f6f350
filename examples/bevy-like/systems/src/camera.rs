//! The camera: it follows the player through a world larger than the window, and draws the coins.
use hotloop_sdk::prelude::*;

// The components crate (systems/components), generated from src/components.ts by `hotloop codegen`.
use components::*;

/// The world the player moves in (src/gameplay.ts's ARENA), larger than the window.
const WORLD: (f32, f32) = (1600.0, 900.0);
/// The window (src/gameplay.ts's VIEW): the camera keeps the player at its centre.
const VIEW: (f32, f32) = (800.0, 450.0);
/// How much of the way to the player the camera closes each frame: 1 is locked on, lower lags.
const FOLLOW: f32 = 0.2;

/// Points the camera at the player (where the renderer draws it: between the last two fixed steps,
/// by the overstep), easing in, and stops at the world's edges so nothing outside it shows.
pub fn camera_follow(
    mut camera: ResMut<Camera2D>,
    players: Query<(Read<Position>, Read<PrevPosition>), With<Player>>,
    time: Res<Time>,
) {
    let t = time.overstep() as f32;
    for (pos, prev) in players.iter() {
        let seen = Vector2::new(prev.x + (pos.x - prev.x) * t, prev.y + (pos.y - prev.y) * t);
        let half = (VIEW.0 / 2.0, VIEW.1 / 2.0);
        let want = Vector2::new(
            seen.x.clamp(half.0, WORLD.0 - half.0),
            seen.y.clamp(half.1, WORLD.1 - half.1),
        );
        // The first frame (the camera at the origin) jumps; later ones ease.
        let ease = if camera.target.x == 0.0 && camera.target.y == 0.0 {
            1.0
        } else {
            FOLLOW
        };
        camera.offset = Vector2::new(half.0, half.1);
        camera.target = Vector2::new(
            camera.target.x + (want.x - camera.target.x) * ease,
            camera.target.y + (want.y - camera.target.y) * ease,
        );
    }
}

/// The coin's sprite sheet (assets/sprites/coin.png, loaded by src/render.ts): 8 frames of 32×32.
const COIN_SHEET: Texture = Texture::named("coin");
const COIN_FRAMES: u32 = 8;
const COIN_FRAME: f32 = 32.0;

/// Draws each coin as the frame of its spin (its phase, advanced by coin_spin) in the world.
pub fn draw_coins(
    mut draw: DrawList,
    coins: Query<(
        Read<Position>,
        Read<PrevPosition>,
        Read<Coin>,
        Read<Appearance>,
    )>,
    time: Res<Time>,
) {
    let t = time.overstep() as f32;
    for (pos, prev, coin, look) in coins.iter() {
        let x = prev.x + (pos.x - prev.x) * t;
        let y = prev.y + (pos.y - prev.y) * t;
        // A half turn shows every frame once (the sheet draws one side of the coin).
        let turn = (coin.phase / std::f32::consts::PI).fract();
        let frame = ((turn * COIN_FRAMES as f32) as u32).min(COIN_FRAMES - 1);
        let size = look.radius * 2.4;
        draw.sprite_pro(
            COIN_SHEET,
            Rectangle::new(frame as f32 * COIN_FRAME, 0.0, COIN_FRAME, COIN_FRAME),
            Rectangle::new(x, y, size, size),
            Vector2::new(size / 2.0, size / 2.0),
            0.0,
            Color::WHITE,
        );
    }
}
