import { describe, expect, test } from "bun:test";
import { ComponentRegistry, defineComponent, defineTag } from "../../src/ecs/index.ts";
import { checkSystemComponents, describeParams, describePlacement, HOTLOOP_ABI_VERSION, parseManifest, systemProblem, type Manifest } from "../../src/hot/manifest.ts";

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
    abi: HOTLOOP_ABI_VERSION,
    sdk: "0.1.0",
    crate: "game",
    hooks: { load: true, unload: false },
    components: [layout(Position), layout(Velocity), layout(Player)],
    resources: [],
    events: [],
    systems: [
      {
        name: "player_movement",
        after: [],
        before: [],
        params: [
          { kind: "query", components: [{ name: "Position", access: "write" }, { name: "Velocity", access: "read" }], with: ["Player"], without: [] },
          { kind: "res", name: "Time", access: "read" },
        ],
      },
    ],
    ...overrides,
  };
}

describe("manifest validation", () => {
  test("a good manifest parses and its systems can run", () => {
    const m = parseManifest(JSON.stringify(manifest()));
    expect(describeParams(m.systems[0]!.params)).toBe("Query<(Write<Position>, Read<Velocity>), With<Player>>, Res<Time>");
    expect(systemProblem(m, m.systems[0]!, registry)).toBeUndefined();
    expect(describePlacement(m.systems[0]!)).toBeUndefined(); // placed by the app
  });

  test("a placement parses and reads as Rust wrote it", () => {
    const m = parseManifest(JSON.stringify(manifest({ systems: [{ name: "spin", schedule: "FixedUpdate", after: ["a"], before: ["b", "c"], params: [] }] })));
    expect(describePlacement(m.systems[0]!)).toBe("FixedUpdate after a before b, c");
  });

  test("two systems of one name are refused: the second one's code would run with the first one's checked parameters", () => {
    const twice = manifest({ systems: [{ name: "a", after: [], before: [], params: [] }, { name: "a", after: [], before: [], params: [] }] });
    expect(() => parseManifest(JSON.stringify(twice))).toThrow("manifest lists two systems named a");
  });

  test("malformed JSON and wrong shapes are one-line errors", () => {
    expect(() => parseManifest("{not json")).toThrow(/^manifest is not valid JSON/);
    expect(() => parseManifest(JSON.stringify({ ...manifest(), systems: [{ name: "x", params: [{ kind: "res", name: "Gravity" }] }] }))).toThrow(
      /^manifest systems\[0\]\.params\[0\]\.access: /,
    );
    expect(() => parseManifest(JSON.stringify({ ...manifest(), hooks: undefined }))).toThrow(/^manifest hooks: /);
  });

  test("a manifest text seen before gives back the same frozen parse (a body-only build skips the schema check)", () => {
    const text = JSON.stringify(manifest());
    const first = parseManifest(text);
    expect(parseManifest(text)).toBe(first);
    expect(Object.isFrozen(first.systems)).toBe(true);
    expect(parseManifest(JSON.stringify({ ...manifest(), crate: "other" }))).not.toBe(first);
  });

  test("a parameter kind this host does not know is one line saying the SDK is newer, not the schema's list", () => {
    const newer = { ...manifest(), systems: [{ name: "sfx", params: [{ kind: "res", name: "Time", access: "read" }, { kind: "haptics" }] }] };
    expect(() => parseManifest(JSON.stringify(newer))).toThrow(
      'system sfx takes a parameter of kind "haptics", which this hotloop does not know: the library was built with a newer hotloop SDK; update hotloop (or build against its SDK)',
    );
    // `Audio` is known: it parses and reads as Rust writes it.
    const sfx = parseManifest(JSON.stringify({ ...manifest(), systems: [{ name: "sfx", params: [{ kind: "audio" }, { kind: "draw" }] }] })).systems[0]!;
    expect(describeParams(sfx.params)).toBe("Audio, DrawList");
  });

  test("an ABI mismatch is refused", () => {
    expect(() => parseManifest(JSON.stringify({ ...manifest(), abi: 2 }))).toThrow(`SDK ABI version 2 does not match the host's ${HOTLOOP_ABI_VERSION}`);
  });

  test("an error reported by the SDK is refused with its text", () => {
    expect(() => parseManifest(JSON.stringify({ ...manifest(), error: "system x: Position twice" }))).toThrow("library reports: system x: Position twice");
  });

  test("a layout hash mismatch names the component, both layouts, and which side is stale", () => {
    const m = manifest();
    m.components[0] = { name: "Position", hash: "0123456789abcdef", fields: [{ name: "x", type: "f64" }, { name: "y", type: "f64" }] };
    const problem = (source?: Map<string, string>) => systemProblem(m, m.systems[0]!, registry, source);
    const differs = `component Position layout differs: the library was compiled against Position{x:f64,y:f64} (hash 0123456789abcdef), the app has Position{x:f32,y:f32} (hash ${Position.layout.hash})`;
    // Not knowing the source, both fixes.
    expect(problem()).toBe(
      `${differs}: if the library is the stale side, run \`hotloop codegen\` and rebuild; if Position was edited after the game started, restart it`,
    );
    // The source has the library's layout: the running app is the old side.
    expect(problem(new Map([["Position", "0123456789abcdef"]]))).toBe(
      `${differs}: the running app has the old components (Position was edited after it started): restart the game to use the new layout`,
    );
    // The source has the app's layout: the library is the old side.
    expect(problem(new Map([["Position", Position.layout.hash]]))).toBe(
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
