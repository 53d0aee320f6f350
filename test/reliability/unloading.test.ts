/**
 * Issue 5, case 5: a library that cannot be unloaded. Touching a Rust thread_local! with a
 * destructor on the calling thread (Bun calls hot code from its main thread, which never exits)
 * registers the destructor with glibc, which then keeps the library mapped after dlclose
 * (rust-lang/rust#59629). The reloader notices the mapping that stayed and warns once.
 */
import { expect, test } from "bun:test";
import { mappedUnder } from "../../src/hot/index.ts";
import { reliabilityFile, rig, SLOW, type Rig } from "./rig.ts";

const v = reliabilityFile("threadLocal", "stamp2", "stamp3");
let r: Rig | undefined;

test.skipIf(process.platform !== "linux")(
  "a thread_local! with a destructor keeps an old copy mapped: detected, warned once with the reason, everything keeps working",
  async () => {
    const running = (r = await rig(v.threadLocal)); // v1, copy libhot_fixture-1.so
    await running.frames(3);
    expect(running.stamp()).toBe(8);
    const stale = () => mappedUnder(running.reloader.shadowDir!.path).filter((p) => !running.reloader.loadedPaths().includes(p));
    // The thread-local build stays loaded as the rollback target for one more swap, then is closed.
    for (const [bytes, stamp] of [[v.stamp2, 2], [v.stamp3, 3]] as const) {
      running.publish(bytes);
      await running.until(() => running.stamp() === stamp, 1500, `stamp ${stamp}`);
    }
    expect(running.reloader.version).toBe(3);
    // (1) the copy outlived dlclose, and the warning names the build output, the copy and the cause
    expect(stale()).toHaveLength(1);
    const warning = `hotloop: warning: ${running.library}: an old copy (libhot_fixture-1.so) stayed mapped after dlclose, most likely a Rust thread_local! with a destructor (rust-lang/rust#59629); reloads keep working, but old versions' memory is not returned (warned once)`;
    expect(running.lines((e) => e.type === "warning")).toEqual([warning]);
    // (2)/(4) everything keeps working: load it again, and more builds after it
    for (const [bytes, stamp] of [[v.threadLocal, 8], [v.stamp2, 2], [v.stamp3, 3], [v.stamp2, 2]] as const) {
      running.publish(bytes);
      await running.until(() => running.stamp() === stamp, 1500, `stamp ${stamp}`);
    }
    expect(running.reloader.version).toBe(7);
    // The second thread-local copy stayed mapped too, and was not warned about again.
    expect(stale()).toHaveLength(2);
    expect(running.lines((e) => e.type === "warning")).toEqual([warning]);
    expect(running.refusals()).toEqual([]);
    // (3)
    running.expectIntact();
  },
  SLOW,
);
