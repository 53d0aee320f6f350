/**
 * Gamepads in the core Input: the state a source sets (buttons with a key's down / pressed /
 * released semantics, axes, connection) and what systems read, in TypeScript and in the bytes
 * Rust reads (InputData, docs/abi.md); and the key-script lines that drive them headless.
 */
import { describe, expect, test } from "bun:test";
import {
  App,
  First,
  GAMEPAD_AXIS_COUNT,
  GAMEPAD_BUTTON_COUNT,
  GamepadAxis,
  GamepadButton,
  Input,
  INPUT_LAYOUT,
  ManualClock,
  MAX_GAMEPADS,
  parseKeyScript,
  ScriptedInputPlugin,
  Update,
} from "../../src/core/index.ts";

const A = GamepadButton.RIGHT_FACE_DOWN;
const UP = GamepadButton.LEFT_FACE_UP;

/** A frame's view of one button: Down, Pressed, Released or "-" for each. */
const dpr = (input: Input, pad: number, button: number) =>
  `${input.gamepadDown(pad, button) ? "D" : "-"}${input.gamepadPressed(pad, button) ? "P" : "-"}${input.gamepadReleased(pad, button) ? "R" : "-"}`;

function manualApp(): App {
  return new App({ clock: new ManualClock() });
}

describe("gamepad state in Input", () => {
  test("a fresh Input: four pads, none connected, nothing held, sticks at 0 and triggers at -1", () => {
    const input = new Input();
    for (let pad = 0; pad < MAX_GAMEPADS; pad++) {
      expect(input.gamepadConnected(pad)).toBe(false);
      for (const button of Object.values(GamepadButton)) expect(dpr(input, pad, button)).toBe("---");
      expect([GamepadAxis.LEFT_X, GamepadAxis.LEFT_Y, GamepadAxis.RIGHT_X, GamepadAxis.RIGHT_Y].map((a) => input.gamepadAxis(pad, a))).toEqual([0, 0, 0, 0]);
      expect([input.gamepadAxis(pad, GamepadAxis.LEFT_TRIGGER), input.gamepadAxis(pad, GamepadAxis.RIGHT_TRIGGER)]).toEqual([-1, -1]);
    }
  });

  test("button press and release transitions last one frame, like keys', per pad", () => {
    const app = manualApp();
    const seen: string[] = [];
    app.addSystems(First, ({ input, time }) => {
      if (time.frame === 2) input.setGamepadButton(1, A, true);
      if (time.frame === 3) input.setGamepadButton(1, A, true); // held again: no second press
      if (time.frame === 4) input.setGamepadButton(1, A, false);
      if (time.frame === 6) {
        input.setGamepadButton(1, A, true);
        input.setGamepadButton(1, A, false); // down and up within one frame: both edges seen
      }
    });
    app.addSystems(Update, ({ input }) => void seen.push(`${dpr(input, 1, A)} ${dpr(input, 0, A)} ${dpr(input, 1, UP)}`));
    for (let i = 0; i < 7; i++) app.update();
    expect(seen).toEqual(["--- --- ---", "DP- --- ---", "D-- --- ---", "--R --- ---", "--- --- ---", "-PR --- ---", "--- --- ---"]);
  });

  test("axes are set per pad and axis, clamped to -1..1; NaN reads at rest", () => {
    const input = new Input();
    input.setGamepadAxis(2, GamepadAxis.LEFT_X, 0.5);
    input.setGamepadAxis(2, GamepadAxis.RIGHT_Y, -3);
    input.setGamepadAxis(2, GamepadAxis.RIGHT_TRIGGER, 7);
    input.setGamepadAxis(3, GamepadAxis.LEFT_TRIGGER, Number.NaN);
    input.setGamepadAxis(3, GamepadAxis.LEFT_Y, Number.NaN);
    expect(input.gamepadAxis(2, GamepadAxis.LEFT_X)).toBe(0.5);
    expect(input.gamepadAxis(2, GamepadAxis.RIGHT_Y)).toBe(-1);
    expect(input.gamepadAxis(2, GamepadAxis.RIGHT_TRIGGER)).toBe(1);
    expect(input.gamepadAxis(3, GamepadAxis.LEFT_TRIGGER)).toBe(-1);
    expect(input.gamepadAxis(3, GamepadAxis.LEFT_Y)).toBe(0);
    expect(input.gamepadAxis(1, GamepadAxis.LEFT_X)).toBe(0); // other pads untouched
  });

  test("out-of-range pads, buttons and axes are ignored when set and read at rest", () => {
    const input = new Input();
    const before = new Uint8Array(input.buffer).slice();
    for (const pad of [-1, 4, 1.5, Number.NaN]) {
      input.setGamepadConnected(pad, true);
      input.setGamepadButton(pad, A, true);
      input.setGamepadAxis(pad, GamepadAxis.LEFT_X, 1);
      expect([input.gamepadConnected(pad), input.gamepadDown(pad, A), input.gamepadAxis(pad, GamepadAxis.LEFT_X)]).toEqual([false, false, 0]);
      expect(input.gamepadAxis(pad, GamepadAxis.LEFT_TRIGGER)).toBe(-1);
    }
    input.setGamepadButton(0, GAMEPAD_BUTTON_COUNT, true);
    input.setGamepadAxis(0, GAMEPAD_AXIS_COUNT, 1);
    expect(new Uint8Array(input.buffer)).toEqual(before);
  });

  test("disconnecting a pad releases what it held (the releases seen for a frame) and puts its axes at rest", () => {
    const app = manualApp();
    const seen: string[] = [];
    app.addSystems(First, ({ input, time }) => {
      if (time.frame === 1) {
        input.setGamepadConnected(0, true);
        input.setGamepadButton(0, A, true);
        input.setGamepadAxis(0, GamepadAxis.LEFT_X, -0.75);
        input.setGamepadAxis(0, GamepadAxis.LEFT_TRIGGER, 0.25);
      }
      if (time.frame === 3) input.setGamepadConnected(0, false);
    });
    app.addSystems(Update, ({ input }) => {
      seen.push(`${input.gamepadConnected(0) ? "on" : "off"} ${dpr(input, 0, A)} ${input.gamepadAxis(0, GamepadAxis.LEFT_X)} ${input.gamepadAxis(0, GamepadAxis.LEFT_TRIGGER)}`);
    });
    for (let i = 0; i < 4; i++) app.update();
    expect(seen).toEqual(["on DP- -0.75 0.25", "on D-- -0.75 0.25", "off --R 0 -1", "off --- 0 -1"]);
  });

  test("the bytes Rust reads: pad p's button b at p * 32 + b, its axis a at p * 8 + a, as docs/abi.md lays InputData out", () => {
    const input = new Input();
    input.setGamepadConnected(3, true);
    input.setGamepadButton(3, GamepadButton.RIGHT_THUMB, true);
    input.setGamepadAxis(3, GamepadAxis.RIGHT_Y, 0.5);
    const view = new DataView(input.buffer);
    const at = INPUT_LAYOUT.byName;
    expect(INPUT_LAYOUT.size).toBe(2084);
    expect([at.gamepad_connected!.offset, at.gamepad_down!.offset, at.gamepad_pressed!.offset, at.gamepad_released!.offset, at.gamepad_axes!.offset]).toEqual([1568, 1572, 1700, 1828, 1956]);
    expect([0, 1, 2, 3].map((p) => view.getUint8(1568 + p))).toEqual([0, 0, 0, 1]);
    expect(view.getUint8(1572 + 3 * 32 + 17)).toBe(1);
    expect(view.getUint8(1700 + 3 * 32 + 17)).toBe(1);
    expect(view.getFloat32(1956 + (3 * 8 + 3) * 4, true)).toBe(0.5);
    expect(view.getFloat32(1956 + (3 * 8 + 4) * 4, true)).toBe(-1); // pad 3's left trigger, at rest
    expect(view.getFloat32(1956 + (0 * 8 + 5) * 4, true)).toBe(-1); // pad 0's right trigger, at rest
    let set = 0;
    for (let i = 1572; i < 1956; i++) set += view.getUint8(i);
    expect(set).toBe(2); // the down and the pressed byte, nothing else
  });
});

describe("gamepads in key scripts", () => {
  test("button, axis and connection lines parse to events, sorted by frame with the keys", () => {
    const script = [
      "# a pad in a headless run",
      "5 down gamepad 0 RIGHT_FACE_DOWN",
      "3 axis gamepad 1 LEFT_X 0.8",
      "3 axis gamepad 1 right_trigger -1",
      "4 down RIGHT",
      "9 up gamepad 0 7   # by code",
      "12 axis gamepad 0 2 -.25",
      "20 connect gamepad 2",
      "30 disconnect GAMEPAD 1",
    ].join("\n");
    expect(parseKeyScript(script, "pad.txt")).toEqual([
      { frame: 3, kind: "gamepad-axis", pad: 1, axis: GamepadAxis.LEFT_X, value: 0.8 },
      { frame: 3, kind: "gamepad-axis", pad: 1, axis: GamepadAxis.RIGHT_TRIGGER, value: -1 },
      { frame: 4, key: 262, down: true },
      { frame: 5, kind: "gamepad-button", pad: 0, button: A, down: true },
      { frame: 9, kind: "gamepad-button", pad: 0, button: 7, down: false },
      { frame: 12, kind: "gamepad-axis", pad: 0, axis: GamepadAxis.RIGHT_X, value: -0.25 },
      { frame: 20, kind: "gamepad-connection", pad: 2, connected: true },
      { frame: 30, kind: "gamepad-connection", pad: 1, connected: false },
    ]);
  });

  test("a bad gamepad line is one error naming the file and line", () => {
    const error = (line: string) => {
      try {
        parseKeyScript(`1 down A\n${line}\n`, "pad.txt");
      } catch (e) {
        return (e as Error).message;
      }
      return "no error";
    };
    expect(error("2 down gamepad 0 JUMP")).toBe('pad.txt:2: unknown gamepad button "JUMP"');
    expect(error("2 down gamepad 0 32")).toBe('pad.txt:2: unknown gamepad button "32"');
    expect(error("2 down gamepad 0")).toBe('pad.txt:2: unknown gamepad button ""');
    expect(error("2 axis gamepad 0 LEFT_Z 0.5")).toBe('pad.txt:2: unknown gamepad axis "LEFT_Z"');
    expect(error("2 axis gamepad 0 LEFT_X 1.5")).toBe('pad.txt:2: an axis value is a number from -1 to 1, got "1.5"');
    expect(error("2 axis gamepad 0 LEFT_X left")).toBe('pad.txt:2: an axis value is a number from -1 to 1, got "left"');
    expect(error("2 axis gamepad 0 LEFT_X")).toBe('pad.txt:2: an axis value is a number from -1 to 1, got ""');
    expect(error("2 down gamepad 4 A")).toBe('pad.txt:2: "gamepad" is followed by a pad number from 0 to 3, got "4"');
    expect(error("2 down gamepad one A")).toBe('pad.txt:2: "gamepad" is followed by a pad number from 0 to 3, got "one"');
    expect(error("2 down gamepad 0 RIGHT_FACE_DOWN now")).toBe('pad.txt:2: unexpected "now" after the gamepad button');
    expect(error("2 axis gamepad 0 LEFT_X 0.5 0.5")).toBe('pad.txt:2: unexpected "0.5" after the axis value');
    expect(error("2 connect gamepad 0 A")).toBe('pad.txt:2: unexpected "A" after the pad number');
    expect(error("2 axis LEFT_X 0.5")).toBe('pad.txt:2: "axis" is for gamepads: `2 axis gamepad <pad> …`, got "LEFT_X"');
    expect(error("2 press gamepad 0 A")).toBe('pad.txt:2: expected "down" or "up", got "press" (gamepads also take "axis", "connect" and "disconnect")');
    expect(error("2 down JUMP")).toBe('pad.txt:2: unknown key "JUMP"');
  });

  test("ScriptedInputPlugin drives the pads frame by frame: a pad a line names counts as connected", () => {
    const app = manualApp();
    const events = parseKeyScript(
      ["2 down gamepad 1 RIGHT_FACE_DOWN", "2 axis gamepad 1 LEFT_X -0.5", "3 axis gamepad 1 LEFT_TRIGGER 1", "4 up gamepad 1 RIGHT_FACE_DOWN", "5 disconnect gamepad 1", "6 connect gamepad 2"].join("\n"),
      "pad.txt",
    );
    app.addPlugins(ScriptedInputPlugin(events));
    const seen: string[] = [];
    app.addSystems(Update, ({ input }) => {
      const pads = [0, 1, 2].map((p) => (input.gamepadConnected(p) ? "1" : "0")).join("");
      seen.push(`${pads} ${dpr(input, 1, A)} ${input.gamepadAxis(1, GamepadAxis.LEFT_X)} ${input.gamepadAxis(1, GamepadAxis.LEFT_TRIGGER)}`);
    });
    for (let i = 0; i < 6; i++) app.update();
    expect(seen).toEqual([
      "000 --- 0 -1",
      "010 DP- -0.5 -1",
      "010 D-- -0.5 1",
      "010 --R -0.5 1",
      "000 --- 0 -1", // pulled out: axes at rest
      "001 --- 0 -1",
    ]);
  });
});
