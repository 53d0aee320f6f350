// TypeScript hot reload of a game (src/live): a game of three modules in a temp dir, reloaded by
// hand (no watcher) and stepped frame by frame.
import { afterEach, beforeEach, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { App, ManualClock } from "../../src/core/index.ts";
import { defineQuery, type Component } from "../../src/ecs/index.ts";
import { formatEvent, type HotEvent } from "../../src/hot/report.ts";
import { GameReloader } from "../../src/live/game-reloader.ts";

const API = join(import.meta.dir, "../../src/api/index.ts");


function components(fields = `{ x: "f32", y: "f32" }`, options = ""): string {
  return `import { defineComponent } from ${JSON.stringify(API)};
export const Position = defineComponent("Position", { x: "f32", y: "f32" });
export const Velocity = defineComponent("Velocity", ${fields}${options ? `, ${options}` : ""});
`;
}

function gameplay(speed: number, extra = ""): string {
  return `import { defineQuery, FixedUpdate, Startup, Update, spawn, type App } from ${JSON.stringify(API)};
import { Position, Velocity } from "./components.ts";
export const SPEED = ${speed};
export class Score { value = 0; bump() { this.value += 1; } }
export function Gameplay(app: App): void {
  app.registerComponents(Position, Velocity);
  app.insertResource(new Score());
  const movers = defineQuery(app.world, [Position, Velocity]);
  app.addSystems(Startup, function setup({ world }) { spawn(world, [Position, { x: 1, y: 2 }], [Velocity, { x: 3, y: 4 }]); });
  app.addSystems(FixedUpdate, function move() {
    for (const e of movers.ids()) Position.x[e] = Position.x[e]! + SPEED;
  });
  app.addSystems(Update, function score({ resource }) { resource(Score).bump(); });
  ${extra}
}
`;
}

const GAME = `import { Gameplay } from "./gameplay.ts";
export default function game(app) { app.addPlugins(Gameplay); }
`;

let dir: string;
let events: HotEvent[];
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "hotloop-live-"));
  writeFileSync(join(dir, "components.ts"), components());
  writeFileSync(join(dir, "gameplay.ts"), gameplay(1));
  writeFileSync(join(dir, "game.ts"), GAME);
  events = [];
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

async function start(): Promise<{ app: App; reloader: GameReloader; clock: ManualClock; step(n?: number): void }> {
  const clock = new ManualClock();
  const app = new App({ clock, fixedHz: 60 });
  const reloader = await GameReloader.start(app, { entry: join(dir, "game.ts"), reporter: (e) => events.push(e), watch: false, show: (p) => p.slice(dir.length + 1) });
  const step = (n = 1) => {
    for (let i = 0; i < n; i++) {
      clock.advance(1000 / 60);
      app.update();
    }
  };
  step();
  return { app, reloader, clock, step };
}

async function save(file: string, text: string, reloader: GameReloader): Promise<void> {
  writeFileSync(join(dir, file), text);
  await reloader.reload([join(dir, file)]);
}

const lines = () => events.map((e) => JSON.stringify(e));

describe("TypeScript reload", () => {
  test("a constant changed takes effect at the next frame; entities, frame count and resources stay", async () => {
    const { app, reloader, step } = await start();
    step(9);
    type XY = Component & { x: Float32Array; y: Float32Array };
    const { Position, Velocity } = (await import(join(dir, "components.ts"))) as { Position: XY; Velocity: XY };
    const movers = () => [...defineQuery(app.world, [Position, Velocity]).ids()];
    const entities = movers();
    expect(entities).toHaveLength(1); // the one setup spawned
    const before = Position.x[entities[0]!]!;
    expect(before).toBeGreaterThan(1);
    const frame = app.time.frame;
    await save("gameplay.ts", gameplay(100), reloader);
    expect(reloader.hasStaged).toBe(true);
    step();
    expect(movers()).toEqual(entities); // the same entity, none spawned again or removed
    expect([Position.y[entities[0]!], Velocity.x[entities[0]!], Velocity.y[entities[0]!]]).toEqual([2, 3, 4]);
    expect(Position.x[entities[0]!]! - before).toBeGreaterThanOrEqual(100);
    expect(app.time.frame).toBe(frame + 1);
    expect(reloader.version).toBe(2);
    const score = app.resources.findByName("Score")!.value as { value: number; bump(): void };
    expect(score.value).toBe(11); // kept across the reload: 10 frames before, 1 after
    expect(events.filter((e) => e.type === "game" && e.status === "ok")).toHaveLength(1);
    expect(events.filter((e) => e.type === "system")).toHaveLength(0);
  });

  test("a new system is added once, a removed one removed", async () => {
    const { app, reloader, step } = await start();
    await save("gameplay.ts", gameplay(1, `app.addSystems(Update, function extra({ resource }) { resource(Score).value += 1000; });`), reloader);
    step();
    expect(app.schedule((await import("../../src/core/index.ts")).Update).names()).toEqual(["score", "extra"]);
    expect(events.filter((e) => e.type === "system").map((e) => JSON.stringify(e))).toEqual([JSON.stringify({ type: "system", change: "added", system: "extra", placement: "Update", version: 2 })]);
    await save("gameplay.ts", gameplay(1), reloader);
    step();
    expect(app.schedule((await import("../../src/core/index.ts")).Update).names()).toEqual(["score"]);
    expect(lines().some((l) => l.includes('"removed"') && l.includes('"extra"'))).toBe(true);
  });
});

describe("bad TypeScript never stops the game", () => {
  test("a syntax error is refused with file:line:col; the game runs the last good code; the next good save applies", async () => {
    const { app, reloader, step } = await start();
    await save("gameplay.ts", gameplay(5).replace("export const SPEED = 5;", "export const SPEED = (5;"), reloader);
    expect(reloader.hasStaged).toBe(false);
    const refused = events.find((e) => e.type === "game" && e.status === "refused");
    expect(refused && "reason" in refused ? refused.reason : "").toMatch(/^gameplay\.ts:3:\d+: Expected "\)" but found ";"/);
    const frame = app.time.frame;
    step(3);
    expect(app.time.frame).toBe(frame + 3);
    expect(reloader.version).toBe(1);
    await save("gameplay.ts", gameplay(7), reloader);
    step();
    expect(reloader.version).toBe(2);
  });

  test("a module that throws while importing, and a plugin that throws, are refused at their line", async () => {
    const { reloader } = await start();
    await save("components.ts", `${components()}\nthrow new Error("bad module");\n`, reloader);
    await save("gameplay.ts", gameplay(1).replace("app.registerComponents(Position, Velocity);", "app.registerComponents(Position, Velocity);\n  throw new Error(\"bad plugin\");"), reloader);
    const reasons = events.filter((e) => e.type === "game" && e.status === "refused").map((e) => ("reason" in e ? e.reason : ""));
    expect(reasons[0]).toMatch(/^components\.ts:5:\d+: bad module$/);
    // components.ts is still broken (dirty files are imported again until a reload applies)
    expect(reasons[1]).toMatch(/^components\.ts:5:\d+: bad module$/);
    await save("components.ts", components(), reloader);
    const last = events.filter((e) => e.type === "game").at(-1);
    expect(last && "reason" in last ? last.reason : "").toMatch(/^gameplay\.ts:\d+:\d+: bad plugin$/);
  });

  test("a save refused while another waits for its boundary is imported again by the next attempt, not left in the module cache", async () => {
    const { reloader, step } = await start();
    await save("gameplay.ts", gameplay(100), reloader); // staged, waiting for the boundary
    writeFileSync(join(dir, "components.ts"), components(`{ x: "u8", y: "f32" }`)); // loses data: refused
    writeFileSync(join(dir, "gameplay.ts"), gameplay(300));
    await reloader.reload([join(dir, "components.ts"), join(dir, "gameplay.ts")]);
    expect(events.filter((e) => e.type === "game").at(-1)).toMatchObject({ status: "refused" });
    step(); // the staged save applies
    expect(reloader.version).toBe(2);
    // A save of another module: the refused files are still unsaved work, checked again, and refused again.
    await save("game.ts", `${GAME}// touched\n`, reloader);
    expect(events.filter((e) => e.type === "game").at(-1)).toMatchObject({ status: "refused", reason: expect.stringContaining("loses data") });
    step();
    expect(reloader.version).toBe(2);
  });

  test("an export lost and then restored: the restore applies, and every save after it (no restart)", async () => {
    writeFileSync(join(dir, "tuning.ts"), "export const Spark = 10;\n");
    writeFileSync(join(dir, "gameplay.ts"), gameplay(1).replace("export const SPEED = 1;", 'import { Spark } from "./tuning.ts";\nexport const SPEED = Spark;'));
    const { reloader, step } = await start();
    const game = () => events.filter((e) => e.type === "game");
    // An export renamed in two steps: first the exporter, then (later) the importer.
    await save("tuning.ts", "export const Sparkle = 10;\n", reloader);
    expect(game().at(-1)).toMatchObject({ status: "refused", reason: expect.stringContaining("Export named 'Spark' not found") });
    await save("tuning.ts", "export const Spark = 20;\n", reloader);
    expect(reloader.hasStaged).toBe(true);
    step();
    expect(reloader.version).toBe(2);
    expect((await import(join(dir, "gameplay.ts"))).SPEED).toBe(20);
    await save("tuning.ts", "export const Spark = 30;\n", reloader);
    step();
    expect(reloader.version).toBe(3);
    expect((await import(join(dir, "gameplay.ts"))).SPEED).toBe(30);
    // The same for a component a module loses and gets back.
    await save("components.ts", components().replace("export const Velocity", "export const Velocityy"), reloader);
    expect(game().at(-1)).toMatchObject({ status: "refused", reason: expect.stringContaining("Export named 'Velocity' not found") });
    await save("components.ts", components(), reloader);
    step();
    expect(reloader.version).toBe(4);
    expect(game().filter((e) => "status" in e && e.status === "refused")).toHaveLength(2);
  });

  test("a top-level await that never settles is refused after the time given, naming the module; the fixed save applies", async () => {
    writeFileSync(join(dir, "tuning.ts"), "export const Spark = 10;\n");
    writeFileSync(join(dir, "gameplay.ts"), gameplay(1).replace("export const SPEED = 1;", 'import { Spark } from "./tuning.ts";\nexport const SPEED = Spark;'));
    const clock = new ManualClock();
    const app = new App({ clock, fixedHz: 60 });
    const reloader = await GameReloader.start(app, { entry: join(dir, "game.ts"), reporter: (e) => events.push(e), watch: false, show: (p) => p.slice(dir.length + 1), importTimeoutMs: 300 });
    const step = () => {
      clock.advance(1000 / 60);
      app.update();
    };
    step();
    await save("tuning.ts", "await new Promise(() => {});\nexport const Spark = 20;\n", reloader);
    const game = () => events.filter((e) => e.type === "game");
    expect(game().at(-1)).toMatchObject({
      status: "refused",
      file: "tuning.ts",
      reason: "tuning.ts: its top level has not finished after 0.3 s (an await that never settles?): not loaded; the game keeps its code, and the next save loads the module afresh",
    });
    step();
    expect(reloader.version).toBe(1);
    await save("tuning.ts", "export const Spark = 30;\n", reloader);
    step();
    expect(reloader.version).toBe(2);
    expect(app.resources.findByName("Score")).toBeDefined();
    const { Position } = (await import(join(dir, "components.ts"))) as { Position: { x: Float32Array } };
    const x = Position.x[1]!;
    step();
    expect(Position.x[1]! - x).toBe(30); // the fixed module's SPEED runs
    await save("tuning.ts", "export const Spark = 40;\n", reloader);
    step();
    expect(reloader.version).toBe(3);
  });

  test("a system that throws after a reload is rolled back within the frame; one with no previous body is disabled", async () => {
    const { app, reloader, step } = await start();
    const score = () => (app.resources.findByName("Score")!.value as { value: number }).value;
    await save("gameplay.ts", gameplay(1).replace("resource(Score).bump();", "if (resource(Score).value > 3) throw new Error(\"score broke\"); resource(Score).bump();"), reloader);
    step(2); // applied; score 1 → 3
    expect(reloader.version).toBe(2);
    step(); // 3 → 4
    step(); // throws: rolled back to the body that bumps
    expect(reloader.version).toBe(3);
    const panic = events.find((e) => e.type === "panic");
    expect(panic).toMatchObject({ type: "panic", system: "score", action: "rolled_back", now: 3 });
    expect(panic && "message" in panic ? panic.message : "").toMatch(/^score broke \(at gameplay\.ts:\d+:\d+\)$/); // the project's path, as the other lines say it
    const s = score();
    step();
    expect(score()).toBe(s + 1); // the previous body runs
    // A new system that throws has no previous body: disabled until the next good save.
    await save("gameplay.ts", gameplay(1, `app.addSystems(Update, function broken() { throw new Error("never worked"); });`), reloader);
    step(3);
    expect(events.filter((e) => e.type === "panic" && e.system === "broken")).toEqual([expect.objectContaining({ action: "disabled" })]);
    await save("gameplay.ts", gameplay(1), reloader);
    step();
    expect(app.schedule((await import("../../src/core/index.ts")).Update).names()).toEqual(["score"]);
  });
});

describe("resources and Startup", () => {
  test("a resource keeps its value and takes the new class's methods", async () => {
    const { app, reloader, step } = await start();
    step(4);
    const running = app.resources.findByName("Score")!;
    await save("gameplay.ts", gameplay(1).replace("bump() { this.value += 1; }", "bump() { this.value += 10; }"), reloader);
    // Until the boundary the running code keeps its class and its methods.
    expect(app.resources.findByName("Score")!.key).toBe(running.key);
    expect(Object.getPrototypeOf(running.value)).toBe(running.key.prototype);
    step();
    expect((app.resources.findByName("Score")!.value as { value: number }).value).toBe(5 + 10);
  });

  test("Startup runs once unless the system asks to run again after a reload", async () => {
    const { app, reloader, step } = await start();
    const { defineQuery } = await import("../../src/ecs/index.ts");
    const { Position } = await import(join(dir, "components.ts"));
    const count = () => defineQuery(app.world, [Position]).ids().length;
    await save("gameplay.ts", gameplay(2), reloader);
    step();
    expect(count()).toBe(1);
    await save("gameplay.ts", gameplay(2, `app.addSystems(Startup, system(function respawn({ world }) { spawn(world, [Position, { x: 0, y: 0 }]); }).rerunOnReload());`).replace("Startup, Update, spawn,", "Startup, Update, spawn, system,"), reloader);
    step();
    expect(count()).toBe(2);
  });
});

describe("components changed live", () => {
  const position = async () => (await import(join(dir, "components.ts"))) as Record<string, Record<string, Float32Array>>;

  test("a field added (with a default) and a type widened migrate every entity at the boundary", async () => {
    const { app, reloader, step } = await start();
    step(2);
    const V = (await position()).Velocity!;
    await save("components.ts", components(`{ x: "f64", y: "f32", z: "f32" }`, `{ defaults: { z: 9 } }`), reloader);
    expect(V.z).toBeUndefined(); // nothing changes before the frame boundary
    step();
    expect(V.x).toBeInstanceOf(Float64Array);
    expect([V.x![1], V.y![1], V.z![1]]).toEqual([3, 4, 9]);
    const migrated = events.find((e) => e.type === "migration");
    expect(migrated).toMatchObject({ status: "migrated", component: "Velocity", from: "Velocity{x,y}", to: "Velocity{x,y,z}", entities: 1 });
    expect(app.components.get("Velocity")).toBe(V as never); // the same object: queries and closures keep it
  });

  test("a rename declared with { renamed } keeps the data", async () => {
    const { reloader, step } = await start();
    const V = (await position()).Velocity!;
    await save("components.ts", components(`{ dx: "f32", y: "f32" }`, `{ renamed: { dx: "x" } }`), reloader);
    await save("gameplay.ts", gameplay(1), reloader);
    step();
    expect(V.dx![1]).toBe(3);
  });

  test("a rename kept in the definition no longer applies: the next edit keeps the renamed field's data", async () => {
    const { reloader, step } = await start();
    const V = (await position()).Velocity!;
    await save("components.ts", components(`{ dx: "f32", y: "f32" }`, `{ renamed: { dx: "x" } }`), reloader);
    step();
    expect(V.dx![1]).toBe(3);
    await save("components.ts", components(`{ dx: "f32", y: "f32", z: "f32" }`, `{ renamed: { dx: "x" } }`), reloader);
    step();
    expect([V.dx![1], V.y![1], V.z![1]]).toEqual([3, 4, 0]);
    expect(events.filter((e) => e.type === "migration").at(-1)).toMatchObject({ status: "migrated", from: "Velocity{dx,y}", to: "Velocity{dx,y,z}" });
  });

  test("a removed field read as Velocity[axis] by a system the reload did not replace: the throw rolls the reload back with its data", async () => {
    // A once plugin's systems are carried over as they are (as a package's would be): not replaced by the reload.
    const readsAxes = `app.addPlugins(oncePlugin("Axes", (app: App) => {
    app.addSystems(FixedUpdate, function sum_axes() {
      for (const e of movers.ids()) for (const axis of ["x", "y"] as const) void Velocity[axis][e]!.toFixed();
    });
  }));`;
    writeFileSync(join(dir, "gameplay.ts"), gameplay(1, readsAxes).replace("import { defineQuery,", "import { oncePlugin, defineQuery,"));
    const { reloader, step } = await start();
    const V = (await position()).Velocity!;
    await save("components.ts", components(`{ x: "f32" }`), reloader);
    expect(reloader.hasStaged).toBe(true); // no scan sees Velocity[axis]
    step();
    expect(V.y![1]).toBe(4); // the old column, with its data
    expect(events.filter((e) => e.type === "migration").map((e) => ("status" in e ? e.status : ""))).toEqual(["migrated", "reverted"]);
    expect(events.find((e) => e.type === "panic")).toMatchObject({ system: "sum_axes", action: "rolled_back" });
    step(3);
    expect(V.y![1]).toBe(4);
    expect(events.filter((e) => e.type === "panic")).toHaveLength(1); // the old layout again: no further throw, the system not disabled
  });

  test("a removed field taken apart (const { y } = Velocity) or read as Velocity[\"y\"] is refused at its line", async () => {
    const { reloader, step } = await start();
    const reason = () => {
      const e = events.filter((e) => e.type === "game").at(-1);
      return e && "reason" in e ? e.reason : "";
    };
    await save("gameplay.ts", gameplay(1, `app.addSystems(Update, function show() {\n    const {\n      x,\n      y: vy,\n    } = Velocity;\n    void x; void vy;\n  });`), reloader);
    step();
    await save("components.ts", components(`{ x: "f32" }`), reloader);
    expect(reason()).toBe("components.ts: Velocity.y is removed but still read at gameplay.ts:15: remove that use too, or give { migrate }");
    await save("gameplay.ts", gameplay(1, `app.addSystems(Update, function show() { void Velocity["y"]; });`), reloader);
    step();
    await save("components.ts", components(`{ x: "f32" }`), reloader);
    expect(reason()).toBe("components.ts: Velocity.y is removed but still read at gameplay.ts:14: remove that use too, or give { migrate }");
  });

  test("narrowing is refused unless a migrate function converts; a removed field still read is refused", async () => {
    const { reloader, step } = await start();
    await save("components.ts", components(`{ x: "u8", y: "f32" }`), reloader);
    const reason = () => {
      const e = events.filter((e) => e.type === "game").at(-1);
      return e && "reason" in e ? e.reason : "";
    };
    expect(reason()).toBe('components.ts: Velocity.x: f32 → u8 loses data: give defineComponent("Velocity", …, { migrate }) to convert it, or keep the type');
    // The same save asked about again (as the dev runner does before codegen): the same answer, said once.
    const said = events.length;
    expect(await reloader.verdict([join(dir, "components.ts")])).toBe(reason());
    expect(events.length).toBe(said);
    await save("components.ts", components(`{ x: "u8", y: "f32" }`, `{ migrate: (old) => ({ x: Math.round(old.x * 10) }) }`), reloader);
    step();
    expect((await position()).Velocity!.x![1]).toBe(30);
    await save("gameplay.ts", gameplay(1).replace("Position.x[e]! + SPEED", "Position.x[e]! + SPEED + Position.y[e]!"), reloader);
    step();
    await save("components.ts", components(`{ x: "u8", y: "f32" }`).replace(`defineComponent("Position", { x: "f32", y: "f32" })`, `defineComponent("Position", { x: "f32" })`), reloader);
    expect(reason()).toMatch(/^components\.ts: Position\.y is removed but still read at gameplay\.ts:11: remove that use too, or give \{ migrate \}$/);
  });

  test("a throw in the frame after a migration restores the old layout and data with the old code", async () => {
    const { reloader, step } = await start();
    const V = (await position()).Velocity!;
    await save("components.ts", components(`{ x: "f32", y: "f32", z: "f32" }`), reloader);
    await save("gameplay.ts", gameplay(1).replace("resource(Score).bump();", "Velocity.x[1] = 77; throw new Error(\"new code broke\");").replace('import { Position, Velocity } from "./components.ts";', 'import { Position, Velocity } from "./components.ts";'), reloader);
    step();
    expect(V.z).toBeUndefined();
    expect(V.x![1]).toBe(3); // the old columns: the write of the failed frame is gone with the code
    expect(events.filter((e) => e.type === "migration").map((e) => ("status" in e ? e.status : ""))).toEqual(["migrated", "reverted"]);
  });
});

describe("resources with a schema changed live", () => {
  const tallyModule = (schema: string, options = "") => `import { defineResource } from ${JSON.stringify(API)};
export const Tally = defineResource("Tally", ${schema}${options ? `, ${options}` : ""});
`;
  const counting = (extra = "") =>
    gameplay(1, `app.insertResource(new Tally({ value: 3 }));\n  app.addSystems(Update, function count({ resource }) { resource(Tally).value += 1; });\n  ${extra}`).replace(
      'import { Position, Velocity } from "./components.ts";',
      'import { Position, Velocity } from "./components.ts";\nimport { Tally } from "./tally.ts";',
    );
  const tally = (app: App) => app.resources.findByName("Tally")!.value as Record<string, number> & { toJSON(): Record<string, number> };

  test("a field added keeps the running value and takes its default; a rename keeps the data", async () => {
    writeFileSync(join(dir, "tally.ts"), tallyModule(`{ value: "u32" }`));
    writeFileSync(join(dir, "gameplay.ts"), counting());
    const { app, reloader, step } = await start();
    step(4);
    expect(tally(app).value).toBe(8); // 3 and five frames
    await save("tally.ts", tallyModule(`{ value: "u32", streak: "u16" }`, `{ defaults: { streak: 7 } }`), reloader);
    step();
    expect(tally(app).toJSON()).toEqual({ value: 9, streak: 7 });
    expect(events.filter((e) => e.type === "migration").at(-1)).toMatchObject({ status: "migrated", resource: "Tally", from: "Tally{value}", to: "Tally{value,streak}" });
    await save("tally.ts", tallyModule(`{ total: "u32", streak: "u16" }`, `{ renamed: { total: "value" } }`), reloader);
    step();
    expect(tally(app).toJSON()).toEqual({ total: 9, streak: 7 });
  });

  test("a lossy change is refused unless migrate converts; a throw in the frame after puts the old value back", async () => {
    writeFileSync(join(dir, "tally.ts"), tallyModule(`{ value: "u32" }`));
    writeFileSync(join(dir, "gameplay.ts"), counting());
    const { app, reloader, step } = await start();
    await save("tally.ts", tallyModule(`{ value: "u8" }`), reloader);
    const reason = events.filter((e) => e.type === "game").at(-1);
    expect(reason).toMatchObject({ status: "refused", reason: 'tally.ts: Tally.value: u32 → u8 loses data: give defineResource("Tally", …, { migrate }) to convert it, or keep the type' });
    await save("tally.ts", tallyModule(`{ value: "u8" }`, `{ migrate: (old) => ({ value: Math.min(old.value ?? 0, 255) }) }`), reloader);
    step();
    expect(tally(app).value).toBe(5); // 3, one frame before, the converted 4, one frame after
    const before = app.resources.findByName("Tally")!.value;
    await save("tally.ts", tallyModule(`{ value: "u8", best: "u8" }`), reloader);
    await save("gameplay.ts", counting('app.addSystems(Update, function broken() { throw new Error("broken"); });'), reloader);
    step();
    expect(app.resources.findByName("Tally")!.value).toBe(before); // the old instance, as it was
    expect(events.filter((e) => e.type === "migration").map((e) => e.status)).toEqual(["migrated", "migrated", "reverted"]);
  });
});

describe("event types changed live", () => {
  test("a field added to an event type: its queue is made anew at the boundary, the events in flight dropped and counted", async () => {
    const hits = (schema: string) => `import { defineEvent } from ${JSON.stringify(API)};\nexport const Hit = defineEvent("Hit", ${schema});\n`;
    writeFileSync(join(dir, "hits.ts"), hits(`{ damage: "u8" }`));
    writeFileSync(
      join(dir, "gameplay.ts"),
      gameplay(
        1,
        "app.addEvent(Hit);\n  const hits = app.eventReader(Hit);\n  app.addSystems(Update, function hit({ app }) { app.sendEvent(Hit, { damage: 3 }); });\n  app.addSystems(Update, function heard() { for (const h of hits.read()) (globalThis as { heard?: number }).heard = h.damage; });",
      ).replace(
        'import { Position, Velocity } from "./components.ts";',
        'import { Position, Velocity } from "./components.ts";\nimport { Hit } from "./hits.ts";',
      ),
    );
    const { app, reloader, step } = await start();
    step(2);
    expect(app.events.get("Hit")!.type.struct.layout.text).toBe("Hit{damage:u8}");
    await save("hits.ts", hits(`{ damage: "u8", crit: "u8" }`), reloader);
    expect(app.events.get("Hit")!.type.struct.layout.text).toBe("Hit{damage:u8}"); // nothing before the boundary
    step();
    expect(app.events.get("Hit")!.type.struct.layout.text).toBe("Hit{damage:u8,crit:u8}");
    expect(events.filter((e) => e.type === "migration").map(formatEvent)).toEqual([expect.stringMatching(/^hotloop: migrated event Hit\{damage\} → Hit\{damage,crit\}: \d+ events? in flight dropped, [\d.]+ m?s$/)]);
    (globalThis as { heard?: number }).heard = undefined;
    step(2); // the new code sends the new layout, and its reader (made when the plugin was built again) reads it
    expect(events.filter((e) => e.type === "panic" || (e.type === "game" && e.status === "refused"))).toEqual([]);
    expect((globalThis as { heard?: number }).heard).toBe(3);
  });
});

describe("what a replaced version started stops with it", () => {
  // Each build of the plugin starts a timer that says which version it is and which build of it.
  const ticking = (id: number, extra = "") =>
    gameplay(
      1,
      `app.addPlugins((app: App) => {
    const g = globalThis as { builds?: number; ticks?: string[]; stopped?: string[] };
    const build = (g.builds = (g.builds ?? 0) + 1);
    const timer = setInterval(() => g.ticks?.push("${id}#" + build), 1);
    app.onShutdown(() => { clearInterval(timer); (g.stopped ??= []).push("${id}#" + build); });
  });
  ${extra}`,
    );
  /** The timers that fire, as version numbers (one entry per live timer). */
  const liveTimers = async () => {
    const g = globalThis as { ticks?: string[] };
    g.ticks = [];
    await Bun.sleep(40);
    const seen = [...new Set(g.ticks)].map((t) => Number(t.split("#")[0]));
    g.ticks = undefined;
    return seen.sort((a, b) => a - b);
  };

  test("a plugin's shutdown hooks run when its version is replaced, rolled back, refused or superseded", async () => {
    writeFileSync(join(dir, "gameplay.ts"), ticking(0));
    const { app, reloader, step } = await start();
    for (let id = 1; id <= 10; id++) {
      await save("gameplay.ts", ticking(id), reloader);
      step();
    }
    expect(reloader.version).toBe(11);
    expect(await liveTimers()).toEqual([10]); // one timer: the running version's
    // Superseded before a frame boundary: built, never applied.
    await save("gameplay.ts", ticking(11), reloader);
    await save("gameplay.ts", ticking(12), reloader);
    step();
    expect(await liveTimers()).toEqual([12]);
    // Rolled back: the version that threw stops; the one restored runs its systems (its timer stopped when it was replaced).
    await save("gameplay.ts", ticking(13).replace("resource(Score).bump();", 'throw new Error("13 broke");'), reloader);
    step();
    expect(events.filter((e) => e.type === "panic").at(-1)).toMatchObject({ action: "rolled_back" });
    expect(await liveTimers()).toEqual([]);
    await save("gameplay.ts", ticking(14, "app.addSystems(Update, function reads() { void Velocity.y; });"), reloader);
    step();
    expect(await liveTimers()).toEqual([14]);
    // Refused after its plugin was built again (a removed field still read): that build stops at once.
    await save("components.ts", components(`{ x: "f32" }`), reloader);
    expect(events.filter((e) => e.type === "game").at(-1)).toMatchObject({ status: "refused" });
    expect(await liveTimers()).toEqual([14]);
    await save("gameplay.ts", ticking(15), reloader);
    step();
    expect(await liveTimers()).toEqual([15]);
    app.shutdown();
    expect(await liveTimers()).toEqual([]);
    // Each build stopped once: v12, replaced and then restored by the rollback of v13, is not stopped again.
    const stopped = (globalThis as { stopped?: string[] }).stopped ?? [];
    expect(stopped.length).toBeGreaterThan(10);
    expect(stopped.filter((s, i) => stopped.indexOf(s) !== i)).toEqual([]);
  });
});

describe("what a reload does not redo", () => {
  test("a once plugin (a window, a library) is not built again; what it added stays", async () => {
    const plugin = (size: number) => `import { oncePlugin, Render, type App } from ${JSON.stringify(join(import.meta.dir, "../../src/core/index.ts"))};
export const Window = (size: number) => oncePlugin("Window", (app: App) => {
  (globalThis as { windowsOpened?: number[] }).windowsOpened = [...((globalThis as { windowsOpened?: number[] }).windowsOpened ?? []), size];
  app.addSystems(Render, function draw_window() {});
  app.onShutdown(() => {});
}, { size });
export default function game(app: App) { app.addPlugins(Window(${size})); app.addSystems(Render, function draw_game() {}); }
`;
    writeFileSync(join(dir, "game.ts"), plugin(100));
    const { app, reloader, step } = await start();
    const { Render } = await import("../../src/core/index.ts");
    await save("game.ts", plugin(200), reloader);
    step();
    expect(reloader.version).toBe(2);
    expect((globalThis as { windowsOpened?: number[] }).windowsOpened).toEqual([100]); // a new size needs a restart
    expect(events.filter((e) => e.type === "warning").map((e) => ("message" in e ? e.message : ""))).toEqual([
      "Window was given other options, which a once plugin takes only when the game starts (a window's size or title, the hot library): restart the game to apply them",
    ]);
    await save("game.ts", plugin(200).replace("draw_game() {}", "draw_game() { void 0; }"), reloader);
    step();
    expect(events.filter((e) => e.type === "warning")).toHaveLength(2); // still other than the window's: said again with each save
    expect(app.schedule(Render).names()).toEqual(["draw_window", "draw_game"]);
  });
});
