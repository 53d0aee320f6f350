/** hotloop: a Bun-first game-loop framework with an ECS and hot Rust systems. */
export * from "./ecs/index.ts";
export * from "./core/index.ts";
export * from "./hot/index.ts";
