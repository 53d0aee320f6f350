import { readFileSync } from "node:fs";

/**
 * Reads which files this process has mapped (Linux's /proc/self/maps). Used to tell when a
 * library outlived dlclose, and by the soak test to count stale mappings. Elsewhere: none known.
 */
export function mappedFiles(): Set<string> {
  if (process.platform !== "linux") return new Set();
  const files = new Set<string>();
  for (const line of readFileSync("/proc/self/maps", "utf8").split("\n")) {
    const at = line.indexOf("/");
    if (at >= 0) files.add(line.slice(at).replace(/ \(deleted\)$/, ""));
  }
  return files;
}

/** Whether `path` is still mapped into this process. */
export function stillMapped(path: string): boolean {
  return mappedFiles().has(path);
}

/** Mapped files under `dir` (e.g. shadow copies still in memory). */
export function mappedUnder(dir: string): string[] {
  const prefix = dir.endsWith("/") ? dir : `${dir}/`;
  return [...mappedFiles()].filter((f) => f.startsWith(prefix));
}
