/**
 * The reliability tests' rig: a headless app running the fixture's hot systems from a library
 * file in a private temp dir, which the tests overwrite with prebuilt variants (test/support/
 * variants.ts), bad bytes or nothing at all. A small scene lets each test check that a failure
 * changed no component data: only the good code moves things, by a known amount per step.
 */
import { afterAll, afterEach, beforeAll, expect } from "bun:test";
import { mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { FixedUpdate } from "../../src/core/index.ts";
import { spawn } from "../../src/ecs/index.ts";
import { formatEvent, type HotEvent, type ReloaderOptions } from "../../src/hot/index.ts";
import { Position, Stamp, Trap, Velocity } from "../fixtures/hot-fixture/components.ts";
import { hotApp, type HotApp } from "../support/hot-app.ts";
import { removeBuilders, variants, type VariantName } from "../support/variants.ts";

/** Tests that build crates or run many frames get this per-test timeout; nothing asserts a time. */
export const SLOW = 240_000;

/** Rigs started and not cleaned up yet: {@link reliabilityFile}'s afterEach ends them. */
const live = new Set<Rig>();

/**
 * The setup every reliability test file shares: builds the named variants once (they fill the
 * returned record before the first test runs), ends every rig a test started after each test,
 * and removes the variant builders after the file.
 */
export function reliabilityFile<N extends VariantName>(...names: N[]): Record<N, Uint8Array> {
  const built = {} as Record<N, Uint8Array>;
  if (names.length) beforeAll(async () => void Object.assign(built, await variants(...names)), SLOW);
  afterEach(() => {
    for (const started of [...live]) started.cleanup();
  });
  afterAll(removeBuilders);
  return built;
}

export interface Rig extends HotApp {
  /** The watched build output. */
  readonly library: string;
  /** Fixed steps run since the scene was spawned (every good build moves by the same amount per step). */
  readonly steps: () => number;
  /** Entity ids of the scene. */
  readonly ids: { readonly moving: number; readonly still: number; readonly stamped: number; readonly trap: number };
  /** What the stamp system last wrote: which build ran. */
  stamp(): number;
  /** Overwrites the library in place (as Bun.write or cp do). */
  write(bytes: Uint8Array | string): void;
  /** Replaces the library with a finished file (as cargo does). */
  publish(bytes: Uint8Array): void;
  /** Every event as the one line a person reads (by default without "exported but not scheduled" notices). */
  lines(filter?: (e: HotEvent) => boolean): string[];
  /** The refusal lines so far. */
  refusals(): string[];
  /** Runs `n` frames. */
  frames(n: number): Promise<void>;
  /** Asserts that component data is exactly what the good code made of it. */
  expectIntact(): void;
  /** Asserts that every shadow copy, loaded or on disk, is byte for byte one of `builds` (nothing torn was loaded). */
  expectLoadedAmong(builds: readonly Uint8Array[]): void;
  /** Shuts the app down and removes the temp dir (if the rig made one). */
  cleanup(): void;
}

/**
 * Starts an app on a library holding `initial` in a temp dir (or on the library at a path, e.g. a
 * fixture's build output), with the fixture's components, the given hot systems in FixedUpdate and
 * a scene: a moving entity (1 px right, 2 px up per step), a still one, a Stamp and a disarmed Trap.
 */
export async function rig(initial: Uint8Array | string, systems = ["mover", "stamp"], options: Partial<ReloaderOptions> = {}): Promise<Rig> {
  const dir = typeof initial === "string" ? undefined : mkdtempSync(join(tmpdir(), "hotloop-reliability-"));
  const library = typeof initial === "string" ? initial : join(dir!, "libhot_fixture.so");
  if (typeof initial !== "string") writeFileSync(library, initial);
  const removeDir = () => dir && rmSync(dir, { recursive: true, force: true });
  let h: HotApp;
  try {
    h = await hotApp({ library }, systems, options);
  } catch (e) {
    removeDir();
    throw e;
  }
  const { app } = h;
  const ids = {
    moving: spawn(app.world, [Position, { x: 0, y: 0 }], [Velocity, { x: 64, y: -128 }]),
    still: spawn(app.world, [Position, { x: 5, y: 7 }], [Velocity, { x: 0, y: 0 }]),
    stamped: spawn(app.world, Stamp),
    trap: spawn(app.world, [Trap, { armed: 0 }]),
  };
  let steps = 0;
  app.addSystems(FixedUpdate, function countSteps() {
    steps++;
  });
  // The scene leaves trap and noop to the tests that want them: their "exported but not scheduled" notices are not news here.
  const lines = (filter: (e: HotEvent) => boolean = (e) => !isUnscheduledNotice(e)) => h.events.filter(filter).map(formatEvent);
  const made: Rig = {
    ...h,
    library,
    ids,
    steps: () => steps,
    stamp: () => Stamp.value[ids.stamped]!,
    write: (bytes) => writeFileSync(library, bytes),
    publish(bytes) {
      writeFileSync(`${library}.tmp`, bytes);
      renameSync(`${library}.tmp`, library);
    },
    lines,
    refusals: () => lines((e) => e.type === "reload" && e.status === "refused"),
    async frames(n) {
      for (let i = 0; i < n; i++) await h.frame();
    },
    expectIntact() {
      // 64 px/s and -128 px/s at 1/64 s per step: exactly 1 and -2 per step in f32.
      expect([Position.x[ids.moving], Position.y[ids.moving]]).toEqual([steps, -2 * steps]);
      expect([Position.x[ids.still], Position.y[ids.still]]).toEqual([5, 7]);
      expect([Velocity.x[ids.moving], Velocity.y[ids.moving], Velocity.x[ids.still], Velocity.y[ids.still]]).toEqual([64, -128, 0, 0]);
    },
    expectLoadedAmong(builds) {
      const shadow = h.reloader.shadowDir!;
      for (const path of [...h.reloader.loadedPaths(), ...shadow.files().map((f) => join(shadow.path, f))]) {
        const bytes = readFileSync(path);
        expect(builds.some((b) => bytes.equals(b))).toBe(true);
      }
    },
    cleanup() {
      live.delete(made);
      app.shutdown();
      removeDir();
    },
  };
  live.add(made);
  return made;
}

/** Escapes text for use inside a RegExp. */
export function literal(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/** The one notice a system exported but placed by nobody gets. */
export function isUnscheduledNotice(e: HotEvent): boolean {
  return e.type === "system" && e.change === "unscheduled";
}
