/**
 * glibc's pthread keys, probed through libc (Linux): glibc hands out the lowest unused key, so a key
 * a library load leaks (glibc has 1024, then Rust std aborts with "out of TLS keys") moves the
 * lowest free one. Used by the many-loads test's child and by the soak.
 */
import { dlopen, FFIType, ptr } from "bun:ffi";

const libc = dlopen("libc.so.6", {
  pthread_key_create: { args: [FFIType.ptr, FFIType.ptr], returns: FFIType.i32 },
  pthread_key_delete: { args: [FFIType.u32], returns: FFIType.i32 },
});
const keySlot = new Uint32Array(1);

function createKey(): number {
  const rc = libc.symbols.pthread_key_create(ptr(keySlot), null);
  if (rc !== 0) throw new Error(`pthread_key_create failed (${rc}): out of keys`);
  return keySlot[0]!;
}

/** The lowest free pthread key (created and deleted again at once). Throws when none is free. */
export function lowestFreeKey(): number {
  const key = createKey();
  const deleted = libc.symbols.pthread_key_delete(key);
  if (deleted !== 0) throw new Error(`pthread_key_delete(${key}) failed (${deleted})`);
  return key;
}

/**
 * Rust std never keeps key 0 (it means "not created yet" there: std creates another key and frees
 * 0), so a leak would not move a probe that reads 0. Call once before probing: it holds key 0 if it
 * is free (Bun's own keys usually take it).
 */
export function holdKeyZero(): void {
  const first = createKey();
  if (first !== 0) libc.symbols.pthread_key_delete(first);
}
