/**
 * The bevy-like example as `hotloop dev --features reload` runs it, in a copy (its TypeScript in a
 * temp project, its crate a fixture built by cargo), edited while it runs, never restarted:
 * a TypeScript constant, a new TypeScript system, a syntax error, a field added to a component a
 * hot Rust system reads (codegen + cargo + migration at one boundary), and a panic of the new Rust
 * code that brings the old layout and data back with the old code.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { defineQuery, ManualClock, Update, type App, type Component } from "../../src/api/index.ts";
import { freshCodegen } from "../../src/dev/codegen.ts";
import { createGameApp, gameReloaderOf } from "../../src/dev/game.ts";
import { loadProject, type Project } from "../../src/dev/project.ts";
import { formatEvent, HotReloader, type HotEvent } from "../../src/hot/index.ts";
import type { GameReloader } from "../../src/live/game-reloader.ts";
import { EXAMPLE_CRATE, stepFrames, writeExampleProject } from "../support/example.ts";
import { Fixture } from "../support/fixture.ts";

const SLOW = 300_000;

describe("the example under `dev --features reload`: TypeScript and components live", () => {
  let crate: Fixture;
  let dir: string;
  let project: Project;
  let app: App;
  let hot: HotReloader;
  let game: GameReloader;
  const clock = new ManualClock();
  const events: HotEvent[] = [];
  const frames = (n: number) => stepFrames(app, clock, n);
  const file = (name: string) => join(dir, "src", name);
  const edit = (name: string, from: string, to: string) => {
    const text = readFileSync(file(name), "utf8");
    if (!text.includes(from)) throw new Error(`${name}: ${from} not found`);
    writeFileSync(file(name), text.replace(from, to));
  };
  /** Runs frames until `done()` or 1000 frames; returns the number of frames it ran. */
  const until = async (done: () => boolean): Promise<number> => {
    let ran = 0;
    for (; ran < 1000 && !done(); ran++) await frames(1);
    if (!done()) console.error(events.map(formatEvent).join("\n"));
    expect(done()).toBe(true);
    return ran;
  };
  type Columns = Component & Record<string, Float32Array>;
  const components = async () => (await import(file("components.ts"))) as { Appearance: Columns; Coin: Columns; Player: Columns; Position: Columns; Velocity: Columns };
  const score = () => (app.resources.findByName("Score")!.value as { value: number }).value;

  beforeAll(async () => {
    crate = new Fixture(EXAMPLE_CRATE);
    dir = mkdtempSync(join(tmpdir(), "hotloop-live-example-"));
    writeExampleProject(dir, crate.dir, "live-example");
    project = await loadProject(dir);
    await freshCodegen(project);
    await crate.build();
    app = await createGameApp(project, { reload: true, headless: true, library: crate.library, clock, reporter: (e) => void events.push(e) });
    hot = app.resource(HotReloader);
    game = gameReloaderOf(app)!;
    await Promise.all([hot.ready(), game.ready()]);
    await frames(5);
    // A round, as a key in the menu starts one: Rust's collect_coins scores only while Playing.
    app.nextState(((await import(file("components.ts"))) as typeof import("../../examples/bevy-like/src/components.ts")).GameState.Playing);
    await frames(1);
  }, SLOW);

  afterAll(() => {
    app?.shutdown();
    crate?.cleanup();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  test("a TypeScript constant changed is in effect within a few frames; frame count and entities unchanged", async () => {
    const { Appearance, Coin, Player, Position } = await components();
    const entities = defineQuery(app.world, [Position]).ids().length;
    const version = game.version;
    edit("gameplay.ts", "const COIN_RADIUS = 10;", "const COIN_RADIUS = 20;");
    const frame = app.time.frame;
    const ran = await until(() => game.version > version);
    expect(app.time.frame).toBe(frame + ran); // the frame count went on through the reload: one a frame, none lost, no reset
    expect(defineQuery(app.world, [Position]).ids().length).toBe(entities);
    // The player onto a coin: Rust collects it (and scores), TypeScript's new body respawns it at radius 20.
    const player = defineQuery(app.world, [Player]).ids()[0]!;
    const coins = () => [...defineQuery(app.world, [Coin]).ids()];
    const old = coins();
    const before = score();
    Position.x![player] = Position.x![old[0]!]!;
    Position.y![player] = Position.y![old[0]!]!;
    await frames(2);
    expect(score() - before).toBe(1);
    const respawned = coins().filter((c) => Appearance.radius![c] === 20);
    expect(respawned.length).toBe(1);
    expect(coins().length).toBe(old.length);
    expect(events.map(formatEvent)).toContainEqual(expect.stringMatching(/^hotloop: reloaded src\/gameplay\.ts → game v\d+ in [\d.]+ ms/));
  }, SLOW);

  test("a new TypeScript system is added and runs", async () => {
    const version = game.version;
    edit("gameplay.ts", "  app.addSystems(\n    FixedUpdate,", "  app.addSystems(Update, function count_frames() {\n    (globalThis as { liveFrames?: number }).liveFrames = ((globalThis as { liveFrames?: number }).liveFrames ?? 0) + 1;\n  });\n  app.addSystems(\n    FixedUpdate,");
    edit("gameplay.ts", 'import { defineQuery, FixedUpdate,', 'import { Update, defineQuery, FixedUpdate,');
    await until(() => game.version > version);
    await frames(3);
    expect(app.schedule(Update).names()).toContain("count_frames");
    expect((globalThis as { liveFrames?: number }).liveFrames).toBeGreaterThanOrEqual(3);
    expect(events.map(formatEvent)).toContain(`hotloop: added system count_frames to Update`);
  }, SLOW);

  test("a syntax error is refused with its file:line and the game keeps running", async () => {
    const version = game.version;
    const refusals = events.filter((e) => e.type === "game" && e.status === "refused").length;
    edit("gameplay.ts", "const COIN_RADIUS = 20;", "const COIN_RADIUS = (20;");
    await until(() => events.filter((e) => e.type === "game" && e.status === "refused").length > refusals);
    const line = events.map(formatEvent).findLast((l) => l.startsWith("hotloop: refused"));
    expect(line).toMatch(/^hotloop: refused src\/gameplay\.ts:\d+:\d+: Expected "\)" but found ";" \(still running game v\d+\)$/);
    const frame = app.time.frame;
    await frames(10);
    expect(app.time.frame).toBe(frame + 10);
    expect(game.version).toBe(version);
    edit("gameplay.ts", "const COIN_RADIUS = (20;", "const COIN_RADIUS = 20;");
    await until(() => game.version > version);
  }, SLOW);

  test("a field added to a component a hot Rust system reads: migrated with the new build at one boundary", async () => {
    const { Player, Position, Velocity } = await components();
    const player = defineQuery(app.world, [Player]).ids()[0]!;
    const at = [Position.x![player], Position.y![player]];
    const scored = score();
    const rustVersion = hot.version;
    edit("components.ts", 'defineComponent("Velocity", { x: "f32", y: "f32" })', 'defineComponent("Velocity", { x: "f32", y: "f32", z: "f32" }, { defaults: { z: 1 } })');
    await until(() => events.some((e) => e.type === "game" && e.status === "waiting"));
    expect(Velocity.fieldNames).toEqual(["x", "y"]); // waits for the library built against the new layout
    await freshCodegen(project);
    await crate.build();
    await until(() => hot.version > rustVersion);
    expect(Velocity.fieldNames).toEqual(["x", "y", "z"]);
    expect(Velocity.z![player]).toBe(1);
    expect([Position.x![player], Position.y![player]]).toEqual(at);
    expect(score()).toBe(scored);
    expect(events.map(formatEvent)).toContainEqual(expect.stringMatching(/^hotloop: migrated Velocity\{x,y\} → Velocity\{x,y,z\}: 1 entity, [\d.]+ ms$/));
    await frames(5); // player_movement runs on the new layout
    expect(events.filter((e) => e.type === "panic")).toEqual([]);
  }, SLOW);

  test("a field added to a resource a hot Rust system writes: the value migrated with the new build at one boundary", async () => {
    const scoreOf = () => app.resources.findByName("Score")!.value as { toJSON(): Record<string, number> };
    const scored = score();
    const rustVersion = hot.version;
    edit("components.ts", 'defineResource("Score", { value: "u32" })', 'defineResource("Score", { value: "u32", best: "u32" }, { defaults: { best: 50 } })');
    await until(() => events.some((e) => e.type === "game" && e.status === "waiting" && e.reason.includes("Score{value,best}")));
    expect(scoreOf().toJSON()).toEqual({ value: scored }); // the running value waits for the library built against the new layout
    await freshCodegen(project);
    expect(readFileSync(join(crate.dir, "components/src/lib.rs"), "utf8")).toContain("hotloop_sdk::resource!(Score, 0x");
    await crate.build();
    await until(() => hot.version > rustVersion);
    expect(scoreOf().toJSON()).toEqual({ value: scored, best: 50 });
    expect(events.map(formatEvent)).toContainEqual(expect.stringMatching(/^hotloop: migrated resource Score\{value\} → Score\{value,best\}, [\d.]+ ms$/));
    await frames(5); // collect_coins runs with ResMut<Score> on the new layout
    expect(events.filter((e) => e.type === "panic" || (e.type === "system" && e.change === "kept"))).toEqual([]);
  }, SLOW);

  test("a panic of the new Rust code brings back the old layout and data with the old code", async () => {
    const { Player, Position, Velocity } = await components();
    const player = defineQuery(app.world, [Player]).ids()[0]!;
    Velocity.z![player] = 5;
    const at = [Position.x![player], Position.y![player]];
    const rustVersion = hot.version;
    edit("components.ts", '{ x: "f32", y: "f32", z: "f32" }, { defaults: { z: 1 } }', '{ x: "f32", y: "f32", z: "f32", w: "f32" }, { defaults: { z: 1 } }');
    crate.edit("    let dt = time.delta_f32();", '    let dt = time.delta_f32();\n    if players.iter_mut().count() > 0 {\n        panic!("new layout, broken code");\n    }', "src/player.rs");
    await until(() => events.some((e) => e.type === "game" && e.status === "waiting" && e.reason.includes("w}")));
    await freshCodegen(project);
    await crate.build();
    await until(() => hot.version >= rustVersion + 2); // swapped in, then rolled back
    expect(Velocity.fieldNames).toEqual(["x", "y", "z"]);
    expect(Velocity.z![player]).toBe(5);
    expect([Position.x![player], Position.y![player]]).toEqual(at);
    const lines = events.map(formatEvent);
    expect(lines).toContainEqual(expect.stringMatching(/panicked: new layout, broken code .*rolled back to the previous build/));
    expect(lines).toContainEqual(expect.stringMatching(/^hotloop: reverted Velocity\{x,y,z,w\} → Velocity\{x,y,z\}: 1 entity/));
    await frames(5); // the old code runs on the old layout
    expect(events.filter((e) => e.type === "panic")).toHaveLength(1);
  }, SLOW);
});
