/** The options of a {@link HotReloader} and the defaults they take. */
import type { LogFormat, Reporter } from "../report.ts";
import type { HotReloader } from "../reloader.ts";

/** Options of a {@link HotReloader}. */
export interface ReloaderOptions {
  /** The library cargo builds, e.g. `systems/target/debug/libgame.so`. */
  readonly library: string;
  /** Watch and swap (cargo feature `reload`). Off: loaded once from its build path, no copy, no watcher. */
  readonly reload: boolean;
  /** `auto` swaps each good build; `manual` waits for {@link HotReloader.requestReload}. */
  readonly mode?: "auto" | "manual";
  /** Quiet time after the last file event before loading, in ms (default 5: completeness is checked separately). */
  readonly debounceMs?: number;
  /** Bytes of host memory handed to load hooks; it outlives every library (default 64 KiB). */
  readonly hostMemoryBytes?: number;
  /** How many times an incomplete or unloadable image is retried before it is reported (default 4). */
  readonly retries?: number;
  /** Delay between retries in ms (default 40). */
  readonly retryDelayMs?: number;
  /**
   * Frames a build just swapped in stays on probation (default 60, about a second): its systems'
   * written rows are saved before each call and put back if the call panics. 0 turns it off.
   */
  readonly probationFrames?: number;
  /**
   * Budget of one frame inside a hot system, in ms, before the watchdog (a thread of its own)
   * names the system and stops it at its next use of a query or resource. Default 1000 with
   * `reload`, off (0) without: the watchdog costs two stores a call.
   */
  readonly watchdogMs?: number;
  /** How the watchdog's own lines are printed (it writes straight to stderr while the game is stuck). */
  readonly logFormat?: LogFormat;
  /** Where events go (default: readable lines on stderr). */
  readonly reporter?: Reporter;
  /**
   * Size of the command queue hot systems write with `Commands`, in 8-byte words (default 2^20,
   * 8 MiB: about 100k spawns of two components in one system call). A call that writes more
   * panics with one line saying so, and none of its commands apply.
   */
  readonly commandWords?: number;
}

/** The options the reloader's rooms read, every default filled in. */
export type ResolvedOptions = Required<Omit<ReloaderOptions, "reporter" | "logFormat" | "commandWords">>;

/** Fills in the defaults. */
export function resolveOptions(options: ReloaderOptions): ResolvedOptions {
  return {
    library: options.library,
    reload: options.reload,
    mode: options.mode ?? "auto",
    debounceMs: options.debounceMs ?? 5,
    hostMemoryBytes: options.hostMemoryBytes ?? 64 * 1024,
    retries: options.retries ?? 4,
    retryDelayMs: options.retryDelayMs ?? 40,
    probationFrames: options.probationFrames ?? 60,
    watchdogMs: options.watchdogMs ?? (options.reload ? 1000 : 0),
  };
}
