/**
 * What this process writes to file descriptor 2 while `run` runs, threads included: the
 * watchdog's worker writes its lines there itself (the JS thread is stuck in a hot call, so
 * nothing could relay them). Linux with glibc only (dup/dup2 from libc.so.6 through bun:ffi).
 */
import { dlopen, FFIType } from "bun:ffi";
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const openLibc = () =>
  dlopen("libc.so.6", {
    dup: { args: [FFIType.i32], returns: FFIType.i32 },
    dup2: { args: [FFIType.i32, FFIType.i32], returns: FFIType.i32 },
    close: { args: [FFIType.i32], returns: FFIType.i32 },
  });

export async function captureStderr(run: () => Promise<void>): Promise<string> {
  const lib = openLibc();
  const libc = lib.symbols;
  const dir = mkdtempSync(join(tmpdir(), "hotloop-stderr-"));
  const file = join(dir, "stderr.txt");
  try {
    const fd = openSync(file, "w");
    const saved = libc.dup(2);
    if (saved < 0) throw new Error("captureStderr: dup(2) failed");
    try {
      if (libc.dup2(fd, 2) < 0) throw new Error("captureStderr: dup2 failed");
      await run();
    } finally {
      libc.dup2(saved, 2);
      libc.close(saved);
      closeSync(fd);
      process.stderr.write(readFileSync(file, "utf8")); // still shown, after the fact (a throw included)
    }
    return readFileSync(file, "utf8");
  } finally {
    rmSync(dir, { recursive: true, force: true });
    lib.close();
  }
}
