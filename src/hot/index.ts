/**
 * Hot systems: Rust functions in a cdylib, loaded through bun:ffi, watched, validated and swapped
 * between frames. Plugs into src/core through HotPlugin and hotSystem().
 *
 * The path of a reload: watcher.ts (inotify.ts read at each frame boundary, chokidar between
 * frames; a debounce only for a file rewritten in place) → reloader/stager.ts (read, hash, elf.ts
 * check, shadow copy, library.ts dlopen + manifest.ts validation: a staged build) →
 * reloader/transaction.ts (at the frame boundary: observers, hooks, slots retargeted, in the
 * phases of SWAP_PHASES) → slots.ts (the call slots) and hot-run.ts (one crossing for a run of
 * consecutive hot systems). reloader.ts is the front over these rooms.
 */
export * from "./call-context.ts";
export * from "./elf.ts";
export * from "./hot-system.ts";
export * from "./library.ts";
export * from "./manifest.ts";
export * from "./maps.ts";
export * from "./plugin.ts";
export * from "./reloader.ts";
export * from "./slots.ts";
export * from "./plan.ts";
export * from "./staging.ts";
export * from "./report.ts";
export * from "./shadow-dir.ts";
export * from "./watcher.ts";
export * from "./inspect.ts";
