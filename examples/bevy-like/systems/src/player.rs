//! The player: how it moves and how it looks.
use hotloop_sdk::prelude::*;

// The components crate (systems/components), generated from src/components.ts by `hotloop codegen`.
use components::*;

/// Pixels per second the player moves at.
const SPEED: f32 = 220.0;
/// The player's colour, 0xRRGGBBAA.
const PLAYER_COLOR: u32 = 0x3c_b4_ff_ff;
/// The player's radius in pixels.
const PLAYER_RADIUS: f32 = 18.0;
/// The world the player is kept in (src/gameplay.ts's ARENA; the camera shows a window of it).
const ARENA: (f32, f32) = (1600.0, 900.0);

/// Moves the player at SPEED with the arrow keys or WASD, else gamepad 0's d-pad or left stick
/// (a stick leaning halfway moves at half speed), diagonals normalised, inside the arena.
pub fn player_movement(
    mut players: Query<(Write<Position>, Write<Velocity>, Read<Appearance>), With<Player>>,
    input: Res<Input>,
    time: Res<Time>,
) {
    let axis = |neg: [Key; 2], pos: [Key; 2], pad: [GamepadButton; 2], stick: GamepadAxis| -> f32 {
        let down = |keys: [Key; 2]| keys.iter().any(|k| input.key_down(*k));
        let keys = (down(pos) as i32 - down(neg) as i32) as f32;
        let dpad =
            (input.gamepad_down(0, pad[1]) as i32 - input.gamepad_down(0, pad[0]) as i32) as f32;
        let lean = input.gamepad_axis(0, stick);
        if keys != 0.0 {
            keys
        } else if dpad != 0.0 {
            dpad
        } else if lean.abs() >= hotloop_sdk::STICK_DEAD_ZONE {
            lean.clamp(-1.0, 1.0)
        } else {
            0.0
        }
    };
    let mut dir = (
        axis(
            [Key::LEFT, Key::A],
            [Key::RIGHT, Key::D],
            [
                GamepadButton::LEFT_FACE_LEFT,
                GamepadButton::LEFT_FACE_RIGHT,
            ],
            GamepadAxis::LEFT_X,
        ),
        axis(
            [Key::UP, Key::W],
            [Key::DOWN, Key::S],
            [GamepadButton::LEFT_FACE_UP, GamepadButton::LEFT_FACE_DOWN],
            GamepadAxis::LEFT_Y,
        ),
    );
    let len = (dir.0 * dir.0 + dir.1 * dir.1).sqrt();
    if len > 1.0 {
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
