import { resolve } from "node:path";
/**
 * Errors thrown by user code, said in one line. Here rather than in src/hot, since the CLI, the
 * released player and the TypeScript reloader (src/live) say errors the same way and need no hot
 * library to do so.
 */

/** An error thrown by user code as one line: its message and where it was thrown (`file:line:col`). */
export function oneLineError(e: unknown): string {
  if (!(e instanceof Error)) return String(e);
  const place = stackPlaces(e)[0];
  return `${e.message.split("\n")[0]}${place ? ` (at ${place.file}:${place.line}:${place.column})` : ""}`;
}

/** A place in a stack trace. */
export interface StackPlace {
  /** The file, as the stack names it (absolute for a module on disk). */
  readonly file: string;
  /** 1-based. */
  readonly line: number;
  /** 1-based. */
  readonly column: number;
}

/** The `file:line:col` of each frame of an error's stack, innermost first. */
export function stackPlaces(e: unknown): StackPlace[] {
  const stack = typeof e === "object" && e !== null ? (e as { stack?: unknown }).stack : undefined;
  if (typeof stack !== "string") return [];
  const places: StackPlace[] = [];
  for (const line of stack.split("\n")) {
    if (!/^\s+at /.test(line)) continue;
    const m = /\(?([^()\s]+):(\d+):(\d+)\)?\s*$/.exec(line);
    if (m) places.push({ file: m[1]!, line: Number(m[2]), column: Number(m[3]) });
  }
  return places;
}

/** hotloop's own sources: frames of the stack inside them are not the game's. */
const HOTLOOP_SRC = resolve(import.meta.dir, "..");

/**
 * The first place on the stack outside hotloop (`/abs/src/gameplay.ts:42`): where the game's code
 * called in, or undefined when hotloop itself did. Taken at registration (a system added, a
 * resource inserted), never per frame.
 */
export function callerPlace(): string | undefined {
  const place = stackPlaces(new Error()).find((p) => p.file.startsWith("/") && !p.file.startsWith(HOTLOOP_SRC));
  return place ? `${place.file.replace(/\?.*$/, "")}:${place.line}` : undefined;
}
