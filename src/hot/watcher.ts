import { watch, type FSWatcher } from "chokidar";
import { basename, dirname, resolve } from "node:path";
import { DirectoryNotifier } from "./inotify.ts";
import { fileSignature as signature } from "./staging.ts";

/**
 * How long after a burst goes quiet the file is looked at once more. chokidar throttles events per
 * path (replacements under ~50 ms apart are coalesced and the last one can be lost), so without
 * this the final build of a burst could go unnoticed and the last version would not win.
 */
const TRAILING_CHECK_MS = 100;

/** How often a missing library is looked for (after `cargo clean` its whole directory is gone, and with it chokidar's watch). */
const MISSING_POLL_MS = 100;

/**
 * How often the file is looked at anyway, as a safety net under chokidar: an event it dropped (it
 * stops following a file it was not allowed to read, for one) is caught this late at worst.
 */
const SAFETY_POLL_MS = 250;

/** What the watcher tells its owner. */
export interface WatchHandlers {
  /** The first event of a burst (when the change was detected). */
  first(): void;
  /** The file was added or changed and has then been quiet for the debounce time. */
  quiet(): void;
  /** The file was deleted. */
  removed(): void;
}

/**
 * Watches one library file with chokidar. Cargo replaces the file (a new inode), so the watcher
 * follows its directory and filters by name; a burst of writes is debounced into one `quiet`,
 * and a trailing check catches a final write whose event chokidar swallowed. Once the file is
 * gone (deleted, or `cargo clean` took its directory), it is looked for until it is back, with a
 * new directory watch if the old directory went away.
 *
 * On Linux the owner may also `poll()` at each frame boundary: an inotify queue read without
 * blocking, which sees a build renamed into place at the first boundary after it, where chokidar's
 * event (from Bun's watcher thread) comes a millisecond or more later while frames run back to
 * back. Both paths lead to the same `#changed`; whichever comes second finds nothing new.
 */
export class LibraryWatcher {
  readonly #target: string;
  readonly #debounceMs: number;
  readonly #handlers: WatchHandlers;
  #watcher: FSWatcher;
  readonly #notifier: DirectoryNotifier | undefined;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #trailing: ReturnType<typeof setTimeout> | undefined;
  #poll: ReturnType<typeof setInterval> | undefined;
  readonly #safety: ReturnType<typeof setInterval>;
  /** The file's signature when it last went quiet (at start: the build loaded first). */
  #quietAs: string;
  #inBurst = false;
  #dirGone = false;
  #closed = false;
  readonly #ready: Promise<void>;

  constructor(file: string, debounceMs: number, handlers: WatchHandlers) {
    this.#target = resolve(file);
    this.#debounceMs = debounceMs;
    this.#handlers = handlers;
    this.#quietAs = signature(this.#target);
    this.#watcher = this.#watchDir();
    this.#notifier = DirectoryNotifier.open(dirname(this.#target), basename(this.#target));
    this.#ready = new Promise((done) => this.#watcher.once("ready", () => done()));
    this.#safety = setInterval(() => {
      if (this.#poll !== undefined || this.#inBurst) return;
      const now = signature(this.#target);
      if (now !== this.#quietAs && now !== "missing") this.#changed();
    }, SAFETY_POLL_MS);
    this.#safety.unref();
  }

  /** Resolves once chokidar has started watching (events before it would be missed). */
  ready(): Promise<void> {
    return this.#ready;
  }

  /** Reads the inotify queue (Linux; nothing elsewhere) and handles a change of the file at once. About a microsecond when there is none. */
  poll(): void {
    if (this.#notifier?.poll()) this.#changed();
  }

  close(): void {
    this.#closed = true;
    this.#notifier?.close();
    clearTimeout(this.#timer);
    clearTimeout(this.#trailing);
    clearInterval(this.#poll);
    clearInterval(this.#safety);
    void this.#watcher.close();
  }

  #watchDir(): FSWatcher {
    const target = this.#target;
    const dir = dirname(target);
    const name = basename(target);
    const watcher = watch(dir, { ignoreInitial: true, depth: 0, ignored: (path: string) => path !== target && path !== dir && basename(path) !== name });
    const changed = (path: string) => {
      if (resolve(path) === target) this.#changed();
    };
    watcher.on("add", changed).on("change", changed);
    watcher.on("unlink", (path) => {
      if (resolve(path) === target) this.#gone();
    });
    watcher.on("unlinkDir", (path) => {
      if (resolve(path) !== dir) return;
      this.#dirGone = true;
      this.#gone();
    });
    return watcher;
  }

  #changed(): void {
    if (this.#closed) return;
    const now = signature(this.#target);
    // The other path's news of a change already handled (chokidar after inotify, or the reverse).
    if (!this.#inBurst && now === this.#quietAs) return;
    if (!this.#inBurst) {
      this.#inBurst = true;
      this.#handlers.first();
    }
    clearTimeout(this.#timer);
    clearTimeout(this.#trailing);
    // A new inode is a finished file put in place (cargo links one, atomic writers rename one):
    // no need to wait for more writes. One still being written as a new file is a prefix of the
    // final one, which the stage refuses as truncated and retries. The same inode changed in
    // place is debounced, as a writer may not be done.
    const inode = inodeOf(now);
    if (inode !== undefined && inode !== inodeOf(this.#quietAs)) return this.#wentQuiet();
    this.#timer = setTimeout(() => this.#wentQuiet(), this.#debounceMs);
  }

  /** The burst is over: tell the owner, and look once more a little later. */
  #wentQuiet(): void {
    this.#inBurst = false;
    this.#quietAs = signature(this.#target);
    this.#handlers.quiet();
    this.#trailing = setTimeout(() => {
      if (signature(this.#target) === this.#quietAs) return;
      this.#handlers.first();
      this.#wentQuiet();
    }, TRAILING_CHECK_MS);
  }

  /** The file is gone: say so once, then look for it until it is back. */
  #gone(): void {
    if (this.#poll !== undefined || this.#closed) return;
    if (signature(this.#target) !== "missing") {
      // Still there, only unreadable (or replaced in one step): the stage says what is wrong with it.
      this.#changed();
      return;
    }
    this.#handlers.removed();
    this.#poll = setInterval(() => {
      if (signature(this.#target) === "missing") return;
      clearInterval(this.#poll);
      this.#poll = undefined;
      if (this.#dirGone) {
        // chokidar does not follow a directory that was removed and made again: watch the new one.
        this.#dirGone = false;
        void this.#watcher.close();
        this.#watcher = this.#watchDir();
      }
      this.#changed();
    }, MISSING_POLL_MS);
  }
}

/** The inode part of a file signature (`ino:size:mtime`), or undefined when the file is missing or unreadable. */
function inodeOf(signature: string): string | undefined {
  const colon = signature.indexOf(":");
  return colon > 0 && !signature.endsWith(":special") ? signature.slice(0, colon) : undefined;
}
