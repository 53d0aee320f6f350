/**
 * peers: hotloop beside hot-lib-reloader 0.8 (crates.io), measured in the same run. The peer's side
 * is bench/peers: a host binary (hlr-host) using `#[hot_module]` as hot-lib-reloader's README does,
 * run as a child process that prints JSON lines, and its hot library (hlr-lib, a Rust `dylib`),
 * built in a copy under a temp dir for each variant. hotloop's side is the fixture library and
 * the same methods as the reload and edit_to_running suites (bench/suites/reload.ts).
 *
 * - ns per call: hotloop's hot system call (bun:ffi, through hotSystem()) against hot-lib-
 *   reloader's generated wrapper (a lock and a symbol lookup on every call), alternated in rounds;
 * - reload, library written → new code running, p50/p95: a prebuilt variant renamed over the
 *   library, 150 ms apart, a frame = a mover over 1000 entities and a stamp read; hot-lib-reloader
 *   at its default 500 ms debounce and at 1 ms, hotloop at its own settings, in alternating blocks;
 * - edit → running: a constant edited in the source, cargo build, the new value seen;
 * - bad builds (a truncated library, a changed function signature, a panic in a hot function):
 *   what each tool did, whether the game survived with its data intact, whether the next good
 *   build loaded. hot-lib-reloader may be killed: its exit code or signal and last lines are kept.
 */
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { FixedUpdate } from "../../src/core/index.ts";
import { cargoBuild } from "../../src/dev/cargo.ts";
import { spawn } from "../../src/ecs/index.ts";
import { formatEvent } from "../../src/hot/index.ts";
import { Position, Stamp, Trap, Velocity } from "../../test/fixtures/hot-fixture/components.ts";
import { hotApp, type HotApp } from "../../test/support/hot-app.ts";
import { removeBuilders, variants } from "../../test/support/variants.ts";
import { buildBenchLibrary } from "../bench-library.ts";
import { fmt, median, percentile, type MeasureOptions, type Row } from "../lib.ts";
import type { Suite } from "../suite.ts";
import type { CallFigures } from "./call.ts";
import { EditRig, publish, ReloadRig, WRITE_GAP_MS } from "./reload.ts";

const PEERS = resolve(import.meta.dir, "../peers");
const HOST = join(PEERS, "target/release/hlr-host");
/** The library file hot-lib-reloader watches in its lib dir (`dylib = "hlr_lib"`). */
const HLR_FILE = "libhlr_lib.so";

/** hot-lib-reloader's two settings: `file_watch_debounce` left at its default (500 ms), and 1 ms. */
const DEBOUNCES = { hlr_default: "default", hlr_1ms: "1ms" } as const;
type Peer = keyof typeof DEBOUNCES;

// ---------------------------------------------------------------------------------------------
// The peer's library: a copy of bench/peers/hlr-lib under a temp dir, edited and built there.

/** A standalone copy of hlr-lib (its own `[workspace]` and target dir), edited and rebuilt. */
class HlrLib {
  readonly dir = mkdtempSync(join(tmpdir(), "hotloop-peer-"));
  /** Where cargo puts the library: hot-lib-reloader's lib dir in the edit measurements. */
  readonly outDir = join(this.dir, "target/debug");

  constructor() {
    cpSync(join(PEERS, "hlr-lib/src"), join(this.dir, "src"), { recursive: true });
    const manifest = readFileSync(join(PEERS, "hlr-lib/Cargo.toml"), "utf8")
      .replace("version.workspace = true", 'version = "0.1.0"')
      .replace("edition.workspace = true", 'edition = "2024"')
      .replace("license.workspace = true", 'license = "MIT"')
      .replace("publish.workspace = true", "publish = false");
    // The workspace's dev profile, which is hotloop's fixture's: both tools pay the same compiler.
    writeFileSync(join(this.dir, "Cargo.toml"), `${manifest}\n[profile.dev]\nopt-level = 1\ndebug = false\nlto = "off"\n\n[workspace]\n`);
  }

  /** Puts back the original source. */
  reset(): void {
    cpSync(join(PEERS, "hlr-lib/src"), join(this.dir, "src"), { recursive: true, force: true });
  }

  edit(from: string | RegExp, to: string): void {
    const file = join(this.dir, "src/lib.rs");
    const text = readFileSync(file, "utf8");
    if (!(typeof from === "string" ? text.includes(from) : from.test(text))) throw new Error(`peers: ${String(from)} not found in hlr-lib`);
    writeFileSync(file, text.replace(from, to));
  }

  setStamp(stamp: number): void {
    this.edit(/const STAMP: u32 = \d+;/, `const STAMP: u32 = ${stamp};`);
  }

  async build(): Promise<number> {
    const result = await cargoBuild({ cwd: this.dir });
    if (!result.ok) throw new Error(`peers: building hlr-lib failed:\n${result.errors}`);
    return result.ms;
  }

  /** Builds a variant and returns its bytes. */
  async variant(stamp: number, more?: () => void): Promise<Uint8Array> {
    this.reset();
    this.setStamp(stamp);
    more?.();
    await this.build();
    return new Uint8Array(readFileSync(join(this.outDir, HLR_FILE)));
  }

  cleanup(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** The peer's variants: stamps 1-3, `mover` with another parameter (stamp 4), `stamp` panicking (stamp 5). */
interface HlrVariants {
  readonly stamp1: Uint8Array;
  readonly stamp2: Uint8Array;
  readonly stamp3: Uint8Array;
  readonly signature: Uint8Array;
  readonly panic: Uint8Array;
}

async function hlrVariants(lib: HlrLib): Promise<HlrVariants> {
  return {
    stamp1: await lib.variant(1),
    stamp2: await lib.variant(2),
    stamp3: await lib.variant(3),
    // What hotloop's `moreComponents` variant does to its mover: it now also reads the stamps.
    signature: await lib.variant(4, () => {
      lib.edit("pub fn mover(pos: &mut [f32], vel: &[f32], dt: f32) {", "pub fn mover(pos: &mut [f32], vel: &[f32], stamps: &[u32], dt: f32) {");
      lib.edit("for (p, v) in pos.iter_mut().zip(vel) {\n        *p += v * dt;", "for ((p, v), s) in pos.iter_mut().zip(vel).zip(stamps) {\n        *p += v * dt * (*s).min(1) as f32;");
    }),
    panic: await lib.variant(5, () => lib.edit("pub fn stamp() -> u32 {\n", 'pub fn stamp() -> u32 {\n    if STAMP == 5 {\n        panic!("trap sprung (stamp {STAMP})");\n    }\n')),
  };
}

// ---------------------------------------------------------------------------------------------
// The peer's host, as a child process.

/** Runs hlr-host to the end and returns its last JSON line; throws with its stderr if it failed. */
async function hostRun(args: string[], libDir: string): Promise<Record<string, unknown>> {
  const proc = Bun.spawn([HOST, ...args], { env: { ...process.env, HLR_LIB_DIR: libDir }, stdout: "pipe", stderr: "pipe" });
  const [out, err, code] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text(), proc.exited]);
  if (code !== 0) throw new Error(`peers: hlr-host ${args.join(" ")} failed (${proc.signalCode ?? `exit ${code}`}):\n${tail(err, 8).join("\n")}`);
  return JSON.parse(out.trim().split("\n").at(-1)!) as Record<string, unknown>;
}

function tail(text: string, n: number): string[] {
  return text.split("\n").map((l) => l.trimEnd()).filter(Boolean).slice(-n);
}

/** One line of `hlr-host watch`, with when it arrived here. */
interface WatchLine {
  readonly at: number;
  readonly event: "stamp" | "beat" | "exit";
  readonly stamp?: number;
  readonly version?: number;
  readonly intact: boolean;
}

/** `hlr-host watch`: the peer's game running, its lines as they come, its end. */
class HostWatch {
  readonly lines: WatchLine[] = [];
  stderr = "";
  private readonly proc: Bun.Subprocess<"pipe", "pipe", "pipe">;
  private readonly done: Promise<void>;
  private waiters: (() => void)[] = [];
  exited = false;

  constructor(peer: Peer, libDir: string) {
    this.proc = Bun.spawn([HOST, "watch", "--debounce", DEBOUNCES[peer]], {
      env: { ...process.env, HLR_LIB_DIR: libDir },
      stdin: "pipe",
      stdout: "pipe",
      stderr: "pipe",
    });
    const read = async (stream: ReadableStream<Uint8Array>, onText: (text: string) => void) => {
      const decoder = new TextDecoder();
      for await (const chunk of stream) onText(decoder.decode(chunk, { stream: true }));
    };
    let partial = "";
    const out = read(this.proc.stdout, (text) => {
      const at = performance.now();
      partial += text;
      const lines = partial.split("\n");
      partial = lines.pop()!;
      for (const line of lines) if (line.trim()) this.lines.push({ at, ...(JSON.parse(line) as Omit<WatchLine, "at">) });
      this.wake();
    });
    const err = read(this.proc.stderr, (text) => {
      this.stderr += text;
      if (this.stderr.length > 64_000) this.stderr = this.stderr.slice(-32_000);
    });
    this.done = Promise.all([out, err, this.proc.exited]).then(() => {
      this.exited = true;
      this.wake();
    });
  }

  private wake(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w();
  }

  /** The first line from `from` on that satisfies `ok`, or undefined at exit or after `limitMs`. */
  async waitFor(ok: (line: WatchLine) => boolean, limitMs: number, from = 0): Promise<WatchLine | undefined> {
    const deadline = performance.now() + limitMs;
    for (;;) {
      const found = this.lines.slice(from).find(ok);
      if (found || this.exited) return found;
      const left = deadline - performance.now();
      if (left <= 0) return undefined;
      await new Promise<void>((wake) => {
        const timer = setTimeout(wake, left);
        this.waiters.push(() => {
          clearTimeout(timer);
          wake();
        });
      });
    }
  }

  /** Runs for `ms`, or until the process ends. */
  async runFor(ms: number): Promise<void> {
    await this.waitFor(() => false, ms);
  }

  last(): WatchLine | undefined {
    return this.lines.at(-1);
  }

  /** Ends the game (stdin closed) unless it ended already; returns how it ended. */
  async stop(): Promise<{ readonly how: string; readonly killed: boolean }> {
    if (!this.exited) {
      this.proc.stdin.end();
      const timer = setTimeout(() => this.proc.kill("SIGKILL"), 5000);
      await this.done;
      clearTimeout(timer);
    } else {
      await this.done;
    }
    const signal = this.proc.signalCode;
    return { how: signal ? `killed by ${signal}` : `exit ${this.proc.exitCode}`, killed: Boolean(signal) || this.proc.exitCode !== 0 };
  }
}

// ---------------------------------------------------------------------------------------------
// Measurements.

/**
 * Calls: rounds of hotloop's `call` suite (a process of its own each time: a hot call gets slower
 * once a process has called several hot systems, see `call.hot_polymorphic_ns`) and the peer's
 * wrapper, alternated; the median of each.
 */
async function calls(rounds: number, quick: boolean, options: MeasureOptions, libDir: string): Promise<PeersFigures["call_ns"]> {
  const hot: number[] = [], poly: number[] = [], wrapper: number[] = [], pointer: number[] = [];
  for (let r = 0; r < rounds; r++) {
    const proc = Bun.spawn(["bun", resolve(import.meta.dir, "../run.ts"), "--child", "call", ...(quick ? ["--quick"] : [])], { stdout: "pipe", stderr: "inherit" });
    const [out, code] = await Promise.all([new Response(proc.stdout).text(), proc.exited]);
    if (code !== 0) throw new Error(`peers: hotloop's call suite failed (exit ${code})`);
    const own = JSON.parse(out.trim().split("\n").at(-1)!) as CallFigures;
    hot.push(own.hot_ns);
    poly.push(own.hot_polymorphic_ns);
    const peer = await hostRun(["call", "--samples", String(options.samples ?? 15), "--sample-ms", String(options.sampleMs ?? 20)], libDir);
    wrapper.push(peer.wrapper_ns as number);
    pointer.push(peer.pointer_ns as number);
  }
  return { hotloop: median(hot), hotloop_polymorphic: median(poly), hot_lib_reloader: median(wrapper), hlr_pointer: median(pointer) };
}

/** The peer's reloads: `count` writes of alternating variants, timed inside its host. */
async function peerReloads(peer: Peer, count: number, v: HlrVariants): Promise<{ latencies: number[]; swapFrames: number[]; normalFrameMs: number }> {
  const dir = mkdtempSync(join(tmpdir(), "hotloop-peer-reload-"));
  try {
    writeFileSync(join(dir, "v1.so"), v.stamp1);
    writeFileSync(join(dir, "v2.so"), v.stamp2);
    const lib = join(dir, "lib");
    mkdirSync(lib); // the host publishes the first variant there itself
    const r = await hostRun(
      ["reload", "--debounce", DEBOUNCES[peer], "--count", String(count), "--gap-ms", String(WRITE_GAP_MS), "--variant", `${join(dir, "v1.so")}:1`, "--variant", `${join(dir, "v2.so")}:2`],
      lib,
    );
    if ((r.timeouts as number) > 0) throw new Error(`peers: ${peer} missed ${r.timeouts} of ${count} reloads`);
    return { latencies: r.latencies_ms as number[], swapFrames: r.swap_frames_ms as number[], normalFrameMs: r.normal_frame_ms as number };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The peer's edits: STAMP edited in the copy's source, cargo build, the host seeing the value. */
async function peerEdits(peer: Peer, count: number, lib: HlrLib, firstStamp: number): Promise<{ latencies: number[]; builds: number[] }> {
  lib.reset();
  lib.setStamp(firstStamp);
  await lib.build();
  const host = new HostWatch(peer, lib.outDir);
  const latencies: number[] = [], builds: number[] = [];
  try {
    if (!(await host.waitFor((l) => l.stamp === firstStamp, 10_000))) throw new Error(`peers: ${peer} did not start:\n${host.stderr}`);
    await host.runFor(300); // its watcher thread starts on the first call
    for (let i = 1; i <= count; i++) {
      const stamp = firstStamp + i;
      const from = host.lines.length;
      const saved = performance.now();
      lib.setStamp(stamp);
      const build = lib.build().then((ms) => builds.push(ms));
      const seen = await host.waitFor((l) => l.stamp === stamp, 30_000, from);
      await build;
      if (!seen) throw new Error(`peers: ${peer} did not run the edit to stamp ${stamp}:\n${tail(host.stderr, 8).join("\n")}`);
      latencies.push(seen.at - saved);
      await host.runFor(WRITE_GAP_MS);
    }
  } finally {
    await host.stop();
  }
  return { latencies, builds };
}

/** What one tool did with one bad build. */
interface Outcome {
  /** One line: what happened. */
  readonly outcome: string;
  /** The game was still running afterwards. */
  readonly survived: boolean;
  /** The bad build's code ran (its stamp was seen, or a system of it ran). */
  readonly ran_bad_build: boolean;
  /** The game's data is what the good code made of it. */
  readonly data_intact: boolean;
  /** The next good build loaded and ran. */
  readonly recovered: boolean;
  /** hotloop: its report line(s); hot-lib-reloader: how the process ended and its last lines. */
  readonly lines: readonly string[];
}

type BadCase = "truncated" | "signature" | "panic";
const BAD_CASES: readonly BadCase[] = ["truncated", "signature", "panic"];

/** A bad build under the peer: started on stamp 1, the bad input, then stamp 3 published. */
async function peerBadBuild(kind: BadCase, v: HlrVariants): Promise<Outcome> {
  const dir = mkdtempSync(join(tmpdir(), "hotloop-peer-bad-"));
  const library = join(dir, HLR_FILE);
  writeFileSync(library, v.stamp1);
  // The fastest setting: it behaves the same at 500 ms, later.
  const host = new HostWatch("hlr_1ms", dir);
  try {
    if (!(await host.waitFor((l) => l.stamp === 1, 10_000))) throw new Error(`peers: hlr-host did not start:\n${host.stderr}`);
    await host.runFor(300);
    const from = host.lines.length;
    const badStamp = { truncated: 2, signature: 4, panic: 5 }[kind];
    if (kind === "truncated") writeFileSync(library, v.stamp2.subarray(0, v.stamp2.length >> 1)); // in place, as hotloop's test does
    else publish(library, kind === "signature" ? v.signature : v.panic);
    await host.runFor(2000);
    const ranBad = host.lines.slice(from).some((l) => l.stamp === badStamp || (l.version ?? 0) > 0);
    const survived = !host.exited;
    const intactBeforeRecovery = host.last()?.intact ?? false;
    let recovered = false;
    if (survived) {
      const before = host.lines.length;
      publish(library, v.stamp3);
      recovered = Boolean(await host.waitFor((l) => l.stamp === 3, 3000, before));
    }
    const end = await host.stop();
    // Its last words: a panic's place and message, a fatal runtime error; else the last lines.
    const all = host.stderr.split("\n").map((l) => l.trimEnd()).filter(Boolean);
    const said = all.filter((l, i) => /panicked at|fatal|error/i.test(l) || /panicked at/.test(all[i - 1] ?? ""));
    const errLines = (said.length ? said : all).slice(-3);
    const outcome = survived
      ? `kept running${ranBad ? " the bad build" : ""}, no error; data ${intactBeforeRecovery ? "intact" : "corrupted"}; next build ${recovered ? "loaded" : "did not load"}`
      : end.how;
    return { outcome, survived, ran_bad_build: ranBad, data_intact: survived && intactBeforeRecovery, recovered, lines: [end.how, ...errLines] };
  } finally {
    await host.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** hotloop's fixture variants for its side of the bad builds. */
type HotVariants = Awaited<ReturnType<typeof hotVariants>>;
function hotVariants() {
  return variants("stamp1", "stamp2", "stamp3", "moreComponents", "trapStamp2");
}

/** A bad build under hotloop: the fixture app (mover, stamp, trap) on stamp 1, the bad input, then stamp 3. */
async function hotBadBuild(kind: BadCase, v: HotVariants): Promise<Outcome> {
  const dir = mkdtempSync(join(tmpdir(), "hotloop-peer-hot-"));
  const library = join(dir, "libhot_fixture.so");
  writeFileSync(library, v.stamp1);
  let h: HotApp | undefined;
  try {
    h = await hotApp({ library }, ["mover", "stamp", "trap"]);
    const app = h.app;
    // It has a Stamp too, so the signature variant's mover (which also reads Stamp) still moves it.
    const moving = spawn(app.world, [Position, { x: 0, y: 0 }], [Velocity, { x: 64, y: -128 }], Stamp);
    const stamped = spawn(app.world, Stamp);
    const trap = spawn(app.world, [Trap, { armed: 0 }]);
    let steps = 0;
    app.addSystems(FixedUpdate, function countSteps() {
      steps++;
    });
    // 64 px/s and -128 px/s at 1/64 s per step: exactly 1 and -2 per step, whichever good build ran.
    const intact = () => Position.x[moving] === steps && Position.y[moving] === -2 * steps;
    const running = h;
    await running.until(() => Stamp.value[stamped] === 1, 200, "stamp 1");
    const seenStamps = new Set<number>();
    const answers = () => running.events.filter((e) => e.type !== "build" && e.type !== "info");
    const before = answers().length;
    if (kind === "truncated") writeFileSync(library, v.stamp2.subarray(0, v.stamp2.length >> 1));
    else publish(library, kind === "signature" ? v.moreComponents : v.trapStamp2);
    let armed = false;
    await running.until(
      () => {
        seenStamps.add(Stamp.value[stamped]!);
        // The panic case: once the build with the trap runs, arm the trap.
        if (kind === "panic" && Stamp.value[stamped] === 2 && !armed) {
          Trap.armed[trap] = 1;
          armed = true;
        }
        const got = answers().slice(before);
        return kind === "panic" ? got.some((e) => e.type === "panic") : got.length > 0;
      },
      1500,
      `hotloop's answer to the ${kind} build`,
    );
    Trap.armed[trap] = 0;
    for (let i = 0; i < 20; i++) await running.frame();
    const dataIntact = intact();
    const got = answers().slice(before);
    const lines = got.map(formatEvent);
    const ranBad = (kind !== "signature" && seenStamps.has(2)) || got.some((e) => e.type === "reload" && e.status === "ok");
    publish(library, v.stamp3);
    const recovered = await running
      .until(() => Stamp.value[stamped] === 3, 1500, "stamp 3")
      .then(() => true)
      .catch(() => false);
    const panic = got.find((e) => e.type === "panic");
    const signature = got.find((e) => e.type === "system" && e.change === "signature");
    const what = got.some((e) => e.type === "reload" && e.status === "refused")
      ? "refused, kept the last good build"
      : panic?.type === "panic"
        ? `panic caught, ${panic.action === "rolled_back" ? "rolled back" : "system disabled"}`
        : signature?.type === "system"
          ? "reloaded, new signature running"
          : got.some((e) => e.type === "reload" && e.status === "ok")
            ? "reloaded"
            : (lines[0] ?? "no report");
    const outcome = `${what}; data ${dataIntact ? "intact" : "CHANGED"}; next build ${recovered ? "loaded" : "did not load"}`;
    return { outcome, survived: true, ran_bad_build: ranBad, data_intact: dataIntact, recovered, lines };
  } finally {
    h?.app.shutdown();
    rmSync(dir, { recursive: true, force: true });
  }
}

// ---------------------------------------------------------------------------------------------
// The suite.

interface Latency {
  readonly hotloop: number;
  readonly hlr_default: number;
  readonly hlr_1ms: number;
}

interface PeersFigures {
  readonly call_ns: { readonly hotloop: number; readonly hotloop_polymorphic: number; readonly hot_lib_reloader: number; readonly hlr_pointer: number };
  readonly call_ratio: number;
  readonly call_ratio_polymorphic: number;
  readonly call_pointer_ratio: number;
  readonly reloads: Latency;
  readonly reload_p50_ms: Latency;
  readonly reload_p95_ms: Latency;
  readonly reload_swap_frame_ms: Latency;
  readonly reload_ratio_p50: { readonly hlr_default: number; readonly hlr_1ms: number };
  readonly edits: Latency;
  readonly edit_p50_ms: Latency;
  readonly edit_build_p50_ms: { readonly hotloop: number; readonly hot_lib_reloader: number };
  readonly edit_ratio_p50: { readonly hlr_default: number; readonly hlr_1ms: number };
  readonly bad_build: Record<BadCase, { readonly hotloop: Outcome; readonly hot_lib_reloader: Outcome }>;
}

async function runPeers(options: { quick: boolean; measure: MeasureOptions }): Promise<PeersFigures> {
  // Builds first: hotloop's bench library, the peer's host (release), both sides' variants.
  await buildBenchLibrary();
  const host = await cargoBuild({ cwd: PEERS, package: "hlr-host", release: true });
  if (!host.ok) throw new Error(`peers: building hlr-host failed:\n${host.errors}`);
  const lib = new HlrLib();
  try {
    const v = await hlrVariants(lib);
    const hv = await hotVariants();

    // Calls: rounds of hotloop's measurement and the peer's, alternated.
    const callDir = mkdtempSync(join(tmpdir(), "hotloop-peer-call-"));
    let call: PeersFigures["call_ns"];
    try {
      writeFileSync(join(callDir, HLR_FILE), v.stamp1);
      call = await calls(options.quick ? 1 : 3, options.quick, options.measure, callDir);
    } finally {
      rmSync(callDir, { recursive: true, force: true });
    }

    // Reloads: blocks of each tool in turn, so that load from elsewhere hits all three alike.
    const rounds = options.quick ? 1 : 2;
    const perBlock = { hotloop: options.quick ? 5 : 15, hlr_1ms: options.quick ? 5 : 15, hlr_default: options.quick ? 2 : 5 };
    const reloads = { hotloop: [] as number[], hlr_1ms: [] as number[], hlr_default: [] as number[] };
    const swaps = { hotloop: [] as number[], hlr_1ms: [] as number[], hlr_default: [] as number[] };
    const rig = await ReloadRig.start();
    try {
      for (let r = 0; r < rounds; r++) {
        await rig.reload(perBlock.hotloop);
        for (const peer of ["hlr_1ms", "hlr_default"] as const) {
          const got = await peerReloads(peer, perBlock[peer], v);
          reloads[peer].push(...got.latencies);
          swaps[peer].push(...got.swapFrames);
        }
      }
      reloads.hotloop.push(...rig.latencies);
      swaps.hotloop.push(...rig.swapFrames);
    } finally {
      rig.close();
    }

    // Edits: a constant edited, cargo build, the new value running.
    const editCount = { hotloop: options.quick ? 2 : 5, hlr_1ms: options.quick ? 2 : 5, hlr_default: options.quick ? 1 : 3 };
    const edit = await EditRig.start();
    let hotEdits: { latencies: number[]; builds: number[] };
    try {
      await edit.edit(editCount.hotloop);
      hotEdits = { latencies: edit.latencies, builds: edit.builds };
    } finally {
      edit.close();
    }
    const hlr1 = await peerEdits("hlr_1ms", editCount.hlr_1ms, lib, 100);
    const hlrDefault = await peerEdits("hlr_default", editCount.hlr_default, lib, 200);

    // Bad builds, each in a fresh game of each tool.
    const bad = {} as Record<BadCase, { hotloop: Outcome; hot_lib_reloader: Outcome }>;
    for (const kind of BAD_CASES) bad[kind] = { hotloop: await hotBadBuild(kind, hv), hot_lib_reloader: await peerBadBuild(kind, v) };

    const p = (values: number[], q: number) => percentile(values, q);
    const reloadP50 = { hotloop: p(reloads.hotloop, 50), hlr_default: p(reloads.hlr_default, 50), hlr_1ms: p(reloads.hlr_1ms, 50) };
    const editP50 = { hotloop: median(hotEdits.latencies), hlr_default: median(hlrDefault.latencies), hlr_1ms: median(hlr1.latencies) };
    return {
      call_ns: call,
      call_ratio: call.hotloop / call.hot_lib_reloader,
      call_ratio_polymorphic: call.hotloop_polymorphic / call.hot_lib_reloader,
      call_pointer_ratio: call.hotloop / call.hlr_pointer,
      reloads: { hotloop: reloads.hotloop.length, hlr_default: reloads.hlr_default.length, hlr_1ms: reloads.hlr_1ms.length },
      reload_p50_ms: reloadP50,
      reload_p95_ms: { hotloop: p(reloads.hotloop, 95), hlr_default: p(reloads.hlr_default, 95), hlr_1ms: p(reloads.hlr_1ms, 95) },
      reload_swap_frame_ms: { hotloop: median(swaps.hotloop), hlr_default: median(swaps.hlr_default), hlr_1ms: median(swaps.hlr_1ms) },
      reload_ratio_p50: { hlr_default: reloadP50.hotloop / reloadP50.hlr_default, hlr_1ms: reloadP50.hotloop / reloadP50.hlr_1ms },
      edits: { hotloop: hotEdits.latencies.length, hlr_default: hlrDefault.latencies.length, hlr_1ms: hlr1.latencies.length },
      edit_p50_ms: editP50,
      edit_build_p50_ms: { hotloop: median(hotEdits.builds), hot_lib_reloader: median([...hlr1.builds, ...hlrDefault.builds]) },
      edit_ratio_p50: { hlr_default: editP50.hotloop / editP50.hlr_default, hlr_1ms: editP50.hotloop / editP50.hlr_1ms },
      bad_build: bad,
    };
  } finally {
    lib.cleanup();
    removeBuilders();
  }
}

const CASE_NAMES: Record<BadCase, string> = {
  truncated: "a library cut short in place",
  signature: "a changed signature",
  panic: "a panic in a hot function",
};

export const peersSuite: Suite<PeersFigures> = {
  run: runPeers,
  notInQuick: true,
  rows(f) {
    const rows: Row[] = [
      {
        suite: "peers",
        figure: "ns per call: hotloop / hot-lib-reloader's generated wrapper",
        value: fmt(f.call_ns.hotloop / f.call_ns.hot_lib_reloader),
        context: `hotloop ${fmt(f.call_ns.hotloop)} ns (the call suite's hot no-op, run in this suite's own rounds alternated with the peer's: it differs from the call suite's row by the host's load in those rounds), hot-lib-reloader ${fmt(f.call_ns.hot_lib_reloader)} ns (a lock and a dlsym per call, as its #[hot_module] wrapper does)`,
        spread: ["call_ns.hotloop", "call_ns.hot_lib_reloader"],
      },
      {
        suite: "peers",
        figure: "ns per call: hotloop / the peer's function through a pointer looked up once",
        value: fmt(f.call_ns.hotloop / f.call_ns.hlr_pointer),
        context: `hotloop ${fmt(f.call_ns.hotloop)} ns from TypeScript through bun:ffi, the peer's ${fmt(f.call_ns.hlr_pointer)} ns a native indirect call from Rust: the fastest a reloadable call can be, which hot-lib-reloader does not offer`,
        spread: ["call_ns.hotloop", "call_ns.hlr_pointer"],
      },
      {
        suite: "peers",
        figure: "the same, hotloop once 8 other hot systems ran",
        value: fmt(f.call_ns.hotloop_polymorphic / f.call_ns.hot_lib_reloader),
        context: `hotloop ${fmt(f.call_ns.hotloop_polymorphic)} ns, as in a game with several hot systems`,
        spread: ["call_ns.hotloop_polymorphic", "call_ns.hot_lib_reloader"],
      },
    ];
    for (const peer of ["hlr_1ms", "hlr_default"] as const) {
      const setting = peer === "hlr_1ms" ? "1 ms debounce" : "default 500 ms debounce";
      rows.push({
        suite: "peers",
        figure: `reload p50: hotloop / hot-lib-reloader (${setting})`,
        value: fmt(f.reload_p50_ms.hotloop / f.reload_p50_ms[peer]),
        context: `hotloop ${fmt(f.reload_p50_ms.hotloop)} / ${fmt(f.reload_p95_ms.hotloop)} ms, hot-lib-reloader ${fmt(f.reload_p50_ms[peer])} / ${fmt(f.reload_p95_ms[peer])} ms (p50 / p95 of ${f.reloads.hotloop} and ${f.reloads[peer]}); swap frame ${fmt(f.reload_swap_frame_ms.hotloop)} vs ${fmt(f.reload_swap_frame_ms[peer])} ms`,
        spread: ["reload_p50_ms.hotloop", `reload_p50_ms.${peer}`],
      });
    }
    for (const peer of ["hlr_1ms", "hlr_default"] as const) {
      const setting = peer === "hlr_1ms" ? "1 ms debounce" : "default 500 ms debounce";
      rows.push({
        suite: "peers",
        figure: `edit → running p50, the build started at the save: hotloop / hot-lib-reloader (${setting})`,
        value: fmt(f.edit_p50_ms.hotloop / f.edit_p50_ms[peer]),
        headline: peer === "hlr_1ms",
        context: `hotloop ${fmt(f.edit_p50_ms.hotloop)} ms (${f.edits.hotloop} edits), hot-lib-reloader ${fmt(f.edit_p50_ms[peer])} ms (${f.edits[peer]}); build p50 ${fmt(f.edit_build_p50_ms.hotloop)} vs ${fmt(f.edit_build_p50_ms.hot_lib_reloader)} ms. Neither side's source watcher is in it (the peer has none: its users run cargo watch); the value is the ratio of the two medians shown`,
        spread: ["edit_p50_ms.hotloop", `edit_p50_ms.${peer}`],
      });
    }
    for (const kind of BAD_CASES) {
      const c = f.bad_build[kind];
      rows.push(
        { suite: "peers", figure: `${CASE_NAMES[kind]}: hotloop`, value: c.hotloop.outcome, context: (kind === "truncated" ? "half the library written in place, which cargo never does (it writes a new file and renames it over the old): a damaged file, as a full disk or a killed copy leaves. " : "") + (c.hotloop.lines.at(-1) ?? "") },
        { suite: "peers", figure: `${CASE_NAMES[kind]}: hot-lib-reloader`, value: c.hot_lib_reloader.outcome, context: c.hot_lib_reloader.lines.slice(1).join(" | ") },
      );
    }
    return rows;
  },
};
