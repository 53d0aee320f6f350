import { FixedUpdate } from "../../src/core/index.ts";
import { defineQuery } from "../../src/ecs/index.ts";
import { hotSystem } from "../../src/hot/index.ts";
import { benchApp, buildBenchLibrary } from "../bench-library.ts";
import { Position, Velocity } from "../components.ts";
import { fmt, measure, type MeasureOptions, type Row } from "../lib.ts";
import type { Suite } from "../suite.ts";

/** Bytes one entity's movement touches: its id, position and velocity read, position written. */
const BYTES_PER_ENTITY = 4 + 8 + 8 + 8;

/**
 * position += velocity * dt over N entities: the `movement` hot system (Rust, release build,
 * through the id list) vs the same system in TypeScript on the same world, and the bytes it moves
 * against a plain copy of as many bytes (TypedArray.set, a memmove) in the same run.
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
    const bytes = n * BYTES_PER_ENTITY;
    const src = new Uint8Array(bytes).fill(7);
    const dst = new Uint8Array(bytes);
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

/** `10k`, `100k`, `1m`: how sizes appear in keys. */
export function sizeLabel(n: number): string {
  return n >= 1_000_000 ? `${n / 1_000_000}m` : n >= 1000 ? `${n / 1000}k` : String(n);
}

export const systemsSuite: Suite<Record<string, number>> = {
  async run(options) {
    await buildBenchLibrary();
    return measureSystems(options.measure, SIZES);
  },
  rows(f) {
    const rows: Row[] = [];
    for (const n of SIZES) {
      const label = sizeLabel(n);
      const rust = f[`rust_ms_${label}`]!, memcpy = f[`memcpy_ms_${label}`]!;
      const gbps = (ms: number) => (n * BYTES_PER_ENTITY) / (ms * 1e6); // bytes per ns = GB/s
      rows.push(
        { suite: "systems", figure: `movement ${label}: TS time / Rust time`, value: f[`rust_over_ts_${label}`]!.toFixed(2), goal: n === 1_000_000 ? ">= 3" : "", context: `rust ${fmt(rust)} ms, ts ${fmt(f[`ts_ms_${label}`]!)} ms per run`, spread: [`rust_over_ts_${label}`] },
        { suite: "systems", figure: `movement ${label}: memcpy time / Rust time`, value: f[`memcpy_fraction_${label}`]!.toFixed(2), goal: n === 1_000_000 ? ">= 0.6" : "", context: `rust ${fmt(gbps(rust))} GB/s, memcpy ${fmt(gbps(memcpy))} GB/s`, spread: [`memcpy_fraction_${label}`] },
      );
    }
    return rows;
  },
};
