import { FixedUpdate } from "../../src/core/index.ts";
import { defineQuery } from "../../src/ecs/index.ts";
import { hotSystem } from "../../src/hot/index.ts";
import { benchApp } from "../bench-library.ts";
import { Position, Velocity } from "../components.ts";
import { fmt, measure, type MeasureOptions, type Row } from "../lib.ts";
import type { SuiteResult } from "../suite.ts";

/** Bytes one entity's movement touches: its id, position and velocity read, position written. */
const BYTES_PER_ENTITY = 4 + 8 + 8 + 8;

/**
 * position += velocity * dt over N entities: the `movement` hot system (Rust, release build,
 * through the id list) vs the same system in TypeScript on the same world, and the bytes it moves
 * against a plain copy of as many bytes (TypedArray.set, a memmove) in the same run.
 */
export function systemsSuite(options: MeasureOptions, sizes: readonly number[]): SuiteResult {
  const json: Record<string, number> = {};
  const rows: Row[] = [];
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
    const label = n >= 1_000_000 ? `${n / 1_000_000}m` : `${n / 1000}k`;
    const speedup = m.ts! / m.rust!;
    const fraction = m.memcpy! / m.rust!;
    const gbps = (ns: number) => bytes / ns; // bytes per ns = GB/s
    json[`rust_over_ts_${label}`] = speedup;
    json[`memcpy_fraction_${label}`] = fraction;
    json[`rust_ms_${label}`] = m.rust! / 1e6;
    json[`ts_ms_${label}`] = m.ts! / 1e6;
    json[`memcpy_ms_${label}`] = m.memcpy! / 1e6;
    rows.push(
      { suite: "systems", figure: `movement ${label}: TS time / Rust time`, value: speedup.toFixed(2), goal: n === 1_000_000 ? ">= 3" : "", context: `rust ${fmt(m.rust! / 1e6)} ms, ts ${fmt(m.ts! / 1e6)} ms per run` },
      { suite: "systems", figure: `movement ${label}: memcpy time / Rust time`, value: fraction.toFixed(2), goal: n === 1_000_000 ? ">= 0.6" : "", context: `rust ${fmt(gbps(m.rust!))} GB/s, memcpy ${fmt(gbps(m.memcpy!))} GB/s` },
    );
  }
  return { json, rows };
}
