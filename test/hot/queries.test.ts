/**
 * Issue 23, "Queries a Bevy user expects": test/fixtures/query-fixture built with cargo and loaded
 * in an App. Two queries over Position set apart by Without<Player> / With<Player> run side by side
 * (an overlapping pair does not compile; written by hand, it is refused at load with its one line);
 * `get` and `get_mut` find rows by entity id; optional terms see which entities have a component;
 * `Entity` alone shows in a signature line. The rules of the load check are tested as a pure
 * function first.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { App, FixedUpdate, ManualClock, yieldToEventLoop } from "../../src/core/index.ts";
import { addComponent, despawn, removeComponent, spawn, type Component } from "../../src/ecs/index.ts";
import { definitionsOf, rustComponents } from "../../src/dev/codegen.ts";
import { formatEvent, HotPlugin, HotReloader, hotSystem, type HotEvent } from "../../src/hot/index.ts";
import { describeParams, HOTLOOP_ABI_VERSION, parseManifest, systemProblem, type ParamManifest } from "../../src/hot/manifest.ts";
import * as components from "../fixtures/query-fixture/components.ts";
import { Boost, Chase, Enemy, Player, Position, Shield, Tally, Velocity } from "../fixtures/query-fixture/components.ts";
import { Fixture } from "../support/fixture.ts";
import { STEP_MS } from "../support/hot-app.ts";

const SLOW = 300_000;
const ALL: Component[] = [Position, Velocity, Player, Enemy, Chase, Boost, Shield, Tally];
const OVERLAP = "writes component Position in one parameter and reads it in another: merge them into one query";

type Term = "read" | "write" | "optional_read" | "optional_write";
const query = (components: [string, Term][], filters: { with?: string[]; without?: string[]; entity?: number[] } = {}): ParamManifest => ({
  kind: "query",
  components: components.map(([name, access]) => ({ name, access })),
  with: filters.with ?? [],
  without: filters.without ?? [],
  ...(filters.entity ? { entity: filters.entity } : {}),
});

/** A manifest of one system `s` with these parameters, over the fixture's components. */
function manifestOf(params: ParamManifest[]) {
  const layouts = ALL.map((c) => ({ name: c.name, hash: c.layout.hash, fields: c.fieldNames.map((f) => ({ name: f, type: c.schema[f]! })) }));
  const text = JSON.stringify({ abi: HOTLOOP_ABI_VERSION, sdk: "0.1.0", crate: "q", hooks: { load: false, unload: false }, components: layouts, resources: [], events: [], systems: [{ name: "s", params }] });
  return parseManifest(text);
}

function problemOf(...params: ParamManifest[]): string | undefined {
  const manifest = manifestOf(params);
  const registry = new Map(ALL.map((c) => [c.name, c]));
  return systemProblem(manifest, manifest.systems[0]!, registry);
}

describe("the load check: two queries may share a component when no entity can match both", () => {
  test("set apart by a component one requires and the other excludes: accepted", () => {
    // The pair: Query<(Write<Position>, Read<Enemy>), Without<Player>> beside Query<Read<Position>, With<Player>>.
    expect(problemOf(query([["Position", "write"], ["Enemy", "read"]], { without: ["Player"] }), query([["Position", "read"]], { with: ["Player"] }))).toBeUndefined();
    // A data term requires its component as With does.
    expect(problemOf(query([["Position", "write"]], { without: ["Player"] }), query([["Position", "read"], ["Player", "read"]]))).toBeUndefined();
    expect(problemOf(query([["Position", "write"], ["Shield", "write"]]), query([["Position", "write"]], { without: ["Shield"] }))).toBeUndefined();
    // Reads never alias.
    expect(problemOf(query([["Position", "read"]]), query([["Position", "read"]]))).toBeUndefined();
  });

  test("anything else is refused with the one line it always had", () => {
    const line = `system s ${OVERLAP}`;
    expect(problemOf(query([["Position", "write"]], { with: ["Enemy"] }), query([["Position", "read"]], { with: ["Player"] }))).toBe(line);
    expect(problemOf(query([["Position", "write"]]), query([["Position", "write"]], { without: ["Player"] }))).toBe(line);
    // An optional term neither requires its component nor writes less.
    expect(problemOf(query([["Position", "write"]], { without: ["Player"] }), query([["Position", "read"], ["Player", "optional_read"]]))).toBe(line);
    expect(problemOf(query([["Position", "optional_write"]]), query([["Position", "read"]]))).toBe(line);
    // Excluded on both sides is no separation.
    expect(problemOf(query([["Position", "write"]], { without: ["Player"] }), query([["Position", "read"]], { without: ["Player"] }))).toBe(line);
  });

  test("signatures print optional terms and Entity in their places", () => {
    expect(describeParams([query([], { with: ["Enemy"], entity: [0] })])).toBe("Query<Entity, With<Enemy>>");
    expect(describeParams([query([["Position", "write"], ["Boost", "optional_read"]], { entity: [1] })])).toBe("Query<(Write<Position>, Entity, Option<Read<Boost>>)>");
    expect(describeParams([query([["Shield", "optional_write"]])])).toBe("Query<Option<Write<Shield>>>");
    expect(describeParams([query([], { with: ["Enemy"] })])).toBe("Query<(), With<Enemy>>"); // a library from before `entity`
  });
});

describe("queries in a real library", () => {
  let fixture: Fixture;
  beforeAll(async () => {
    fixture = new Fixture("test/fixtures/query-fixture");
    await fixture.build();
  }, SLOW);
  afterAll(() => fixture?.cleanup());

  /** An app running `systems` in FixedUpdate from the fixture's library, stepped one fixed step a frame. */
  async function queryApp(systems: string[]) {
    const clock = new ManualClock();
    const app = new App({ clock });
    const events: HotEvent[] = [];
    app.registerComponents(...ALL);
    app.addPlugins(HotPlugin({ library: fixture.library, reload: true, debounceMs: 10, reporter: (e) => void events.push(e) }));
    app.addSystems(FixedUpdate, ...systems.map((s) => hotSystem(s)));
    const reloader = app.resource(HotReloader);
    await reloader.ready();
    app.update();
    const step = async () => {
      clock.advance(STEP_MS);
      app.update();
      await Bun.sleep(2);
      await yieldToEventLoop();
    };
    // Each test places some of the library's systems: the others' "not scheduled" notices are expected.
    const lines = () => events.filter((e) => !(e.type === "system" && e.change === "unscheduled")).map(formatEvent);
    return { app, world: app.world, reloader, events, step, lines };
  }

  test("its components.rs is what the codegen makes of components.ts", async () => {
    const generated = rustComponents(definitionsOf(components), "test/fixtures/query-fixture/components.ts");
    expect(await Bun.file(fixture.path("src/components.rs")).text()).toBe(generated);
  });

  test("two queries over Position set apart by Without<Player> / With<Player> both run; get finds the player by id, or None", async () => {
    const t = await queryApp(["chase"]);
    try {
      // 40 players: the players query is long enough that get() indexes its ids.
      const players = Array.from({ length: 40 }, (_, i) => spawn(t.world, Player, [Position, { x: 100 + i, y: 50 }]));
      const target = players[37]!;
      const hunter = spawn(t.world, Enemy, [Position, { x: 0, y: 0 }], [Chase, { target }]);
      const confused = spawn(t.world, Enemy, [Position, { x: 10, y: 10 }], [Chase, { target: hunter }]);
      const lost = spawn(t.world, Enemy, [Position, { x: 20, y: 20 }], [Chase, { target: 4_000_000 }]);
      await t.step();
      expect([Position.x[hunter], Position.y[hunter], Chase.seen[hunter]]).toEqual([68.5, 25, 1]); // halfway to (137, 50)
      expect([Position.x[confused], Position.y[confused], Chase.seen[confused]]).toEqual([10, 10, 2]); // its target is no player
      expect([Position.x[lost], Chase.seen[lost]]).toEqual([20, 2]); // no such entity
      await t.step();
      expect([Position.x[hunter], Position.y[hunter]]).toEqual([102.75, 37.5]);
      expect(players.map((p) => Position.x[p])).toEqual(players.map((_, i) => 100 + i)); // the read query's rows are untouched
      despawn(t.world, target);
      await t.step();
      expect([Position.x[hunter], Chase.seen[hunter]]).toEqual([102.75, 2]); // a despawned player is not found
      expect(t.lines()).toEqual([]);
    } finally {
      t.app.shutdown();
    }
  }, SLOW);

  test("get_mut writes the row of the entity another query names; an entity without the component is None", async () => {
    const t = await queryApp(["hit"]);
    try {
      const player = spawn(t.world, Player, [Shield, { hp: 5 }]);
      const first = spawn(t.world, Enemy, [Chase, { target: player }], [Shield, { hp: 7 }]);
      const second = spawn(t.world, Enemy, [Chase, { target: player }]);
      spawn(t.world, Enemy, [Chase, { target: second }]); // second has no Shield: nothing to hit
      await t.step();
      expect([Shield.hp[player], Shield.hp[first]]).toEqual([3, 7]); // two enemies chase the player
      await t.step();
      expect(Shield.hp[player]).toBe(1);
      expect(t.lines()).toEqual([]);
    } finally {
      t.app.shutdown();
    }
  }, SLOW);

  test("optional terms: Some where the entity has the component, None elsewhere (beyond its columns too), as components come and go", async () => {
    const t = await queryApp(["drift"]);
    try {
      expect(Boost.capacity).toBe(16);
      const still = spawn(t.world, [Position, { x: 0 }], [Boost, { factor: 9 }]); // no Velocity: not a mover
      const movers = Array.from({ length: 20 }, () => spawn(t.world, [Position, { x: 0 }], Velocity));
      const [a, b, c] = [movers[1]!, movers[2]!, movers[18]!];
      expect(c).toBeGreaterThanOrEqual(16); // beyond Boost's columns
      addComponent(t.world, a, Boost, { factor: 3 });
      addComponent(t.world, b, Shield, { hp: 0 });
      expect(Boost.capacity).toBe(16);
      await t.step();
      expect(movers.map((m) => Position.x[m])).toEqual(movers.map((m) => (m === a ? 3 : 1)));
      expect([Shield.hp[b], Position.x[still]]).toEqual([10, 0]);
      // Boost grows (c is beyond its capacity), a loses its Boost, another mover gains a Shield.
      addComponent(t.world, c, Boost, { factor: 5 });
      expect(Boost.capacity).toBeGreaterThan(16);
      removeComponent(t.world, a, Boost);
      addComponent(t.world, movers[5]!, Shield, { hp: 1 });
      await t.step();
      expect([Position.x[a], Position.x[c], Position.x[movers[0]!]]).toEqual([4, 6, 2]);
      expect([Shield.hp[b], Shield.hp[movers[5]!]]).toEqual([20, 11]);
      // Past the first 8192 ids the presence bytes move to a bigger buffer: the next call reads that one.
      const far = Array.from({ length: 8300 }, () => spawn(t.world, [Position, { x: 0 }], Velocity));
      addComponent(t.world, far.at(-1)!, Boost, { factor: 7 });
      expect(far.at(-1)).toBeGreaterThan(8192);
      await t.step();
      expect([Position.x[far.at(-1)!], Position.x[far.at(-2)!], Position.x[c]]).toEqual([7, 1, 11]);
      expect(t.lines()).toEqual([]);
    } finally {
      t.app.shutdown();
    }
  }, SLOW);

  test("Entity alone: count sees every enemy; its signature line says Query<Entity, With<Enemy>>", async () => {
    const t = await queryApp(["count"]);
    try {
      const player = spawn(t.world, Player, Tally);
      for (let i = 0; i < 3; i++) spawn(t.world, Enemy);
      spawn(t.world, Enemy, [Chase, { target: player }]);
      await t.step();
      expect(Tally.enemies[player]).toBe(4);
      fixture.edit("enemies: Query<Entity, With<Enemy>>", "enemies: Query<(Entity, Read<Chase>), With<Enemy>>");
      await fixture.build();
      for (let i = 0; i < 1500 && t.reloader.version < 2; i++) await t.step();
      expect(t.lines()).toContain(
        "hotloop: system count changed its signature from Query<Entity, With<Enemy>>, Query<Write<Tally>, With<Player>> to Query<(Entity, Read<Chase>), With<Enemy>>, Query<Write<Tally>, With<Player>>",
      );
      await t.step();
      expect(Tally.enemies[player]).toBe(1); // only one enemy has a Chase
    } finally {
      t.app.shutdown();
      fixture.edit("enemies: Query<(Entity, Read<Chase>), With<Enemy>>", "enemies: Query<Entity, With<Enemy>>");
    }
  }, SLOW);

  test("a query of only an optional term matches every entity, spawned before or after it was made, until despawned", async () => {
    const t = await queryApp(["census"]);
    try {
      const player = spawn(t.world, Player, Tally);
      await t.step();
      expect([Tally.entities[player], Tally.shields[player]]).toEqual([1, 0]);
      const shielded = spawn(t.world, [Shield, { hp: 1 }]);
      const bare = spawn(t.world);
      spawn(t.world, Enemy, Shield);
      await t.step();
      expect([Tally.entities[player], Tally.shields[player]]).toEqual([4, 2]);
      despawn(t.world, shielded);
      despawn(t.world, bare);
      await t.step();
      expect([Tally.entities[player], Tally.shields[player]]).toEqual([2, 1]);
      expect(t.lines()).toEqual([]);
    } finally {
      t.app.shutdown();
    }
  }, SLOW);

  test("an overlapping pair does not compile: the SDK names the component", async () => {
    fixture.edit("mut enemies: Query<(Write<Position>, Write<Chase>), Without<Player>>", "mut enemies: Query<(Write<Position>, Write<Chase>), With<Enemy>>");
    try {
      const result = await fixture.build(true);
      expect(result.ok).toBe(false);
      expect(result.errors).toContain(
        "hotloop: component `Position` is written by one Query parameter of this system and read or written by another that can match the same entity: make them disjoint (With<T> in one, Without<T> in the other) or merge them into one query",
      );
    } finally {
      fixture.edit("mut enemies: Query<(Write<Position>, Write<Chase>), With<Enemy>>", "mut enemies: Query<(Write<Position>, Write<Chase>), Without<Player>>");
    }
  }, SLOW);
});

describe("a library written without the SDK", () => {
  let raw: Fixture;
  /** A system the host must refuse (`clash`) and one it must accept (`apart`), both placed in FixedUpdate. */
  const systems = [
    { name: "apart", schedule: "FixedUpdate", params: [query([["Position", "write"]], { without: ["Player"] }), query([["Position", "read"]], { with: ["Player"] })] },
    { name: "clash", schedule: "FixedUpdate", params: [query([["Position", "write"]], { with: ["Enemy"] }), query([["Position", "read"]], { with: ["Player"] })] },
  ];
  beforeAll(async () => {
    raw = new Fixture("test/fixtures/raw-library");
    const layouts = ([Position, Player, Enemy] as Component[]).map((c) => ({ name: c.name, hash: c.layout.hash, fields: c.fieldNames.map((f) => ({ name: f, type: c.schema[f]! })) }));
    const manifest = JSON.stringify({ abi: HOTLOOP_ABI_VERSION, sdk: "0.1.0", crate: "raw_library", hooks: { load: false, unload: false }, components: layouts, resources: [], events: [], systems });
    raw.edit(/static MANIFEST: &\[u8\] = b".*";/, `static MANIFEST: &[u8] = b"${manifest.replaceAll('"', '\\"')}\\0";`);
    raw.edit("static TABLE: [usize; 0] = [];", 'extern "C" fn idle(_ctx: *const u64) -> i32 {\n    0\n}\nstatic TABLE: [extern "C" fn(*const u64) -> i32; 2] = [idle, idle];');
    raw.edit("TABLE.as_ptr()", "TABLE.as_ptr().cast()");
    raw.setConst("COUNT", "2");
    raw.edit("_watch: *mut i32) -> u32 {\n    0\n}", "_watch: *mut i32) -> u32 {\n    _count\n}"); // idle entries all return 0
    await raw.build();
  }, SLOW);
  afterAll(() => raw?.cleanup());

  test("an overlapping pair is refused at load with its one line, alone; a disjoint pair is added", async () => {
    const clock = new ManualClock();
    const app = new App({ clock });
    const events: HotEvent[] = [];
    app.registerComponents(Position, Player, Enemy);
    app.addPlugins(HotPlugin({ library: raw.library, reload: false, reporter: (e) => void events.push(e) }));
    const reloader = app.resource(HotReloader);
    await reloader.ready();
    try {
      app.update();
      clock.advance(STEP_MS);
      app.update();
      expect(events.map(formatEvent)).toEqual([`hotloop: did not add system clash to FixedUpdate: system clash ${OVERLAP}`]);
      expect([...reloader.systems()]).toEqual([["apart", { version: 1, placement: "FixedUpdate", probation: false }]]);
    } finally {
      app.shutdown();
    }
  }, SLOW);
});
