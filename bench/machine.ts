/**
 * The machine a benchmark ran on, recorded beside every result (bench/results/<suite>.json) so a
 * figure can be read against the hardware it came from: CPU model, cores, cache sizes, Bun and
 * rustc versions.
 */
import { readdirSync, readFileSync } from "node:fs";
import { cpus, totalmem } from "node:os";

/** One CPU cache level of cpu0, from /sys/devices/system/cpu/cpu0/cache. */
export interface CacheLevel {
  readonly level: number;
  readonly type: string;
  readonly bytes: number;
}

/** What results record of the machine. */
export interface MachineInfo {
  readonly cpu: string;
  readonly cores: number;
  readonly caches: readonly CacheLevel[];
  readonly memory_gib: number;
  readonly bun: string;
  readonly rustc: string;
  readonly os: string;
}

const CACHE_DIR = "/sys/devices/system/cpu/cpu0/cache";

/** cpu0's caches (empty where /sys does not say, e.g. not Linux). */
export function cpuCaches(): CacheLevel[] {
  try {
    return readdirSync(CACHE_DIR)
      .filter((d) => d.startsWith("index"))
      .map((d) => {
        const read = (f: string) => readFileSync(`${CACHE_DIR}/${d}/${f}`, "utf8").trim();
        return { level: Number(read("level")), type: read("type"), bytes: sizeBytes(read("size")) };
      })
      .sort((a, b) => a.level - b.level);
  } catch {
    return [];
  }
}

/** The last-level cache's size in bytes, or undefined where it cannot be read. */
export function lastLevelCacheBytes(): number | undefined {
  const caches = cpuCaches().filter((c) => c.type !== "Instruction");
  return caches.at(-1)?.bytes;
}

/** `32768K` → bytes. */
function sizeBytes(text: string): number {
  const m = /^(\d+)\s*([KMG]?)/i.exec(text);
  if (!m) return Number.NaN;
  const unit = { "": 1, K: 1024, M: 1024 ** 2, G: 1024 ** 3 }[m[2]!.toUpperCase() as "" | "K" | "M" | "G"];
  return Number(m[1]) * unit;
}

let rustcVersion: string | undefined;

/** The machine, read now. */
export function machineInfo(): MachineInfo {
  if (rustcVersion === undefined) {
    const r = Bun.spawnSync(["rustc", "--version"], { stdout: "pipe", stderr: "ignore" });
    rustcVersion = r.success ? r.stdout.toString().trim() : "unknown";
  }
  const list = cpus();
  return {
    cpu: list[0]?.model.trim() ?? "unknown",
    cores: list.length,
    caches: cpuCaches(),
    memory_gib: Math.round(totalmem() / 1024 ** 3),
    bun: Bun.version,
    rustc: rustcVersion,
    os: `${process.platform} ${process.arch}`,
  };
}

/** `32 MiB`, `1 MiB`, `48 KiB`. */
export function bytesText(bytes: number): string {
  return bytes >= 1024 ** 2 ? `${+(bytes / 1024 ** 2).toFixed(1)} MiB` : `${+(bytes / 1024).toFixed(1)} KiB`;
}
