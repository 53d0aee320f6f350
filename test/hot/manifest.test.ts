import { describe, expect, test } from "bun:test";
import { ComponentRegistry, defineComponent, defineTag } from "../../src/ecs/index.ts";
import { checkCompatible, checkSystemComponents, describeParams, parseManifest, type Manifest } from "../../src/hot/manifest.ts";

const Position = defineComponent("Position", { x: "f32", y: "f32" });
const Velocity = defineComponent("Velocity", { x: "f32", y: "f32" });
const Player = defineTag("Player");
const registry = new ComponentRegistry();
registry.register(Position, Velocity, Player);

const layout = (c: typeof Position | typeof Player) => ({
  name: c.name,
  hash: c.layout.hash,
  fields: c.fieldNames.map((f) => ({ name: f, type: (c.schema as Record<string, string>)[f]! })),
});

function manifest(overrides: Partial<Manifest> = {}): Manifest {
  return {
    abi: 1,
    sdk: "0.1.0",
    crate: "game",
    hooks: { load: true, unload: false },
    components: [layout(Position), layout(Velocity), layout(Player)],
    systems: [
      {
        name: "player_movement",
        params: [
          { kind: "query", components: [{ name: "Position", access: "write" }, { name: "Velocity", access: "read" }], with: ["Player"], without: [] },
          { kind: "res", name: "Time" },
        ],
      },
    ],
    ...overrides,
  };
}

const registered = (m: Manifest) => new Map(m.systems.map((s) => [s.name, describeParams(s.params)]));

describe("manifest validation", () => {
  test("a good manifest parses and is compatible", () => {
    const m = parseManifest(JSON.stringify(manifest()));
    expect(describeParams(m.systems[0]!.params)).toBe("Query<(Write<Position>, Read<Velocity>), With<Player>>, Res<Time>");
    expect(() => checkCompatible(m, registered(m), registry)).not.toThrow();
  });

  test("malformed JSON and wrong shapes are one-line errors", () => {
    expect(() => parseManifest("{not json")).toThrow(/^manifest is not valid JSON/);
    expect(() => parseManifest(JSON.stringify({ ...manifest(), systems: [{ name: "x", params: [{ kind: "res", name: "Gravity" }] }] }))).toThrow(
      /^manifest systems\[0\]\.params\[0\]\.name: /,
    );
    expect(() => parseManifest(JSON.stringify({ ...manifest(), hooks: undefined }))).toThrow(/^manifest hooks: /);
  });

  test("an ABI mismatch is refused", () => {
    expect(() => parseManifest(JSON.stringify({ ...manifest(), abi: 2 }))).toThrow("SDK ABI version 2 does not match the host's 1");
  });

  test("an error reported by the SDK is refused with its text", () => {
    expect(() => parseManifest(JSON.stringify({ ...manifest(), error: "system x: Position twice" }))).toThrow("library reports: system x: Position twice");
  });

  test("a missing system is refused with the list of exports", () => {
    const before = manifest();
    const after = manifest({ systems: [{ name: "player_move", params: [] }] });
    expect(() => checkCompatible(after, registered(before), registry)).toThrow(
      "system player_movement is registered by the app but the library no longer exports it (exports: player_move)",
    );
  });

  test("changed parameters are refused, naming both signatures", () => {
    const before = manifest();
    const after = manifest();
    after.systems[0]!.params[0] = { kind: "query", components: [{ name: "Position", access: "write" }], with: ["Player"], without: [] };
    expect(() => checkCompatible(after, registered(before), registry)).toThrow(
      "system player_movement changed its parameters from Query<(Write<Position>, Read<Velocity>), With<Player>>, Res<Time> to Query<Write<Position>, With<Player>>, Res<Time>",
    );
    const access = manifest();
    (access.systems[0]!.params[0] as { components: { access: string }[] }).components[1]!.access = "write";
    expect(() => checkCompatible(access, registered(before), registry)).toThrow(/changed its parameters/);
  });

  test("a layout hash mismatch names the component, both layouts, and which side is stale", () => {
    const m = manifest();
    m.components[0] = { name: "Position", hash: "0123456789abcdef", fields: [{ name: "x", type: "f64" }, { name: "y", type: "f64" }] };
    const differs = `component Position layout differs: the library was compiled against Position{x:f64,y:f64} (hash 0123456789abcdef), the app has Position{x:f32,y:f32} (hash ${Position.layout.hash})`;
    // Not knowing the source, both fixes.
    expect(() => checkCompatible(m, registered(m), registry)).toThrow(
      `${differs}: if the library is the stale side, run \`hotloop codegen\` and rebuild; if Position was edited after the game started, restart it`,
    );
    // The source has the library's layout: the running app is the old side.
    expect(() => checkCompatible(m, registered(m), registry, new Map([["Position", "0123456789abcdef"]]))).toThrow(
      `${differs}: the running app has the old components (Position was edited after it started): restart the game to use the new layout`,
    );
    // The source has the app's layout: the library is the old side.
    expect(() => checkCompatible(m, registered(m), registry, new Map([["Position", Position.layout.hash]]))).toThrow(
      `${differs}: the library is older than the components: run \`hotloop codegen\` and rebuild`,
    );
  });

  test("an unregistered component and aliasing access are refused", () => {
    const m = manifest();
    expect(() => checkSystemComponents(m, m.systems[0]!, new ComponentRegistry())).toThrow(
      "system player_movement uses component Position, which the app has not registered (app.registerComponents(Position))",
    );
    const alias = manifest();
    alias.systems[0]!.params.push({ kind: "query", components: [{ name: "Position", access: "read" }], with: [], without: [] });
    expect(() => checkSystemComponents(alias, alias.systems[0]!, registry)).toThrow(
      "system player_movement writes component Position in one parameter and reads it in another",
    );
    const twice = manifest();
    twice.systems[0]!.params[0] = { kind: "query", components: [{ name: "Position", access: "write" }, { name: "Position", access: "read" }], with: [], without: [] };
    expect(() => checkSystemComponents(twice, twice.systems[0]!, registry)).toThrow("names component Position twice in one query");
  });
});
