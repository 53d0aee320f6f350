/**
 * How values cross into raylib through bun:ffi: packed colors, C strings, addresses in struct
 * memory. Shared by the generated binding (raylib.gen.ts) and the hand-written calls (raylib.ts).
 *
 * @module
 */
import { CString, type Pointer } from "bun:ffi";

/**
 * A raylib Color packed into a u32 exactly as {r, g, b, a} lies in memory (r in the low byte):
 * four bytes travel by value in an integer register on x86-64 (SysV) and aarch64, so a u32 goes
 * where raylib takes a Color. test/window/raylib.test.ts proves it through `hl_color_component`.
 */
export type Color = number;

/** Packs a color from 0..255 components; `a` defaults to opaque. */
export function rgba(r: number, g: number, b: number, a = 255): Color {
  return ((r & 255) | ((g & 255) << 8) | ((b & 255) << 16) | ((a & 255) << 24)) >>> 0;
}

/** Unpacks a {@link Color} into its [r, g, b, a] components, for tests and debugging. */
export function colorComponents(color: Color): [r: number, g: number, b: number, a: number] {
  return [color & 255, (color >>> 8) & 255, (color >>> 16) & 255, (color >>> 24) & 255];
}

/** A color as `rgba(r, g, b, a)` text, for assertion messages. */
export function colorToString(color: Color): string {
  return `rgba(${colorComponents(color).join(", ")})`;
}

/**
 * What a raw C pointer parameter takes: an address (`Pointer`), a typed array or buffer (its
 * bytes are passed, e.g. a Float32Array of Vector2s for `const Vector2 *points`), or null.
 */
export type PointerLike = Pointer | number | NodeJS.TypedArray | DataView | ArrayBufferLike | null;

/** Encoded NUL-terminated strings, so text drawn every frame is not re-encoded every frame. */
const cstrCache = new Map<string, Buffer>();
const CSTR_CACHE_MAX = 512;

/** A JS string as a NUL-terminated UTF-8 buffer for a `const char*` argument (cached). */
export function cstr(s: string): Buffer {
  let b = cstrCache.get(s);
  if (b === undefined) {
    if (cstrCache.size >= CSTR_CACHE_MAX) cstrCache.clear();
    b = Buffer.from(s + "\0", "utf8");
    cstrCache.set(s, b);
  }
  return b;
}

/** The text at a `const char *` raylib returned ("" for NULL), copied at once: raylib reuses such buffers. */
export function textAt(address: Pointer | null): string {
  return address ? new CString(address).toString() : "";
}

/** Whether a struct-pointer argument is the struct as an object (copied in and out) rather than a raw pointer. */
export function isStructObject(value: unknown): boolean {
  return typeof value === "object" && value !== null && !Array.isArray(value) && !ArrayBuffer.isView(value) && !(value instanceof ArrayBuffer) && !(value instanceof SharedArrayBuffer);
}

const TWO_32 = 0x1_0000_0000;

/** Writes an address (a pointer field) as two u32 halves: addresses fit in 53 bits, no BigInt. */
export function writeAddress(v: DataView, o: number, address: number | null | undefined): void {
  const a = address ?? 0;
  v.setUint32(o, a >>> 0, true);
  v.setUint32(o + 4, Math.floor(a / TWO_32), true);
}

/** Reads an address (a pointer field) written as two u32 halves. */
export function readAddress(v: DataView, o: number): number {
  return v.getUint32(o, true) + v.getUint32(o + 4, true) * TWO_32;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** Writes text into a `char[n]` field: UTF-8, cut to n - 1 bytes, NUL-padded. */
export function writeChars(v: DataView, o: number, n: number, text: string): void {
  const bytes = new Uint8Array(v.buffer, v.byteOffset + o, n);
  bytes.fill(0);
  encoder.encodeInto(text, bytes.subarray(0, n - 1));
}

/** Reads a `char[n]` field's text, up to its first NUL. */
export function readChars(v: DataView, o: number, n: number): string {
  const bytes = new Uint8Array(v.buffer, v.byteOffset + o, n);
  const end = bytes.indexOf(0);
  return decoder.decode(end < 0 ? bytes : bytes.subarray(0, end));
}
