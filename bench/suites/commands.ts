/**
 * commands: spawning and despawning through Rust `Commands` against the same in TypeScript. Each
 * frame despawns every `Churn` entity and spawns 10k new ones with a Position and a Velocity: the
 * hot `churn` of bench-systems (its command queue applied by the host right after it returns)
 * on one App, a TypeScript system doing the same with spawn/despawn on another. Frames of the two
 * alternate, so both see the same machine; the figure is ms per frame and TS / Rust.
 */
import { App, ManualClock, Update } from "../../src/core/index.ts";
import { defineQuery, despawn, spawn } from "../../src/ecs/index.ts";
import { hostParamsOf } from "../../src/hot/host-params.ts";
import { hotSystem } from "../../src/hot/index.ts";
import { benchApp, buildBenchLibrary } from "../bench-library.ts";
import { Churn, Position, Velocity } from "../components.ts";
import { fmt, median } from "../lib.ts";
import type { Suite } from "../suite.ts";

/** As in bench-systems' `churn`. */
const CHURN = 10_000;
const FRAME_MS = 1000 / 64;

interface CommandsFigures {
  /** One frame (10k despawned, 10k spawned), ms, median of samples. */
  readonly rust_ms: number;
  readonly ts_ms: number;
  /** ts_ms / rust_ms, of the medians. */
  readonly ts_over_rust: number;
  /** Of the Rust frame: the host checking and applying the queue (the rest is the call). */
  readonly rust_apply_share: number;
}

function rustApp(): { app: App; clock: ManualClock } {
  const clock = new ManualClock();
  const { app } = benchApp(clock);
  app.addSystems(Update, hotSystem("churn"));
  return { app, clock };
}

function tsApp(): { app: App; clock: ManualClock } {
  const clock = new ManualClock();
  const app = new App({ clock });
  app.registerComponents(Position, Velocity, Churn);
  const live = defineQuery(app.world, [Churn]);
  app.addSystems(Update, function churn({ world }) {
    for (const id of [...live.ids()]) despawn(world, id);
    for (let i = 0; i < CHURN; i++) spawn(world, Churn, [Position, { x: i, y: 0 }], [Velocity, { x: 1, y: -1 }]);
  });
  return { app, clock };
}

function frameMs(side: { app: App; clock: ManualClock }): number {
  side.clock.advance(FRAME_MS);
  const start = Bun.nanoseconds();
  side.app.update();
  return (Bun.nanoseconds() - start) / 1e6;
}

export const commandsSuite: Suite<CommandsFigures> = {
  async run(options) {
    await buildBenchLibrary();
    const rust = rustApp();
    const ts = tsApp();
    const samples = options.quick ? 10 : 60;
    for (let i = 0; i < 10; i++) {
      frameMs(rust); // warm up: entity ids, columns and queries grow to their size
      frameMs(ts);
    }
    const times = { rust: [] as number[], ts: [] as number[] };
    for (let i = 0; i < samples; i++) {
      times.rust.push(frameMs(rust));
      times.ts.push(frameMs(ts));
    }
    const churned = defineQuery(rust.app.world, [Churn]).ids().length;
    if (churned !== CHURN) throw new Error(`bench commands: the Rust side left ${churned} Churn entities, not ${CHURN}`);
    // The host's share of the Rust frame: the same frames with the queue's apply timed on its own.
    const queue = hostParamsOf(rust.app).commands;
    const apply = queue.apply.bind(queue);
    let applyMs = 0;
    queue.apply = (world, components) => {
      const start = Bun.nanoseconds();
      const problem = apply(world, components);
      applyMs += (Bun.nanoseconds() - start) / 1e6;
      return problem;
    };
    const shares: number[] = [];
    for (let i = 0; i < (options.quick ? 3 : 15); i++) {
      applyMs = 0;
      const total = frameMs(rust);
      shares.push(applyMs / total);
    }
    rust.app.shutdown();
    ts.app.shutdown();
    const rustMs = median(times.rust);
    const tsMs = median(times.ts);
    return { rust_ms: rustMs, ts_ms: tsMs, ts_over_rust: tsMs / rustMs, rust_apply_share: median(shares) };
  },
  rows: (f) => [
    {
      suite: "commands",
      figure: "spawn+despawn 10k a frame: Rust Commands / TypeScript",
      value: `${fmt(f.rust_ms)} / ${fmt(f.ts_ms)} ms`,
      context: `TS / Rust ${fmt(f.ts_over_rust)}; the host's apply is ${fmt(100 * f.rust_apply_share, 2)}% of the Rust frame`,
      spread: ["rust_ms", "ts_ms"],
    },
  ],
};
