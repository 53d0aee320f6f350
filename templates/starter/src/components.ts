/**
 * The game's components: the one source of truth. `hotloop codegen` (which `hotloop dev` and
 * `hotloop build` run) writes their Rust views to systems/components/src/lib.rs.
 */
import { defineComponent, defineState, defineTag } from "hotloop";

/** Where an entity is, in pixels. */
export const Position = defineComponent("Position", { x: "f32", y: "f32" });
/** Pixels per second, set by the hot player_movement. */
export const Velocity = defineComponent("Velocity", { x: "f32", y: "f32" });
/** The entity the keyboard moves. */
export const Player = defineTag("Player");
/**
 * Whether the game runs or waits: P or Escape toggles it (src/game.ts). Rust reads it too:
 * systems/src/lib.rs declares the same enum (`hotloop_sdk::state!`), checked at load.
 */
export const GameState = defineState("GameState", ["Playing", "Paused"]);
/** A spark of the player's trail: seconds left to live (spawned and despawned by the hot spark_trail). */
export const Spark = defineComponent("Spark", { life: "f32" });
