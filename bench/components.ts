/** The benchmark crate's components (systems-rs/bench-systems); `hotloop codegen` (bun run codegen) writes their Rust views. */
import { defineComponent } from "../src/ecs/index.ts";

export const Position = defineComponent("Position", { x: "f32", y: "f32" });
export const Velocity = defineComponent("Velocity", { x: "f32", y: "f32" });
