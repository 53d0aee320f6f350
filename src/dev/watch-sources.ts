/**
 * The dev runner's source watcher: a build starts on the first event of a source whose content
 * changed, saves made while it runs become one more build, and after every build the files are
 * looked at again, so what runs is what is on disk.
 *
 * It uses Bun's `fs.watch` (inotify on Linux, one instance for all watchers) on each directory,
 * not chokidar: chokidar drops a `change` of a file within 50 ms of the last one it reported and
 * missed saves made right after Bun imported a file. Bun's event is inotify's IN_MODIFY, not
 * IN_CLOSE_WRITE, so an event can come while an editor is still writing: content hashes decide
 * what changed, a file found empty or gone (the middle of a truncate-then-write, a rename-away or
 * git's unlink-then-create) waits a moment for its writer unless something else builds anyway,
 * and a write that lands during a build is built after it.
 */
import { existsSync, lstatSync, readdirSync, readFileSync, realpathSync, statSync, watch, type FSWatcher } from "node:fs";
import { dirname, join, resolve, sep } from "node:path";

/** Options of {@link rebuildOnSave}. */
export interface RebuildOnSaveOptions {
  /** Directories (watched with their subdirectories) and files to watch: a crate's directory, components modules. */
  readonly paths: readonly string[];
  /** Which changed files count, by absolute path (default: `.rs` files and `Cargo.toml`). */
  readonly isSource?: (path: string) => boolean;
  /**
   * Runs one build (and reports it) for the sources whose content changed since the last one
   * (absolute paths). One build at a time: saves made while it runs are built in one more call.
   */
  readonly build: (changed: readonly string[]) => Promise<unknown>;
  /**
   * Quiet time after the last event before a build starts, in ms. Default 0: the build starts on
   * the first event (in the next turn of the event loop, so that events delivered together land in
   * one build); a save that follows is built right after it. A value above 0 trades latency for
   * fewer builds, for tools that write a crate file by file over a while.
   */
  readonly debounceMs?: number;
}

/** A running source watcher. */
export interface SourceWatcher {
  /** Resolves once the watcher is watching (every directory watched and every source hashed). */
  ready(): Promise<void>;
  /** Stops watching: no watcher or timer is left. A build already running finishes, and no other starts. */
  close(): Promise<void>;
}

/** A Rust source of a crate: `.rs` files and `Cargo.toml` (the default sources). */
export const RUST_SOURCE = /\.rs$|(^|\/)Cargo\.toml$/;
/** Build outputs, dependencies, VCS data: directories never watched. */
const IGNORED_DIR = /^(target|node_modules|\.git|\.hotloop)$/;
/** Editors' scratch files (swap, backup, lock, vim's `4913` probe): never sources. */
const SCRATCH = /\.(swp|swx|tmp)$|~$|^\.#|^4913$/;
/**
 * How long a source found empty or gone waits for its writer before it counts as a save of its
 * own (a deleted module, a file emptied on purpose). Editors write in microseconds; git and
 * rename-based saves take a few ms between the unlink or truncation and the new content.
 */
const SETTLE_MS = 100;

/** A content hash, or undefined for a file that is not there. */
type Hash = number | bigint | undefined;
const EMPTY: Hash = Bun.hash(new Uint8Array(0));

function hashOf(path: string): Hash {
  try {
    return Bun.hash(readFileSync(path));
  } catch {
    return undefined; // gone (or unreadable, or a directory): counted as absent
  }
}

/** `follow`: a symlink to a directory counts (a path given to watch); inside a tree it does not (no cycles). */
function isDirectory(path: string, follow = false): boolean {
  try {
    return (follow ? statSync(path) : lstatSync(path)).isDirectory();
  } catch {
    return false;
  }
}

/**
 * The dev runner's edit loop: watches the sources and after a save runs `build` — one build at a
 * time, one more for everything saved while it ran, and again if a built file changed since. The
 * game keeps running throughout; the reloader picks up each good build. A build that throws is
 * said in one line, never thrown into the game loop.
 */
export function rebuildOnSave(options: RebuildOnSaveOptions): SourceWatcher {
  const isSource = options.isSource ?? ((path: string) => RUST_SOURCE.test(path));
  const debounceMs = options.debounceMs ?? 0;
  /** Each directory watched, and whether all its sources count (a tree) or only the files named in `paths`. */
  const watched = new Map<string, { watcher: FSWatcher; tree: boolean }>();
  const files = new Set<string>();
  /** Each known source's hash as last handed to a build (or as found at start): a touch with the same content is no save. */
  const built = new Map<string, Hash>();
  /** Sources with an event since their last look. */
  const pending = new Set<string>();
  /** Sources found empty or gone, waiting for their writer; `settled` once they waited long enough. */
  const settling = new Map<string, ReturnType<typeof setTimeout>>();
  const settled = new Set<string>();
  /** Sources of a build that threw: still changed, handed to the next build. */
  const unbuilt = new Set<string>();
  /**
   * Sources written while a build ran: the compiler may have read a version between the hashed one
   * and the one on disk now (a save, then an undo), so they are built again even when their hash is
   * back to the one built. An event counts when the file differs from what was built, or was
   * modified at or after its batch was hashed ({@link batchHashedAt}); an event that arrives late
   * for a write the batch already holds (its content and time from before) starts no build: under
   * load, one save's second event came during the build it had started, and built it twice.
   */
  const touchedWhileBuilding = new Set<string>();
  /** When the running build's batch was hashed (wall-clock ms, the clock file times are on). */
  let batchHashedAt = 0;
  /** Symlinked files: the target's path → the links that name it (the target's directory is watched for them). */
  const linkTargets = new Map<string, Set<string>>();
  /** The real paths of the directories watched as trees: a symlinked directory is watched once (no cycles). */
  const realTrees = new Set<string>();
  let timer: ReturnType<typeof setTimeout> | undefined;
  let immediate: ReturnType<typeof setImmediate> | undefined;
  let building = false;
  let closed = false;

  const accepts = (path: string): boolean => {
    if (files.has(path)) return isSource(path);
    const dir = watched.get(dirname(path));
    return dir !== undefined && dir.tree && !SCRATCH.test(path.slice(path.lastIndexOf(sep) + 1)) && isSource(path);
  };

  /** Watches `dir` (and, for a tree, every subdirectory not ignored), adding the sources found in them to `found`. */
  const watchDir = (dir: string, tree: boolean, found: string[]): void => {
    const known = watched.get(dir);
    if (known && (known.tree || !tree)) return;
    if (tree) {
      let real = dir;
      try {
        real = realpathSync(dir);
      } catch {
        // gone meanwhile: the watch below fails and says so, or its parent's event does
      }
      if (realTrees.has(real) && !known) return; // the same directory through another path (a link)
      realTrees.add(real);
    }
    if (known) known.tree = true;
    else {
      let watcher: FSWatcher;
      try {
        watcher = watch(dir, (event, name) => {
          if (name !== null) onEvent(join(dir, name.toString()), event);
        });
      } catch (e) {
        console.error(`hotloop: cannot watch ${dir}: ${(e as Error).message}; saves there are not picked up`);
        return;
      }
      // A directory removed under its watcher: the parent's event unwatches it; this keeps the error off the game loop.
      watcher.on("error", () => unwatch(dir));
      watched.set(dir, { watcher, tree });
    }
    if (!tree) return;
    let entries;
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch {
      return; // removed meanwhile: its parent's event says so
    }
    for (const entry of entries) {
      const path = join(dir, entry.name);
      if (entry.isSymbolicLink()) followLink(path, found);
      else if (entry.isDirectory()) {
        if (!IGNORED_DIR.test(entry.name)) watchDir(path, true, found);
      } else if (accepts(path)) found.push(path);
    }
  };

  /**
   * A symlink in a watched tree, followed as chokidar did: a linked directory is watched as a tree
   * (once per real directory: a link cycle ends there), a linked source file through its target's
   * directory, whose events for the target count as events of the link.
   */
  const followLink = (path: string, found: string[]): void => {
    let real: string;
    try {
      real = realpathSync(path);
    } catch {
      return; // a dangling link: nothing to watch
    }
    if (isDirectory(real)) {
      if (IGNORED_DIR.test(path.slice(path.lastIndexOf(sep) + 1)) || realTrees.has(real)) return;
      watchDir(path, true, found);
      return;
    }
    if (!accepts(path)) return;
    found.push(path);
    let links = linkTargets.get(real);
    if (!links) linkTargets.set(real, (links = new Set()));
    links.add(path);
    watchDir(dirname(real), false, found);
  };

  /** Stops watching `dir` and the directories under it (removed or renamed away). */
  const unwatch = (dir: string): void => {
    for (const [path, { watcher }] of watched) {
      if (path !== dir && !path.startsWith(dir + sep)) continue;
      watcher.close();
      watched.delete(path);
      realTrees.clear(); // rebuilt from what stays watched
      for (const kept of watched.keys()) {
        try {
          if (watched.get(kept)!.tree) realTrees.add(realpathSync(kept));
        } catch {
          // gone too: its own event unwatches it
        }
      }
    }
  };

  const onEvent = (path: string, event: string): void => {
    if (closed) return;
    const links = linkTargets.get(path);
    if (links) for (const link of links) onEvent(link, "change");
    const parent = watched.get(dirname(path));
    // Only a rename (create, delete, move) can make or remove a directory.
    if (event === "rename" && parent?.tree) {
      const name = path.slice(path.lastIndexOf(sep) + 1);
      if (isDirectory(path)) {
        if (IGNORED_DIR.test(name)) return;
        unwatch(path); // one watched before may be of a directory since replaced (removed and made again)
        const found: string[] = [];
        watchDir(path, true, found);
        for (const file of found) pending.add(file); // written before its directory was watched: looked at now
        // A directory renamed over one that was watched: the sources it no longer has went with the old one.
        for (const file of built.keys()) if (file.startsWith(path + sep)) pending.add(file);
        schedule();
        return;
      }
      if (watched.has(path)) {
        unwatch(path);
        for (const file of built.keys()) if (file.startsWith(path + sep)) pending.add(file); // its sources went with it
        schedule();
        return;
      }
    }
    if (!accepts(path)) return;
    pending.add(path);
    if (building && writtenSinceHashed(path)) touchedWhileBuilding.add(path);
    schedule();
  };

  /** Whether `path` is not what its batch built, or was modified since the batch was hashed (or cannot be told). */
  const writtenSinceHashed = (path: string): boolean => {
    if (hashOf(path) !== built.get(path)) return true;
    try {
      // File times come from the kernel's coarse clock, which lags: a write before the hashing
      // never reads as after it; a write just after may read as before, and its content is then
      // the one built (checked above).
      return statSync(path).mtimeMs >= batchHashedAt;
    } catch {
      return true;
    }
  };

  const schedule = (): void => {
    if (closed || building) return; // a running build looks at `pending` when it ends
    if (debounceMs > 0) {
      clearTimeout(timer);
      timer = setTimeout(() => void run(), debounceMs);
    } else immediate ??= setImmediate(() => void run());
  };

  /**
   * Takes the pending sources whose content differs from what was last built: records their new
   * hashes and returns each one's previous hash. Undefined when none changed, or when all that did
   * are still being written (empty or gone after having content): those wait for their next event,
   * or {@link SETTLE_MS}.
   */
  const takeBatch = (): Map<string, Hash> | undefined => {
    batchHashedAt = Date.now();
    const changed = new Map<string, Hash>();
    for (const path of pending) {
      const hash = hashOf(path);
      const known = built.has(path);
      const same = known ? hash === built.get(path) : hash === undefined; // the same content (a touch), or never there (an editor's temp file)
      if (same && !touchedWhileBuilding.has(path)) {
        // Back as it was (a rename-away save with no change): no longer waiting for a writer.
        clearTimeout(settling.get(path));
        settling.delete(path);
        settled.delete(path);
        continue;
      }
      changed.set(path, hash);
    }
    pending.clear();
    touchedWhileBuilding.clear();
    if (changed.size === 0) return undefined;
    const hadContent = (path: string) => built.get(path) !== undefined && built.get(path) !== EMPTY;
    if ([...changed].every(([path, hash]) => (hash === undefined || hash === EMPTY) && hadContent(path) && !settled.has(path))) {
      for (const path of changed.keys()) {
        pending.add(path);
        if (settling.has(path)) continue;
        const wait = setTimeout(() => {
          settling.delete(path);
          settled.add(path);
          pending.add(path);
          schedule();
        }, SETTLE_MS);
        settling.set(path, wait);
      }
      return undefined;
    }
    // Whatever else is half-written is built as it is now (the build reads the disk anyway), and again once its content lands.
    const previous = new Map<string, Hash>();
    for (const [path, hash] of changed) {
      previous.set(path, built.get(path));
      built.set(path, hash);
      settled.delete(path);
      clearTimeout(settling.get(path));
      settling.delete(path);
    }
    return previous;
  };

  const run = async (): Promise<void> => {
    immediate = undefined;
    if (building || closed) return;
    building = true;
    try {
      while (!closed && pending.size > 0) {
        for (const path of unbuilt) pending.add(path);
        unbuilt.clear();
        const batch = takeBatch();
        if (!batch) break;
        try {
          await options.build([...batch.keys()]);
        } catch (e) {
          // A build that could not even start (its directory removed, cargo gone): said, never thrown into the game loop.
          console.error(`hotloop: could not build: ${(e as Error).message}`);
          // Still changed for the next build (codegen looks at the list), which the next save starts: no retry loop.
          for (const [path, hash] of batch) {
            built.set(path, hash);
            unbuilt.add(path);
          }
          continue;
        }
        // The trailing check: a built file whose content changed since its hash was taken is built
        // again, even if its event was lost or came while the build ran.
        for (const path of batch.keys()) pending.add(path);
      }
    } finally {
      building = false;
    }
  };

  // Watching before hashing: a save during the start is seen as an event, or in the hash.
  const found: string[] = [];
  for (const raw of options.paths) {
    const path = resolve(raw);
    if (isDirectory(path, true)) watchDir(path, true, found);
    else if (existsSync(dirname(path))) {
      // A file (a components module) through its directory, so an editor's rename-save reaches it;
      // one whose directory does not exist (the default src/components.ts of a project without src/) is not watched.
      files.add(path);
      watchDir(dirname(path), false, found);
      found.push(path);
    }
  }
  for (const path of found) built.set(path, hashOf(path));

  return {
    ready: () => Promise.resolve(),
    close: async () => {
      closed = true;
      clearTimeout(timer);
      if (immediate) clearImmediate(immediate);
      for (const t of settling.values()) clearTimeout(t);
      settling.clear();
      for (const { watcher } of watched.values()) watcher.close();
      watched.clear();
    },
  };
}
