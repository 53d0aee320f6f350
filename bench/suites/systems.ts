import { FixedUpdate } from "../../src/core/index.ts";
import { defineQuery } from "../../src/ecs/index.ts";
import { hotSystem } from "../../src/hot/index.ts";
import { benchApp, buildBenchLibrary } from "../bench-library.ts";
import { Position, Velocity } from "../components.ts";
import { fmt, measure, type MeasureOptions, type Row } from "../lib.ts";
import { bytesText, lastLevelCacheBytes } from "../machine.ts";
import type { Suite } from "../suite.ts";

/** Bytes one entity's movement keeps in its working set: its id (u32), position and velocity (2 × f32 each). */
const WORKING_BYTES_PER_ENTITY = 4 + 8 + 8;
/** Bytes of memory traffic one entity's movement makes: the working set read, the position written back. */
const TRAFFIC_BYTES_PER_ENTITY = WORKING_BYTES_PER_ENTITY + 8;

/**
 * position += velocity * dt over N entities: the `movement` hot system (Rust, release build,
 * through the id list) vs the same system in TypeScript on the same world, and the Rust loop's
 * memory traffic against a plain copy making the same traffic in the same run (TypedArray.set, a
 * memmove: a copy of B bytes reads B and writes B, so it copies half the movement's traffic).
 */
function measureSystems(options: MeasureOptions, sizes: readonly number[]): Record<string, number> {
  const json: Record<string, number> = {};
  for (const n of sizes) {
    const { app } = benchApp();
    for (let i = 0; i < n; i++) app.context.spawn([Position, { x: i, y: 0 }], [Velocity, { x: 1, y: 2 }]);
    app.time.data[0] = 1 / 64; // TimeData.delta, as inside FixedUpdate
    const rust = hotSystem("movement").factory(app, FixedUpdate);
    const moving = defineQuery(app.world, [Position, Velocity]);
    const ts = () => {
      const ids = moving.ids();
      const dt = app.time.delta;
      const px = Position.x, py = Position.y, vx = Velocity.x, vy = Velocity.y;
      for (let i = 0; i < ids.length; i++) {
        const e = ids[i]!;
        px[e]! += vx[e]! * dt;
        py[e]! += vy[e]! * dt;
      }
    };
    const copied = (n * TRAFFIC_BYTES_PER_ENTITY) / 2;
    const src = new Uint8Array(copied).fill(7);
    const dst = new Uint8Array(copied);
    const ctx = app.context;
    const m = measure(
      [
        { name: "rust", run: (k) => { for (let i = 0; i < k; i++) rust(ctx); } },
        { name: "ts", run: (k) => { for (let i = 0; i < k; i++) ts(); } },
        { name: "memcpy", run: (k) => { for (let i = 0; i < k; i++) dst.set(src); } },
      ],
      { ...options, sampleMs: Math.max(options.sampleMs ?? 20, 30) },
    );
    app.shutdown();
    const label = sizeLabel(n);
    json[`rust_over_ts_${label}`] = m.ts! / m.rust!;
    json[`memcpy_fraction_${label}`] = m.memcpy! / m.rust!;
    json[`rust_ms_${label}`] = m.rust! / 1e6;
    json[`ts_ms_${label}`] = m.ts! / 1e6;
    json[`memcpy_ms_${label}`] = m.memcpy! / 1e6;
  }
  return json;
}

const SIZES = [10_000, 100_000, 1_000_000];
/** The largest size tried for "beyond the last-level cache" (its columns: about 0.6 GB). */
const MAX_ENTITIES = 24_000_000;

/**
 * A size whose working set is four times the last-level cache (read from /sys), so that the
 * movement loops run from memory: only there can a figure say anything of memory bandwidth.
 * Undefined where the cache size cannot be read or such a size is past {@link MAX_ENTITIES}.
 */
export function beyondCacheSize(): number | undefined {
  const llc = lastLevelCacheBytes();
  if (llc === undefined || !Number.isFinite(llc)) return undefined;
  const n = Math.ceil((4 * llc) / WORKING_BYTES_PER_ENTITY / 1_000_000) * 1_000_000;
  return n <= MAX_ENTITIES ? Math.max(n, 2_000_000) : undefined;
}

/** `10k`, `100k`, `1m`: how sizes appear in keys. */
export function sizeLabel(n: number): string {
  return n >= 1_000_000 ? `${n / 1_000_000}m` : n >= 1000 ? `${n / 1000}k` : String(n);
}

interface SystemsFigures extends Record<string, number> {}

export const systemsSuite: Suite<SystemsFigures> = {
  async run(options) {
    await buildBenchLibrary();
    const beyond = options.quick ? undefined : beyondCacheSize();
    const sizes = options.quick ? [10_000, 100_000] : [...SIZES, ...(beyond ? [beyond] : [])];
    return { ...measureSystems(options.measure, sizes), llc_bytes: lastLevelCacheBytes() ?? Number.NaN, beyond_cache_entities: beyond ?? 0 };
  },
  rows(f) {
    const rows: Row[] = [];
    const llc = f.llc_bytes!;
    const sizes = [...SIZES, ...(f.beyond_cache_entities ? [f.beyond_cache_entities] : [])];
    for (const n of sizes) {
      const label = sizeLabel(n);
      const rust = f[`rust_ms_${label}`], memcpy = f[`memcpy_ms_${label}`];
      if (rust === undefined || memcpy === undefined) continue; // a size this run left out (--quick)
      const gbps = (ms: number) => (n * TRAFFIC_BYTES_PER_ENTITY) / (ms * 1e6); // bytes per ns = GB/s
      const working = n * WORKING_BYTES_PER_ENTITY;
      const where = Number.isFinite(llc) ? `working set ${bytesText(working)}, ${working > 2 * llc ? "beyond" : working > llc ? "about" : "within"} the ${bytesText(llc)} last-level cache` : `working set ${bytesText(working)}`;
      rows.push(
        { suite: "systems", figure: `movement ${label}: TS time / Rust time`, value: f[`rust_over_ts_${label}`]!.toFixed(2), goal: n === 1_000_000 ? ">= 3" : "", context: `rust ${fmt(rust)} ms, ts ${fmt(f[`ts_ms_${label}`]!)} ms per run; ${where}`, spread: [`rust_over_ts_${label}`] },
        { suite: "systems", figure: `movement ${label}: copy of equal traffic / Rust time`, value: f[`memcpy_fraction_${label}`]!.toFixed(2), goal: n === f.beyond_cache_entities ? ">= 0.6" : "", context: `28 B of traffic per entity both ways (a copy of 14 B reads 14 and writes 14): rust ${fmt(gbps(rust))} GB/s, copy ${fmt(gbps(memcpy))} GB/s`, spread: [`memcpy_fraction_${label}`] },
      );
    }
    return rows;
  },
};
