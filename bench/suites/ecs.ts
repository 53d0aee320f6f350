import {
  addComponent as rawAddComponent,
  addEntity,
  createWorld as bitecsWorld,
  query,
  removeComponent as rawRemoveComponent,
  removeEntity,
  type World as BitecsWorld,
} from "bitecs";
import { App, ManualClock, system, Update, type SystemContext } from "../../src/core/index.ts";
import { addComponent, defineComponent, defineQuery, defineTag, removeComponent, spawn, type Component } from "../../src/ecs/index.ts";
import { fmt, measure, type MeasureOptions, type Row } from "../lib.ts";
import type { Suite } from "../suite.ts";

/**
 * The classic JS ECS benchmark suites of noctjs/ecs-benchmark (src/bench.js for the entity counts,
 * src/cases/bitecs/*.js and README.md for what each system does), each run twice side by side:
 * through the App (hotloop components, registered queries, systems in Update, one op = one
 * `app.update()`) and on raw bitecs 0.4 (plain SoA objects, `query()`, one op = one call running
 * the same systems in order). Values are i32, as in the reference cases. Each App frame advances
 * a ManualClock by 16 ms, as the other App suites do.
 */
function measureEcs(options: MeasureOptions): EcsFigures {
  // The entity counts are the benchmark's definition, so --quick only shortens the sampling.
  const json: Record<string, EcsCase> = {};
  for (const [name, make] of CASES) {
    const c = make();
    let appOps = 0, rawOps = 0;
    const m = measure(
      [
        { name: "app", run: (n) => { for (let i = 0; i < n; i++) { c.clock.advance(16); c.app.update(); } appOps += n; } },
        { name: "raw", run: (n) => { for (let i = 0; i < n; i++) c.raw(); rawOps += n; } },
      ],
      options,
    );
    // The sink, and the proof that both sides did the same work: measure() runs every variant the
    // same number of times, so after it the two worlds must hold exactly the same state.
    const appState = c.appState(), rawState = c.rawState();
    if (appOps !== rawOps || appState !== rawState) {
      throw new Error(`ecs ${name}: app and raw differ after the run (${appOps} vs ${rawOps} ops, checksum ${appState} vs ${rawState})`);
    }
    json[name] = { app_over_raw: m.app! / m.raw!, app_ns: m.app!, raw_ns: m.raw! };
  }
  return json;
}

const CASES: [string, () => Case][] = [
  ["packed_5", () => packed5(1_000)],
  ["simple_iter", () => simpleIter(1_000)],
  ["frag_iter", () => fragIter(100)],
  ["entity_cycle", () => entityCycle(1_000)],
  ["add_remove", () => addRemove(1_000)],
];

/** One case's figures: App time / raw time, and each in ns per op. */
interface EcsCase {
  readonly app_over_raw: number;
  readonly app_ns: number;
  readonly raw_ns: number;
}
type EcsFigures = Record<string, EcsCase>;

export const ecsSuites: Suite<EcsFigures> = {
  run: (options) => measureEcs(options.measure),
  rows: (f) =>
    CASES.map(([name]): Row => {
      const c = f[name]!;
      return { suite: "ecs", figure: `${name}: App / raw bitecs`, value: c.app_over_raw.toFixed(2), goal: "<= 1.1", context: `${perOp(c.app_ns)} vs ${perOp(c.raw_ns)}`, spread: [`${name}.app_over_raw`] };
    }),
};

/** One suite set up twice: the App side and the raw bitecs side, with a checksum of each world. */
interface Case {
  readonly app: App;
  readonly clock: ManualClock;
  readonly raw: () => void;
  readonly appState: () => number;
  readonly rawState: () => number;
}

/** A component as raw bitecs 0.4 expects it: a plain object of SoA columns. */
interface RawComponent {
  readonly value: Int32Array;
}

function perOp(ns: number): string {
  return `${fmt(ns / 1000)} us (${Math.round(1e9 / ns).toLocaleString("en-US")} op/s)`;
}

function newApp(): { app: App; clock: ManualClock } {
  const clock = new ManualClock();
  return { app: new App({ clock }), clock };
}

function rawComponent(size: number): RawComponent {
  return { value: new Int32Array(size) };
}

/**
 * A checksum of a world, computed the same way on both sides: for each component, how many
 * entities have it and a weighted sum of their values (tags count only).
 */
function checksum(world: BitecsWorld, components: readonly object[]): number {
  let sum = 0;
  components.forEach((component, k) => {
    const ids = query(world, [component]);
    sum += (k + 1) * 1_000_003 * ids.length;
    const value = (component as { value?: ArrayLike<number> }).value;
    if (value) for (let i = 0; i < ids.length; i++) sum += value[ids[i]!]! * ((ids[i]! % 7) + 1);
  });
  return sum;
}

/** packed_5: 1,000 entities with (A, B, C, D, E); five systems, each doubles one component. */
function packed5(count: number): Case {
  const { app, clock } = newApp();
  const comps = ["A", "B", "C", "D", "E"].map((name) => defineComponent(name, { value: "i32" }));
  for (let i = 0; i < count; i++) spawn(app.world, ...comps);
  for (const component of comps) {
    const q = defineQuery(app.world, [component]);
    const packed = () => {
      const ids = q.ids();
      const value = component.value;
      for (let i = 0, n = ids.length; i < n; i++) value[ids[i]!]! *= 2;
    };
    app.addSystems(Update, system(packed, `packed_${component.name}`));
  }

  const world = bitecsWorld();
  const raw = comps.map(() => rawComponent(count + 1));
  for (let i = 0; i < count; i++) {
    const e = addEntity(world);
    for (const component of raw) rawAddComponent(world, e, component);
  }
  const systems = raw.map((component) => () => {
    const ents = query(world, [component]);
    const value = component.value;
    for (let i = 0, n = ents.length; i < n; i++) value[ents[i]!]! *= 2;
  });
  return {
    app,
    clock,
    raw: () => { for (let s = 0; s < systems.length; s++) systems[s]!(); },
    appState: () => checksum(app.world, comps),
    rawState: () => checksum(world, raw),
  };
}

/**
 * simple_iter: 1,000 entities each of (A, B), (A, B, C), (A, B, C, D), (A, B, C, E), with
 * A=0 B=1 C=2 D=3 E=3; three systems swap the values of (A, B), (C, D) and (C, E).
 */
function simpleIter(count: number): Case {
  const { app, clock } = newApp();
  const A = defineComponent("A", { value: "i32" });
  const B = defineComponent("B", { value: "i32" });
  const C = defineComponent("C", { value: "i32" });
  const D = defineComponent("D", { value: "i32" });
  const E = defineComponent("E", { value: "i32" });
  const w = app.world;
  for (let i = 0; i < count; i++) {
    spawn(w, [A, { value: 0 }], [B, { value: 1 }]);
    spawn(w, [A, { value: 0 }], [B, { value: 1 }], [C, { value: 2 }]);
    spawn(w, [A, { value: 0 }], [B, { value: 1 }], [C, { value: 2 }], [D, { value: 3 }]);
    spawn(w, [A, { value: 0 }], [B, { value: 1 }], [C, { value: 2 }], [E, { value: 3 }]);
  }
  const swapSystem = (X: typeof A, Y: typeof A) => {
    const q = defineQuery(w, [X, Y]);
    const swap = () => {
      const ids = q.ids();
      const x = X.value, y = Y.value;
      for (let i = 0; i < ids.length; i++) {
        const e = ids[i]!;
        const t = x[e]!;
        x[e] = y[e]!;
        y[e] = t;
      }
    };
    return system(swap, `swap_${X.name}${Y.name}`);
  };
  app.addSystems(Update, swapSystem(A, B), swapSystem(C, D), swapSystem(C, E));

  const world = bitecsWorld();
  const size = 4 * count + 1;
  const rA = rawComponent(size), rB = rawComponent(size), rC = rawComponent(size), rD = rawComponent(size), rE = rawComponent(size);
  const add = (e: number, component: RawComponent, value: number) => {
    rawAddComponent(world, e, component);
    component.value[e] = value;
  };
  for (let i = 0; i < count; i++) {
    const e1 = addEntity(world);
    add(e1, rA, 0); add(e1, rB, 1);
    const e2 = addEntity(world);
    add(e2, rA, 0); add(e2, rB, 1); add(e2, rC, 2);
    const e3 = addEntity(world);
    add(e3, rA, 0); add(e3, rB, 1); add(e3, rC, 2); add(e3, rD, 3);
    const e4 = addEntity(world);
    add(e4, rA, 0); add(e4, rB, 1); add(e4, rC, 2); add(e4, rE, 3);
  }
  const rawSwap = (X: RawComponent, Y: RawComponent) => () => {
    const ents = query(world, [X, Y]);
    const x = X.value, y = Y.value;
    for (let i = 0; i < ents.length; i++) {
      const e = ents[i]!;
      const t = x[e]!;
      x[e] = y[e]!;
      y[e] = t;
    }
  };
  const systemAB = rawSwap(rA, rB), systemCD = rawSwap(rC, rD), systemCE = rawSwap(rC, rE);
  return {
    app,
    clock,
    raw: () => { systemAB(); systemCD(); systemCE(); },
    appState: () => checksum(app.world, [A, B, C, D, E]),
    rawState: () => checksum(world, [rA, rB, rC, rD, rE]),
  };
}

const LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ".split("");

/**
 * frag_iter: 26 components A..Z, 100 entities of each, every entity also with Data; one system
 * doubles Data (2,600 entities), another doubles Z (100 entities).
 */
function fragIter(count: number): Case {
  const { app, clock } = newApp();
  const letters = LETTERS.map((name) => defineComponent(name, { value: "i32" }));
  const Z = letters[25]!;
  const Data = defineComponent("Data", { value: "i32" });
  for (let i = 0; i < count; i++) for (const component of letters) spawn(app.world, Data, component);
  const dataQuery = defineQuery(app.world, [Data]);
  const zQuery = defineQuery(app.world, [Z]);
  app.addSystems(
    Update,
    function dataSystem() {
      const ids = dataQuery.ids();
      const value = Data.value;
      for (let i = 0; i < ids.length; i++) value[ids[i]!]! *= 2;
    },
    function zSystem() {
      const ids = zQuery.ids();
      const value = Z.value;
      for (let i = 0; i < ids.length; i++) value[ids[i]!]! *= 2;
    },
  );

  const world = bitecsWorld();
  const size = LETTERS.length * count + 1;
  const rLetters = LETTERS.map(() => rawComponent(size));
  const rZ = rLetters[25]!;
  const rData = rawComponent(size);
  for (let i = 0; i < count; i++) {
    for (const component of rLetters) {
      const e = addEntity(world);
      rawAddComponent(world, e, rData);
      rawAddComponent(world, e, component);
    }
  }
  const dataSystem = () => {
    const ents = query(world, [rData]);
    const value = rData.value;
    for (let i = 0; i < ents.length; i++) value[ents[i]!]! *= 2;
  };
  const zSystem = () => {
    const ents = query(world, [rZ]);
    const value = rZ.value;
    for (let i = 0; i < ents.length; i++) value[ents[i]!]! *= 2;
  };
  return {
    app,
    clock,
    raw: () => { dataSystem(); zSystem(); },
    appState: () => checksum(app.world, [Data, ...letters]),
    rawState: () => checksum(world, [rData, ...rLetters]),
  };
}

/**
 * entity_cycle: 1,000 entities with A (value = index); one system spawns, for each of them, an
 * entity with B holding A's value; the next despawns every entity with B.
 */
function entityCycle(count: number): Case {
  const { app, clock } = newApp();
  const A = defineComponent("A", { value: "i32" });
  const B = defineComponent("B", { value: "i32" });
  for (let i = 0; i < count; i++) spawn(app.world, [A, { value: i }]);
  const queryA = defineQuery(app.world, [A]);
  const queryB = defineQuery(app.world, [B]);
  app.addSystems(
    Update,
    function spawnB(ctx: SystemContext) {
      const ids = queryA.ids();
      for (let i = 0; i < ids.length; i++) ctx.spawn([B, { value: A.value[ids[i]!]! }]);
    },
    function killB(ctx: SystemContext) {
      const ids = queryB.ids();
      for (let i = 0; i < ids.length; i++) ctx.despawn(ids[i]!);
    },
  );

  const world = bitecsWorld();
  const size = 2 * count + 1;
  const rA = rawComponent(size), rB = rawComponent(size);
  for (let i = 0; i < count; i++) {
    const e = addEntity(world);
    rawAddComponent(world, e, rA);
    rA.value[e] = i;
  }
  const spawnB = () => {
    const ents = query(world, [rA]);
    for (let i = 0; i < ents.length; i++) {
      const e = addEntity(world);
      rawAddComponent(world, e, rB);
      rB.value[e] = rA.value[ents[i]!]!;
    }
  };
  const killB = () => {
    const ents = query(world, [rB]);
    for (let i = 0; i < ents.length; i++) removeEntity(world, ents[i]!);
  };
  return {
    app,
    clock,
    raw: () => { spawnB(); killB(); },
    appState: () => checksum(app.world, [A, B]) + bValues(B.value, size),
    rawState: () => checksum(world, [rA, rB]) + bValues(rB.value, size),
  };
}

/** B's values over every id ever used: the despawned entities' data, which both sides keep. */
function bValues(value: ArrayLike<number>, size: number): number {
  let sum = 0;
  for (let e = 0; e < size; e++) sum += value[e]! * ((e % 7) + 1);
  return sum;
}

/**
 * add_remove: 1,000 entities with the tag A; one system adds the tag B to each of them, the next
 * removes B from every entity that has it.
 */
function addRemove(count: number): Case {
  const { app, clock } = newApp();
  const A = defineTag("A");
  const B = defineTag("B");
  for (let i = 0; i < count; i++) spawn(app.world, A);
  const queryA = defineQuery(app.world, [A]);
  const queryB = defineQuery(app.world, [B]);
  app.addSystems(
    Update,
    function addB(ctx: SystemContext) {
      const ids = queryA.ids();
      for (let i = 0; i < ids.length; i++) addComponent(ctx.world, ids[i]!, B);
    },
    function removeB(ctx: SystemContext) {
      const ids = queryB.ids();
      for (let i = 0; i < ids.length; i++) removeComponent(ctx.world, ids[i]!, B);
    },
  );

  const world = bitecsWorld();
  const rA = {}, rB = {};
  for (let i = 0; i < count; i++) rawAddComponent(world, addEntity(world), rA);
  const addB = () => {
    const ents = query(world, [rA]);
    for (let i = 0; i < ents.length; i++) rawAddComponent(world, ents[i]!, rB);
  };
  const removeB = () => {
    const ents = query(world, [rB]);
    for (let i = 0; i < ents.length; i++) rawRemoveComponent(world, ents[i]!, rB);
  };
  return {
    app,
    clock,
    raw: () => { addB(); removeB(); },
    appState: () => checksum(app.world, [A, B] as Component[]),
    rawState: () => checksum(world, [rA, rB]),
  };
}
