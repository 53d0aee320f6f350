// States and a schedule of the game's own across TypeScript reloads (src/live): the module that
// defines the state, the frame order and the OnEnter systems is evaluated again at every save; the
// state's value stays, OnEnter does not run again, the new bodies run at the next transition.
import { afterEach, beforeEach, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { App, FixedUpdate, ManualClock, type States } from "../../src/core/index.ts";
import { formatEvent, type HotEvent } from "../../src/hot/report.ts";
import { GameReloader } from "../../src/live/game-reloader.ts";

const API = join(import.meta.dir, "../../src/api/index.ts");

/** The game: a state with OnEnter / OnExit counters, a gated system, a schedule of its own. */
function game(options: { bonus?: number; variants?: string; extra?: string } = {}): string {
  const { bonus = 1, variants = `"Menu", "Playing", "Paused"`, extra = "" } = options;
  return `import { defineSchedule, defineState, FixedUpdate, inState, OnEnter, OnExit, PreUpdate, system, Update, type App } from ${JSON.stringify(API)};
export const Mode = defineState("Mode", [${variants}]);
export const Physics = defineSchedule("Physics");
export class Counts { enters = 0; exits = 0; entered = 0; gated = 0; physics = 0; physicsBody = 0; }
export default function game(app: App): void {
  const counts = app.insertResource(new Counts());
  app.initState(Mode, "Menu");
  app.insertScheduleAfter(FixedUpdate, Physics);
  app.addSystems(OnEnter(Mode.Playing), function enter_playing() { counts.enters += 1; counts.entered = ${bonus}; });
  app.addSystems(OnExit(Mode.Playing), function exit_playing() { counts.exits += 1; });
  app.addSystems(Update, system(function while_playing() { counts.gated += 1; }).runIf(inState(Mode.Playing)));
  app.addSystems(Physics, function integrate() { counts.physics += 1; counts.physicsBody = ${bonus}; });
  ${extra}
}
`;
}

let dir: string;
let events: HotEvent[];
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "hotloop-live-states-"));
  writeFileSync(join(dir, "game.ts"), game());
  events = [];
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

type Counts = { enters: number; exits: number; entered: number; gated: number; physics: number; physicsBody: number };

async function start() {
  const clock = new ManualClock();
  const app = new App({ clock });
  const reloader = await GameReloader.start(app, { entry: join(dir, "game.ts"), reporter: (e) => events.push(e), watch: false, show: (p) => p.slice(dir.length + 1) });
  const step = (n = 1) => {
    for (let i = 0; i < n; i++) {
      clock.advance(1000 / 64);
      app.update();
    }
  };
  const counts = () => app.resources.findByName("Counts")!.value as Counts;
  /** The state type as the module defines it now (a new module instance after each save). */
  const mode = async () => ((await import(join(dir, "game.ts"))) as { Mode: States<"Menu" | "Playing" | "Paused"> }).Mode;
  const save = async (text: string) => {
    writeFileSync(join(dir, "game.ts"), text);
    await reloader.reload([join(dir, "game.ts")]);
  };
  step();
  return { app, reloader, step, counts, mode, save };
}

describe("states across TypeScript reloads", () => {
  test("a save keeps the state's value and does not run OnEnter again; the new OnEnter body runs at the next entry", async () => {
    const { app, reloader, step, counts, mode, save } = await start();
    const Mode = await mode();
    app.nextState(Mode.Playing);
    step(3);
    expect([app.state(Mode).name, counts().enters, counts().entered, counts().gated]).toEqual(["Playing", 1, 1, 3]);

    await save(game({ bonus: 2 }));
    step(2);
    expect(reloader.version).toBe(2);
    const Reloaded = await mode();
    expect(app.state(Reloaded)).toBe(Reloaded.Playing); // kept
    expect(Reloaded).toBe(Mode); // the same variants: the same definition, so values compare with ===
    expect([counts().enters, counts().entered, counts().exits]).toEqual([1, 1, 0]); // OnEnter not run by the reload
    expect(counts().gated).toBe(5); // still gated in, through the new condition
    expect(counts().physicsBody).toBe(2); // the schedule of its own runs the new body

    app.nextState(Reloaded.Menu);
    step();
    app.nextState(Reloaded.Playing);
    step();
    expect([counts().exits, counts().enters, counts().entered]).toEqual([1, 2, 2]); // the new body, at the next entry
    expect(events.filter((e) => e.type === "game" && e.status !== "ok").map(formatEvent)).toEqual([]);
  });

  test("the schedule of its own keeps one place in the frame order and runs once a frame across saves", async () => {
    const { app, step, counts, save } = await start();
    step(4);
    await save(game({ bonus: 3 }));
    step();
    await save(game({ bonus: 4 }));
    step(5);
    expect(app.frameOrder().map((l) => l.name)).toEqual(["First", "PreUpdate", "StateTransition", "FixedUpdate", "Physics", "Update", "PostUpdate", "Render", "Last"]);
    expect(app.frameOrder().indexOf(FixedUpdate)).toBe(3);
    expect([counts().physics, counts().physicsBody]).toEqual([11, 4]);
  });

  test("an OnEnter system added by a save runs at the next entry, not at the save", async () => {
    const { app, step, counts, mode, save } = await start();
    app.nextState((await mode()).Playing);
    step();
    await save(game({ extra: `app.addSystems(OnEnter(Mode.Playing), function enter_again() { counts.enters += 100; });` }));
    step(3);
    expect(counts().enters).toBe(1);
    const Mode = await mode();
    app.nextState(Mode.Paused);
    step();
    app.nextState(Mode.Playing);
    step();
    expect(counts().enters).toBe(102);
  });

  test("a variant added at the end is taken; other changes to the variants are refused with one line, the game running on", async () => {
    const { app, reloader, step, mode, save } = await start();
    app.nextState((await mode()).Paused);
    step();
    await save(game({ variants: `"Menu", "Playing", "Paused", "Won"` }));
    step();
    expect(reloader.version).toBe(2);
    const Wider = (await mode()) as unknown as States<"Menu" | "Playing" | "Paused" | "Won">;
    expect(app.state(Wider)).toBe(Wider.Paused);
    app.nextState(Wider.Won);
    step();
    expect(app.state(Wider).name).toBe("Won");

    await save(game({ variants: `"Menu", "Paused", "Playing", "Won"` }));
    step(3);
    expect(reloader.version).toBe(2);
    const refused = events.filter((e) => e.type === "game" && e.status === "refused").map(formatEvent);
    expect(refused).toHaveLength(1);
    expect(refused[0]).toContain("state Mode: its variants changed from Menu, Playing, Paused, Won to Menu, Paused, Playing, Won: a running game takes new variants at the end only; restart it to use these");
    expect(app.state(Wider).name).toBe("Won");
  });
});
