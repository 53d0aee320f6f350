import { dlopen, FFIType } from "bun:ffi";

/**
 * The few libc functions the hot path calls directly through bun:ffi: inotify (Linux), `read` and
 * `close` for its descriptor, and `strnlen` to measure a library's manifest in one call. Opened on
 * first use; undefined where there is no glibc or musl to open (macOS, Windows), and callers then
 * take their portable path.
 */
const SYMBOLS = {
  inotify_init1: { args: [FFIType.i32], returns: FFIType.i32 },
  inotify_add_watch: { args: [FFIType.i32, FFIType.ptr, FFIType.u32], returns: FFIType.i32 },
  read: { args: [FFIType.i32, FFIType.ptr, FFIType.u64], returns: FFIType.i64 },
  close: { args: [FFIType.i32], returns: FFIType.i32 },
  strnlen: { args: [FFIType.ptr, FFIType.u64], returns: FFIType.u64 },
} as const;

export type Libc = ReturnType<typeof dlopen<typeof SYMBOLS>>["symbols"];

/** Where glibc and musl keep libc on x86-64 and arm64 Linux. */
const CANDIDATES = ["libc.so.6", "libc.musl-x86_64.so.1", "libc.musl-aarch64.so.1"];

let opened: Libc | null | undefined;

/** libc's functions, or undefined when this is not Linux or no libc could be opened. */
export function libc(): Libc | undefined {
  if (opened !== undefined) return opened ?? undefined;
  opened = null;
  if (process.platform !== "linux") return undefined;
  for (const name of CANDIDATES) {
    try {
      // Never closed: libc stays mapped for the life of the process anyway.
      opened = dlopen(name, SYMBOLS).symbols;
      break;
    } catch {
      // Not this one: try the next name.
    }
  }
  return opened ?? undefined;
}
