/**
 * The dev tools' child processes (cargo, rustc, codegen, bun build): each is killed when hotloop
 * ends, however it ends (Ctrl-C included), so none is left running, e.g. a codegen child stuck on
 * a components module whose top-level await never settles.
 */
import type { Subprocess } from "bun";
import { atProcessExit } from "../core/process-exit.ts";

const running = new Set<Subprocess>();
let hooked = false;

/** Bun.spawn with stdout and stderr piped, the child killed if hotloop ends before it does. */
export function spawnChild(cmd: string[], options: { cwd?: string; env?: Record<string, string | undefined> } = {}): Subprocess<"ignore", "pipe", "pipe"> {
  if (!hooked) {
    hooked = true;
    atProcessExit(() => {
      for (const child of running) child.kill("SIGKILL");
    });
  }
  const child = Bun.spawn(cmd, { ...options, stdin: "ignore", stdout: "pipe", stderr: "pipe" });
  running.add(child);
  void child.exited.finally(() => running.delete(child));
  return child;
}
