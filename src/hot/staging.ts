/**
 * Staging a build: read the file once it is complete, check its image, write a private copy from
 * the bytes that were checked (never copied from the path again), dlopen the copy and read its
 * manifest. What comes out is a loaded library waiting for the frame boundary, or why not.
 */
import { readFileSync, rmSync, statSync } from "node:fs";
import { basename } from "node:path";
import { HotLibrary } from "./library.ts";
import { describeErrno, type ShadowDir } from "./shadow-dir.ts";

/**
 * What identifies one version of the file on disk, cheaply: inode, size, mtime, and the mode, so a
 * build refused as unreadable is looked at again once `chmod` makes it readable (the bytes are the same).
 */
export function fileSignature(path: string): string {
  try {
    const s = statSync(path);
    return `${s.ino}:${s.size}:${s.mtimeMs}:${s.mode}`;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "ENOENT" ? "missing" : "unreadable";
  }
}

/**
 * How long a file rewritten in place must have been left alone before it is read, in ms. Longer
 * than a coarse timestamp tick (up to 10 ms), which is how far mtime may lag the write.
 */
const REWRITE_QUIET_MS = 25;

/** The build output's bytes and inode, or why it cannot be read now (and when it may be mid-write, how long to wait). */
export type ReadResult = { signature: string } & ({ bytes: Uint8Array; ino: number } | { problem: string; waitMs?: number });

/**
 * Reads the file if it is stable: the same size and mtime before and after reading, and, when it
 * is the inode read last time (rewritten in place: cp, Bun.write), not modified within
 * REWRITE_QUIET_MS. Why: a reader racing an in-place rewrite gets a torn mix of old and new bytes
 * with size and mtime unchanged (timestamps are coarse), which passes the ELF checks and can crash
 * in dlopen; a write sets mtime when it starts, so a file left alone for the quiet time was not
 * being written while it was read. A new inode needs no wait: cargo links a finished file and
 * atomic writers rename one into place, and a new file still being written is a prefix of the
 * final one, which the ELF check refuses as truncated.
 */
export function readComplete(path: string, rewrittenIno: number | undefined): ReadResult {
  try {
    const before = statSync(path);
    // Reading a FIFO would block the game until someone writes to it; a directory is no library.
    if (!before.isFile()) return { signature: `${before.ino}:special`, problem: `not a regular file (${fileKind(before)})` };
    const bytes = readFileSync(path);
    const after = statSync(path);
    const signature = `${after.ino}:${after.size}:${after.mtimeMs}:${after.mode}`;
    if (before.ino !== after.ino || before.size !== after.size || before.mtimeMs !== after.mtimeMs || bytes.length !== after.size) {
      return { signature, problem: "the file changed while it was read" };
    }
    const age = Date.now() - after.mtimeMs;
    // More than a second in the future is clock skew (a network file system), not a writer.
    if (after.ino === rewrittenIno && age > -1000 && age < REWRITE_QUIET_MS) {
      return { signature, problem: "the file is still being written", waitMs: Math.ceil(REWRITE_QUIET_MS - age) };
    }
    return { signature, bytes, ino: after.ino };
  } catch (e) {
    const error = e as NodeJS.ErrnoException;
    const missing = error.code === "ENOENT";
    return { signature: missing ? "missing" : "unreadable", problem: missing ? "the file is missing" : `cannot read it: ${describeErrno(error)}` };
  }
}

function fileKind(s: import("node:fs").Stats): string {
  if (s.isDirectory()) return "a directory";
  if (s.isFIFO()) return "a FIFO";
  if (s.isSocket()) return "a socket";
  if (s.isCharacterDevice() || s.isBlockDevice()) return "a device";
  return "not a file";
}

/** A content hash of a build, to tell builds apart and skip identical rewrites. */
export function contentHash(bytes: Uint8Array): string {
  return Bun.hash(bytes).toString(16);
}

/**
 * Writes `bytes` to a new copy in the shadow dir and opens it (dlopen + manifest). Any failure
 * removes the copy and rethrows (LibraryError: maybe still being written; ManifestError: refused).
 */
export function openCopy(shadow: ShadowDir, source: string, bytes: Uint8Array, hash: string): HotLibrary {
  const copy = writeCopy(shadow, source, bytes);
  try {
    return new HotLibrary(copy, source, hash);
  } catch (e) {
    rmSync(copy, { force: true });
    throw e;
  }
}

/** Writes the checked bytes to a fresh, uniquely named copy: dlopen of a path already open returns the old code. */
export function writeCopy(shadow: ShadowDir, source: string, bytes: Uint8Array): string {
  const copy = shadow.write(basename(source), bytes);
  if (process.platform === "darwin") {
    // As hot-lib-reloader does: a copied dylib must be re-signed before macOS loads it.
    Bun.spawnSync(["codesign", "-s", "-", "-f", copy], { stdout: "ignore", stderr: "ignore" });
  }
  return copy;
}
