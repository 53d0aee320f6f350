import { nativeBuffer } from "../ecs/native-buffer.ts";
import { NATIVE_BYTES } from "../ecs/resource.ts";
import { structLayout } from "../ecs/struct-layout.ts";
import { KEY_CODES, MOUSE_BUTTON_CODES } from "./keys.ts";

/**
 * Key codes: raylib's (GLFW's) values, shared by TypeScript and Rust systems. Every raylib key is
 * here (`Key.SEMICOLON`, `Key.HOME`, `Key.KP_ADD`…); the table lives in ./keys.ts, the one list
 * the renderer and the Rust SDK are generated from.
 */
export const Key = KEY_CODES;

/** A key name of {@link Key}. */
export type KeyName = keyof typeof Key;

/** Mouse buttons, raylib's numbering (LEFT 0 … BACK 6; ./keys.ts). */
export const MouseButton = MOUSE_BUTTON_CODES;

/** Number of key codes tracked (raylib's codes are all below it). */
export const KEY_COUNT = 512;
const MOUSE_BUTTONS = 8;

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
});
/** Byte size of the InputData block (docs/abi.md). */
export const INPUT_DATA_BYTES = INPUT_LAYOUT.size;
const at = INPUT_LAYOUT.byName;

/** Looks a key up by name (`"RIGHT"`, `"w"`) or code; undefined when unknown. */
export function keyCode(nameOrCode: string | number): number | undefined {
  if (typeof nameOrCode === "number") return nameOrCode >= 0 && nameOrCode < KEY_COUNT ? nameOrCode : undefined;
  const name = nameOrCode.toUpperCase();
  return Object.hasOwn(Key, name) ? Key[name as KeyName] : undefined;
}

/**
 * Keyboard and mouse state for this frame. A source (the raylib plugin, a script, a test) sets
 * keys; systems in TypeScript and Rust read the same bytes (Rust through one InputData pointer).
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
  /** Whether a transition was recorded since the last `beginFrame` (skips clearing on quiet frames). */
  #transitions = false;

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

  /** Sets a key's state, recording a press or release when it changes. */
  setKey(key: number, down: boolean): void {
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
    this.mouse[0] = x;
    this.mouse[1] = y;
  }

  /** Clears this-frame transitions; the App calls it at the start of every frame. */
  beginFrame(): void {
    if (!this.#transitions) return;
    this.#transitions = false;
    this.keysPressed.fill(0);
    this.keysReleased.fill(0);
    this.mousePressed.fill(0);
    this.mouseReleased.fill(0);
  }
}
