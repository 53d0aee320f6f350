import { describe, expect, test } from "bun:test";
import {
  App, chain, conditions, First, FixedUpdate, Last, ManualClock, PostUpdate, PreUpdate, Render, Startup, system, Update,
  type SystemContext,
} from "../../src/core/index.ts";

function manualApp() {
  const clock = new ManualClock();
  return { app: new App({ clock }), clock };
}

describe("schedules", () => {
  test("run in frame order, Startup once, FixedUpdate in its place", () => {
    const { app, clock } = manualApp();
    const log: string[] = [];
    const labels = { Startup, First, PreUpdate, FixedUpdate, Update, PostUpdate, Render, Last };
    // added in reverse to show the order comes from the schedule, not from insertion
    for (const [name, label] of Object.entries(labels).reverse()) app.addSystems(label, () => void log.push(name));
    app.update();
    expect(log).toEqual(["Startup", "First", "PreUpdate", "Update", "PostUpdate", "Render", "Last"]);
    log.length = 0;
    clock.advance(16);
    app.update();
    expect(log).toEqual(["First", "PreUpdate", "FixedUpdate", "Update", "PostUpdate", "Render", "Last"]);
  });

  test("a schedule a system makes later in the frame order runs in that same frame", () => {
    const { app, clock } = manualApp();
    const log: string[] = [];
    let made = false;
    app.addSystems(First, function makeLater({ app: a }) {
      log.push("first");
      if (made) return;
      made = true;
      a.addSystems(PreUpdate, () => void log.push("pre"));
      a.addSystems(FixedUpdate, () => void log.push("fixed"));
      a.addSystems(PostUpdate, () => void log.push("post"));
    });
    app.addSystems(Update, () => void log.push("update"));
    app.update(); // no fixed step owed yet
    expect(log).toEqual(["first", "pre", "update", "post"]);
    log.length = 0;
    clock.advance(16);
    app.update();
    expect(log).toEqual(["first", "pre", "fixed", "update", "post"]);
  });

  test("fixed time goes on while no FixedUpdate schedule exists, and a later one starts from it", () => {
    const { app, clock } = manualApp();
    for (let i = 0; i < 10; i++) {
      clock.advance(1000 / 64);
      app.update();
    }
    const elapsed: number[] = [];
    app.addSystems(FixedUpdate, ({ time }) => void elapsed.push(time.elapsed));
    clock.advance(1000 / 64);
    app.update();
    expect(elapsed).toEqual([10 / 64]); // the first frame has no delta: 9 steps skipped, this is the 10th
  });

  test("declaration order within a schedule", () => {
    const { app } = manualApp();
    const log: string[] = [];
    app.addSystems(Update, function a() { log.push("a"); }, function b() { log.push("b"); });
    app.addSystems(Update, function c() { log.push("c"); });
    app.update();
    expect(log).toEqual(["a", "b", "c"]);
  });

  test("before/after reorder, chain orders, cycles are a clear error", () => {
    const { app } = manualApp();
    const log: string[] = [];
    const mk = (n: string) => system(() => void log.push(n), n);
    app.addSystems(Update, mk("render").after("move"), mk("move").after("input"), mk("input"), mk("first").before("input"));
    app.update();
    expect(log).toEqual(["first", "input", "move", "render"]);
    expect(app.schedule(Update).names()).toEqual(["first", "input", "move", "render"]);

    const chained = manualApp();
    const order: string[] = [];
    const named = (n: string) => system(() => void order.push(n), n);
    chained.app.addSystems(Update, named("z").after("y"), chain(named("x"), named("y")));
    chained.app.update();
    expect(order).toEqual(["x", "y", "z"]);

    const cyclic = manualApp();
    cyclic.app.addSystems(Update, system(() => {}, "p").after("q"), system(() => {}, "q").after("p"));
    expect(() => cyclic.app.update()).toThrow("schedule Update: before/after constraints form a cycle among p, q");
  });

  test("run conditions", () => {
    const { app, clock } = manualApp();
    let ran = 0;
    class Paused {}
    app.addSystems(Update, system(() => void ran++).runIf(conditions.not(conditions.resourceExists(Paused))));
    app.update();
    app.insertResource(new Paused());
    clock.advance(10);
    app.update();
    expect(ran).toBe(1);
    let nth = 0;
    app.addSystems(Update, system(() => void nth++).runIf(conditions.everyNthFrame(2)));
    for (let i = 0; i < 4; i++) app.update();
    expect(nth).toBe(2);
  });

  test("a schedule runs the same order and conditions written out (short) or as a loop (over 512 systems)", () => {
    for (const count of [3, 600]) {
      const { app } = manualApp();
      const log: number[] = [];
      let on = true;
      for (let i = 0; i < count; i++) {
        const s = system(() => void log.push(i), `s${i}`);
        app.addSystems(Update, i % 3 === 1 ? s.runIf(() => on) : s);
      }
      app.update();
      expect(log).toEqual(Array.from({ length: count }, (_, i) => i));
      log.length = 0;
      on = false;
      app.update();
      expect(log).toEqual(Array.from({ length: count }, (_, i) => i).filter((i) => i % 3 !== 1));
      // A change of the order makes a new runner: a system added later runs from the next frame.
      app.addSystems(Update, system(() => void log.push(-1), "late").before("s0"));
      log.length = 0;
      app.update();
      expect(log).toContain(-1);
      expect(log.indexOf(-1)).toBeLessThan(log.indexOf(0));
    }
  });
});

describe("resources and context", () => {
  test("insert, read by class, clear error when missing", () => {
    const { app } = manualApp();
    class Score { value = 0; }
    class Missing {}
    app.insertResource(new Score());
    app.addSystems(Update, (ctx: SystemContext) => void (ctx.resource(Score).value += 5));
    app.update();
    expect(app.resource(Score).value).toBe(5);
    expect(() => app.resource(Missing)).toThrow("resource Missing is missing: insert it with app.insertResource(new Missing(...))");
    expect(app.getResource(Missing)).toBeUndefined();
  });

  test("plugins as functions and objects", () => {
    const { app } = manualApp();
    const built: string[] = [];
    app.addPlugins((a) => void built.push(a === app ? "fn" : "?"), { name: "obj", build: () => void built.push("obj") });
    expect(built).toEqual(["fn", "obj"]);
  });
});

describe("exit and the runner", () => {
  test("run() loops until a system requests exit, then runs shutdown hooks once", async () => {
    const { app } = manualApp();
    let frames = 0;
    const shut: number[] = [];
    app.onShutdown(() => void shut.push(frames));
    app.addSystems(Update, (ctx) => {
      frames++;
      if (frames === 5) ctx.exit(3);
    });
    const code = await app.run({ targetFps: 0 });
    expect(code).toBe(3);
    expect(frames).toBe(5);
    expect(shut).toEqual([5]);
    app.shutdown();
    expect(shut).toEqual([5]);
  });

  test("maxFrames stops the runner", async () => {
    const { app } = manualApp();
    let frames = 0;
    app.addSystems(Update, () => void frames++);
    expect(await app.run({ targetFps: 0, maxFrames: 7 })).toBe(0);
    expect(frames).toBe(7);
  });

  test("the runner yields to the event loop every frame", async () => {
    // A loop that never yields would never see the timer and would stop at the frame cap with 1.
    const { app } = manualApp();
    let timerFired = false;
    setTimeout(() => {
      timerFired = true;
    }, 5);
    app.addSystems(Update, (ctx) => {
      if (timerFired) ctx.exit(0);
      else if (ctx.time.frame > 1_000_000) ctx.exit(1);
    });
    expect(await app.run({ targetFps: 0 })).toBe(0);
  });

  test("frame-boundary hooks run before each frame's systems", () => {
    const { app } = manualApp();
    const log: string[] = [];
    app.onFrameBoundary(() => void log.push("boundary"));
    app.addSystems(Startup, () => void log.push("startup"));
    app.addSystems(Update, () => void log.push("update"));
    app.update();
    app.update();
    expect(log).toEqual(["boundary", "startup", "update", "boundary", "update"]);
  });

  test("a next-frame-boundary hook runs once, before the boundary hooks of that frame", () => {
    const { app } = manualApp();
    const log: string[] = [];
    app.onFrameBoundary(() => void log.push("boundary"));
    app.onNextFrameBoundary(() => void log.push("once"));
    app.update();
    app.update();
    expect(log).toEqual(["once", "boundary", "boundary"]);
  });
});

describe("input", () => {
  test("press and release transitions last one frame", () => {
    const { app } = manualApp();
    const seen: string[] = [];
    app.addSystems(Update, ({ input }) => {
      seen.push(`${input.isKeyDown(262) ? "D" : "-"}${input.isKeyPressed(262) ? "P" : "-"}${input.isKeyReleased(262) ? "R" : "-"}`);
    });
    app.addSystems(First, ({ input, time }) => {
      if (time.frame === 2) input.setKey(262, true);
      if (time.frame === 4) input.setKey(262, false);
    });
    for (let i = 0; i < 5; i++) app.update();
    expect(seen).toEqual(["---", "DP-", "D--", "--R", "---"]);
  });
});

describe("schedule hooks", () => {
  test("aroundSchedule brackets a schedule's systems, added before or after, even when one throws", () => {
    const { app } = manualApp();
    const log: string[] = [];
    app.addSystems(Update, () => void log.push("early"));
    app.aroundSchedule(Update, () => void log.push("begin"), () => void log.push("end"));
    app.aroundSchedule(Update, () => void log.push("begin2"), () => void log.push("end2"));
    app.addSystems(Update, () => void log.push("late"));
    app.update();
    expect(log).toEqual(["begin", "begin2", "early", "late", "end2", "end"]);
    log.length = 0;
    app.addSystems(Update, () => {
      throw new Error("boom");
    });
    expect(() => app.update()).toThrow("boom");
    expect(log).toEqual(["begin", "begin2", "early", "late", "end2", "end"]);
  });
});
