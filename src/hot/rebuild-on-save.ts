import { watch } from "chokidar";
import { relative } from "node:path";

/** Options of {@link rebuildOnSave}. */
export interface RebuildOnSaveOptions {
  /** The crate or workspace directory to watch (its `target/` is ignored). */
  readonly dir: string;
  /** Runs one build (and reports it); called again if sources change while it runs. */
  readonly build: () => Promise<unknown>;
  /** Quiet time after the last save before building, in ms (default 30: editors write in bursts). */
  readonly debounceMs?: number;
}

/** A running source watcher. */
export interface SourceWatcher {
  /** Resolves once the watcher is watching. */
  ready(): Promise<void>;
  close(): Promise<void>;
}

/**
 * The dev runner's edit loop: watches a crate's `.rs` files and `Cargo.toml`, and after a save
 * runs `build` — one build at a time, and one more if files changed while it ran, so the last
 * save is always built. The game keeps running throughout; the reloader picks up each good build.
 */
export function rebuildOnSave(options: RebuildOnSaveOptions): SourceWatcher {
  let building = false;
  let again = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const rebuild = async (): Promise<void> => {
    if (building) {
      again = true;
      return;
    }
    building = true;
    try {
      do {
        again = false;
        await options.build();
      } while (again);
    } finally {
      building = false;
    }
  };
  const sources = watch(options.dir, {
    ignoreInitial: true,
    ignored: (path: string) => /(^|\/)target(\/|$)/.test(relative(options.dir, path)) || /\.(swp|tmp)$|~$/.test(path),
  });
  const ready = new Promise<void>((done) => sources.once("ready", () => done()));
  sources.on("all", (_event, path) => {
    if (!/\.rs$|Cargo\.toml$/.test(path)) return;
    clearTimeout(timer);
    timer = setTimeout(() => void rebuild(), options.debounceMs ?? 30);
  });
  return {
    ready: () => ready,
    close: async () => {
      clearTimeout(timer);
      await sources.close();
    },
  };
}
