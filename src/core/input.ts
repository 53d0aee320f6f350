import { nativeBuffer } from "../ecs/native-buffer.ts";

/** Key codes: raylib's (GLFW's) values, shared by TypeScript and Rust systems. */
export const Key = {
  SPACE: 32, APOSTROPHE: 39, COMMA: 44, MINUS: 45, PERIOD: 46, SLASH: 47,
  ZERO: 48, ONE: 49, TWO: 50, THREE: 51, FOUR: 52, FIVE: 53, SIX: 54, SEVEN: 55, EIGHT: 56, NINE: 57,
  A: 65, B: 66, C: 67, D: 68, E: 69, F: 70, G: 71, H: 72, I: 73, J: 74, K: 75, L: 76, M: 77,
  N: 78, O: 79, P: 80, Q: 81, R: 82, S: 83, T: 84, U: 85, V: 86, W: 87, X: 88, Y: 89, Z: 90,
  ESCAPE: 256, ENTER: 257, TAB: 258, BACKSPACE: 259, INSERT: 260, DELETE: 261,
  RIGHT: 262, LEFT: 263, DOWN: 264, UP: 265,
  F1: 290, F2: 291, F3: 292, F4: 293, F5: 294, F6: 295, F7: 296, F8: 297, F9: 298, F10: 299, F11: 300, F12: 301,
  LEFT_SHIFT: 340, LEFT_CONTROL: 341, LEFT_ALT: 342, RIGHT_SHIFT: 344, RIGHT_CONTROL: 345, RIGHT_ALT: 346,
} as const;

/** A key name of {@link Key}. */
export type KeyName = keyof typeof Key;

/** Mouse buttons, raylib's numbering. */
export const MouseButton = { LEFT: 0, RIGHT: 1, MIDDLE: 2 } as const;

/** Number of key codes tracked (raylib's codes are all below it). */
export const KEY_COUNT = 512;
const MOUSE_BUTTONS = 8;
/** Byte size of the InputData block (docs/abi.md). */
export const INPUT_DATA_BYTES = 1568;

/** Looks a key up by name (`"RIGHT"`, `"w"`) or code; undefined when unknown. */
export function keyCode(nameOrCode: string | number): number | undefined {
  if (typeof nameOrCode === "number") return nameOrCode >= 0 && nameOrCode < KEY_COUNT ? nameOrCode : undefined;
  return Key[nameOrCode.toUpperCase() as KeyName];
}

/**
 * Keyboard and mouse state for this frame. A source (the raylib plugin, a script, a test) sets
 * keys; systems in TypeScript and Rust read the same bytes (Rust through one InputData pointer).
 */
export class Input {
  /** The InputData block handed to native systems. */
  readonly buffer = nativeBuffer(INPUT_DATA_BYTES);
  readonly keysDown = new Uint8Array(this.buffer, 0, KEY_COUNT);
  readonly keysPressed = new Uint8Array(this.buffer, 512, KEY_COUNT);
  readonly keysReleased = new Uint8Array(this.buffer, 1024, KEY_COUNT);
  readonly mouse = new Float32Array(this.buffer, 1536, 2);
  readonly mouseDown = new Uint8Array(this.buffer, 1544, MOUSE_BUTTONS);
  readonly mousePressed = new Uint8Array(this.buffer, 1552, MOUSE_BUTTONS);
  readonly mouseReleased = new Uint8Array(this.buffer, 1560, MOUSE_BUTTONS);
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
  get mouseX(): number {
    return this.mouse[0]!;
  }
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
