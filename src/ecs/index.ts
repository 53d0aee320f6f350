/**
 * hotloop's ECS: bitecs worlds with components stored as native-ready SoA columns.
 * Knows nothing of the App (src/core) or of hot systems (src/hot).
 */
export * from "./field.ts";
export * from "./layout.ts";
export * from "./native-buffer.ts";
export * from "./component.ts";
export * from "./registry.ts";
export * from "./world.ts";
export * from "./query.ts";
export * from "./presence.ts";
export * from "./migrate.ts";
export * from "./migrate-resource.ts";
export * from "./struct-layout.ts";
export * from "./resource.ts";
export * from "./event.ts";
export * from "./snapshot.ts";
