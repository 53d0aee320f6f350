/**
 * One line for what went wrong loading a game's modules: `file:line:col: cause`. Bun reports a
 * syntax error as a BuildMessage with a position, a missing module as a ResolveMessage, and an
 * error thrown while a module (or the game plugin) ran as an Error whose stack names the place.
 */
import { stackPlaces } from "../core/errors.ts";

interface Position {
  readonly file?: string;
  readonly line?: number;
  readonly column?: number;
}

/** The error as `where: cause`, `where` a game module when the stack passes through one. */
export function describeLoadError(error: unknown, gameFiles: ReadonlySet<string>, show: (path: string) => string): string {
  if (typeof error !== "object" || error === null) return String(error);
  const e = error as { name?: string; message?: string; position?: Position | null; stack?: string; specifier?: string; referrer?: string; errors?: unknown[] };
  if (Array.isArray(e.errors) && e.errors.length > 0) {
    // Bun's "N errors building file": each is a BuildMessage with its position
    const more = e.errors.length > 1 ? ` (and ${e.errors.length - 1} more)` : "";
    return `${describeLoadError(e.errors[0], gameFiles, show)}${more}`;
  }
  const message = (e.message ?? String(error)).split("\n")[0]!;
  const position = e.position;
  if (position?.file) return `${show(position.file)}:${position.line ?? 0}:${(position.column ?? 0) + 1}: ${message}`;
  if (e.name === "ResolveMessage" && e.referrer) return `${show(e.referrer)}: ${message}`;
  const places = stackPlaces(error);
  const place = places.find((p) => gameFiles.has(p.file)) ?? places[0];
  return place ? `${show(place.file)}:${place.line}:${place.column}: ${message}` : message;
}
