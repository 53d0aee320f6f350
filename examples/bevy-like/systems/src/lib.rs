//! The hot systems of the bevy-like example. Run `bun run dev --features reload`, change a
//! constant in player.rs or coins.rs, save: the running game picks it up within a frame, entities
//! where they were.
//!
//! A module per part of the game is also what keeps a rebuild short: rustc compiles each module
//! as a unit of its own, so saving player.rs optimises and links player.rs's code again, not the
//! coins' (hotloop's bench/README.md, "Where edit → running goes").
mod camera;
mod coins;
mod player;
mod round;

use hotloop_sdk::prelude::in_state;
// The state, generated with the components from src/components.ts's defineState.
use components::GameState;

pub use camera::{camera_follow, draw_coins};
pub use coins::{coin_spin, collect_coins};
pub use player::{player_movement, player_style};
pub use round::{round_clock, start_round};

hotloop_sdk::export! {
    // Placed here: the coins spin in FixedUpdate, after the player moved; they are collected and
    // the round's clock runs only while Playing. Add a system to a list (or a new schedule) and
    // save: it runs from the next frame; take it out and it stops.
    FixedUpdate: [
        coin_spin.after("player_movement"),
        collect_coins.run_if(in_state(GameState::Playing)),
        round_clock.run_if(in_state(GameState::Playing)),
    ],
    // Once a frame, after the fixed steps: the camera follows where the player is drawn, and the
    // coins are drawn into the draw list (the world's records, under the camera).
    Update: [camera_follow],
    Render: [draw_coins],
    // Runs each time a round starts (the state's transitions are the App's schedules too).
    OnEnter(GameState::Playing): [start_round],
    // Placed by TypeScript (src/gameplay.ts adds hotSystem("player_movement") and its ordering).
    systems: [player_movement, player_style],
}
