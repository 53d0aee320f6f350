/**
 * The child process of test/reliability/many-loads.test.ts (a child, so that an abort such as
 * glibc's "out of TLS keys" fails that test instead of killing the test runner).
 *
 *   bun test/support/many-loads-child.ts <library> <loads> <batch> <warmup> <dir>
 *
 * Loads `loads` fresh copies of the hot library `library`, each under a unique name in `dir` (a
 * new directory, which the caller also removes: nothing is left behind if this process aborts).
 * Each copy is opened, loaded (`hotloop_load`), its `noop` called; every other copy's armed `trap`
 * panics (the fixture variant must make it panic) and the caught panic's text is checked; then
 * `hotloop_unload`, close, delete. After `warmup` loads, and then after every `batch` loads, it
 * prints one JSON line of what a leak would move:
 *
 *   {"loads":N,"key":K,"fds":F,"mapped":M,"rssMb":R}
 *
 * `key` is the lowest free pthread key (created and deleted again at once through libc), `fds`
 * the open file descriptors, `mapped` the copies still in /proc/self/maps after their dlclose,
 * `rssMb` for information. Right before each line it has glibc print its heap statistics to
 * stderr (malloc_stats: "in use bytes" under "Total"), which the parent reads in the same order.
 * The last line is {"done":true,"panics":P}: the panics caught, each checked for its text.
 */
import { dlopen, FFIType, ptr } from "bun:ffi";
import { mkdirSync, readdirSync, readFileSync, rmSync, unlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { HotLibrary } from "../../src/hot/library.ts";
import { holdKeyZero, lowestFreeKey } from "./pthread-keys.ts";
import { mappedUnder } from "../../src/hot/maps.ts";

const [library, loadsArg, batchArg, warmupArg, dirArg] = process.argv.slice(2);
const loads = Number(loadsArg);
const batch = Number(batchArg);
const warmup = Number(warmupArg);
if (!library || !dirArg || !(loads > 0 && batch > 0 && warmup >= 0)) {
  console.error("usage: bun test/support/many-loads-child.ts <library> <loads> <batch> <warmup> <dir>");
  process.exit(2);
}
const dir: string = dirArg;

// glibc's heap statistics (the test runs on Linux only: /proc/self).
const libc = dlopen("libc.so.6", { malloc_stats: { args: [], returns: FFIType.void } });
holdKeyZero();

const bytes = readFileSync(library);
mkdirSync(dir);
const hostMemory = new Uint8Array(64 * 1024);
// The trap system's ctx (Query<Read<Trap>>): ids, count, capacity, the `armed: u8` column.
const ids = new Uint32Array([0]);
const armed = new Uint8Array([1]);
const trapCtx = new BigUint64Array([BigInt(ptr(ids)), 1n, 1n, BigInt(ptr(armed))]);
let panics = 0;

function loadOnce(n: number): void {
  const copy = join(dir, `libhot_fixture-${n}.so`);
  writeFileSync(copy, bytes);
  const lib = new HotLibrary(copy, library!, `copy-${n}`);
  try {
    const loadError = lib.load(hostMemory);
    if (loadError !== undefined) throw new Error(`load ${n}: on_load panicked: ${loadError}`);
    if (lib.entry("noop")!(ptr(trapCtx)) !== 0) throw new Error(`load ${n}: noop failed: ${lib.lastError()}`);
    if (n % 2 === 0) {
      if (lib.entry("trap")!(ptr(trapCtx)) !== 1) throw new Error(`load ${n}: the armed trap did not panic`);
      const text = lib.lastError();
      if (!text.startsWith("trap sprung")) throw new Error(`load ${n}: unexpected panic text: ${text}`);
      panics++;
    }
    const unloadError = lib.unload();
    if (unloadError !== undefined) throw new Error(`load ${n}: on_unload panicked: ${unloadError}`);
  } finally {
    lib.close();
    unlinkSync(copy);
  }
}

function report(done: number): void {
  const sample = {
    loads: done,
    key: lowestFreeKey(),
    fds: readdirSync("/proc/self/fd").length,
    mapped: mappedUnder(dir).length,
    rssMb: Math.round((process.memoryUsage().rss / 2 ** 20) * 10) / 10,
  };
  libc.symbols.malloc_stats();
  console.log(JSON.stringify(sample));
}

try {
  let done = 0;
  while (done < warmup) loadOnce(++done);
  report(done);
  while (done < loads) {
    const end = Math.min(loads, done + batch);
    while (done < end) loadOnce(++done);
    report(done);
  }
  console.log(JSON.stringify({ done: true, panics }));
} finally {
  rmSync(dir, { recursive: true, force: true });
}
