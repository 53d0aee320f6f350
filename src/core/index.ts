/**
 * hotloop's core: the App builder, schedules, the fixed-timestep loop, resources, time and input.
 * Depends on src/ecs only; hot systems (src/hot) and rendering (src/render) plug into it.
 */
export * from "./app.ts";
export * from "./camera.ts";
export * from "./rng.ts";
export * from "./clock.ts";
export * from "./input.ts";
export * from "./plugin.ts";
export * from "./resources.ts";
export * from "./schedule.ts";
export * from "./schedule-label.ts";
export * from "./states.ts";
export * from "./system.ts";
export * from "./time.ts";
export * from "./scripted-input.ts";
export * from "./snapshot.ts";
export * from "./timeline.ts";
export * from "./headless.ts";
export * from "./assets.ts";
export * from "./draw-list.ts";
export * from "./audio-list.ts";
export * from "./determinism.ts";
