import { nativeBuffer } from "../ecs/native-buffer.ts";
import { NATIVE_BYTES } from "../ecs/resource.ts";
import { structLayout } from "../ecs/struct-layout.ts";
import { GAMEPAD_AXIS_CODES, GAMEPAD_BUTTON_CODES, KEY_CODES, MOUSE_BUTTON_CODES } from "./keys.ts";

/**
 * Key codes: raylib's (GLFW's) values, shared by TypeScript and Rust systems. Every raylib key is
 * here (`Key.SEMICOLON`, `Key.HOME`, `Key.KP_ADD`…); the table lives in ./keys.ts, generated from
 * raylib's raylib_api.json together with the Rust SDK's (`bun run gen:keys`).
 */
export const Key = KEY_CODES;

/** A key name of {@link Key}. */
export type KeyName = keyof typeof Key;

/** Mouse buttons, raylib's numbering (LEFT 0 … BACK 6; ./keys.ts). */
export const MouseButton = MOUSE_BUTTON_CODES;

/**
 * Gamepad buttons, raylib's numbering (./keys.ts): the d-pad is `LEFT_FACE_UP` … `LEFT_FACE_LEFT`,
 * the four face buttons `RIGHT_FACE_*` (`RIGHT_FACE_DOWN` is Xbox A, PlayStation cross), the
 * shoulders `LEFT_TRIGGER_1`/`RIGHT_TRIGGER_1`, the triggers as buttons `*_TRIGGER_2`, select /
 * home / start `MIDDLE_LEFT`/`MIDDLE`/`MIDDLE_RIGHT`, the stick clicks `LEFT_THUMB`/`RIGHT_THUMB`.
 */
export const GamepadButton = GAMEPAD_BUTTON_CODES;

/** A button name of {@link GamepadButton}. */
export type GamepadButtonName = keyof typeof GamepadButton;

/**
 * Gamepad axes, raylib's numbering (./keys.ts): the sticks `LEFT_X`, `LEFT_Y`, `RIGHT_X`,
 * `RIGHT_Y` (-1 to 1, resting at 0; x grows to the right, y downwards) and the triggers
 * `LEFT_TRIGGER`, `RIGHT_TRIGGER` (as raylib reports them: -1 released to 1 fully pressed).
 */
export const GamepadAxis = GAMEPAD_AXIS_CODES;

/** An axis name of {@link GamepadAxis}. */
export type GamepadAxisName = keyof typeof GamepadAxis;

/** Number of key codes tracked (raylib's codes are all below it). */
export const KEY_COUNT = 512;
const MOUSE_BUTTONS = 8;
/** Gamepads tracked, 0 to 3 (raylib's MAX_GAMEPADS). */
export const MAX_GAMEPADS = 4;
/** Button slots a gamepad has in InputData (raylib's MAX_GAMEPAD_BUTTONS; its codes use 0 to 17). */
export const GAMEPAD_BUTTON_COUNT = 32;
/** Axis slots a gamepad has in InputData (raylib's MAX_GAMEPAD_AXIS; its codes use 0 to 5). */
export const GAMEPAD_AXIS_COUNT = 8;

/** InputData (docs/abi.md): the struct hot systems read as `Res<Input>`. */
export const INPUT_LAYOUT = structLayout("Input", {
  keys_down: `u8[${KEY_COUNT}]`,
  keys_pressed: `u8[${KEY_COUNT}]`,
  keys_released: `u8[${KEY_COUNT}]`,
  mouse_x: "f32",
  mouse_y: "f32",
  mouse_down: `u8[${MOUSE_BUTTONS}]`,
  mouse_pressed: `u8[${MOUSE_BUTTONS}]`,
  mouse_released: `u8[${MOUSE_BUTTONS}]`,
  // Pad p's button b at p * GAMEPAD_BUTTON_COUNT + b, its axis a at p * GAMEPAD_AXIS_COUNT + a.
  gamepad_connected: `u8[${MAX_GAMEPADS}]`,
  gamepad_down: `u8[${MAX_GAMEPADS * GAMEPAD_BUTTON_COUNT}]`,
  gamepad_pressed: `u8[${MAX_GAMEPADS * GAMEPAD_BUTTON_COUNT}]`,
  gamepad_released: `u8[${MAX_GAMEPADS * GAMEPAD_BUTTON_COUNT}]`,
  gamepad_axes: `f32[${MAX_GAMEPADS * GAMEPAD_AXIS_COUNT}]`,
});
/** Byte size of the InputData block (docs/abi.md). */
export const INPUT_DATA_BYTES = INPUT_LAYOUT.size;
const at = INPUT_LAYOUT.byName;

/** Where an axis rests: raylib reports a released trigger as -1, a centred stick as 0. */
export function gamepadAxisRest(axis: number): number {
  return axis === GamepadAxis.LEFT_TRIGGER || axis === GamepadAxis.RIGHT_TRIGGER ? -1 : 0;
}

/** A name of `table` (any case) or a code below `count`; undefined when it is neither. */
function lookUp(table: Readonly<Record<string, number>>, count: number, nameOrCode: string | number): number | undefined {
  if (typeof nameOrCode === "number") return Number.isInteger(nameOrCode) && nameOrCode >= 0 && nameOrCode < count ? nameOrCode : undefined;
  const name = nameOrCode.toUpperCase();
  return Object.hasOwn(table, name) ? table[name] : undefined;
}

/** Looks a key up by name (`"RIGHT"`, `"w"`) or code; undefined when unknown. */
export function keyCode(nameOrCode: string | number): number | undefined {
  return lookUp(Key, KEY_COUNT, nameOrCode);
}

/** Looks a gamepad button up by name (`"RIGHT_FACE_DOWN"`) or code; undefined when unknown. */
export function gamepadButtonCode(nameOrCode: string | number): number | undefined {
  return lookUp(GamepadButton, GAMEPAD_BUTTON_COUNT, nameOrCode);
}

/** Looks a gamepad axis up by name (`"LEFT_X"`) or code; undefined when unknown. */
export function gamepadAxisCode(nameOrCode: string | number): number | undefined {
  return lookUp(GamepadAxis, GAMEPAD_AXIS_COUNT, nameOrCode);
}

/**
 * Keyboard, mouse and gamepad state for this frame. A source (the raylib plugin, a script, a test)
 * sets it; systems in TypeScript and Rust read the same bytes (Rust through one InputData
 * pointer). Gamepads are numbered 0 to 3; a pad that is not connected reads at rest.
 */
export class Input {
  /** Its C layout: `Input` is a resource like the game's own, read-only to systems. */
  static readonly struct = INPUT_LAYOUT;
  /** Systems read it and never write it: the host fills it, and Rust's `ResMut<Input>` is refused. */
  static readonly readOnly = true;
  /** The InputData block handed to native systems. */
  readonly buffer = nativeBuffer(INPUT_DATA_BYTES);
  /** The native bytes native systems read (keyed by the internal `NATIVE_BYTES` symbol): the same block as `buffer`. */
  readonly [NATIVE_BYTES] = this.buffer;
  /** 1 where the key (by code) is held this frame, else 0. */
  readonly keysDown = new Uint8Array(this.buffer, at.keys_down!.offset, KEY_COUNT);
  /** 1 where the key went down this frame, else 0. */
  readonly keysPressed = new Uint8Array(this.buffer, at.keys_pressed!.offset, KEY_COUNT);
  /** 1 where the key went up this frame, else 0. */
  readonly keysReleased = new Uint8Array(this.buffer, at.keys_released!.offset, KEY_COUNT);
  /** The mouse position in window pixels: `[x, y]`. */
  readonly mouse = new Float32Array(this.buffer, at.mouse_x!.offset, 2);
  /** 1 where the mouse button (by code, see `MouseButton`) is held this frame, else 0. */
  readonly mouseDown = new Uint8Array(this.buffer, at.mouse_down!.offset, MOUSE_BUTTONS);
  /** 1 where the mouse button went down this frame, else 0. */
  readonly mousePressed = new Uint8Array(this.buffer, at.mouse_pressed!.offset, MOUSE_BUTTONS);
  /** 1 where the mouse button went up this frame, else 0. */
  readonly mouseReleased = new Uint8Array(this.buffer, at.mouse_released!.offset, MOUSE_BUTTONS);
  /** 1 while pad p is connected, at p. */
  readonly gamepadsConnected = new Uint8Array(this.buffer, at.gamepad_connected!.offset, MAX_GAMEPADS);
  /** 1 while button b of pad p is held, at p * GAMEPAD_BUTTON_COUNT + b. */
  readonly gamepadButtonsDown = new Uint8Array(this.buffer, at.gamepad_down!.offset, MAX_GAMEPADS * GAMEPAD_BUTTON_COUNT);
  /** 1 where a gamepad button went down this frame: `pad * GAMEPAD_BUTTON_COUNT + button`. */
  readonly gamepadButtonsPressed = new Uint8Array(this.buffer, at.gamepad_pressed!.offset, MAX_GAMEPADS * GAMEPAD_BUTTON_COUNT);
  /** 1 where a gamepad button went up this frame: `pad * GAMEPAD_BUTTON_COUNT + button`. */
  readonly gamepadButtonsReleased = new Uint8Array(this.buffer, at.gamepad_released!.offset, MAX_GAMEPADS * GAMEPAD_BUTTON_COUNT);
  /** Axis a of pad p, -1 to 1, at p * GAMEPAD_AXIS_COUNT + a. */
  readonly gamepadAxes = new Float32Array(this.buffer, at.gamepad_axes!.offset, MAX_GAMEPADS * GAMEPAD_AXIS_COUNT);
  /** Whether a transition was recorded since the last `beginFrame` (skips clearing on quiet frames). */
  #transitions = false;
  #locked = false;
  #resyncEpoch = 0;

  constructor() {
    for (let pad = 0; pad < MAX_GAMEPADS; pad++) this.#axesAtRest(pad);
  }

  /** Whether the key is held. */
  isKeyDown(key: number): boolean {
    return this.keysDown[key] === 1;
  }
  /** Whether the key went down this frame. */
  isKeyPressed(key: number): boolean {
    return this.keysPressed[key] === 1;
  }
  /** Whether the key went up this frame. */
  isKeyReleased(key: number): boolean {
    return this.keysReleased[key] === 1;
  }
  /** Whether the mouse button is held. */
  isMouseDown(button: number): boolean {
    return this.mouseDown[button] === 1;
  }
  /** The mouse's x in window pixels. */
  get mouseX(): number {
    return this.mouse[0]!;
  }
  /** The mouse's y in window pixels. */
  get mouseY(): number {
    return this.mouse[1]!;
  }

  /** Whether gamepad `pad` (0 to 3) is connected. */
  gamepadConnected(pad: number): boolean {
    return this.gamepadsConnected[pad] === 1;
  }
  /** Whether `button` of gamepad `pad` is held: `gamepadDown(0, GamepadButton.RIGHT_FACE_DOWN)`. */
  gamepadDown(pad: number, button: number): boolean {
    const i = buttonIndex(pad, button);
    return i >= 0 && this.gamepadButtonsDown[i] === 1;
  }
  /** Whether `button` of gamepad `pad` went down this frame. */
  gamepadPressed(pad: number, button: number): boolean {
    const i = buttonIndex(pad, button);
    return i >= 0 && this.gamepadButtonsPressed[i] === 1;
  }
  /** Whether `button` of gamepad `pad` went up this frame. */
  gamepadReleased(pad: number, button: number): boolean {
    const i = buttonIndex(pad, button);
    return i >= 0 && this.gamepadButtonsReleased[i] === 1;
  }
  /**
   * Where `axis` of gamepad `pad` is, -1 to 1: `gamepadAxis(0, GamepadAxis.LEFT_X)`. Sticks rest
   * at 0; triggers go from -1 (released) to 1. A pad or axis out of range reads at rest.
   */
  gamepadAxis(pad: number, axis: number): number {
    const i = axisIndex(pad, axis);
    return i >= 0 ? this.gamepadAxes[i]! : gamepadAxisRest(axis);
  }

  /** Sets a key's state, recording a press or release when it changes. */
  setKey(key: number, down: boolean): void {
    if (this.#locked) return;
    if (key < 0 || key >= KEY_COUNT) return;
    const was = this.keysDown[key] === 1;
    if (down === was) return;
    this.keysDown[key] = down ? 1 : 0;
    this.#transitions = true;
    if (down) this.keysPressed[key] = 1;
    else this.keysReleased[key] = 1;
  }

  /** Sets a mouse button's state, recording a press or release when it changes. */
  setMouseButton(button: number, down: boolean): void {
    if (this.#locked) return;
    if (button < 0 || button >= MOUSE_BUTTONS) return;
    const was = this.mouseDown[button] === 1;
    if (down === was) return;
    this.mouseDown[button] = down ? 1 : 0;
    this.#transitions = true;
    if (down) this.mousePressed[button] = 1;
    else this.mouseReleased[button] = 1;
  }

  /** Sets the mouse position in window pixels. */
  setMousePosition(x: number, y: number): void {
    if (this.#locked) return;
    this.mouse[0] = x;
    this.mouse[1] = y;
  }

  /**
   * Marks gamepad `pad` connected or not. Disconnecting releases its held buttons (recording the
   * releases) and puts its axes at rest, as a pad pulled out mid-game should leave nothing held.
   */
  setGamepadConnected(pad: number, connected: boolean): void {
    if (this.#locked) return;
    if (!Number.isInteger(pad) || pad < 0 || pad >= MAX_GAMEPADS) return;
    this.gamepadsConnected[pad] = connected ? 1 : 0;
    if (connected) return;
    for (let b = 0; b < GAMEPAD_BUTTON_COUNT; b++) this.setGamepadButton(pad, b, false);
    this.#axesAtRest(pad);
  }

  /** Sets a gamepad button's state, recording a press or release when it changes. */
  setGamepadButton(pad: number, button: number, down: boolean): void {
    if (this.#locked) return;
    const i = buttonIndex(pad, button);
    if (i < 0) return;
    const was = this.gamepadButtonsDown[i] === 1;
    if (down === was) return;
    this.gamepadButtonsDown[i] = down ? 1 : 0;
    this.#transitions = true;
    if (down) this.gamepadButtonsPressed[i] = 1;
    else this.gamepadButtonsReleased[i] = 1;
  }

  /** Sets a gamepad axis, clamped to -1..1 (NaN reads as rest). */
  setGamepadAxis(pad: number, axis: number, value: number): void {
    if (this.#locked) return;
    const i = axisIndex(pad, axis);
    if (i < 0) return;
    this.gamepadAxes[i] = Number.isNaN(value) ? gamepadAxisRest(axis) : Math.min(1, Math.max(-1, value));
  }

  #axesAtRest(pad: number): void {
    for (let a = 0; a < GAMEPAD_AXIS_COUNT; a++) this.gamepadAxes[pad * GAMEPAD_AXIS_COUNT + a] = gamepadAxisRest(a);
  }

  /**
   * Whether the setters are ignored: while a timeline replays a recorded frame, the window's poll
   * and a key script must not write over the input the frame had when it was recorded.
   */
  get locked(): boolean {
    return this.#locked;
  }

  /** Turns the setters off (`true`) or back on; see {@link locked}. */
  lock(on: boolean): void {
    this.#locked = on;
  }

  /**
   * Asks the live sources to set the held state of what they drive, not only its changes, at their
   * next unlocked frame: after a rewind or a pause, Input holds what the recorded frame held, and a
   * key let go meanwhile would otherwise stay down. The window's poller mirrors every key and mouse
   * button from the device, then a key script holds again what it holds at its place.
   */
  requestResync(): void {
    this.#resyncEpoch++;
  }

  /** Counts {@link requestResync} calls: a source that saw another number than this resyncs once. */
  get resyncEpoch(): number {
    return this.#resyncEpoch;
  }

  /** Puts a recorded InputData block (from {@link copy}) in place: what a replayed frame reads. */
  load(bytes: Uint8Array): void {
    if (bytes.byteLength !== INPUT_DATA_BYTES) throw new Error(`Input.load: an InputData block is ${INPUT_DATA_BYTES} bytes, got ${bytes.byteLength}`);
    new Uint8Array(this.buffer, 0, INPUT_DATA_BYTES).set(bytes);
    this.#transitions = true; // its presses and releases are cleared at the next beginFrame
  }

  /** A copy of the InputData block (into `target` when given), as a timeline records it. */
  copy(target = new Uint8Array(INPUT_DATA_BYTES)): Uint8Array {
    target.set(new Uint8Array(this.buffer, 0, INPUT_DATA_BYTES));
    return target;
  }

  /** Clears this-frame transitions; the App calls it at the start of every frame. */
  beginFrame(): void {
    if (!this.#transitions) return;
    this.#transitions = false;
    this.keysPressed.fill(0);
    this.keysReleased.fill(0);
    this.mousePressed.fill(0);
    this.mouseReleased.fill(0);
    this.gamepadButtonsPressed.fill(0);
    this.gamepadButtonsReleased.fill(0);
  }
}

/** Where button `button` of pad `pad` lies in the button arrays, or -1 when either is out of range. */
function buttonIndex(pad: number, button: number): number {
  if (!Number.isInteger(pad) || pad < 0 || pad >= MAX_GAMEPADS) return -1;
  if (!Number.isInteger(button) || button < 0 || button >= GAMEPAD_BUTTON_COUNT) return -1;
  return pad * GAMEPAD_BUTTON_COUNT + button;
}

/** Where axis `axis` of pad `pad` lies in {@link Input.gamepadAxes}, or -1 when either is out of range. */
function axisIndex(pad: number, axis: number): number {
  if (!Number.isInteger(pad) || pad < 0 || pad >= MAX_GAMEPADS) return -1;
  if (!Number.isInteger(axis) || axis < 0 || axis >= GAMEPAD_AXIS_COUNT) return -1;
  return pad * GAMEPAD_AXIS_COUNT + axis;
}
