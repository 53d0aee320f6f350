/** A small tmpfs for tests of a full disk (root only, in a container that allows mounts). */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** Whether a tmpfs can be mounted here: tried once per call. */
export function mountWorks(): boolean {
  if (process.getuid?.() !== 0) return false;
  const at = mkdtempSync(join(tmpdir(), "hotloop-mount-probe-"));
  try {
    if (Bun.spawnSync(["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", at]).exitCode !== 0) return false;
    Bun.spawnSync(["umount", at]);
    return true;
  } finally {
    rmSync(at, { recursive: true, force: true });
  }
}

/** Mounts a tmpfs of `size`; undefined where it cannot be. `cleanups` gets its unmount. */
export function mountTmpfs(size: string, cleanups: (() => void)[], tag = "tmpfs"): string | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const at = mkdtempSync(join(tmpdir(), `hotloop-${tag}-`));
  const mounted = Bun.spawnSync(["mount", "-t", "tmpfs", "-o", `size=${size},mode=1777`, "tmpfs", at]);
  if (mounted.exitCode !== 0) {
    rmSync(at, { recursive: true, force: true });
    return undefined;
  }
  cleanups.push(() => {
    Bun.spawnSync(["umount", "-l", at]);
    rmSync(at, { recursive: true, force: true });
  });
  return at;
}
