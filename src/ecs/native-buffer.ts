/**
 * Memory that native code may keep a pointer to.
 *
 * Why: a bun:ffi typed array of 1000 elements or fewer may keep its data inline in the GC heap,
 * where it can move and leave an earlier pointer dangling (JavaScriptCore's "fast" typed arrays;
 * `ptr()` of such an array is only good until the next allocation). Everything hotloop hands to
 * native code is therefore a view over an explicit ArrayBuffer of at least this many bytes
 * (test/ecs/component.test.ts, "SoA columns over explicit ArrayBuffers above the inline limit").
 */
export const MIN_NATIVE_BYTES = 8192;

/** An explicit, out-of-line ArrayBuffer of at least `byteLength` bytes (zeroed). */
export function nativeBuffer(byteLength: number): ArrayBuffer {
  return new ArrayBuffer(Math.max(MIN_NATIVE_BYTES, byteLength));
}
