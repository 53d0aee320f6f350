// The RaylibPlugin's gamepad poll in a real window under Xvfb, where no gamepad exists (no
// /dev/input here, and no /dev/uinput to make a virtual one): the shim's hl_poll_gamepads reports
// none and writes nothing, the poller runs every frame without error, Input reads every pad at
// rest, and a key script's pad is left as the script set it. Skips (one line) without a display
// or a raylib.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { App, GAMEPAD_AXIS_COUNT, GAMEPAD_BUTTON_COUNT, GamepadAxis, GamepadButton, ManualClock, MAX_GAMEPADS, parseKeyScript, ScriptedInputPlugin, Update } from "../../src/core/index.ts";
import { RaylibPlugin } from "../../src/render/plugin.ts";
import { loadRaylib, Raylib } from "../../src/render/raylib.ts";
import { skipWindowTests } from "../support/window-env.ts";

const BUILD_TIMEOUT_MS = 10 * 60_000;

describe.skipIf(skipWindowTests({ display: "answering" }))("gamepads through RaylibPlugin (Xvfb, no gamepad)", () => {
  let app: App | undefined;
  beforeAll(async () => {
    await loadRaylib(); // build or find raylib off the event loop; the plugin then loads it at once
  }, BUILD_TIMEOUT_MS);
  afterAll(() => app?.shutdown());

  test("the poller runs every frame with no pad: none connected, all at rest, a script's pad untouched", () => {
    const clock = new ManualClock();
    app = new App({ clock });
    // A script's pad 1: raylib has no pad 1, so the window's poll must leave it as the script set it.
    app.addPlugins(ScriptedInputPlugin(parseKeyScript("2 down gamepad 1 RIGHT_FACE_DOWN\n2 axis gamepad 1 LEFT_X 0.5\n", "pad.txt")));
    app.addPlugins(RaylibPlugin({ width: 160, height: 120, title: "gamepad test" }));
    const rl = app.resource(Raylib);
    expect(rl.headless).toBe(false);

    // The shim itself: no pad connected, so 0 back and not a byte of either buffer written.
    const buttons = new Uint8Array(new ArrayBuffer(MAX_GAMEPADS * GAMEPAD_BUTTON_COUNT)).fill(0xaa);
    const axes = new Float32Array(new ArrayBuffer(MAX_GAMEPADS * GAMEPAD_AXIS_COUNT * 4)).fill(42);
    expect(rl.shim.hl_poll_gamepads(buttons, axes, MAX_GAMEPADS, GAMEPAD_BUTTON_COUNT, GAMEPAD_AXIS_COUNT)).toBe(0);
    expect(buttons.every((b) => b === 0xaa) && axes.every((a) => a === 42)).toBe(true);

    const seen: string[] = [];
    app.addSystems(Update, ({ input }) => {
      const pads = [0, 1, 2, 3].map((p) => (input.gamepadConnected(p) ? "1" : "0")).join("");
      seen.push(`${pads} ${input.gamepadDown(1, GamepadButton.RIGHT_FACE_DOWN) ? "D" : "-"} ${input.gamepadAxis(1, GamepadAxis.LEFT_X)}`);
    });
    for (let frame = 0; frame < 30; frame++) {
      clock.advance(16);
      app.update();
    }
    expect(seen.slice(0, 3)).toEqual(["0000 - 0", "0100 D 0.5", "0100 D 0.5"]);
    expect(new Set(seen.slice(1))).toEqual(new Set(["0100 D 0.5"]));
    for (const pad of [0, 2, 3]) {
      expect(app.input.gamepadConnected(pad)).toBe(false);
      expect(Object.values(GamepadButton).some((b) => app!.input.gamepadDown(pad, b))).toBe(false);
      expect([app.input.gamepadAxis(pad, GamepadAxis.LEFT_Y), app.input.gamepadAxis(pad, GamepadAxis.RIGHT_TRIGGER)]).toEqual([0, -1]);
    }
  });
});
