/**
 * The 2D camera: where the draw list's world lies on the screen.
 *
 *     const camera = app.resource(Camera2D);
 *     camera.offset = { x: 400, y: 225 }; // the screen point the target appears at (the centre)
 *     camera.target.x = player.x;         // the world point the camera looks at
 *     camera.zoom = 2;
 *     const aim = camera.screenToWorld(mouseX, mouseY);
 *
 * Why a resource in native memory: its bytes are exactly raylib's `Camera2D` struct (offset,
 * target, rotation, zoom: six f32), so the render plugin hands them to `BeginMode2D` as they are,
 * and hot Rust systems move the camera through `ResMut<Camera2D>` in the same bytes. The App
 * inserts one (zoom 1, everything else 0: the identity, so a game that never touches it draws as
 * if there were no camera).
 *
 * @module
 */
import { ptr, type Pointer } from "bun:ffi";
import { nativeBuffer } from "../ecs/native-buffer.ts";
import { NATIVE_BYTES } from "../ecs/resource.ts";
import { structLayout } from "../ecs/struct-layout.ts";

/** A point or a direction: raylib's `Vector2`. */
export interface Vector2 {
  /** Rightwards, in pixels (world or screen). */
  x: number;
  /** Downwards, in pixels (world or screen). */
  y: number;
}

/**
 * `Camera2D` as hot systems read it (`Res<Camera2D>` / `ResMut<Camera2D>`) and raylib's
 * `BeginMode2D` takes it: raylib's own struct, fields flattened for the layout hash.
 */
export const CAMERA2D_LAYOUT = structLayout("Camera2D", {
  offset_x: "f32",
  offset_y: "f32",
  target_x: "f32",
  target_y: "f32",
  rotation: "f32",
  zoom: "f32",
});

/** Float indexes of the fields. */
const OFFSET = 0;
const TARGET = 2;
const ROTATION = 4;
const ZOOM = 5;
const DEG2RAD = Math.PI / 180;

/** A live `{x, y}` over two floats of a camera: writing `camera.target.x` writes the native bytes. */
class VectorView implements Vector2 {
  readonly #f: Float32Array;
  readonly #i: number;
  constructor(f: Float32Array, i: number) {
    this.#f = f;
    this.#i = i;
  }
  get x(): number {
    return this.#f[this.#i]!;
  }
  set x(value: number) {
    this.#f[this.#i] = value;
  }
  get y(): number {
    return this.#f[this.#i + 1]!;
  }
  set y(value: number) {
    this.#f[this.#i + 1] = value;
  }
  toJSON(): Vector2 {
    return { x: this.x, y: this.y };
  }
}

/** What a new {@link Camera2D} starts at, field by field (the rest: zoom 1, others 0). */
export interface Camera2DInit {
  /** Where the target appears on the screen. Default (0, 0). */
  readonly offset?: Vector2;
  /** The world point the camera looks at. Default (0, 0). */
  readonly target?: Vector2;
  /** Degrees, clockwise. Default 0. */
  readonly rotation?: number;
  /** Scale of the world on the screen. Default 1. */
  readonly zoom?: number;
}

/** A {@link Camera2D}'s values as plain data (what `JSON.stringify` and the inspector show). */
export interface Camera2DValue {
  /** Where the target appears on the screen. */
  offset: Vector2;
  /** The world point the camera looks at. */
  target: Vector2;
  /** Degrees, clockwise. */
  rotation: number;
  /** Scale of the world on the screen. */
  zoom: number;
}

/**
 * The 2D camera (raylib's `Camera2D`), a resource the App inserts: the draw list's records are
 * drawn through it, except those written through `drawListOf(app).screen` (the HUD). A world point
 * `p` is drawn at `offset + rotate(rotation) * (zoom * (p - target))`.
 *
 * Structurally a raylib `Camera2D` (`{ offset, target, rotation, zoom }`); its fields are accessors
 * over six native f32, shared with Rust's `ResMut<Camera2D>`. Floats: values are stored as f32.
 */
export class Camera2D {
  /** Its C layout: a resource hot systems may read and write. */
  static readonly struct = CAMERA2D_LAYOUT;
  /** Systems may write it (`ResMut<Camera2D>`), unlike Time and Input. */
  static readonly readOnly = false;
  readonly #f = new Float32Array(nativeBuffer(CAMERA2D_LAYOUT.size), 0, CAMERA2D_LAYOUT.fields.length);
  readonly #offset = new VectorView(this.#f, OFFSET);
  readonly #target = new VectorView(this.#f, TARGET);
  /** The struct's address, as the shim's `BeginMode2D` reads it. */
  readonly pointer: Pointer = ptr(this.#f);

  constructor(init: Camera2DInit = {}) {
    this.#f[ZOOM] = 1;
    if (init.offset) this.offset = init.offset;
    if (init.target) this.target = init.target;
    if (init.rotation !== undefined) this.rotation = init.rotation;
    if (init.zoom !== undefined) this.zoom = init.zoom;
  }

  /** The native bytes Rust and the shim read (the resource's native-bytes key). */
  get [NATIVE_BYTES](): ArrayBuffer {
    return this.#f.buffer as ArrayBuffer;
  }

  /** The screen point (pixels) where {@link target} appears; live: `camera.offset.x = 400` moves it. Assigning copies x and y. */
  get offset(): Vector2 {
    return this.#offset;
  }
  /** Moves where the target appears on the screen (copies x and y). */
  set offset(v: Vector2) {
    this.#f[OFFSET] = v.x;
    this.#f[OFFSET + 1] = v.y;
  }

  /** The world point the camera looks at (shown at {@link offset}); live, like offset. */
  get target(): Vector2 {
    return this.#target;
  }
  /** Points the camera at a world point (copies x and y). */
  set target(v: Vector2) {
    this.#f[TARGET] = v.x;
    this.#f[TARGET + 1] = v.y;
  }

  /** Degrees, clockwise on the screen, around the target. */
  get rotation(): number {
    return this.#f[ROTATION]!;
  }
  /** Turns the view, in degrees clockwise. */
  set rotation(degrees: number) {
    this.#f[ROTATION] = degrees;
  }

  /** Scale: 2 draws the world twice as large. 1 by default. */
  get zoom(): number {
    return this.#f[ZOOM]!;
  }
  /** Scales the world on the screen (1: a world pixel is a screen pixel). */
  set zoom(value: number) {
    this.#f[ZOOM] = value;
  }

  /** Whether it leaves every point where it is (rotation 0, zoom 1, offset equal to target). */
  get isIdentity(): boolean {
    const f = this.#f;
    return f[ROTATION] === 0 && f[ZOOM] === 1 && f[OFFSET] === f[TARGET] && f[OFFSET + 1] === f[TARGET + 1];
  }

  /** Where the world point (x, y) is drawn on the screen (raylib's `GetWorldToScreen2D`). */
  worldToScreen(x: number, y: number): Vector2 {
    const f = this.#f;
    const zoom = f[ZOOM]!;
    const dx = (x - f[TARGET]!) * zoom;
    const dy = (y - f[TARGET + 1]!) * zoom;
    const cos = Math.cos(f[ROTATION]! * DEG2RAD);
    const sin = Math.sin(f[ROTATION]! * DEG2RAD);
    return { x: cos * dx - sin * dy + f[OFFSET]!, y: sin * dx + cos * dy + f[OFFSET + 1]! };
  }

  /**
   * The world point drawn at the screen point (x, y) (raylib's `GetScreenToWorld2D`): where the
   * mouse points in the world. A zoom of 0 has no inverse: the target is returned.
   */
  screenToWorld(x: number, y: number): Vector2 {
    const f = this.#f;
    const zoom = f[ZOOM]!;
    if (zoom === 0) return { x: f[TARGET]!, y: f[TARGET + 1]! };
    const dx = x - f[OFFSET]!;
    const dy = y - f[OFFSET + 1]!;
    const cos = Math.cos(f[ROTATION]! * DEG2RAD);
    const sin = Math.sin(f[ROTATION]! * DEG2RAD);
    return { x: (cos * dx + sin * dy) / zoom + f[TARGET]!, y: (-sin * dx + cos * dy) / zoom + f[TARGET + 1]! };
  }

  /** The fields as a plain object, for logs and tests. */
  toJSON(): Camera2DValue {
    return { offset: this.#offset.toJSON(), target: this.#target.toJSON(), rotation: this.rotation, zoom: this.zoom };
  }
}
