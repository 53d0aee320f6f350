/**
 * The example's components, resources and events: the one source of truth. `hotloop codegen`
 * (which `hotloop dev` runs before each build) writes their Rust views to
 * examples/bevy-like/systems/components/src/lib.rs (a crate of its own: saving a system does not
 * expand the component macros again).
 */
import { defineComponent, defineEvent, defineResource, defineState, defineTag } from "hotloop";

/** Where an entity is, in arena pixels. */
export const Position = defineComponent("Position", { x: "f32", y: "f32" });
/** Where it was at the previous fixed step: the renderer interpolates between the two. */
export const PrevPosition = defineComponent("PrevPosition", { x: "f32", y: "f32" });
/** Pixels per second, set by player_movement. */
export const Velocity = defineComponent("Velocity", { x: "f32", y: "f32" });
/** How an entity is drawn: a packed RGBA colour and a radius; the hot player_style sets the player's. */
export const Appearance = defineComponent("Appearance", { color: "u32", radius: "f32" });
/** A coin's animation phase in radians, advanced by the hot coin_spin. */
export const Coin = defineComponent("Coin", { phase: "f32" });
/** The entity the keyboard moves. */
export const Player = defineTag("Player");

/** The score: coins collected. Rust's collect_coins adds to it (ResMut<Score>), the HUD reads it. */
export const Score = defineResource("Score", { value: "u32" });
/**
 * Where the game is: the title, a round, its end. A key starts a round from the Menu
 * (src/gameplay.ts); Rust's start_round runs on entering Playing, its round_clock ends the round,
 * and collect_coins scores only while Playing. systems/src/round.rs declares the same enum for
 * Rust (`hotloop_sdk::state!`): the host checks that both list these variants when it loads.
 */
export const GameState = defineState("GameState", ["Menu", "Playing", "GameOver"]);
/** Seconds left in the round: Rust's start_round sets it, round_clock counts it down. */
export const Round = defineResource("Round", { seconds_left: "f32" });
/** Sent by Rust's collect_coins where a coin was taken; TypeScript's respawn_coins answers it. */
export const CoinCollected = defineEvent("CoinCollected", { x: "f32", y: "f32" });

/** Every component of the example, for `app.registerComponents(...)`. */
export const components = [Position, PrevPosition, Velocity, Appearance, Coin, Player];
