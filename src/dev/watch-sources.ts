import { watch } from "chokidar";
import { resolve } from "node:path";

/** Options of {@link rebuildOnSave}. */
export interface RebuildOnSaveOptions {
  /** Directories and files to watch (a crate's directory, components modules). */
  readonly paths: readonly string[];
  /** Which changed files count, by absolute path (default: `.rs` files and `Cargo.toml`). */
  readonly isSource?: (path: string) => boolean;
  /**
   * Runs one build (and reports it) for the files saved since the last one; called again if
   * sources change while it runs, so the last save is always built.
   */
  readonly build: (changed: readonly string[]) => Promise<unknown>;
  /** Quiet time after the last save before building, in ms (default 30: editors write in bursts). */
  readonly debounceMs?: number;
}

/** A running source watcher. */
export interface SourceWatcher {
  /** Resolves once the watcher is watching. */
  ready(): Promise<void>;
  close(): Promise<void>;
}

const RUST_SOURCE = /\.rs$|(^|\/)Cargo\.toml$/;
/** Build outputs, dependencies and editors' scratch files: never sources. */
const IGNORED = /(^|\/)(target|node_modules|\.git|\.hotloop)(\/|$)|\.(swp|swx|tmp)$|~$|(^|\/)\.#/;

/**
 * The dev runner's edit loop: watches the sources and after a save runs `build` — one build at
 * a time, and one more if files changed while it ran. The game keeps running throughout; the
 * reloader picks up each good build.
 */
export function rebuildOnSave(options: RebuildOnSaveOptions): SourceWatcher {
  const isSource = options.isSource ?? ((path: string) => RUST_SOURCE.test(path));
  let building = false;
  let changed = new Set<string>();
  let timer: ReturnType<typeof setTimeout> | undefined;
  let closed = false;
  const rebuild = async (): Promise<void> => {
    if (building) return; // the loop below picks the new changes up
    building = true;
    try {
      while (changed.size > 0 && !closed) {
        const batch = [...changed];
        changed = new Set();
        await options.build(batch);
      }
    } catch (e) {
      // A build that could not even start (its directory removed, cargo gone): said, never thrown into the game loop.
      console.error(`hotloop: could not build: ${(e as Error).message}`);
    } finally {
      building = false;
    }
  };
  const sources = watch([...options.paths], { ignoreInitial: true, ignored: (path: string) => IGNORED.test(path) });
  const ready = new Promise<void>((done) => sources.once("ready", () => done()));
  sources.on("all", (_event, raw) => {
    const path = resolve(raw);
    if (!isSource(path)) return;
    changed.add(path);
    clearTimeout(timer);
    timer = setTimeout(() => void rebuild(), options.debounceMs ?? 30);
  });
  return {
    ready: () => ready,
    close: async () => {
      closed = true;
      clearTimeout(timer);
      await sources.close();
    },
  };
}
