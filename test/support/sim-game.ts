/**
 * A small TypeScript game with everything a snapshot must hold and a fixed step may touch: spawns
 * and despawns drawn from the GlobalRng (ids recycled), an event read a frame later by a reader
 * that reads every frame and by one that reads every third frame (its cursor lags), a native and a
 * plain resource (written in FixedUpdate and in Update), a state changed by a key script, and
 * frames of 0, 1 and 2 fixed steps. Shared by test/core/timeline.test.ts and
 * test/core/determinism.test.ts.
 */
import { App, appChecksum, defineComponent, defineEvent, defineQuery, defineResource, defineState, despawn, FixedUpdate, GlobalRng, Key, ManualClock, PreUpdate, ScriptedInputPlugin, spawn, Update, type SystemContext } from "../../src/api/index.ts";
import { parseKeyScript } from "../../src/core/scripted-input.ts";

export const SimPos = defineComponent("SimPos", { x: "f32", y: "f32" });
export const SimLife = defineComponent("SimLife", { left: "u16" });
export const SimPopped = defineEvent("SimPopped", { x: "f32" });
export const SimTally = defineResource("SimTally", { popped: "u32", sum: "f32" });
export const SimMode = defineState("SimMode", ["Calm", "Busy"]);

/** The game's plain resource: copied into a snapshot, restored in place. */
export class SimHistory {
  /** The x of the last events read (Update). */
  last: number[] = [];
  /** Events read by the reader that reads every third frame only. */
  lagged = 0;
  /** Fixed steps run, and the last few step numbers (FixedUpdate). */
  steps = 0;
  trail: number[] = [];
}

/** The deltas the clock advances by, in turn: frames owing 0, 1 and 2 fixed steps at 64 Hz. */
export const SIM_DELTAS = [16.6, 16.7, 33.4, 5, 16.6, 25];

/** A running {@link simGame}. */
export interface SimGame {
  readonly app: App;
  readonly clock: ManualClock;
  readonly history: SimHistory;
  /** {@link sum} at the end of each frame (re-simulated ones too), by frame. */
  readonly sums: Map<number, bigint>;
  /** The app's checksum with the plain resource folded in. */
  sum(): bigint;
  /** One frame as the runner runs it (a timeline's driver when there is one), with the next delta. */
  next(): void;
}

/**
 * The game, with `script` (`<frame> <down|up> <KEY>` lines: SPACE makes it Busy, ENTER Calm),
 * `extra` systems, then `plugins` (a timeline, the determinism check).
 */
export function simGame(options: { seed: number; script: string; extra?: (app: App) => void; plugins?: (app: App) => void }): SimGame {
  const clock = new ManualClock();
  const app = new App({ clock, seed: options.seed });
  app.addPlugins(ScriptedInputPlugin(parseKeyScript(options.script)));
  app.initState(SimMode, "Calm");
  app.addEvent(SimPopped);
  app.insertResource(new SimTally());
  const history = app.insertResource(new SimHistory());
  const movers = defineQuery(app.world, [SimPos, SimLife]);
  const popped = app.eventReader(SimPopped);
  const lagging = app.eventReader(SimPopped);
  app.addSystems(PreUpdate, function mode_keys(ctx: SystemContext) {
    if (ctx.input.isKeyPressed(Key.SPACE)) ctx.app.nextState(SimMode.Busy);
    if (ctx.input.isKeyPressed(Key.ENTER)) ctx.app.nextState(SimMode.Calm);
  });
  app.addSystems(
    FixedUpdate,
    function live({ world, app, time, resource }: SystemContext) {
      const rng = resource(GlobalRng);
      const births = app.state(SimMode) === SimMode.Busy ? 3 : 1;
      for (let i = 0; i < births; i++) spawn(world, [SimPos, { x: rng.range(0, 100), y: 0 }], [SimLife, { left: 1 + rng.below(40) }]);
      for (const e of movers.ids()) {
        SimPos.y[e] = SimPos.y[e]! + time.delta * 10;
        SimLife.left[e] = SimLife.left[e]! - 1;
        if (SimLife.left[e] === 0) {
          app.sendEvent(SimPopped, { x: SimPos.x[e]! });
          despawn(world, e);
        }
      }
    },
    function trail_steps({ time }: SystemContext) {
      history.steps++;
      history.trail = [...history.trail.slice(-3), time.fixedSteps];
    },
  );
  app.addSystems(Update, function tally({ resource, time }: SystemContext) {
    const tally = resource(SimTally);
    for (const e of popped.read()) {
      tally.popped++;
      tally.sum += e.x;
      history.last = [...history.last.slice(-4), Math.round(e.x)];
    }
    if (time.frame % 3 === 0) history.lagged = (history.lagged * 7 + lagging.read().length) % 1_000_003;
  });
  options.extra?.(app);
  options.plugins?.(app);
  const sums = new Map<number, bigint>();
  const fold = (values: readonly number[], seed: number) => values.reduce((s, v) => (s * 31 + v) % 1_000_000_007, seed);
  const sum = () => appChecksum(app) ^ BigInt(fold(history.last, history.lagged) * 1_000 + fold(history.trail, history.steps));
  app.onFrameEnd((a) => sums.set(a.time.frame, sum()), { always: true });
  let n = 0;
  const next = () => {
    clock.advance(SIM_DELTAS[n++ % SIM_DELTAS.length]!);
    app.runFrame();
  };
  return { app, clock, history, sums, sum, next };
}
