/** The benchmark crate's components (systems-rs/bench-systems); `hotloop codegen` (bun run codegen) writes their Rust views. */
import { defineComponent, defineTag } from "../src/ecs/index.ts";

export const Position = defineComponent("Position", { x: "f32", y: "f32" });
export const Velocity = defineComponent("Velocity", { x: "f32", y: "f32" });
/** The scene suite's asteroids: a rock's size (it drifts with Position and Velocity). */
export const Rock = defineComponent("Rock", { radius: "f32" });
/** The scene suite's ship: its size and how many rocks overlap it this frame. */
export const Ship = defineComponent("Ship", { radius: "f32", hits: "u32" });
/** What the scene suite's many small systems turn: an angle by a rate. */
export const Spin = defineComponent("Spin", { angle: "f32", rate: "f32" });
/** The commands suite's entities, spawned and despawned every frame. */
export const Churn = defineTag("Churn");
