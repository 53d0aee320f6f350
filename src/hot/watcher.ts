import { watch, type FSWatcher } from "chokidar";
import { basename, dirname, resolve } from "node:path";

/** What the watcher tells its owner. */
export interface WatchHandlers {
  /** The first event of a burst (when the change was detected). */
  first(): void;
  /** The file was added or changed and has then been quiet for the debounce time. */
  settled(): void;
  /** The file was deleted. */
  removed(): void;
}

/**
 * Watches one library file with chokidar. Cargo replaces the file (a new inode), so the watcher
 * follows its directory and filters by name; a burst of writes is debounced into one `settled`.
 */
export class LibraryWatcher {
  readonly #watcher: FSWatcher;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #inBurst = false;
  readonly #ready: Promise<void>;

  constructor(file: string, debounceMs: number, handlers: WatchHandlers) {
    const target = resolve(file);
    const name = basename(target);
    this.#watcher = watch(dirname(target), {
      ignoreInitial: true,
      depth: 0,
      ignored: (path: string) => path !== target && path !== dirname(target) && basename(path) !== name,
    });
    this.#ready = new Promise((done) => this.#watcher.once("ready", () => done()));
    const changed = (path: string): void => {
      if (resolve(path) !== target) return;
      if (!this.#inBurst) {
        this.#inBurst = true;
        handlers.first();
      }
      clearTimeout(this.#timer);
      this.#timer = setTimeout(() => {
        this.#inBurst = false;
        handlers.settled();
      }, debounceMs);
    };
    this.#watcher.on("add", changed).on("change", changed);
    this.#watcher.on("unlink", (path) => {
      if (resolve(path) === target) handlers.removed();
    });
  }

  /** Resolves once chokidar has started watching (events before it would be missed). */
  ready(): Promise<void> {
    return this.#ready;
  }

  close(): void {
    clearTimeout(this.#timer);
    void this.#watcher.close();
  }
}
