/**
 * hotloop's per-user cache: where built artefacts (raylib, the shim) live, and how an entry is put
 * there so that no reader ever sees half of one.
 *
 * The cache is per user, not per install: hotloop may sit read-only in a project's node_modules,
 * and two checkouts share one raylib build. Location, first match wins:
 *  1. `HOTLOOP_CACHE_DIR` (an explicit root, for CI and tests);
 *  2. `$XDG_CACHE_HOME/hotloop` when XDG_CACHE_HOME is absolute (the XDG spec ignores relative ones);
 *  3. `~/.cache/hotloop`.
 *
 * @module
 */
import { randomBytes } from "node:crypto";
import { renameSync, rmSync } from "node:fs";
import { homedir } from "node:os";
import { isAbsolute, join, resolve } from "node:path";

/** The root of hotloop's per-user cache (read from the environment on every call, so tests can point it elsewhere). */
export function cacheRoot(): string {
  const explicit = process.env.HOTLOOP_CACHE_DIR;
  if (explicit) return resolve(explicit);
  const xdg = process.env.XDG_CACHE_HOME;
  if (xdg && isAbsolute(xdg)) return join(xdg, "hotloop");
  return join(homedir(), ".cache", "hotloop");
}

/** Where raylib builds and compiled shims are cached: `<cacheRoot>/raylib`. */
export function raylibCacheDir(): string {
  return join(cacheRoot(), "raylib");
}

/** A name no other process (or other call in this one) will pick, next to `path`. */
export function uniqueSibling(path: string, tag: string): string {
  return `${path}.${tag}-${process.pid}-${randomBytes(4).toString("hex")}`;
}

/**
 * Moves the finished directory `work` to `final` in one rename, the commit point of a cache entry.
 * When a complete entry is already there (another process won the race), `work` is dropped and the
 * existing entry kept: it may be in use. An incomplete one (a copy cut short, an older layout) is
 * renamed aside before being deleted, so `final` never names a directory being taken apart.
 * Returns whether `work` became the entry.
 */
export function publishDir(work: string, final: string, isComplete: (dir: string) => boolean): boolean {
  for (let attempt = 0; attempt < 3; attempt++) {
    if (isComplete(final)) {
      rmSync(work, { recursive: true, force: true });
      return false;
    }
    try {
      renameSync(work, final); // fails on a non-empty `final`: never replaces someone's entry
      return true;
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code !== "ENOTEMPTY" && code !== "EEXIST") throw e;
    }
    if (isComplete(final)) continue; // someone else finished meanwhile: the next turn keeps theirs
    const aside = uniqueSibling(final, "stale");
    try {
      renameSync(final, aside);
    } catch {
      continue; // moved or replaced by another process meanwhile: look again
    }
    // It may have been completed between the look and the move: then put it back rather than lose it.
    if (isComplete(aside)) {
      try {
        renameSync(aside, final);
        continue;
      } catch {
        // `final` was taken meanwhile; that entry wins
      }
    }
    rmSync(aside, { recursive: true, force: true });
  }
  rmSync(work, { recursive: true, force: true });
  throw new Error(`could not put ${final} in place: it kept changing under another process`);
}
