/**
 * Thousands of loads of a real hot library leave nothing behind: no pthread key, no file
 * descriptor, no mapping of a closed copy, no heap.
 *
 * Each hot library carries its own copy of Rust std. An SDK whose `hotloop_load` asked that std
 * for `thread::current()` made it create a pthread key (its TLS-destructor guard) that dlclose
 * never deletes: one key per load, and glibc has 1024, so the game aborted with "fatal runtime
 * error: out of TLS keys" after about a thousand reloads (and leaked the thread handle, ~100 bytes).
 *
 * The loads run in a child process (test/support/many-loads-child.ts) so that such an abort fails
 * this test instead of killing the runner: 2,120 fresh copies, more than twice the key limit, each
 * opened through HotLibrary, loaded (`hotloop_load`), called, half of them made to panic (caught at
 * the boundary, checked for its text), unloaded, closed and deleted. After a warm-up and after
 * every batch the child reports the lowest free pthread key, its open fds, the copies still mapped
 * and glibc's heap in use; one leaked key moves the key probe at once.
 */
import { expect, test } from "bun:test";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { reliabilityFile, SLOW } from "./rig.ts";

const CHILD = resolve(import.meta.dir, "../support/many-loads-child.ts");
/** More than twice glibc's PTHREAD_KEYS_MAX (1024): a leak of one key per load cannot hide. */
const LOADS = 2120;
/** Loads before the baseline sample (whatever the first loads set up once is not a leak). */
const WARMUP = 20;
const BATCH = 300;
/** A hung child is killed (SIGTERM) after this long; the loads take about 1.5 s. */
const CHILD_TIMEOUT_MS = 120_000;
/**
 * The heap may grow by less than this many bytes per load on average: glibc's smallest chunk is 32
 * bytes, so a leak of any allocation per load is 8 times over it, while a one-off allocation made
 * lazily during the run is not (seen: 460 to 860 bytes once, within the first few hundred loads).
 */
const HEAP_BYTES_PER_LOAD = 4;

interface Sample {
  readonly loads: number;
  readonly key: number;
  readonly fds: number;
  readonly mapped: number;
  readonly rssMb: number;
}

const v = reliabilityFile("trapStamp1");

test.skipIf(process.platform !== "linux")(
  `${LOADS} loads of a hot library (half with a caught panic) leak no pthread key, fd, mapping or heap`,
  async () => {
    const dir = mkdtempSync(join(tmpdir(), "hotloop-many-loads-test-"));
    try {
      const library = join(dir, "libhot_fixture.so");
      writeFileSync(library, v.trapStamp1);
      const started = performance.now();
      const copies = join(dir, "copies"); // removed below even if the child aborts
      const child = Bun.spawn([process.execPath, CHILD, library, String(LOADS), String(BATCH), String(WARMUP), copies], {
        stdout: "pipe",
        stderr: "pipe",
        timeout: CHILD_TIMEOUT_MS,
      });
      const [out, err] = await Promise.all([new Response(child.stdout).text(), new Response(child.stderr).text()]);
      await child.exited;
      const ms = performance.now() - started;

      const lines = out.split("\n").filter((l) => l.startsWith("{")).map((l) => JSON.parse(l) as Record<string, unknown>);
      const samples = lines.filter((l) => "key" in l) as unknown as Sample[];
      const done = lines.find((l) => l.done === true) as { panics: number } | undefined;
      // glibc's heap in use, one figure per sample, in the same order (malloc_stats' "Total" block).
      const heap = [...err.matchAll(/Total \(incl\. mmap\):\s*\nsystem bytes\s*=\s*\d+\s*\nin use bytes\s*=\s*(\d+)/g)].map((m) => Number(m[1]));
      const ended = child.signalCode ?? child.exitCode;
      const stats = /^(Arena \d+:|Total \(incl\. mmap\):|system bytes|in use bytes|max mmap)/;
      const stderrTail = err.split("\n").filter((l) => l.trim() && !stats.test(l)).slice(0, 3).join(" | ");
      if (!samples.length) throw new Error(`the child printed no sample (ended with ${ended}): ${stderrTail}`);

      const base = samples[0]!;
      const last = samples.at(-1)!;
      console.log(
        `many loads: ${last.loads} loads, ${done?.panics ?? "?"} panics caught, in ${(ms / 1000).toFixed(1)} s; ` +
          `lowest free pthread key ${samples.map((s) => s.key).join(" ")}; fds ${base.fds} -> ${last.fds}; ` +
          `heap in use ${heap[0]} -> ${heap.at(-1)} B; RSS ${base.rssMb} -> ${last.rssMb} MB`,
      );

      // (1) No pthread key: the lowest free key is where it was after the warm-up, at every sample.
      //     (One key per load moves it by the batch size at the first sample after the baseline.)
      expect(samples.map((s) => `${s.loads}: key ${s.key}`)).toEqual(samples.map((s) => `${s.loads}: key ${base.key}`));
      // (2) Nothing aborted: every load ran, and every other one panicked and was caught.
      expect({ ended, stderr: child.exitCode === 0 ? "" : stderrTail }).toEqual({ ended: 0, stderr: "" });
      expect(last.loads).toBe(LOADS);
      expect(done?.panics).toBe(LOADS / 2);
      // (3) No file descriptor and no mapping of a closed copy.
      expect(samples.map((s) => s.fds)).toEqual(samples.map(() => base.fds));
      expect(samples.map((s) => s.mapped)).toEqual(samples.map(() => 0));
      // (4) No heap: glibc's bytes in use after the last load, against the baseline.
      expect(heap).toHaveLength(samples.length);
      expect(heap.at(-1)! - heap[0]!).toBeLessThan((LOADS - WARMUP) * HEAP_BYTES_PER_LOAD);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
  SLOW,
);
