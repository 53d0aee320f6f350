import { watch, type FSWatcher } from "chokidar";
import { basename, dirname, resolve } from "node:path";
import { fileSignature as signature } from "./staging.ts";

/**
 * How long after a burst settles the file is looked at once more. chokidar throttles events per
 * path (replacements under ~50 ms apart are coalesced and the last one can be lost), so without
 * this the final build of a burst could go unnoticed and the last version would not win.
 */
const TRAILING_CHECK_MS = 100;

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
 * follows its directory and filters by name; a burst of writes is debounced into one `settled`,
 * and a trailing check catches a final write whose event chokidar swallowed.
 */
export class LibraryWatcher {
  readonly #watcher: FSWatcher;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #trailing: ReturnType<typeof setTimeout> | undefined;
  #settledAs = "";
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
      clearTimeout(this.#trailing);
      this.#timer = setTimeout(settle, debounceMs);
    };
    const settle = (): void => {
      this.#inBurst = false;
      this.#settledAs = signature(target);
      handlers.settled();
      this.#trailing = setTimeout(() => {
        if (signature(target) === this.#settledAs) return;
        handlers.first();
        settle();
      }, TRAILING_CHECK_MS);
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
    clearTimeout(this.#trailing);
    void this.#watcher.close();
  }
}
