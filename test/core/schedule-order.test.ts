/**
 * The frame order as data (Bevy's MainScheduleOrder): a game's own schedule inserted before or after
 * another runs once a frame in that place (only FixedUpdate steps at the fixed timestep), or once
 * at startup when placed against Startup; inserting again moves it; and a frame still reads the
 * order from an array, with no map lookups.
 */
import { describe, expect, test } from "bun:test";
import {
  App, defineSchedule, defineState, First, FixedUpdate, FRAME_SCHEDULES, Last, ManualClock, OnEnter, PostUpdate, PreUpdate, Render, Startup, StateTransition, Update,
  type ScheduleLabel,
} from "../../src/core/index.ts";

function manualApp() {
  const clock = new ManualClock();
  return { app: new App({ clock }), clock };
}

/** Adds a system logging the schedule's name to each label. */
function logEach(app: App, labels: readonly ScheduleLabel[], log: string[]): void {
  for (const label of labels) app.addSystems(label, () => void log.push(label.name));
}

describe("the frame order", () => {
  test("a schedule inserted after FixedUpdate runs once a frame right after the fixed steps, however many there were", () => {
    const { app, clock } = manualApp();
    const Physics = defineSchedule("Physics");
    app.insertScheduleAfter(FixedUpdate, Physics);
    expect(app.frameOrder().map((l) => l.name)).toEqual(["First", "PreUpdate", "FixedUpdate", "Physics", "Update", "PostUpdate", "Render", "Last"]);
    const log: string[] = [];
    logEach(app, [Startup, ...FRAME_SCHEDULES, Physics], log);
    app.update(); // no fixed step owed yet: Physics runs all the same
    expect(log).toEqual(["Startup", "First", "PreUpdate", "Physics", "Update", "PostUpdate", "Render", "Last"]);
    log.length = 0;
    clock.advance(2 * (1000 / 64)); // two fixed steps
    app.update();
    expect(log).toEqual(["First", "PreUpdate", "FixedUpdate", "FixedUpdate", "Physics", "Update", "PostUpdate", "Render", "Last"]);
  });

  test("before and after any schedule of the order, systems added before or after the insertion; Time is the frame's there", () => {
    const { app, clock } = manualApp();
    const Early = defineSchedule("Early");
    const Late = defineSchedule("Late");
    const log: string[] = [];
    app.addSystems(Late, ({ time }) => void log.push(`Late ${time.delta}`)); // added before it is in the order
    app.insertScheduleBefore(First, Early).insertScheduleAfter(Last, Late);
    logEach(app, [First, Last, Early], log);
    clock.advance(10);
    app.update();
    clock.advance(10);
    app.update();
    expect(log).toEqual(["Early", "First", "Last", "Late 0", "Early", "First", "Last", "Late 0.01"]); // the first frame counts as no time
  });

  test("against Startup: in the startup order, run once before the first frame's others", () => {
    const { app } = manualApp();
    const LoadLevel = defineSchedule("LoadLevel");
    const Warmup = defineSchedule("Warmup");
    app.insertScheduleAfter(Startup, LoadLevel).insertScheduleBefore(Startup, Warmup);
    expect(app.startupOrder()).toEqual([Warmup, Startup, LoadLevel]);
    expect(app.frameOrder()).toEqual(FRAME_SCHEDULES);
    const log: string[] = [];
    logEach(app, [Startup, LoadLevel, Warmup, First], log);
    app.update();
    app.update();
    expect(log).toEqual(["Warmup", "Startup", "LoadLevel", "First", "First"]);
  });

  test("inserting a schedule again moves it (a plugin built again by a TypeScript reload finds it in place); the name is the label", () => {
    const { app } = manualApp();
    const Physics = defineSchedule("Physics");
    expect(defineSchedule("Physics")).toBe(Physics); // a module evaluated again gets the label the app runs
    app.insertScheduleAfter(FixedUpdate, Physics);
    app.insertScheduleAfter(FixedUpdate, defineSchedule("Physics"));
    expect(app.frameOrder().filter((l) => l === Physics)).toHaveLength(1);
    app.insertScheduleBefore(FixedUpdate, Physics);
    expect(app.frameOrder().map((l) => l.name)).toEqual(["First", "PreUpdate", "Physics", "FixedUpdate", "Update", "PostUpdate", "Render", "Last"]);
    expect(app.scheduleNamed("Physics")).toBe(Physics); // how a Rust library's `"Physics": [...]` finds it
  });

  test("a schedule inserted while a frame runs takes its place from the next frame", () => {
    const { app } = manualApp();
    const Later = defineSchedule("Later");
    const log: string[] = [];
    app.addSystems(Later, () => void log.push("Later"));
    app.addSystems(First, ({ app: a }) => {
      log.push("First");
      a.insertScheduleAfter(Update, Later);
    });
    app.update();
    expect(log).toEqual(["First"]);
    app.update();
    expect(log).toEqual(["First", "First", "Later"]);
  });

  test("one-line errors: an anchor not in the order, a schedule against itself, hotloop's own schedules, OnEnter, bad names", () => {
    const { app } = manualApp();
    const Physics = defineSchedule("Physics");
    const Stray = defineSchedule("Stray");
    expect(() => app.insertScheduleAfter(Stray, Physics)).toThrow("insertScheduleAfter(Stray, Physics): Stray is in neither the frame order (First, PreUpdate, FixedUpdate, Update, PostUpdate, Render, Last) nor the startup order (Startup)");
    app.insertScheduleAfter(Update, Physics);
    expect(() => app.insertScheduleAfter(Physics, Physics)).toThrow("a schedule cannot be placed against itself");
    expect(() => app.insertScheduleAfter(Update, FixedUpdate)).toThrow("insertScheduleAfter(Update, FixedUpdate): FixedUpdate is one of hotloop's schedules and keeps its place");
    expect(() => app.insertScheduleBefore(Update, Startup)).toThrow("Startup is one of hotloop's schedules");
    const Mode = defineState("OrderTestMode", ["On", "Off"]);
    expect(() => app.insertScheduleAfter(Update, OnEnter(Mode.On))).toThrow("OnEnter(OrderTestMode.On) runs when the state changes, not in the frame order");
    expect(() => defineSchedule("Update")).toThrow('defineSchedule("Update"): Update is one of hotloop\'s schedules: import it from "hotloop"');
    expect(() => defineSchedule("StateTransition")).toThrow("one of hotloop's schedules");
    expect(() => defineSchedule("On Enter")).toThrow("a schedule's name is an identifier");
    expect(app.frameOrder().map((l) => l.name)).toEqual(["First", "PreUpdate", "FixedUpdate", "Update", "Physics", "PostUpdate", "Render", "Last"]);
  });

  test("schedules() lists the startup order, the frame order, then the rest (OnEnter, schedules run by hand)", () => {
    const { app } = manualApp();
    const Physics = defineSchedule("Physics");
    const ByHand = defineSchedule("ByHand");
    const Mode = defineState("OrderTestListed", ["On", "Off"]);
    app.addSystems(ByHand, () => {});
    app.insertScheduleAfter(FixedUpdate, Physics);
    app.addSystems(Physics, () => {});
    app.addSystems(Update, () => {});
    app.initState(Mode);
    expect(app.schedules().map((s) => s.label.name)).toEqual([
      "StateTransition", // first in the startup order (Startup has no systems: no schedule)
      "Physics",
      "Update",
      "ByHand",
      "OnEnter(OrderTestListed.On)",
      "OnExit(OrderTestListed.On)",
      "OnEnter(OrderTestListed.Off)",
      "OnExit(OrderTestListed.Off)",
    ]);
    expect(app.frameOrder().indexOf(StateTransition)).toBe(app.frameOrder().indexOf(PreUpdate) + 1);
    const AfterTransitions = defineSchedule("AfterTransitions"); // StateTransition is in both orders: the frame order's place
    app.insertScheduleAfter(StateTransition, AfterTransitions);
    expect(app.frameOrder().indexOf(AfterTransitions)).toBe(app.frameOrder().indexOf(StateTransition) + 1);
    expect(app.startupOrder()).toEqual([StateTransition, Startup]);
  });

  test("a frame does no map lookups, whatever the order holds (the schedules are read from an array)", () => {
    const { app, clock } = manualApp();
    const Physics = defineSchedule("Physics");
    const Mode = defineState("OrderTestLookups", ["On", "Off"]);
    app.insertScheduleAfter(FixedUpdate, Physics);
    app.initState(Mode);
    logEach(app, [...FRAME_SCHEDULES, Physics, PostUpdate, Render], []);
    for (const value of [Mode.Off, Mode.On]) {
      // The startup order, and each schedule's first run (its order is compiled once), look things up.
      app.nextState(value);
      clock.advance(16);
      app.update();
    }
    const get = Map.prototype.get;
    let counting = false;
    let lookups = 0;
    Map.prototype.get = function (this: Map<unknown, unknown>, key: unknown) {
      if (counting) lookups++;
      return get.call(this, key);
    };
    try {
      for (let i = 0; i < 5; i++) {
        app.nextState(i % 2 ? Mode.On : Mode.Off); // each frame applies a transition too
        clock.advance(16);
        counting = true;
        app.update();
        counting = false;
      }
    } finally {
      Map.prototype.get = get;
    }
    expect(app.state(Mode)).toBe(Mode.Off);
    expect(lookups).toBe(0);
  });
});
