import { ComponentRegistry, createWorld, despawn, EventQueues, spawn, type Component, type ComponentInit, type EventCursor, type EventQueue, type EventType, type FieldType, type ResourceFields, type World } from "../ecs/index.ts";
import { Camera2D } from "./camera.ts";
import { DEFAULT_SEED, GlobalRng } from "./rng.ts";
import { systemClock, type Clock } from "./clock.ts";
import { Input } from "./input.ts";
import { buildPlugin, type Plugin } from "./plugin.ts";
import { HOTLOOP_OWN, Resources, type ResourceKey } from "./resources.ts";
import { callerPlace } from "./errors.ts";
import { Schedule } from "./schedule.ts";
import { FixedUpdate, FRAME_SCHEDULES, Last, Render, isBuiltInSchedule, STARTUP_SCHEDULES, StateTransition, type ScheduleLabel } from "./schedule-label.ts";
import { appStates, isTransitionSchedule, type States, type StateValue } from "./states.ts";
import { flattenSystems, type SystemConfig, type SystemContext, type SystemFn, type SystemLike } from "./system.ts";
import { Time } from "./time.ts";

/** Options of a new App. */
export interface AppOptions {
  /** Where time comes from; a {@link ManualClock} in tests. Default: `performance.now()`. */
  readonly clock?: Clock;
  /** Fixed updates per second. Default 64, as in Bevy. */
  readonly fixedHz?: number;
  /** Clamp on a frame's delta in seconds. Default 0.25. */
  readonly maxDelta?: number;
  /** The seed of the app's {@link GlobalRng} (its low 64 bits). Default a fixed one: runs repeat. */
  readonly seed?: number | bigint;
}

/** Options of the runner. */
export interface RunOptions {
  /** Frames per second to aim for; 0 runs unthrottled (still yielding every frame). Default 60. */
  readonly targetFps?: number;
  /** Stop after this many frames (headless demos, tests). */
  readonly maxFrames?: number;
}

/** A hook run between two frames, before anything of the next frame (where hot swaps happen). */
export type FrameBoundaryHook = (app: App) => void;

/**
 * What a timeline gives {@link App.update} for a frame it replays instead of letting the clock and
 * the window decide: the recorded delta and input, and which side effects to leave out.
 */
export interface FrameInput {
  /** The frame's delta in nanoseconds (before Time's clamp), in place of the clock's. */
  readonly deltaNs: number;
  /** A recorded InputData block ({@link Input.copy}): Input is set to it and locked for the frame. */
  readonly input?: Uint8Array;
  /** false: the presentation schedules (Render, Last; see {@link App.markPresentation}) do not run, and only `always` frame-end hooks do. Default true. */
  readonly present?: boolean;
  /** false: the frame-boundary hooks (reloads, asset and inspector edits) do not run before it. Default true. */
  readonly boundary?: boolean;
}

/** Takes the place of a plain `update()` in {@link App.run}: a timeline that pauses, replays or loops installs one. */
export type FrameDriver = (app: App) => void;

/** Options of {@link App.onFrameEnd}. */
export interface FrameEndOptions {
  /** Run it after re-simulated frames too (`present: false`): clearing per-frame lists, the watchdog's end of frame. */
  readonly always?: boolean;
}

/** A hook run once when the app shuts down (close windows, delete temp files). */
export type ShutdownHook = (app: App) => void;

/**
 * The app: a bitecs world, resources, schedules and the fixed-timestep loop, in Bevy's shape.
 *
 *     const app = new App().addPlugins(MyPlugin).addSystems(FixedUpdate, movement);
 *     await app.run();
 */
export class App {
  /** The bitecs world: the entities and their components' columns. */
  readonly world: World = createWorld();
  /** The resources, keyed by class (`insertResource`, `ctx.resource(Score)`). */
  readonly resources = new Resources();
  /** The registered components, by name and layout (what hot libraries are checked against). */
  readonly components = new ComponentRegistry();
  /** The event queues, by event name (added with {@link addEvent}). */
  readonly events = new EventQueues();
  /** The {@link Time} resource: `delta`, `elapsed`, `frame`, … */
  readonly time: Time;
  /** The {@link Input} resource: this frame's keyboard, mouse and gamepads. */
  readonly input: Input;
  /** Where time comes from: the system clock, or a {@link ManualClock} in tests (`AppOptions.clock`). */
  readonly clock: Clock;
  /** The context every system receives; one object for the app's lifetime. */
  readonly context: SystemContext;

  readonly #schedules = new Map<ScheduleLabel, Schedule>();
  /** The frame order as data (Bevy's MainScheduleOrder): FRAME_SCHEDULES and what was inserted. */
  #frameOrder: readonly ScheduleLabel[] = FRAME_SCHEDULES;
  /** The schedules run once, on the first update, in order: Startup and what was inserted around it. */
  #startupOrder: readonly ScheduleLabel[] = STARTUP_SCHEDULES;
  /** #frameOrder resolved to schedules (or undefined), so a frame does no map lookups. */
  #frameSchedules: (Schedule | undefined)[] = FRAME_SCHEDULES.map(() => undefined);
  #fixedIndex = FRAME_SCHEDULES.indexOf(FixedUpdate);
  readonly #boundaryHooks: FrameBoundaryHook[] = [];
  #nextBoundaryHooks: FrameBoundaryHook[] = [];
  readonly #frameEndHooks: FrameBoundaryHook[] = [];
  /** The frame-end hooks a re-simulated frame runs (those added with `always`). */
  readonly #alwaysEndHooks: FrameBoundaryHook[] = [];
  /** The schedules a re-simulated frame leaves out: what only shows or plays the frame. */
  readonly #presentation = new Set<ScheduleLabel>([Render, Last]);
  #driver: FrameDriver | undefined;
  #replaying = false;
  #presenting = false;
  /** A replayed frame's recorded input, put in place after Input's beginFrame. */
  #pendingInput: Uint8Array | undefined;
  #faults = 0;
  #lastFault: string | undefined;
  readonly #shutdownHooks: ShutdownHook[] = [];
  #lastMs: number | undefined;
  #started = false;
  #exitCode: number | undefined;
  #shutDown = false;
  readonly #warned = new Set<string>();
  #timing = false;

  constructor(options: AppOptions = {}) {
    this.clock = options.clock ?? systemClock;
    this.time = this.insertResource(new Time({ fixedHz: options.fixedHz, maxDelta: options.maxDelta }), HOTLOOP_OWN);
    this.input = this.insertResource(new Input(), HOTLOOP_OWN);
    // The draw list's camera, the identity until a system moves it (src/core/camera.ts).
    this.insertResource(new Camera2D(), HOTLOOP_OWN);
    // The game's random numbers, one stream for TypeScript and Rust (src/core/rng.ts).
    this.insertResource(new GlobalRng(options.seed ?? DEFAULT_SEED), HOTLOOP_OWN);
    const app = this;
    this.context = {
      app,
      world: this.world,
      time: this.time,
      input: this.input,
      resource: (key) => app.resources.get(key),
      spawn: (...components: readonly ComponentInit[]) => spawn(app.world, ...components),
      despawn: (eid: number) => despawn(app.world, eid),
      exit: (code = 0) => app.exit(code),
    };
  }

  /** Adds plugins, in order. */
  addPlugins(...plugins: Plugin[]): this {
    for (const plugin of plugins) buildPlugin(plugin, this);
    return this;
  }

  /**
   * Inserts or replaces a resource, keyed by its class. Returns the value. `insertedBy`: where the
   * game inserted it (default: the caller outside hotloop); hotloop passes HOTLOOP_OWN for its own.
   */
  insertResource<T extends object>(value: T, insertedBy: string | typeof HOTLOOP_OWN | undefined = callerPlace()): T {
    return this.resources.insert(value, insertedBy);
  }

  /** A resource by class; a one-line error if it is missing. */
  resource<T>(key: ResourceKey<T>): T {
    return this.resources.get(key);
  }

  /** A resource by class, or undefined. */
  getResource<T>(key: ResourceKey<T>): T | undefined {
    return this.resources.tryGet(key);
  }

  /** Whether a resource of that class exists. */
  hasResource(key: ResourceKey<unknown>): boolean {
    return this.resources.has(key);
  }

  /** Registers components by name, so hot libraries can name them and have their layouts checked. */
  registerComponents(...components: Component[]): this {
    this.components.register(...components);
    return this;
  }

  /**
   * Adds an event type (Bevy's `add_event`): its queue is made, updated at the start of every
   * frame, and available to TypeScript ({@link sendEvent}, {@link eventReader}) and Rust
   * (`EventWriter<E>`, `EventReader<E>`). Adding it again is a no-op.
   */
  addEvent(...types: EventType[]): this {
    for (const type of types) this.events.add(type);
    return this;
  }

  /** The queue of an added event type, or a one-line error saying how to add it. */
  eventQueue<S extends Readonly<Record<string, FieldType>>>(type: EventType<S>): EventQueue<S> {
    const queue = this.events.get(type.name);
    if (!queue || queue.type.struct.layout.hash !== type.struct.layout.hash) throw new Error(`event ${type.name} is not added: call app.addEvent(${type.name})`);
    return queue as unknown as EventQueue<S>;
  }

  /** Sends an event: readers see it this frame and the next. */
  sendEvent<S extends Readonly<Record<string, FieldType>>>(type: EventType<S>, values: Partial<ResourceFields<S>>): void {
    this.eventQueue(type).send(values);
  }

  /** A reader of an event type: keep it (in a plugin's closure) and call `read()` in a system; it sees each event once. */
  eventReader<S extends Readonly<Record<string, FieldType>>>(type: EventType<S>): EventCursor<S> {
    return this.eventQueue(type).reader();
  }

  /** Adds systems to a schedule. Order: declaration order, refined by `before`/`after`/`chain`. */
  addSystems(schedule: ScheduleLabel, ...systems: SystemLike[]): this {
    const target = this.schedule(schedule);
    for (const config of flattenSystems(systems)) target.add(config, config.factory(this, schedule));
    return this;
  }

  /** The schedule of a label, created on first use. */
  schedule(label: ScheduleLabel): Schedule {
    let schedule = this.#schedules.get(label);
    if (!schedule) {
      schedule = new Schedule(label);
      if (this.#timing) schedule.setTiming(true);
      this.#schedules.set(label, schedule);
      const index = this.#frameOrder.indexOf(label);
      if (index >= 0) this.#frameSchedules[index] = schedule;
    }
    return schedule;
  }

  /**
   * The schedules that have systems or were asked for: the startup order's, the frame order's, in
   * the order they run, then the others (OnEnter / OnExit, schedules the game runs itself).
   */
  schedules(): Schedule[] {
    const ordered = new Set([...this.#startupOrder, ...this.#frameOrder]);
    const others = [...this.#schedules.keys()].filter((label) => !ordered.has(label));
    return [...ordered, ...others].flatMap((label) => this.#schedules.get(label) ?? []);
  }

  /** The schedules every frame runs, in order (FixedUpdate 0..n times in its place). */
  frameOrder(): readonly ScheduleLabel[] {
    return this.#frameOrder;
  }

  /** The schedules the first frame runs once before the frame order, in order. */
  startupOrder(): readonly ScheduleLabel[] {
    return this.#startupOrder;
  }

  /**
   * Runs `schedule` right after `after` (Bevy's `MainScheduleOrder::insert_after`): every frame
   * when `after` is in the frame order, once before the first frame's others when it is in the
   * startup order (`insertScheduleAfter(Startup, LoadLevel)`). Only FixedUpdate steps at the fixed
   * timestep; an inserted schedule runs once a frame. A schedule is in an order once: inserting
   * it again moves it (so a plugin that runs again, as a TypeScript reload does, finds it in
   * place). Throws for hotloop's own schedules and OnEnter / OnExit (transitions run those).
   */
  insertScheduleAfter(after: ScheduleLabel, schedule: ScheduleLabel): this {
    return this.#insertSchedule(after, schedule, 1, "insertScheduleAfter");
  }

  /** Runs `schedule` right before `before`; see {@link insertScheduleAfter}. */
  insertScheduleBefore(before: ScheduleLabel, schedule: ScheduleLabel): this {
    return this.#insertSchedule(before, schedule, 0, "insertScheduleBefore");
  }

  #insertSchedule(anchor: ScheduleLabel, label: ScheduleLabel, offset: 0 | 1, method: string): this {
    const call = `${method}(${anchor.name}, ${label.name})`;
    // StateTransition is in both orders: against it, the frame order's place is meant.
    const startup = !this.#frameOrder.includes(anchor) && this.#startupOrder.includes(anchor);
    const order = startup ? this.#startupOrder : this.#frameOrder;
    if (!order.includes(anchor)) throw new Error(`${call}: ${anchor.name} is in neither the frame order (${this.#frameOrder.map((l) => l.name).join(", ")}) nor the startup order (${this.#startupOrder.map((l) => l.name).join(", ")})`);
    if (label === anchor) throw new Error(`${call}: a schedule cannot be placed against itself`);
    if (isTransitionSchedule(label)) throw new Error(`${call}: ${label.name} runs when the state changes, not in the frame order`);
    // StateTransition is built in but placed by initState (after PreUpdate, before Startup): the others keep their places.
    if (isBuiltInSchedule(label) && label !== StateTransition) throw new Error(`${call}: ${label.name} is one of hotloop's schedules and keeps its place`);
    const rest = order.filter((l) => l !== label);
    const next = [...rest];
    next.splice(rest.indexOf(anchor) + offset, 0, label);
    if (startup) {
      this.#startupOrder = Object.freeze(next);
    } else {
      this.#frameOrder = Object.freeze(next);
      // A new array, not the one a running frame loops over: it takes the new order from the next frame.
      this.#frameSchedules = next.map((l) => this.#schedules.get(l));
      this.#fixedIndex = next.indexOf(FixedUpdate);
    }
    return this;
  }

  /**
   * Adds a state at `initial` (default: its first variant), as Bevy's `insert_state`: its OnEnter
   * runs before Startup on the first frame (at the next StateTransition once the app runs), and
   * {@link nextState} requests are applied in StateTransition, right after PreUpdate. A state the
   * app already has keeps its value: a TypeScript reload that runs this again changes nothing
   * (variants added at the end are taken; other changes to them need a restart).
   */
  initState<V extends string>(state: States<V>, initial?: NoInfer<V> | StateValue<V>): this {
    appStates(this).init(state, initial);
    return this;
  }

  /** The current value of a state: `app.state(GameState) === GameState.Playing`. */
  state<V extends string>(state: States<V>): StateValue<V> {
    return appStates(this).current(state);
  }

  /**
   * Asks for the state to become `value` at the next StateTransition (Bevy's `NextState::set`); a
   * later request before then wins. Rust asks the same with `ResMut<NextState<S>>`.
   */
  nextState(value: StateValue): void {
    appStates(this).request(value);
  }

  /** Times every system of every schedule, now and made later (see `Schedule.setTiming` in src/core/schedule.ts); off costs nothing. */
  setSystemTiming(on: boolean): void {
    this.#timing = on;
    for (const schedule of this.#schedules.values()) schedule.setTiming(on);
  }

  /** What runs each fixed step in place of a plain step, when set ({@link wrapFixedStep}). */
  #fixedWrapper: ((runStep: () => void) => void) | undefined;

  /**
   * Runs every fixed step through `wrapper` (a determinism check runs the step twice from a
   * snapshot): it receives `runStep`, which enters the step on Time and runs FixedUpdate once, and
   * calls it (once or more, restoring the app between calls). One wrapper at a time: a new one
   * replaces the old; undefined removes it, and the step is the plain loop again.
   */
  wrapFixedStep(wrapper: ((runStep: () => void) => void) | undefined): this {
    this.#fixedWrapper = wrapper;
    return this;
  }

  /**
   * Removes the systems named `name` from a schedule (hot code removes and moves systems between
   * frames this way); returns whether there was one.
   */
  removeSystem(label: ScheduleLabel, name: string): boolean {
    return (this.#schedules.get(label)?.remove(name) ?? 0) > 0;
  }

  /**
   * Puts `config` in the place of the systems named `name` in a schedule, keeping their place in
   * the declaration order (a TypeScript reload swaps a system's body this way); returns whether
   * there was one to replace.
   */
  replaceSystem(label: ScheduleLabel, name: string, config: SystemConfig): boolean {
    const schedule = this.#schedules.get(label);
    return schedule !== undefined && schedule.replace(name, config, config.factory(this, label));
  }

  /**
   * A schedule's label by its name: one of the startup or frame order, or one this app has (its
   * OnEnter / OnExit schedules are made by initState): how a Rust library's placement is found.
   */
  scheduleNamed(name: string): ScheduleLabel | undefined {
    return [...this.#startupOrder, ...this.#frameOrder, ...this.#schedules.keys()].find((label) => label.name === name);
  }

  /** Whether Startup has run (the first `update()` began). */
  get started(): boolean {
    return this.#started;
  }

  /**
   * Runs `before` ahead of a schedule's systems and `after` behind them on each of its runs (see
   * `Schedule.around` in src/core/schedule.ts); `after` runs even when a system throws.
   */
  aroundSchedule(label: ScheduleLabel, before?: SystemFn, after?: SystemFn): this {
    this.schedule(label).around(before, after);
    return this;
  }

  /** Runs `hook` between frames, before each `update()` does anything else. */
  onFrameBoundary(hook: FrameBoundaryHook): this {
    this.#boundaryHooks.push(hook);
    return this;
  }

  /** Runs `hook` once, at the next frame boundary (e.g. a check that needs every plugin added first). */
  onNextFrameBoundary(hook: FrameBoundaryHook): this {
    this.#nextBoundaryHooks.push(hook);
    return this;
  }

  /**
   * Runs `hook` at the end of every frame, after Last (a watchdog marks the frame done here);
   * with `always`, after the frames a timeline re-simulates too.
   */
  onFrameEnd(hook: FrameBoundaryHook, options: FrameEndOptions = {}): this {
    this.#frameEndHooks.push(hook);
    if (options.always) this.#alwaysEndHooks.push(hook);
    return this;
  }

  /**
   * Marks a schedule as presentation: a frame a timeline re-simulates (rewind, replay after a
   * save) leaves it out, as it leaves out Render and Last. A schedule that only draws, plays or
   * reports belongs here; one that changes the game's state does not.
   */
  markPresentation(label: ScheduleLabel): this {
    this.#presentation.add(label);
    return this;
  }

  /**
   * Says that a system failed (a hot panic, a TypeScript throw) and was rolled back or disabled:
   * the reloaders call it, and a timeline's replay that sees the count move stops and goes back.
   */
  reportFault(system: string): void {
    this.#faults++;
    this.#lastFault = system;
  }

  /** Faults reported so far ({@link reportFault}), and the system of the last one. */
  get faults(): {
    /** Faults reported since the app began. */
    readonly count: number;
    /** The system of the last one. */
    readonly last: string | undefined;
  } {
    return { count: this.#faults, last: this.#lastFault };
  }

  /** Whether the frame running now is re-simulated by a timeline (no drawing or sound; a system with side effects can keep quiet). */
  get replaying(): boolean {
    return this.#replaying;
  }

  /** One frame as {@link run} runs it: the frame driver's (a timeline's pause, step or loop) when one is installed, else `update()`. */
  runFrame(): void {
    if (this.#driver) this.#driver(this);
    else this.update();
  }

  /** Installs (or, with undefined, removes) what {@link run} calls each frame instead of `update()`. */
  setFrameDriver(driver: FrameDriver | undefined): this {
    this.#driver = driver;
    return this;
  }

  /**
   * Shows the current state again without advancing it: the frame-boundary hooks (a save still
   * applies), the Render schedule, and the `always` frame-end hooks. A paused timeline calls it
   * every real frame, so the window stays responsive and draws the frame it is paused at.
   */
  present(): void {
    this.#presenting = true;
    try {
      this.#boundary();
      this.#schedules.get(Render)?.run(this.context);
      const end = this.#alwaysEndHooks;
      for (let i = 0; i < end.length; i++) end[i]!(this);
    } finally {
      this.#presenting = false;
    }
  }

  /**
   * Whether the frame running now only shows the state ({@link present}, a paused timeline):
   * music is held, a new build's probation does not count down, nothing advances.
   */
  get presenting(): boolean {
    return this.#presenting;
  }

  /**
   * Takes the clock's reading now as the last frame's: the next frame counts only the time from
   * here. After a pause or a replay, the wall-clock time they took is not game time.
   */
  syncClock(): void {
    const now = this.clock.now();
    this.#lastMs = Number.isFinite(now) ? now : undefined;
  }

  /** Runs `hook` once at shutdown (after `run()` ends, or on `shutdown()`). */
  onShutdown(hook: ShutdownHook): this {
    this.#shutdownHooks.push(hook);
    return this;
  }

  /** Asks the runner to stop after the current frame. */
  exit(code = 0): void {
    if (this.#exitCode === undefined) this.#exitCode = code;
  }

  /** The exit code once an exit was requested, else undefined. */
  get exitRequested(): number | undefined {
    return this.#exitCode;
  }

  /**
   * Advances exactly one frame: frame-boundary hooks, event queues, the startup order (first frame
   * only: Startup, after StateTransition once there are states), then the frame order: First,
   * PreUpdate, (StateTransition,) FixedUpdate as many times as the accumulator owes, Update,
   * PostUpdate, Render, Last, with the schedules inserted among them.
   */
  update(frame?: FrameInput): void {
    if (frame === undefined) {
      this.#boundary();
      this.#frame(this.#frameDeltaNs(this.clock.now()), true);
      return;
    }
    if (frame.boundary !== false) this.#boundary();
    const present = frame.present !== false;
    this.#replaying = !present;
    try {
      if (frame.input) {
        this.input.lock(true);
        this.#pendingInput = frame.input;
      }
      this.#frame(frame.deltaNs, present);
    } finally {
      this.#replaying = false;
      this.input.lock(false);
    }
  }

  #boundary(): void {
    if (this.#nextBoundaryHooks.length > 0) {
      const once = this.#nextBoundaryHooks;
      this.#nextBoundaryHooks = [];
      for (const hook of once) hook(this);
    }
    for (let i = 0; i < this.#boundaryHooks.length; i++) this.#boundaryHooks[i]!(this);
  }

  /**
   * The fixed steps through the wrapper ({@link wrapFixedStep}), in a method of its own: a closure
   * in the frame's body would make the frame allocate its captured variables (measured: twice
   * an empty frame's time, bench frame_ts).
   */
  #runWrappedSteps(fixed: Schedule, steps: number): void {
    const wrapper = this.#fixedWrapper!;
    const ctx = this.context;
    const runStep = (): void => {
      this.time.enterFixedStep();
      fixed.run(ctx);
    };
    for (let step = 0; step < steps; step++) wrapper(runStep);
  }

  /** The frame order's schedules from `from` to `to` (exclusive) but the presentation ones: a re-simulated frame's. */
  #runUnpresented(from: number, to: number): void {
    const schedules = this.#frameSchedules;
    const order = this.#frameOrder;
    for (let i = from; i < to; i++) if (!this.#presentation.has(order[i]!)) schedules[i]?.run(this.context);
  }

  #frame(deltaNs: number, present: boolean): void {
    const fixedSteps = this.time.beginFrame(deltaNs);
    this.input.beginFrame();
    if (this.#pendingInput !== undefined) {
      this.input.load(this.#pendingInput);
      this.#pendingInput = undefined;
    }
    this.events.update();
    const ctx = this.context;
    if (!this.#started) {
      this.#started = true;
      for (const label of this.#startupOrder) this.#schedules.get(label)?.run(ctx);
    }
    // Two loops around FixedUpdate instead of one that tests every index; the slots are read as
    // the frame goes, so a schedule a system creates later in the frame order runs this frame.
    const schedules = this.#frameSchedules;
    const fixedIndex = this.#fixedIndex;
    if (present) for (let i = 0; i < fixedIndex; i++) schedules[i]?.run(ctx);
    else this.#runUnpresented(0, fixedIndex);
    if (fixedSteps > 0) {
      const fixed = schedules[fixedIndex];
      if (fixed === undefined) {
        this.time.skipFixedSteps(fixedSteps);
      } else {
        if (this.#fixedWrapper === undefined) {
          for (let step = 0; step < fixedSteps; step++) {
            this.time.enterFixedStep();
            fixed.run(ctx);
          }
        } else {
          this.#runWrappedSteps(fixed, fixedSteps);
        }
        this.time.enterFrameContext();
      }
    }
    if (present) for (let i = fixedIndex + 1; i < schedules.length; i++) schedules[i]?.run(ctx);
    else this.#runUnpresented(fixedIndex + 1, schedules.length);
    const end = present ? this.#frameEndHooks : this.#alwaysEndHooks;
    for (let i = 0; i < end.length; i++) end[i]!(this);
  }

  /**
   * The time since the last frame, from a clock that may misbehave: a reading that is not a
   * finite number is skipped (the frame counts as no time, the next good reading goes on from the
   * last good one), a clock that went backwards gives a frame of no time; each said once. A huge
   * delta is clamped by Time (maxDelta).
   */
  #frameDeltaNs(nowMs: number): number {
    if (!Number.isFinite(nowMs)) {
      this.#warnOnce("nan", `hotloop: warning: the clock returned ${nowMs}: that frame counts as no time (said once)`);
      return 0;
    }
    const last = this.#lastMs;
    this.#lastMs = nowMs;
    if (last === undefined) return 0;
    if (nowMs < last) {
      this.#warnOnce("backwards", `hotloop: warning: the clock went back by ${(last - nowMs).toFixed(3)} ms: that frame counts as no time (said once)`);
      return 0;
    }
    return Math.round((nowMs - last) * 1e6);
  }

  #warnOnce(kind: string, line: string): void {
    if (this.#warned.has(kind)) return;
    this.#warned.add(kind);
    console.error(line);
  }

  /**
   * Loops `update()` until an exit is requested (or `maxFrames`), pacing to `targetFps` and
   * yielding to Bun's event loop every frame so watchers and timers are serviced. Resolves to the
   * exit code after the shutdown hooks ran.
   */
  async run(options: RunOptions = {}): Promise<number> {
    const targetFps = options.targetFps ?? 60;
    const frameMs = targetFps > 0 ? 1000 / targetFps : 0;
    let frames = 0;
    let next = performance.now();
    try {
      while (this.#exitCode === undefined) {
        this.runFrame();
        frames++;
        if (options.maxFrames !== undefined && frames >= options.maxFrames) this.exit(0);
        if (this.#exitCode !== undefined) break;
        next += frameMs;
        const wait = next - performance.now();
        if (wait < -4 * frameMs) next = performance.now(); // fell far behind: don't try to catch up
        await (wait >= 1 ? Bun.sleep(wait) : yieldToEventLoop());
      }
    } finally {
      this.shutdown();
    }
    return this.#exitCode ?? 0;
  }

  /** Runs the shutdown hooks once, newest first (as resources are torn down in reverse). */
  shutdown(): void {
    if (this.#shutDown) return;
    this.#shutDown = true;
    for (const hook of [...this.#shutdownHooks].reverse()) hook(this);
  }
}

/** Lets Bun's event loop run pending I/O and timers, then resumes. */
export function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
