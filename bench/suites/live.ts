import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { App, ManualClock, yieldToEventLoop } from "../../src/core/index.ts";
import { applyMigration, defineComponent, defineQuery, planMigration, spawn, createWorld } from "../../src/ecs/index.ts";
import type { HotEvent } from "../../src/hot/report.ts";
import { GameReloader } from "../../src/live/game-reloader.ts";
import { fmt, percentile } from "../lib.ts";
import type { Suite } from "../suite.ts";

/** TypeScript reloads and component migrations. */
interface LiveFigures {
  /** Save (the file written) → the first frame that ran the new body, ms. */
  readonly save_to_running_p50_ms: number;
  readonly save_to_running_p95_ms: number;
  /** Of that: re-import (the watcher's debounce included) and the apply at the boundary, medians. */
  readonly import_p50_ms: number;
  readonly apply_p50_ms: number;
  readonly reloads: number;
  /** One migration of 100k entities: Velocity{x,y} → {x,y,z} and f32 → f64 widening of both fields. */
  readonly migrate_add_field_100k_ms: number;
  readonly migrate_widen_100k_ms: number;
  readonly revert_100k_ms: number;
}

const API = join(import.meta.dir, "../../src/api/index.ts");

/** The gameplay module of a three-module game (entry → gameplay → components, as a starter's): its system publishes its constant. */
function gameplay(value: number): string {
  return `import { defineQuery, FixedUpdate, Startup, spawn, Update, type App } from ${JSON.stringify(API)};
import { Position, Velocity } from "./components.ts";
const VALUE = ${value};
export function Gameplay(app: App): void {
  app.registerComponents(Position, Velocity);
  const movers = defineQuery(app.world, [Position, Velocity]);
  app.addSystems(Startup, function setup({ world }) { for (let i = 0; i < 100; i++) spawn(world, [Position, { x: i }], [Velocity, { x: 1 }]); });
  app.addSystems(FixedUpdate, function movement({ time }) {
    for (const e of movers.ids()) Position.x[e] = Position.x[e]! + Velocity.x[e]! * time.delta;
  });
  app.addSystems(Update, function publish() { (globalThis as { liveValue?: number }).liveValue = VALUE; });
}
`;
}

const COMPONENTS = `import { defineComponent } from ${JSON.stringify(API)};
export const Position = defineComponent("Position", { x: "f32", y: "f32" });
export const Velocity = defineComponent("Velocity", { x: "f32", y: "f32" });
`;
const ENTRY = `import type { App } from ${JSON.stringify(API)};
import { Gameplay } from "./gameplay.ts";
export default function game(app: App): void { app.addPlugins(Gameplay); }
`;

/** Saves a new constant again and again while the app runs frames; times each until the new body ran. */
async function measureReloads(count: number): Promise<Pick<LiveFigures, "save_to_running_p50_ms" | "save_to_running_p95_ms" | "import_p50_ms" | "apply_p50_ms" | "reloads">> {
  const dir = mkdtempSync(join(tmpdir(), "hotloop-bench-live-"));
  const entry = join(dir, "game.ts");
  const module = join(dir, "gameplay.ts");
  writeFileSync(join(dir, "components.ts"), COMPONENTS);
  writeFileSync(module, gameplay(0));
  writeFileSync(entry, ENTRY);
  const events: HotEvent[] = [];
  const clock = new ManualClock();
  const app = new App({ clock });
  const reloader = await GameReloader.start(app, { entry, reporter: (e) => void events.push(e) });
  const seen = () => (globalThis as { liveValue?: number }).liveValue;
  const latencies: number[] = [];
  try {
    for (let i = 1; i <= count; i++) {
      const saved = performance.now();
      writeFileSync(module, gameplay(i));
      while (seen() !== i && performance.now() - saved < 5000) {
        clock.advance(1000 / 60);
        app.update();
        await yieldToEventLoop(); // a frame's yield, as the runner's loop at full speed
      }
      if (seen() !== i) throw new Error(`bench live: save ${i} never ran (${events.map((e) => JSON.stringify(e)).join("; ")})`);
      latencies.push(performance.now() - saved);
      await Bun.sleep(20); // saves a person makes are apart
    }
  } finally {
    await reloader.close();
    app.shutdown();
    rmSync(dir, { recursive: true, force: true });
  }
  const ok = events.filter((e): e is Extract<HotEvent, { type: "game"; status: "ok" }> => e.type === "game" && e.status === "ok");
  return {
    save_to_running_p50_ms: percentile(latencies, 50),
    save_to_running_p95_ms: percentile(latencies, 95),
    import_p50_ms: percentile(ok.map((e) => e.importMs), 50),
    apply_p50_ms: percentile(ok.map((e) => e.applyMs), 50),
    reloads: ok.length,
  };
}

/** Migrates 100k entities' Velocity to another layout, median of `samples` fresh runs each. */
function measureMigrations(samples: number): Pick<LiveFigures, "migrate_add_field_100k_ms" | "migrate_widen_100k_ms" | "revert_100k_ms"> {
  const n = 100_000;
  const times = { add: [] as number[], widen: [] as number[], revert: [] as number[] };
  for (let s = 0; s < samples; s++) {
    const world = createWorld();
    const Velocity = defineComponent("Velocity", { x: "f32", y: "f32" });
    for (let i = 0; i < n; i++) spawn(world, [Velocity, { x: i, y: -i }]);
    const ids = defineQuery(world, [Velocity]).ids();
    const added = applyMigration(planMigration(Velocity, defineComponent("Velocity", { x: "f32", y: "f32", z: "f32" })), ids);
    times.add.push(added.ms);
    const started = performance.now();
    added.revert();
    times.revert.push(performance.now() - started);
    times.widen.push(applyMigration(planMigration(Velocity, defineComponent("Velocity", { x: "f64", y: "f64" })), ids).ms);
  }
  return {
    migrate_add_field_100k_ms: percentile(times.add, 50),
    migrate_widen_100k_ms: percentile(times.widen, 50),
    revert_100k_ms: percentile(times.revert, 50),
  };
}

/**
 * live: TypeScript edits while the game runs. The gameplay module of a three-module game is saved
 * with a new constant again and again (the runner's watcher, re-import, apply at the next frame boundary); each save
 * is timed until a frame ran the new body. Then component migrations of 100k entities.
 */
export const liveSuite: Suite<LiveFigures> = {
  async run(options) {
    return { ...(await measureReloads(options.quick ? 5 : 30)), ...measureMigrations(options.quick ? 3 : 9) };
  },
  rows: (f) => [
    {
      suite: "live",
      figure: "TS module saved → running, p50 / p95",
      headline: true,
      value: `${fmt(f.save_to_running_p50_ms)} / ${fmt(f.save_to_running_p95_ms)} ms`,
      context: `the write → the end of the first frame running the new body, through GameReloader's own watcher (hotloop dev's path), frames back to back; re-import ${fmt(f.import_p50_ms)} ms (its 10 ms debounce included), apply ${fmt(f.apply_p50_ms)} ms; ${f.reloads} saves`,
      spread: ["save_to_running_p50_ms", "save_to_running_p95_ms"],
    },
    {
      suite: "live",
      figure: "migration of 100k entities: a field added / f32→f64",
      value: `${fmt(f.migrate_add_field_100k_ms)} / ${fmt(f.migrate_widen_100k_ms)} ms`,
      context: `revert (a rollback) ${fmt(f.revert_100k_ms)} ms`,
      spread: ["migrate_add_field_100k_ms", "migrate_widen_100k_ms"],
    },
  ],
};
