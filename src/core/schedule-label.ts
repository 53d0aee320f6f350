/**
 * A schedule label: names a point in the frame, like Bevy's `Startup` or `Update` types.
 * Labels are compared by identity, so two labels with the same text are still different schedules.
 */
export interface ScheduleLabel {
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

/** The per-frame schedules in the order a frame runs them (FixedUpdate 0..n times in its place). */
export const FRAME_SCHEDULES: readonly ScheduleLabel[] = [First, PreUpdate, FixedUpdate, Update, PostUpdate, Render, Last];
