/**
 * The determinism check (src/core/determinism.ts) on real apps with a ManualClock: a FixedUpdate
 * system that reads `Math.random()` or the wall clock is named with what it wrote and read, one
 * that draws from GlobalRng is not (its state comes back with the snapshot), a game with spawns,
 * despawns, events, a plain resource and a state reports nothing, sound and draw records written
 * in a step are kept once, and the check does not change the run (every frame's checksum is the
 * same with it and without it).
 */
import { describe, expect, test } from "bun:test";
import {
  App,
  appChecksum,
  DeterminismCheck,
  DeterminismCheckPlugin,
  defineQuery,
  defineResource,
  drawListOf,
  FixedUpdate,
  GlobalRng,
  Last,
  Timeline,
  TimelinePlugin,
  type DivergenceReport,
  type SystemContext,
} from "../../src/api/index.ts";
import { audioListOf } from "../../src/core/audio-list.ts";
import { runIf } from "../../src/core/system.ts";
import { SimMode, SimPos, simGame } from "../support/sim-game.ts";

const Stamp = defineResource("DtStamp", { at: "f64" });
const Pos = SimPos;
const Mode = SimMode;

const SCRIPT = "30 down SPACE\n31 up SPACE\n120 down ENTER\n121 up ENTER\n160 down SPACE\n162 up SPACE";

interface Game {
  readonly app: App;
  readonly reports: DivergenceReport[];
  /** Each frame's checksum, in order. */
  readonly sums: bigint[];
  next(): void;
}

/** The shared SimGame (test/support/sim-game.ts), with `extra` systems and, if `check`, the determinism check. */
function game(options: { check: boolean; extra?: (app: App) => void }): Game {
  const reports: DivergenceReport[] = [];
  const g = simGame({ seed: 11, script: SCRIPT, extra: options.extra, plugins: (app) => options.check && app.addPlugins(DeterminismCheckPlugin({ onDivergence: (r) => reports.push(r) })) });
  return {
    app: g.app,
    reports,
    get sums() {
      return [...g.sums.values()];
    },
    next: g.next,
  };
}

function run(g: Game, frames: number): void {
  for (let i = 0; i < frames; i++) g.next();
}

describe("the determinism check", () => {
  test("a system writing Math.random() into a component is named, with what differed and what it read", () => {
    const g = game({
      check: true,
      extra: (app) =>
        app.addSystems(FixedUpdate, function jitter({ world }: SystemContext) {
          for (const e of defineQuery(world, [Pos]).ids()) Pos.x[e] = Pos.x[e]! + (Math.random() - 0.5);
        }),
    });
    // With systems timed (an inspector looks), the schedule's own clock reads are not the system's.
    g.app.setSystemTiming(true);
    run(g, 60);
    expect(g.reports.map((r) => r.system)).toEqual(["jitter"]);
    const [r] = g.reports;
    expect(r!.schedule).toBe("FixedUpdate");
    expect(r!.differs).toEqual(["SimPos"]);
    expect(r!.reads).toEqual(["Math.random"]);
    expect(r!.step).toBe(1);
    expect(r!.line).toBe("determinism: FixedUpdate step 1: jitter wrote differently on a second run from the same state (SimPos) (read Math.random)");
    // Reported once, though every step diverges; the resource keeps it for tests and tools.
    const check = g.app.resource(DeterminismCheck);
    expect(check.reports).toEqual(g.reports);
    expect(check.stepsDiverged).toBe(check.stepsChecked);
    expect(check.stepsChecked).toBe(g.app.time.fixedSteps);
    // Math.random is the real one again between steps.
    expect(Math.random.name).toBe("random");
  });

  test("a system that reads the wall clock into a resource is named", () => {
    const g = game({
      check: true,
      extra: (app) => {
        app.insertResource(new Stamp());
        app.addSystems(FixedUpdate, function stamp({ resource }: SystemContext) {
          // Busy-wait a little so two runs cannot read the same microsecond.
          const start = performance.now();
          while (performance.now() === start);
          resource(Stamp).at = performance.now();
        });
      },
    });
    run(g, 30);
    expect(g.reports.map((r) => r.line)).toEqual(["determinism: FixedUpdate step 1: stamp wrote differently on a second run from the same state (resource DtStamp) (read performance.now)"]);
  });

  test("a plain resource written from Date.now() is named by its class", () => {
    class LastSeen {
      at = 0;
    }
    const g = game({
      check: true,
      extra: (app) => {
        const seen = app.insertResource(new LastSeen());
        app.addSystems(FixedUpdate, function seen_at() {
          const start = Date.now();
          while (Date.now() === start);
          seen.at = Date.now();
        });
      },
    });
    run(g, 10);
    expect(g.reports.map((r) => [r.system, r.differs, r.reads])).toEqual([["seen_at", ["resource LastSeen"], ["Date.now"]]]);
  });

  test("a system drawing from GlobalRng is not named: the generator's state comes back with the snapshot", () => {
    const g = game({
      check: true,
      extra: (app) =>
        app.addSystems(FixedUpdate, function jitter_seeded({ world, resource }: SystemContext) {
          const rng = resource(GlobalRng);
          for (const e of defineQuery(world, [Pos]).ids()) Pos.x[e] = Pos.x[e]! + rng.range(-0.5, 0.5);
        }),
    });
    run(g, 100);
    expect(g.reports).toEqual([]);
    expect(g.app.resource(DeterminismCheck).stepsChecked).toBeGreaterThan(90);
  });

  test("runs that end differently but agree system by system when run again: said without a name, counted", () => {
    let calls = 0;
    const g = game({
      check: true,
      extra: (app) =>
        app.addSystems(FixedUpdate, function every_fourth({ world }: SystemContext) {
          // Differs on one call in four: the first pair of runs of step 1 differs, the probed pair does not.
          calls++;
          for (const e of defineQuery(world, [Pos]).ids()) Pos.x[e] = Pos.x[e]! + (calls % 4 === 2 ? 1 : 0);
        }),
    });
    run(g, 1 + 2);
    const check = g.app.resource(DeterminismCheck);
    expect(check.stepsDiverged).toBeGreaterThan(0);
    expect(g.reports[0]!.system).toBe("");
    expect(g.reports[0]!.line).toMatch(/^determinism: FixedUpdate step \d+: the two runs ended differently \(SimPos\), but no system's writes differed when the step ran again system by system \(a divergence that comes and goes, or a hook around FixedUpdate\)$/);
  });

  test("a step whose first run fails (its reloader reports a fault) stands as run once", () => {
    let calls = 0;
    const g = game({
      check: true,
      extra: (app) =>
        app.addSystems(FixedUpdate, function faulty({ app }: SystemContext) {
          calls++;
          if (app.time.fixedSteps === 5 && calls % 2 === 1) app.reportFault("faulty");
        }),
    });
    run(g, 12);
    const check = g.app.resource(DeterminismCheck);
    // Every step ran twice but the faulting one, which ran once and was not counted as checked.
    expect(check.stepsChecked).toBe(g.app.time.fixedSteps - 1);
    expect(calls).toBe(2 * g.app.time.fixedSteps - 1);
    expect(g.reports).toEqual([]);
  });

  test("a game with spawns, despawns, events, resources and a state reports nothing over 200 frames", () => {
    const g = game({ check: true });
    run(g, 200);
    expect(g.reports).toEqual([]);
    const check = g.app.resource(DeterminismCheck);
    expect(check.stepsChecked).toBe(g.app.time.fixedSteps);
    expect(check.stepsDiverged).toBe(0);
    expect(g.app.state(Mode)).toBe(Mode.Busy); // the script's second SPACE came through
  });

  test("the check does not change the run: every frame's checksum equals the unchecked app's", () => {
    const checked = game({ check: true });
    const plain = game({ check: false });
    run(checked, 200);
    run(plain, 200);
    expect(checked.sums.length).toBe(200);
    expect(checked.sums).toEqual(plain.sums);
  });

  test("with a timeline, frames it re-simulates run their steps once and reproduce the live run", () => {
    const g = game({ check: true, extra: (app) => app.addPlugins(TimelinePlugin()) });
    const timeline = g.app.resource(Timeline);
    run(g, 120);
    const at120 = appChecksum(g.app);
    const check = g.app.resource(DeterminismCheck);
    const checked = check.stepsChecked;
    expect(checked).toBe(g.app.time.fixedSteps);
    timeline.seek(40);
    for (let f = 41; f <= 120; f++) timeline.forward(1);
    expect(check.stepsChecked).toBe(checked);
    expect(g.reports).toEqual([]);
    expect(appChecksum(g.app)).toBe(at120);
    timeline.resume();
    run(g, 10);
    expect(check.stepsChecked).toBeGreaterThan(checked);
    expect(g.reports).toEqual([]);
  });

  test("sound and draw records written in a step are kept once per step, not once per run", () => {
    const perFrame: { steps: number; sounds: number; draws: number }[] = [];
    let stepsBefore = 0;
    const g = game({
      check: true,
      extra: (app) => {
        const audio = audioListOf(app);
        audio.registerSound("blip");
        const draw = drawListOf(app);
        app.addSystems(FixedUpdate, function blip({ time }: SystemContext) {
          audio.playSound("blip", { pitch: 1 + (time.fixedSteps % 4) / 8 });
          draw.screen.text(`step ${time.fixedSteps}`, 0, 0, 10, 0xffffffff);
        });
        app.addSystems(Last, function count({ time }: SystemContext) {
          perFrame.push({ steps: time.fixedSteps - stepsBefore, sounds: audio.len, draws: draw.len });
          stepsBefore = time.fixedSteps;
          // The text of the last step's record is that step's (the arena was cut back too).
          if (draw.len > 0) expect(draw.textAt(draw.record(draw.len - 1).d)).toBe(`step ${time.fixedSteps}`);
        });
      },
    });
    run(g, 60);
    expect(g.reports).toEqual([]);
    expect(perFrame.some((f) => f.steps === 2)).toBe(true);
    expect(perFrame.some((f) => f.steps === 0)).toBe(true);
    for (const f of perFrame) expect([f.sounds, f.draws]).toEqual([f.steps, f.steps]);
  });

  test("a sound played with a random pitch is named by the audio list", () => {
    const g = game({
      check: true,
      extra: (app) => {
        const audio = audioListOf(app);
        audio.registerSound("blip");
        app.addSystems(FixedUpdate, function random_blip() {
          audio.playSound("blip", { pitch: 0.5 + Math.random() });
        });
      },
    });
    run(g, 10);
    expect(g.reports.map((r) => [r.system, r.differs])).toEqual([["random_blip", ["audio list"]]]);
  });

  test("switched off, steps run once and nothing is reported; the probe sees each system that ran, in order", () => {
    const g = game({
      check: true,
      extra: (app) =>
        app.addSystems(
          FixedUpdate,
          runIf(() => false, function never() {}),
          function noisy({ world }: SystemContext) {
            for (const e of defineQuery(world, [Pos]).ids()) Pos.x[e] = Math.random();
          },
        ),
    });
    const check = g.app.resource(DeterminismCheck);
    check.enabled = false;
    run(g, 30);
    expect(g.reports).toEqual([]);
    expect(check.stepsChecked).toBe(0);
    const seen: string[] = [];
    const fixed = g.app.schedule(FixedUpdate);
    fixed.setProbe((index, name) => seen.push(`${index} ${name}`));
    g.app.schedule(FixedUpdate).run(g.app.context);
    expect(seen).toEqual(["0 live", "1 trail_steps", "3 noisy"]);
    expect(fixed.names()).toEqual(["live", "trail_steps", "never", "noisy"]);
  });
});
