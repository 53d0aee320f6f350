import { copyFileSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { HotLibrary } from "./library.ts";
import type { Manifest } from "./manifest.ts";

/**
 * Reads a library's manifest without keeping it loaded: opens a private copy (never the build
 * output itself, since dlopen of a path already open returns the old code), reads, closes, deletes.
 */
export function inspectLibrary(path: string): Manifest {
  const dir = mkdtempSync(join(tmpdir(), "hotloop-inspect-"));
  try {
    const copy = join(dir, basename(path));
    copyFileSync(path, copy);
    const lib = new HotLibrary(copy, path, "");
    try {
      return lib.manifest;
    } finally {
      lib.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
