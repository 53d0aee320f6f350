/**
 * Gamepads from Rust: a hot system built by cargo (test/fixtures/gamepad-fixture) reads through
 * `Res<Input>` the pad state TypeScript sets (buttons with their pressed / released edges, the
 * connection, stick and trigger axes, `axis_or_stick`), frame by frame in a real App; and a
 * library built against the InputData before gamepads is refused for its Input-reading systems.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { copyFileSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { App, First, GamepadAxis, GamepadButton, Key, ManualClock, yieldToEventLoop } from "../../src/core/index.ts";
import { INPUT_LAYOUT } from "../../src/core/input.ts";
import { defineTag, spawn } from "../../src/ecs/index.ts";
import { formatEvent, HotPlugin, HotReloader, type HotEvent } from "../../src/hot/index.ts";
import { hostParamsOf } from "../../src/hot/host-params.ts";
import { parseManifest, systemProblem } from "../../src/hot/manifest.ts";
import { Position, Tally, Velocity } from "../fixtures/hot-fixture/components.ts";
import { Fixture } from "../support/fixture.ts";

const SLOW = 300_000;
const A = GamepadButton.RIGHT_FACE_DOWN;

describe("gamepads from Rust", () => {
  let fixture: Fixture;
  let app: App;
  const clock = new ManualClock();
  const events: HotEvent[] = [];
  let tally: InstanceType<typeof Tally>;
  let entity: number;

  /** What TypeScript does to Input at the start of frame n (a First system). */
  const script: Record<number, (input: App["input"]) => void> = {
    2: (input) => {
      input.setGamepadConnected(1, true);
      input.setGamepadButton(1, A, true);
      input.setGamepadAxis(1, GamepadAxis.LEFT_X, 0.8);
      input.setGamepadAxis(1, GamepadAxis.LEFT_Y, 0.05); // inside the dead zone
      input.setGamepadConnected(3, true);
    },
    3: (input) => {
      input.setGamepadAxis(1, GamepadAxis.RIGHT_TRIGGER, 0.5);
      input.setGamepadAxis(1, GamepadAxis.LEFT_Y, -0.6);
    },
    4: (input) => input.setGamepadButton(1, A, false),
    5: (input) => input.setKey(Key.DOWN, true), // keys win over the stick in axis_or_stick
    6: (input) => {
      input.setGamepadButton(1, A, true);
      input.setGamepadConnected(1, false); // pulled out with A held: released, axes at rest
    },
  };

  /** After each frame: [value, calls, heard, last] of the Tally, then Position.x/y and Velocity.x. */
  const row = () => [tally.value, tally.calls, tally.heard, tally.last, Position.x[entity], Position.y[entity], Velocity.x[entity]];

  const frame = async () => {
    clock.advance(1000 / 64);
    app.update();
    await yieldToEventLoop();
  };

  beforeAll(async () => {
    fixture = new Fixture("test/fixtures/gamepad-fixture");
    copyFileSync(join(import.meta.dir, "../fixtures/hot-fixture/src/components.rs"), fixture.path("src/components.rs"));
    await fixture.build();
    app = new App({ clock });
    app.registerComponents(Position, Velocity);
    tally = app.insertResource(new Tally());
    app.addSystems(First, ({ input, time }) => script[time.frame]?.(input));
    app.addPlugins(HotPlugin({ library: fixture.library, reload: false, reporter: (e) => void events.push(e) }));
    await app.resource(HotReloader).ready();
    entity = spawn(app.world, [Position, { x: 9, y: 9 }], [Velocity, { x: 9, y: 9 }]);
  }, SLOW);

  afterAll(() => {
    app?.shutdown();
    fixture?.cleanup();
  });

  test("a Rust system reads the buttons, edges, connections and axes TypeScript set, frame by frame", async () => {
    const rows: unknown[] = [];
    for (let n = 1; n <= 7; n++) {
      await frame();
      rows.push(row());
    }
    const f = Math.fround;
    expect(rows).toEqual([
      [0, 0, 0, 0b0000, 0, 0, -1], // nothing connected: sticks at 0, the trigger at -1
      [1, 1, 0, 0b1010, f(0.8), 0, -1], // pads 1 and 3; A pressed; LEFT_Y 0.05 is inside the dead zone
      [1, 1, 0, 0b1010, f(0.8), f(-0.6), 0.5], // A held (no second press)
      [0, 1, 1, 0b1010, f(0.8), f(-0.6), 0.5], // A released
      [0, 1, 1, 0b1010, f(0.8), 1, 0.5], // DOWN held: the key wins over the stick
      [0, 2, 2, 0b1000, 0, 1, -1], // A down then the pad pulled out within one frame: both edges, axes at rest
      [0, 2, 2, 0b1000, 0, 1, -1],
    ]);
    expect(events.filter((e) => e.type === "panic").map(formatEvent)).toEqual([]);
  }, SLOW);

  test("a library built against the InputData before gamepads is refused for the systems that read Input", () => {
    const golden = resolve(import.meta.dir, "../../systems-rs/hotloop-sdk/abi/manifest.golden.json");
    const text = readFileSync(golden, "utf8");
    // The golden manifest with Input as an SDK from before gamepads wrote it.
    const json = JSON.parse(text) as { resources: { name: string; hash: string; fields: unknown[] }[] };
    const fields = INPUT_LAYOUT.fields.filter((f) => !f.name.startsWith("gamepad_")).map((f) => ({ name: f.name, type: f.type }));
    json.resources = json.resources.map((r) => (r.name === "Input" ? { name: "Input", hash: "9b1ccad856e95317", fields } : r));
    const stale = JSON.stringify(json);
    const manifest = parseManifest(stale);
    const host = new App();
    host.registerComponents(Position, Velocity, defineTag("Player"));
    const layouts = hostParamsOf(host).layouts;
    const reader = manifest.systems.find((s) => s.name === "player_movement")!; // Query<(Write<Position>, Read<Velocity>), With<Player>>, Res<Time>, Res<Input>
    expect(systemProblem(manifest, reader, host.components, undefined, layouts)).toStartWith(
      `resource Input layout differs: the library was compiled against Input{keys_down:u8[512],keys_pressed:u8[512],keys_released:u8[512],mouse_x:f32,mouse_y:f32,mouse_down:u8[8],mouse_pressed:u8[8],mouse_released:u8[8]} (hash 9b1ccad856e95317), the app has ${INPUT_LAYOUT.layout.text} (hash ${INPUT_LAYOUT.layout.hash})`,
    );
    expect(systemProblem(parseManifest(text), reader, host.components, undefined, layouts)).toBeUndefined();
  });
});
