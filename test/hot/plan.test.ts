/**
 * The rules of a swap, system by system (src/hot/plan.ts), on manifests alone. The reloader tests
 * (test/hot/live-edits.test.ts) show the same rules with real builds in a running app.
 */
import { describe, expect, test } from "bun:test";
import { HOTLOOP_ABI_VERSION, type Manifest, type SystemManifest } from "../../src/hot/manifest.ts";
import { planSwap, type PlanTarget, type PlannedLibrary } from "../../src/hot/plan.ts";

type Param = SystemManifest["params"][number];
const time: Param = { kind: "res", name: "Time", access: "read" };
const query = (...components: string[]): Param => ({ kind: "query", components: components.map((name) => ({ name, access: "write" as const })), with: [], without: [] });

function system(name: string, params: SystemManifest["params"] = [], schedule?: string, after: string[] = []): SystemManifest {
  return { name, params, after, before: [], ...(schedule ? { schedule } : {}) };
}

function library(version: string, ...systems: SystemManifest[]): PlannedLibrary & { version: string } {
  const manifest: Manifest = { abi: HOTLOOP_ABI_VERSION, sdk: "0.1.0", crate: "game", hooks: { load: false, unload: false }, components: [], resources: [], events: [], systems };
  return { version, manifest };
}

type Lib = ReturnType<typeof library>;

/** The slots a library's first load makes (its placed systems), plus app-placed ones. */
function running(lib: Lib, appPlaced: string[] = []): Map<string, PlanTarget<Lib>> {
  const slots = new Map<string, PlanTarget<Lib>>();
  for (const s of lib.manifest.systems) {
    if (s.schedule) slots.set(s.name, { lib, system: s, placer: "library", enabled: true });
    if (appPlaced.includes(s.name)) slots.set(s.name, { lib, system: s, placer: "app", enabled: true });
  }
  return slots;
}

const fine = () => undefined;

describe("planning a swap", () => {
  test("a body change takes the new code and reports nothing", () => {
    const v1 = library("v1", system("spin", [], "Update"));
    const v2 = library("v2", system("spin", [], "Update"));
    const plan = planSwap(running(v1), v2, fine);
    expect(plan.targets.get("spin")).toMatchObject({ lib: v2, placer: "library", enabled: true });
    expect(plan.changes).toEqual([]);
  });

  test("a new placed system is added, a removed one removed, a moved one moved, a new signature accepted", () => {
    const v1 = library("v1", system("drift", [query("Rock")], "FixedUpdate"), system("spin", [], "Update"), system("old", [], "Update"));
    const v2 = library("v2", system("drift", [query("Rock", "Velocity"), time], "FixedUpdate"), system("spin", [], "FixedUpdate", ["drift"]), system("attract", [], "FixedUpdate"));
    const plan = planSwap(running(v1), v2, fine);
    expect([...plan.targets.keys()].sort()).toEqual(["attract", "drift", "spin"]);
    expect(plan.changes).toEqual([
      { change: "signature", system: "drift", from: "Query<Write<Rock>>", to: "Query<(Write<Rock>, Write<Velocity>)>, Res<Time>" },
      { change: "moved", system: "spin", from: "Update", to: "FixedUpdate after drift" },
      { change: "added", system: "attract", placement: "FixedUpdate" },
      { change: "removed", system: "old", placement: "Update" },
    ]);
  });

  test("one system that cannot run keeps its last good code, alone; the others swap in", () => {
    const v1 = library("v1", system("drift", [query("Rock")], "FixedUpdate"), system("spin", [], "Update"));
    const v2 = library("v2", system("drift", [query("Rock", "Spin")], "FixedUpdate"), system("spin", [], "Update"), system("extra", [query("Spin")], "Update"));
    const problem = (s: SystemManifest) =>
      s.params.some((p) => p.kind === "query" && p.components.some((c) => c.name === "Spin")) ? "component Spin is not registered" : undefined;
    const plan = planSwap(running(v1), v2, problem);
    expect(plan.targets.get("drift")).toMatchObject({ lib: v1 }); // kept on v1
    expect(plan.targets.get("spin")).toMatchObject({ lib: v2 });
    expect(plan.targets.has("extra")).toBe(false);
    expect(plan.changes).toEqual([
      { change: "kept", system: "drift", on: v1, reason: "component Spin is not registered" },
      { change: "not_added", system: "extra", placement: "Update", reason: "component Spin is not registered" },
    ]);
  });

  test("a system placed by hotSystem() stays where the app put it; removed from the library, it keeps its old code", () => {
    const v1 = library("v1", system("player", [time]), system("helper"));
    const v2 = library("v2", system("helper"), system("player_moved", [], "Update"));
    const plan = planSwap(running(v1, ["player"]), v2, fine);
    expect(plan.targets.get("player")).toMatchObject({ lib: v1, placer: "app" });
    expect(plan.changes).toContainEqual({
      change: "kept",
      system: "player",
      on: v1,
      reason: 'the library no longer exports it, and hotSystem("player") in TypeScript still places it',
    });
    expect(plan.changes).toContainEqual({ change: "unscheduled", system: "helper" });
    const v3 = library("v3", system("player", [], "Update"));
    expect(planSwap(running(v1, ["player"]), v3, fine).changes).toEqual([
      { change: "placed_twice", system: "player", placement: "Update" },
      { change: "signature", system: "player", from: "Res<Time>", to: "(no parameters)" },
    ]);
  });

  test("a disabled system is enabled by the next build that has it", () => {
    const v1 = library("v1", system("spin", [], "Update"));
    const slots = running(v1);
    slots.set("spin", { ...slots.get("spin")!, enabled: false });
    expect(planSwap(slots, library("v2", system("spin", [], "Update")), fine).targets.get("spin")?.enabled).toBe(true);
  });
});
