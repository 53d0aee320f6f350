/**
 * hotloop's rendering: raylib through bun:ffi (bindings, the C shim, the build) and the
 * RaylibPlugin that puts a window, input and the Render schedule on an App.
 */
export * from "./raylib.ts";
export * from "./plugin.ts";
export { RAYLIB_SYS_VERSION, RAYLIB_VERSION, RaylibSetupError } from "./build-raylib.ts";
