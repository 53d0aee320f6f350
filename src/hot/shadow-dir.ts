import { lstatSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { homedir, tmpdir } from "node:os";
import { join } from "node:path";
import { atProcessExit } from "../core/process-exit.ts";

/** A shadow copy could not be written: one line naming the directory and the cause. */
export class ShadowWriteError extends Error {
  override name = "ShadowWriteError";
}

/**
 * The private directory (mode 0700) where shadow copies of hot libraries live. dlopen of the same
 * path returns the already-loaded code, so every load gets a copy under a unique name. The
 * directory is removed when the app shuts down and when the process exits, Ctrl-C included; one
 * left by a process that was killed is removed by the next hotloop that starts.
 *
 * Only the file that was checked may run, so the directory must stay ours: it is made by mkdtemp
 * (a fresh name, 0700), checked to be a real directory of ours before every copy is written (a
 * directory swapped for a symlink is refused), and copies are created exclusively (`wx`: never
 * through an existing file or link). In a TMPDIR that anyone may write to without the sticky bit,
 * where another user could rename the directory away, copies go under ~/.cache/hotloop instead.
 */
export class ShadowDir {
  #path: string;
  #identity: string;
  #counter = 0;
  #removed = false;
  readonly #prefix: string;
  readonly #onRecreated: (why: string) => void;

  constructor(prefix = "hotloop-", onRecreated: (why: string) => void = () => {}) {
    this.#prefix = prefix;
    this.#onRecreated = onRecreated;
    const base = shadowBase();
    removeStaleDirs(base, prefix);
    this.#path = makeDir(base, prefix);
    this.#identity = identity(this.#path);
    liveDirs.add(this);
    installExitCleanup();
  }

  /** The directory now (a new one if the old was removed under the running game). */
  get path(): string {
    return this.#path;
  }

  /** A fresh, unique file path for the next copy of `baseName` (e.g. libgame-3.so). */
  nextPath(baseName: string): string {
    const dot = baseName.lastIndexOf(".");
    const stem = dot > 0 ? baseName.slice(0, dot) : baseName;
    const ext = dot > 0 ? baseName.slice(dot) : "";
    return join(this.#path, `${stem}-${++this.#counter}${ext}`);
  }

  /**
   * Writes `bytes` to a new copy of `baseName` and returns its path. The directory is checked
   * first (made anew if a tmp cleaner removed it); a failed write (a full disk, permissions)
   * leaves no partial file and throws a ShadowWriteError.
   */
  write(baseName: string, bytes: Uint8Array): string {
    this.#ensure();
    const copy = this.nextPath(baseName);
    try {
      writeFileSync(copy, bytes, { mode: 0o700, flag: "wx" });
    } catch (e) {
      rmSync(copy, { force: true });
      const error = e as NodeJS.ErrnoException;
      throw new ShadowWriteError(`cannot write a copy to ${this.#path}: ${describeErrno(error)}`);
    }
    return copy;
  }

  /** Files still in the directory (the soak checks that none are left behind). */
  files(): string[] {
    if (this.#removed) return [];
    try {
      return readdirSync(this.#path);
    } catch {
      return [];
    }
  }

  /** Deletes the directory and everything in it; safe to call twice. */
  remove(): void {
    if (this.#removed) return;
    this.#removed = true;
    liveDirs.delete(this);
    // Only if it is still ours: never follow a link someone put in its place.
    if (identityOrUndefined(this.#path) === this.#identity) rmSync(this.#path, { recursive: true, force: true });
  }

  /** The directory is ours and there; made anew (and said so) when it was removed. */
  #ensure(): void {
    const now = identityOrUndefined(this.#path);
    if (now === this.#identity) return;
    if (now !== undefined) throw new ShadowWriteError(`${this.#path} is no longer the directory hotloop made (replaced by another file or a link): not writing there`);
    const old = this.#path;
    this.#path = makeDir(shadowBase(), this.#prefix);
    this.#identity = identity(this.#path);
    this.#onRecreated(`the shadow dir ${old} was removed (a tmp cleaner?); made ${this.#path}`);
  }
}

/** The parent of shadow dirs: TMPDIR, unless anyone may rename entries in it (world-writable without the sticky bit). */
export function shadowBase(): string {
  const tmp = tmpdir();
  let why: string;
  try {
    const mode = statSync(tmp).mode;
    const unsafe = (mode & 0o002) !== 0 && (mode & 0o1000) === 0;
    if (!unsafe) return tmp;
    why = "anyone may rename entries in it (world-writable, no sticky bit)";
  } catch (e) {
    why = describeErrno(e as NodeJS.ErrnoException); // an unusable TMPDIR
  }
  const base = join(process.env.XDG_CACHE_HOME?.startsWith("/") ? process.env.XDG_CACHE_HOME : join(homedir(), ".cache"), "hotloop", "shadow");
  mkdirSync(base, { recursive: true, mode: 0o700 });
  if (!saidFallback.has(tmp)) {
    saidFallback.add(tmp);
    console.error(`hotloop: warning: shadow copies go to ${base}, not the temp dir ${tmp}: ${why} (said once)`);
  }
  return base;
}

/** The temp dirs whose fallback was said already: once per process each. */
const saidFallback = new Set<string>();

function makeDir(base: string, prefix: string): string {
  let path: string;
  try {
    path = mkdtempSync(join(base, `${prefix}${process.pid}-`));
  } catch (e) {
    throw new ShadowWriteError(`cannot make a shadow dir in ${base}: ${describeErrno(e as NodeJS.ErrnoException)}`);
  }
  const s = lstatSync(path);
  const uid = process.getuid?.();
  if (!s.isDirectory() || (uid !== undefined && s.uid !== uid) || (s.mode & 0o077) !== 0) {
    throw new ShadowWriteError(`${path} is not a private directory of this user: not writing there`);
  }
  return path;
}

/** Device and inode of a real directory (not a link), or undefined when there is none. */
function identityOrUndefined(path: string): string | undefined {
  try {
    const s = lstatSync(path);
    return s.isDirectory() ? `${s.dev}:${s.ino}` : `not a directory ${s.dev}:${s.ino}`;
  } catch {
    return undefined;
  }
}

function identity(path: string): string {
  return identityOrUndefined(path)!;
}

/**
 * Removes shadow dirs left by hotloop processes that are gone (killed with SIGKILL, a crash):
 * `<prefix><pid>-*` directories of this user whose pid no longer runs.
 */
export function removeStaleDirs(base: string, prefix: string): string[] {
  const removed: string[] = [];
  let names: string[] = [];
  try {
    names = readdirSync(base);
  } catch {
    return removed;
  }
  const pattern = new RegExp(`^${prefix.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}(\\d+)-`);
  const uid = process.getuid?.();
  for (const name of names) {
    const pid = Number(pattern.exec(name)?.[1]);
    if (!pid || pid === process.pid || isAlive(pid)) continue;
    const path = join(base, name);
    try {
      const s = lstatSync(path);
      if (!s.isDirectory() || (uid !== undefined && s.uid !== uid)) continue;
      rmSync(path, { recursive: true, force: true });
      removed.push(path);
    } catch {
      // gone meanwhile, or not ours to remove
    }
  }
  return removed;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM"; // alive, another user's
  }
}

/** `no space left on device (ENOSPC)`: the message a person reads, with the code to search for. */
export function describeErrno(error: NodeJS.ErrnoException): string {
  const text: Record<string, string> = {
    ENOSPC: "no space left on device",
    EDQUOT: "disk quota exceeded",
    EACCES: "permission denied",
    EPERM: "operation not permitted",
    EROFS: "read-only file system",
    ENOENT: "no such file or directory",
    EEXIST: "a file of that name exists already",
    EISDIR: "is a directory",
    EFBIG: "file too large",
  };
  const code = error.code;
  return code ? `${text[code] ?? error.message.split(",")[0]} (${code})` : error.message;
}

const liveDirs = new Set<ShadowDir>();
let cleanupInstalled = false;

function removeAll(): void {
  for (const dir of [...liveDirs]) dir.remove();
}

/** Removes the live dirs however the process ends (see atProcessExit). */
function installExitCleanup(): void {
  if (cleanupInstalled) return;
  cleanupInstalled = true;
  atProcessExit(removeAll);
}
