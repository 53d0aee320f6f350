/**
 * scene: an asteroids-like scene, headless, through the App: a ship flying a circle and N rocks
 * drifting and wrapping around the arena, with a count of the rocks touching the ship, every
 * frame. The same four systems in Rust (hot systems of bench-systems, release build) and in
 * TypeScript run on one world (a run condition picks the side), so the two are timed side by side
 * on the same entities.
 *
 * - frame time at N = 10k, 100k, 1M (a tiny N with --quick), and TS time / Rust time;
 * - the largest N each side holds at 60 fps (16.7 ms a frame): from the N the 1M frame predicts,
 *   steps of x1.25 until the budget is bracketed, then bisection to within 5%, bounded in time
 *   (25 s a side; a search stopped by its bound says so);
 * - the frame against the number of hot systems: 10, 100 and 1000 copies of one small system
 *   (`spin_*`, angle += rate * dt) over the same 10k entities, and the same in TypeScript.
 */
import { App, chain, ManualClock, system, Update, type SystemConfig, type SystemContext, type SystemFn } from "../../src/core/index.ts";
import { defineQuery, spawn } from "../../src/ecs/index.ts";
import { hotSystem } from "../../src/hot/index.ts";
import { benchApp, buildBenchLibrary } from "../bench-library.ts";
import { Position, Rock, Ship, Spin, Velocity } from "../components.ts";
import { fmt, measure, median, type MeasureOptions, type Row } from "../lib.ts";
import type { Suite } from "../suite.ts";
import { sizeLabel } from "./systems.ts";

/** As in bench-systems: the arena's side (px) and the ship's speed (px/s). */
const ARENA = 8192;
const SHIP_SPEED = 120;
const SHIP_RADIUS = 16;
/** 1/64 s: exact in binary, so Rust (f32) and TypeScript (f64, stored as f32) move rocks identically. */
const FRAME_MS = 1000 / 64;
/** A frame at 60 fps. */
const BUDGET_MS = 1000 / 60;

const SIZES = [10_000, 100_000, 1_000_000];
const QUICK_SIZES = [1_000];
const SYSTEM_COUNTS = [10, 100, 1000];

type Side = "rust" | "ts";

/** A rock's initial state from its index: the same rocks whatever order they are made in. */
function rockInit(i: number): [x: number, y: number, vx: number, vy: number, radius: number] {
  // A small integer hash (xorshift-multiply), so the scene is the same in every run.
  let h = Math.imul(i + 1, 0x9e3779b1);
  const next = () => {
    h ^= h >>> 15;
    h = Math.imul(h, 0x2c1b3c6d);
    h ^= h >>> 12;
    h = Math.imul(h, 0x297a2d39);
    h ^= h >>> 15;
    return (h >>> 0) / 2 ** 32;
  };
  return [next() * ARENA, next() * ARENA, (next() - 0.5) * 120, (next() - 0.5) * 120, 4 + next() * 8];
}

function wrap(v: number): number {
  return v < 0 ? v + ARENA : v >= ARENA ? v - ARENA : v;
}

/** The scene on one App: both sides' systems, a side switch, and the rock count. */
class Scene {
  readonly app: App;
  readonly clock = new ManualClock();
  side: Side = "rust";
  readonly ship: number;
  /** Rock ids, last made last: shrinking despawns from the end, so ids stay in runs. */
  private readonly rocks: number[] = [];
  /** The TypeScript systems, in order (also run by hand to check both sides agree). */
  readonly tsSystems: SystemFn[];

  constructor() {
    this.app = benchApp(this.clock).app;
    const world = this.app.world;
    this.ship = spawn(world, [Position, { x: ARENA / 2, y: ARENA / 2 }], Velocity, [Ship, { radius: SHIP_RADIUS }]);
    const ships = defineQuery(world, [Position, Velocity, Ship]);
    const drifting = defineQuery(world, [Position, Velocity, Rock]);
    const rocks = defineQuery(world, [Position, Rock]);
    const shipsHit = defineQuery(world, [Position, Ship]);

    // The TypeScript side, line for line what bench-systems' Rust does.
    const tsShipFly = (ctx: SystemContext) => {
      const ids = ships.ids();
      const dt = ctx.time.delta, heading = ctx.time.elapsed;
      const px = Position.x, py = Position.y, vx = Velocity.x, vy = Velocity.y;
      for (let i = 0; i < ids.length; i++) {
        const e = ids[i]!;
        vx[e] = Math.cos(heading) * SHIP_SPEED;
        vy[e] = Math.sin(heading) * SHIP_SPEED;
        px[e] = wrap(px[e]! + vx[e]! * dt);
        py[e] = wrap(py[e]! + vy[e]! * dt);
      }
    };
    const tsRockDrift = (ctx: SystemContext) => {
      const ids = drifting.ids();
      const dt = ctx.time.delta;
      const px = Position.x, py = Position.y, vx = Velocity.x, vy = Velocity.y;
      for (let i = 0; i < ids.length; i++) {
        const e = ids[i]!;
        px[e]! += vx[e]! * dt;
        py[e]! += vy[e]! * dt;
      }
    };
    const tsRockWrap = () => {
      const ids = rocks.ids();
      const px = Position.x, py = Position.y;
      for (let i = 0; i < ids.length; i++) {
        const e = ids[i]!;
        px[e] = wrap(px[e]!);
        py[e] = wrap(py[e]!);
      }
    };
    const tsShipHits = () => {
      const ids = shipsHit.ids(), rockIds = rocks.ids();
      const px = Position.x, py = Position.y, radius = Rock.radius, shipRadius = Ship.radius, hitsOut = Ship.hits;
      for (let s = 0; s < ids.length; s++) {
        const ship = ids[s]!;
        const sx = px[ship]!, sy = py[ship]!, sr = shipRadius[ship]!;
        let hits = 0;
        for (let i = 0; i < rockIds.length; i++) {
          const e = rockIds[i]!;
          const dx = px[e]! - sx, dy = py[e]! - sy, reach = sr + radius[e]!;
          if (dx * dx + dy * dy < reach * reach) hits++;
        }
        hitsOut[ship] = hits;
      }
    };
    this.tsSystems = [tsShipFly, tsRockDrift, tsRockWrap, tsShipHits];
    const onSide = (side: Side) => (configs: SystemConfig[]) => configs.map((c) => c.runIf(() => this.side === side));
    this.app.addSystems(Update, onSide("rust")(chain(hotSystem("ship_fly"), hotSystem("rock_drift"), hotSystem("rock_wrap"), hotSystem("ship_hits"))));
    this.app.addSystems(
      Update,
      onSide("ts")(chain(system(tsShipFly, "ts_ship_fly"), system(tsRockDrift, "ts_rock_drift"), system(tsRockWrap, "ts_rock_wrap"), system(tsShipHits, "ts_ship_hits"))),
    );
    this.frame(); // Startup, and the first frame's zero delta
  }

  get size(): number {
    return this.rocks.length;
  }

  /** Makes or removes rocks until there are `n`. */
  resize(n: number): void {
    const world = this.app.world;
    while (this.rocks.length < n) {
      const [x, y, vx, vy, radius] = rockInit(this.rocks.length);
      const e = spawn(world, Position, Velocity, Rock);
      Position.x[e] = x;
      Position.y[e] = y;
      Velocity.x[e] = vx;
      Velocity.y[e] = vy;
      Rock.radius[e] = radius;
      this.rocks.push(e);
    }
    while (this.rocks.length > n) this.app.context.despawn(this.rocks.pop()!);
  }

  frame(): void {
    this.clock.advance(FRAME_MS);
    this.app.update();
  }

  /** The median duration of `frames` frames of one side (ms), after two to warm up. */
  frameMs(side: Side, frames = 9): number {
    this.side = side;
    this.frame();
    this.frame();
    const times: number[] = [];
    for (let i = 0; i < frames; i++) {
      const start = Bun.nanoseconds();
      this.frame();
      times.push((Bun.nanoseconds() - start) / 1e6);
    }
    return median(times);
  }

  hits(): number {
    return Ship.hits[this.ship]!;
  }

  /**
   * Checks that both sides compute the same frame: runs a Rust frame, keeps its result, puts the
   * state back and runs the TypeScript systems by hand on the same time values; the rocks'
   * positions must agree bit for bit (1/64 s steps make f32 and f64 arithmetic round alike), the
   * hit counts to within a rock on the edge of reach.
   */
  check(): number {
    const n = Position.x.length;
    const saved = [Position.x, Position.y, Velocity.x, Velocity.y].map((c) => c.slice(0, n));
    this.side = "rust";
    this.frame();
    const rust = { hits: this.hits(), x: Position.x.slice(0, n), y: Position.y.slice(0, n) };
    [Position.x, Position.y, Velocity.x, Velocity.y].forEach((c, i) => c.set(saved[i]!));
    for (const s of this.tsSystems) s(this.app.context);
    const ts = this.hits();
    let moved = 0;
    for (const e of this.rocks) if (Position.x[e] !== rust.x[e] || Position.y[e] !== rust.y[e]) moved++;
    // The ship's heading is a cosine in f32 on one side and in f64 on the other, and distances
    // are f32 against f64: a rock exactly on the edge of reach may count on one side only.
    if (Math.abs(rust.hits - ts) > Math.max(1, rust.hits / 1000) || moved > 0) {
      throw new Error(`scene: Rust and TypeScript disagree on one frame of ${this.size} rocks: hits ${rust.hits} vs ${ts}, ${moved} rocks elsewhere`);
    }
    return ts;
  }

  shutdown(): void {
    this.app.shutdown();
  }
}

interface Search {
  /** The largest N seen to hold 60 fps. */
  readonly n: number;
  /** Its frame time (ms). */
  readonly ms: number;
  /** Probes made. */
  readonly probes: number;
  /** True when the search stopped on its time or size bound before it was within 5%. */
  readonly bounded: boolean;
}

/**
 * Largest N at 60 fps for one side: from `estimate`, steps of x1.25 up (while frames hold) or
 * down (while they do not) until the budget is bracketed, then bisection to within 5%; stops at
 * `deadline` or `cap` with what it reached. Rocks are made or removed between probes, never the
 * whole world again, since making a rock costs about 2 us.
 */
function largestAt60(scene: Scene, side: Side, estimate: number, cap: number, deadline: number): Search {
  let lo = 0, loMs = NaN, hi = Infinity, probes = 0;
  let n = Math.min(cap, Math.max(1000, Math.round(estimate)));
  for (;;) {
    scene.resize(n);
    const ms = scene.frameMs(side);
    probes++;
    if (ms <= BUDGET_MS) [lo, loMs] = [n, ms];
    else hi = n;
    if (hi !== Infinity && lo > 0 && (hi - lo) / hi <= 0.05) return { n: lo, ms: loMs, probes, bounded: false };
    if (performance.now() > deadline) return { n: lo, ms: loMs, probes, bounded: true };
    if (hi === Infinity) {
      if (n >= cap) return { n: lo, ms: loMs, probes, bounded: true };
      n = Math.min(cap, Math.round(n * 1.25));
    } else if (lo === 0) {
      if (n <= 1000) return { n: lo, ms: loMs, probes, bounded: true };
      n = Math.max(1000, Math.round(n / 1.25));
    } else {
      n = Math.round((lo + hi) / 2);
    }
  }
}

/** Frame time against the number of systems: Apps with K hot or K TypeScript copies of `spin`, side by side. */
function measureGrowth(options: MeasureOptions, entities: number): Record<string, number> {
  const apps: { name: string; app: App; clock: ManualClock }[] = [];
  const make = (name: string, add: (app: App) => void) => {
    const clock = new ManualClock();
    const { app } = benchApp(clock);
    for (let i = 0; i < entities; i++) spawn(app.world, [Spin, { rate: 1 + (i % 7) }]);
    add(app);
    clock.advance(FRAME_MS);
    app.update();
    apps.push({ name, app, clock });
  };
  make("none", () => {});
  for (const k of SYSTEM_COUNTS) {
    make(`rust_${k}`, (app) => app.addSystems(Update, ...Array.from({ length: k }, (_, i) => hotSystem(`spin_${i}`))));
    make(`ts_${k}`, (app) => {
      const spinning = defineQuery(app.world, [Spin]);
      // K closures of one function, as K systems written from one template would be.
      const spin = (i: number) =>
        system((ctx: SystemContext) => {
          const ids = spinning.ids();
          const dt = ctx.time.delta;
          const angle = Spin.angle, rate = Spin.rate;
          for (let j = 0; j < ids.length; j++) {
            const e = ids[j]!;
            angle[e]! += rate[e]! * dt;
          }
        }, `ts_spin_${i}`);
      app.addSystems(Update, ...Array.from({ length: k }, (_, i) => spin(i)));
    });
  }
  // All interleaved (load from elsewhere hits every K alike), each with a batch of its own size.
  const m = measure(
    apps.map(({ name, app, clock }) => ({
      name,
      run: (n: number) => {
        for (let i = 0; i < n; i++) {
          clock.advance(FRAME_MS);
          app.update();
        }
      },
    })),
    { ...options, batchEach: true },
  );
  for (const { app } of apps) app.shutdown();
  const out: Record<string, number> = { growth_entities: entities, frame_ms_0: m.none! / 1e6 };
  for (const side of ["rust", "ts"]) {
    for (const k of SYSTEM_COUNTS) {
      const ms = m[`${side}_${k}`]! / 1e6;
      out[`${side}_frame_ms_${k}`] = ms;
      out[`${side}_us_per_system_${k}`] = ((ms - out.frame_ms_0!) * 1000) / k;
    }
    const [a, b, c] = SYSTEM_COUNTS.map((k) => out[`${side}_frame_ms_${k}`]!);
    out[`${side}_growth_10_to_100`] = b! / a!;
    out[`${side}_growth_100_to_1000`] = c! / b!;
  }
  return out;
}

async function runScene(options: { quick: boolean; measure: MeasureOptions }): Promise<Record<string, number>> {
  await buildBenchLibrary();
  const out: Record<string, number> = {};
  const scene = new Scene();
  try {
    for (const n of options.quick ? QUICK_SIZES : SIZES) {
      scene.resize(n);
      const hits = scene.check();
      const m = measure(
        (["rust", "ts"] as const).map((side) => ({
          name: side,
          run: (k: number) => {
            scene.side = side;
            for (let i = 0; i < k; i++) scene.frame();
          },
        })),
        { ...options.measure, sampleMs: Math.max(options.measure.sampleMs ?? 20, 40) },
      );
      const label = sizeLabel(n);
      out[`rust_ms_${label}`] = m.rust! / 1e6;
      out[`ts_ms_${label}`] = m.ts! / 1e6;
      out[`ts_over_rust_${label}`] = m.ts! / m.rust!;
      out[`hits_${label}`] = hits;
    }
    if (!options.quick) {
      // TypeScript first: its N is the smaller, so the world mostly grows. Each search starts
      // where the 1M frame time says the budget is, if frames grew linearly.
      const started = performance.now();
      for (const side of ["ts", "rust"] as const) {
        const estimate = (1_000_000 * BUDGET_MS) / out[`${side}_ms_1m`]!;
        const found = largestAt60(scene, side, estimate, 1 << 24, performance.now() + 25_000);
        out[`${side}_n_at_60fps`] = found.n;
        out[`${side}_ms_at_60fps`] = found.ms;
        out[`${side}_search_probes`] = found.probes;
        out[`${side}_search_bounded`] = found.bounded ? 1 : 0;
      }
      out.search_s = (performance.now() - started) / 1000;
      out.n_at_60fps_rust_over_ts = out.rust_n_at_60fps! / out.ts_n_at_60fps!;
    }
  } finally {
    scene.shutdown();
  }
  Object.assign(out, measureGrowth(options.measure, options.quick ? 1_000 : 10_000));
  return out;
}

export const sceneSuite: Suite<Record<string, number>> = {
  run: runScene,
  rows(f) {
    const rows: Row[] = [];
    const sizes = f.rust_ms_1k !== undefined ? QUICK_SIZES : SIZES;
    for (const n of sizes) {
      const label = sizeLabel(n);
      rows.push({
        suite: "scene",
        figure: `asteroids, ${label} rocks, headless (nothing drawn): TS frame / Rust frame`,
        value: f[`ts_over_rust_${label}`]!.toFixed(2),
        context: `rust ${fmt(f[`rust_ms_${label}`]!)} ms, ts ${fmt(f[`ts_ms_${label}`]!)} ms per frame; ${f[`hits_${label}`]} hits`,
        spread: [`ts_over_rust_${label}`],
      });
    }
    if (f.rust_n_at_60fps !== undefined) {
      const bound = (side: string) => (f[`${side}_search_bounded`] ? " (search bounded: at least)" : "");
      rows.push(
        { suite: "scene", figure: "largest N at 60 fps (headless, nothing drawn), Rust", value: `${fmt(f.rust_n_at_60fps / 1e6, 3)}M rocks`, context: `${fmt(f.rust_ms_at_60fps!)} ms a frame${bound("rust")}`, spread: ["rust_n_at_60fps"] },
        { suite: "scene", figure: "largest N at 60 fps (headless, nothing drawn), TypeScript", value: `${fmt(f.ts_n_at_60fps! / 1e6, 3)}M rocks`, context: `${fmt(f.ts_ms_at_60fps!)} ms a frame${bound("ts")}`, spread: ["ts_n_at_60fps"] },
        { suite: "scene", figure: "largest N at 60 fps (headless, nothing drawn), Rust / TS", headline: true, value: f.n_at_60fps_rust_over_ts!.toFixed(2), context: `${fmt(f.rust_n_at_60fps / 1e6, 3)}M against ${fmt(f.ts_n_at_60fps! / 1e6, 3)}M rocks, the ship's four systems in Rust and in TypeScript on one world; search ${fmt(f.search_s!)} s`, spread: ["n_at_60fps_rust_over_ts"] },
      );
    }
    for (const side of ["rust", "ts"]) {
      const who = side === "rust" ? "hot" : "TS";
      rows.push({
        suite: "scene",
        figure: `10 / 100 / 1000 ${who} systems over ${fmt(f.growth_entities! / 1000)}k: frame`,
        value: SYSTEM_COUNTS.map((k) => fmt(f[`${side}_frame_ms_${k}`]!)).join(" / ") + " ms",
        context: `${SYSTEM_COUNTS.map((k) => fmt(f[`${side}_us_per_system_${k}`]!)).join(" / ")} us per system; x${fmt(f[`${side}_growth_10_to_100`]!)} then x${fmt(f[`${side}_growth_100_to_1000`]!)} (linear: x10)`,
        spread: SYSTEM_COUNTS.map((k) => `${side}_frame_ms_${k}`),
      });
    }
    return rows;
  },
};
