/**
 * The dev tools' child processes (cargo, rustc, codegen, bun build): each is killed with what it
 * started when hotloop ends, however it ends (Ctrl-C included), so none is left running, e.g. a
 * codegen child stuck on a components module whose top-level await never settles. (While the game
 * is frozen, Ctrl-C has its default action and ends hotloop at once: see the watchdog.)
 */
import type { Subprocess } from "bun";
import { readdirSync, readFileSync } from "node:fs";
import { atProcessExit } from "../core/process-exit.ts";

const running = new Set<Subprocess>();
let hooked = false;

/** Bun.spawn with stdout and stderr piped, the child killed if hotloop ends before it does. */
export function spawnChild(cmd: string[], options: { cwd?: string; env?: Record<string, string | undefined> } = {}): Subprocess<"ignore", "pipe", "pipe"> {
  if (!hooked) {
    hooked = true;
    atProcessExit(() => {
      for (const child of running) killTree(child.pid);
    });
  }
  const child = Bun.spawn(cmd, { ...options, stdin: "ignore", stdout: "pipe", stderr: "pipe" });
  running.add(child);
  void child.exited.finally(() => running.delete(child));
  return child;
}

/**
 * Kills a child and everything it started (cargo's rustc processes, which would otherwise go on
 * writing into target/ after cargo is gone), deepest first, through /proc (Linux): each process's
 * children as the kernel lists them. Elsewhere, the child alone.
 */
function killTree(pid: number): void {
  for (const child of childrenOf(pid)) killTree(child);
  try {
    process.kill(pid, "SIGKILL");
  } catch {
    // already gone
  }
}

function childrenOf(pid: number): number[] {
  try {
    return readdirSync(`/proc/${pid}/task`).flatMap((task) =>
      readFileSync(`/proc/${pid}/task/${task}/children`, "utf8")
        .split(" ")
        .filter(Boolean)
        .map(Number),
    );
  } catch {
    return [];
  }
}
