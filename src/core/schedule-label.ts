/**
 * A schedule label: names a point in the frame, like Bevy's `Startup` or `Update` types.
 * Labels are compared by identity, so two labels with the same text are still different schedules.
 */
export interface ScheduleLabel {
  /** Its name: what messages print, and what a Rust library places systems in (`export! { "Physics": [..] }`). */
  readonly name: string;
}

/** Makes a new schedule label; the text is for messages only. */
export function scheduleLabel(name: string): ScheduleLabel {
  return Object.freeze({ name });
}

/** Runs once, on the first `update()`, before everything else. */
export const Startup = scheduleLabel("Startup");
/** First thing of every frame (input is read here). */
export const First = scheduleLabel("First");
/** Before the fixed steps: input handling, state transitions. */
export const PreUpdate = scheduleLabel("PreUpdate");
/** 0..n times a frame at the fixed timestep (default 64 Hz): gameplay and physics. */
export const FixedUpdate = scheduleLabel("FixedUpdate");
/** Once a frame, after the fixed steps. */
export const Update = scheduleLabel("Update");
/** After Update: cleanup, derived state. */
export const PostUpdate = scheduleLabel("PostUpdate");
/** Drawing; a render plugin brackets it with begin/end of the frame. */
export const Render = scheduleLabel("Render");
/** Last thing of every frame. */
export const Last = scheduleLabel("Last");

/**
 * Applies requested state changes and runs their OnExit / OnEnter schedules (src/core/states.ts).
 * Not in the frame order until the first `app.initState(...)` puts it there, after PreUpdate and
 * once before Startup, as Bevy's StatesPlugin does.
 */
export const StateTransition = scheduleLabel("StateTransition");

/**
 * The per-frame schedules in the order a frame runs them (FixedUpdate 0..n times in its place):
 * every app's frame order to start with. An app's own order (`app.frameOrder()`) also has the
 * schedules inserted with `app.insertScheduleAfter` / `insertScheduleBefore`.
 */
export const FRAME_SCHEDULES: readonly ScheduleLabel[] = [First, PreUpdate, FixedUpdate, Update, PostUpdate, Render, Last];

/** The schedules that run once, on the first `update()`, to start with (`app.startupOrder()`). */
export const STARTUP_SCHEDULES: readonly ScheduleLabel[] = [Startup];

/** hotloop's own labels: a schedule of the game's own cannot take one of their names. */
const BUILT_IN: ReadonlySet<ScheduleLabel> = new Set([...STARTUP_SCHEDULES, ...FRAME_SCHEDULES, StateTransition]);

/** Whether a label is one of hotloop's own (Startup, the frame schedules, StateTransition). */
export function isBuiltInSchedule(label: ScheduleLabel): boolean {
  return BUILT_IN.has(label);
}

// Why by name: a TypeScript reload evaluates the game's modules again, and `defineSchedule("Physics")`
// must then give the label the app already runs, with its systems and its place in the frame order.
const defined = new Map<string, ScheduleLabel>();
const SCHEDULE_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * A schedule of the game's own, as a Bevy `#[derive(ScheduleLabel)] struct Physics;`:
 *
 *     export const Physics = defineSchedule("Physics");
 *     app.insertScheduleAfter(FixedUpdate, Physics);   // runs once a frame, right after the fixed steps
 *     app.addSystems(Physics, integrate);
 *
 * The name is the schedule: defining it again (a module evaluated again by a TypeScript reload)
 * gives the same label, and a Rust library places systems in it by that name
 * (`export! { "Physics": [integrate] }`). Names are identifiers and not hotloop's own.
 */
export function defineSchedule(name: string): ScheduleLabel {
  const known = defined.get(name);
  if (known) return known;
  if (!SCHEDULE_NAME.test(name)) throw new Error(`defineSchedule("${name}"): a schedule's name is an identifier (letters, digits, _)`);
  if ([...BUILT_IN].some((label) => label.name === name)) throw new Error(`defineSchedule("${name}"): ${name} is one of hotloop's schedules: import it from "hotloop"`);
  const label = scheduleLabel(name);
  defined.set(name, label);
  return label;
}
