import { chmodSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/**
 * The private directory (mode 0700) where shadow copies of hot libraries live. dlopen of the same
 * path returns the already-loaded code, so every load gets a copy under a unique name. The
 * directory is removed when the app shuts down and when the process exits, Ctrl-C included.
 */
export class ShadowDir {
  readonly path: string;
  #counter = 0;
  #removed = false;

  constructor(prefix = "hotloop-") {
    this.path = mkdtempSync(join(tmpdir(), prefix));
    chmodSync(this.path, 0o700);
    liveDirs.add(this);
    installExitCleanup();
  }

  /** A fresh, unique file path for the next copy of `baseName` (e.g. libgame-3.so). */
  nextPath(baseName: string): string {
    const dot = baseName.lastIndexOf(".");
    const stem = dot > 0 ? baseName.slice(0, dot) : baseName;
    const ext = dot > 0 ? baseName.slice(dot) : "";
    return join(this.path, `${stem}-${++this.#counter}${ext}`);
  }

  /** Files still in the directory (the soak checks that none are left behind). */
  files(): string[] {
    if (this.#removed) return [];
    try {
      return readdirSync(this.path);
    } catch {
      return [];
    }
  }

  /** Deletes the directory and everything in it; safe to call twice. */
  remove(): void {
    if (this.#removed) return;
    this.#removed = true;
    liveDirs.delete(this);
    rmSync(this.path, { recursive: true, force: true });
  }
}

const liveDirs = new Set<ShadowDir>();
let cleanupInstalled = false;

function removeAll(): void {
  for (const dir of [...liveDirs]) dir.remove();
}

/**
 * Removes the live dirs at exit, and on Ctrl-C (SIGINT), SIGTERM and SIGHUP. Listening to a signal
 * turns off its default (ending the process), so the handler ends it as the default would, with
 * 128 + the signal's number; but when the app listens to the signal too, ending the process is its
 * call (e.g. a graceful shutdown), and the exit hook cleans up whenever it does exit.
 */
function installExitCleanup(): void {
  if (cleanupInstalled) return;
  cleanupInstalled = true;
  process.on("exit", removeAll);
  for (const [signal, code] of [["SIGINT", 130], ["SIGTERM", 143], ["SIGHUP", 129]] as const) {
    process.on(signal, () => {
      if (process.listenerCount(signal) > 1) return;
      removeAll();
      process.exit(code);
    });
  }
}
