/**
 * hotloop's rendering: raylib through bun:ffi (bindings, the C shim, the build) and the
 * RaylibPlugin that puts a window, input and the Render schedule on an App.
 */
export * from "./raylib.ts";
export * from "./plugin.ts";
export * from "./textures.ts";
export * from "./fonts.ts";
export * from "./audio.ts";
export {
  RAYLIB_SYS_VERSION,
  RAYLIB_VERSION,
  RaylibSetupError,
  raylibBuildProblem,
  type RaylibBuildProblem,
} from "./build-raylib.ts";
export { cacheRoot, raylibCacheDir } from "./cache.ts";
