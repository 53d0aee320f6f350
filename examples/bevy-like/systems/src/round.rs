//! The rounds: a state shared with TypeScript, a round started on entering Playing and timed.
use hotloop_sdk::prelude::*;

// The components crate (systems/components), generated from src/components.ts by `hotloop codegen`.
use components::*;

/// Seconds a round lasts: edit it while `bun run dev --features reload` runs; the next round takes it.
const ROUND_SECONDS: f32 = 30.0;

/// On entering Playing (`OnEnter(GameState::Playing)`): a new round, no score, a full clock.
pub fn start_round(mut score: ResMut<Score>, mut round: ResMut<Round>) {
    score.value = 0;
    round.seconds_left = ROUND_SECONDS;
}

/// Counts the round down while Playing (`run_if(in_state(GameState::Playing))`) and ends it at
/// zero: the request is applied at the next frame's StateTransition.
pub fn round_clock(
    mut round: ResMut<Round>,
    mut next: ResMut<NextState<GameState>>,
    time: Res<Time>,
) {
    round.seconds_left = (round.seconds_left - time.delta_f32()).max(0.0);
    if round.seconds_left <= 0.0 {
        next.set(GameState::GameOver);
    }
}
