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
 * An entry records what it holds when it is published (a size and a sha256 per file), and a reader
 * checks the bytes against that record before it loads anything: a file cut short, zeroed or
 * overwritten in the cache is found out and rebuilt, never handed to dlopen (which dies of SIGBUS
 * or SIGSEGV on such a file, with no word of which one). See {@link recordOf} and {@link damageOf}.
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

/** Hex sha256 of some strings and bytes (Bun.CryptoHasher: about 1.4 ms for raylib's 2.4 MB here). */
export function sha256(...parts: (string | Uint8Array)[]): string {
  const h = new Bun.CryptoHasher("sha256");
  for (const p of parts) h.update(p);
  return h.digest("hex");
}

/** What an entry records of one of its files when it is published. */
export interface FileRecord {
  /** Its size in bytes. */
  size: number;
  /** The hex sha256 of its bytes. */
  sha256: string;
}

/** The record of these bytes, as an entry keeps it. */
export function recordOf(bytes: Uint8Array): FileRecord {
  return { size: bytes.length, sha256: sha256(bytes) };
}

/**
 * Why `bytes`, whose hex sha256 is `sum`, are not the file `record` describes, or undefined when
 * they are. The record's hash may be a prefix (a name that carries 16 hex digits of it). The
 * answer is a few words: `cut short: 1228540 of 2457080 bytes`, or `hash mismatch, every byte
 * is zero` (the size kept, the content gone).
 */
export function damageOf(bytes: Uint8Array, sum: string, record: { size?: number; sha256: string }): string | undefined {
  if (record.size !== undefined && bytes.length < record.size) return `cut short: ${bytes.length} of ${record.size} bytes`;
  if (record.size !== undefined && bytes.length > record.size) return `${bytes.length} bytes, ${record.size} when published`;
  if (record.sha256.length >= 16 && sum.startsWith(record.sha256)) return undefined;
  const look = elfProblem(bytes);
  return `hash mismatch${look ? `, ${look}` : ""}`;
}

/**
 * What is visibly wrong with a file meant to be a shared library, or undefined when nothing is:
 * empty, all zero bytes, no ELF header, or (64-bit little-endian ELF) headers or a loaded segment
 * that point past its end, the truncation that makes dlopen die of SIGBUS. Not a proof that the
 * file is whole (a hash is): what a damage report shows, and the check of an entry published
 * before entries recorded hashes.
 */
export function elfProblem(b: Uint8Array): string | undefined {
  if (b.length === 0) return "the file is empty";
  if (b.every((x) => x === 0)) return "every byte is zero";
  if (b.length < 4 || b[0] !== 0x7f || b[1] !== 0x45 || b[2] !== 0x4c || b[3] !== 0x46) return "not a shared library (no ELF header)";
  if (b[4] !== 2 || b[5] !== 1) return undefined; // only 64-bit little-endian images are looked into
  if (b.length < 64) return `cut short: ${b.length} bytes, less than an ELF header`;
  const v = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const phoff = Number(v.getBigUint64(0x20, true));
  const shoff = Number(v.getBigUint64(0x28, true));
  const phentsize = v.getUint16(0x36, true);
  const phnum = v.getUint16(0x38, true);
  const shentsize = v.getUint16(0x3a, true);
  const shnum = v.getUint16(0x3c, true);
  let end = Math.max(phoff + phnum * phentsize, shnum > 0 ? shoff + shnum * shentsize : 0);
  if (end <= b.length && phentsize >= 56) {
    for (let i = 0; i < phnum; i++) {
      const p = phoff + i * phentsize;
      const PT_LOAD = 1;
      if (v.getUint32(p, true) === PT_LOAD) end = Math.max(end, Number(v.getBigUint64(p + 0x08, true)) + Number(v.getBigUint64(p + 0x20, true)));
    }
  }
  return end > b.length ? `cut short: its headers point past its ${b.length} bytes` : undefined;
}
