//! The hot systems of the bevy-like example. Run `bun run dev --features reload`, change a
//! constant in player.rs or coins.rs, save: the running game picks it up within a frame, entities
//! where they were.
//!
//! A module per part of the game is also what keeps a rebuild short: rustc compiles each module
//! as a unit of its own, so saving player.rs optimises and links player.rs's code again, not the
//! coins' (hotloop's bench/README.md, "Where edit → running goes").
mod coins;
mod player;

pub use coins::{coin_spin, collect_coins};
pub use player::{player_movement, player_style};

hotloop_sdk::export! {
    // Placed here: the coins spin in FixedUpdate, after the player moved. Add a system to a list
    // (or a new schedule) and save: it runs from the next frame; take it out and it stops.
    FixedUpdate: [coin_spin.after("player_movement"), collect_coins],
    // Placed by TypeScript (src/gameplay.ts adds hotSystem("player_movement") and its ordering).
    systems: [player_movement, player_style],
}
