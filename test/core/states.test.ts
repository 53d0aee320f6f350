/**
 * States (Bevy's States): the initial value entered before Startup, requests applied in
 * StateTransition right after PreUpdate, OnExit then OnEnter, identity requests ignored, inState
 * gating, the value kept when initState runs again (as a TypeScript reload runs it), and the two
 * carrier resources Rust reads and writes.
 */
import { describe, expect, test } from "bun:test";
import {
  App, defineState, First, FixedUpdate, inState, Last, ManualClock, OnEnter, OnExit, PreUpdate, Startup, StateTransition, system, Update,
  type SystemContext,
} from "../../src/core/index.ts";
import { nativeResourceOf } from "../../src/ecs/index.ts";

const GameState = defineState("GameState", ["Menu", "Playing", "GameOver"]);

/** The lines `run` writes with console.error. */
function captureStderr(run: () => void): string {
  const error = console.error;
  const lines: string[] = [];
  console.error = (...args: unknown[]) => void lines.push(args.join(" "));
  try {
    run();
  } finally {
    console.error = error;
  }
  return lines.join("\n");
}

function manualApp() {
  const clock = new ManualClock();
  const app = new App({ clock });
  const frame = () => {
    clock.advance(1000 / 64); // one fixed step a frame
    app.update();
  };
  return { app, clock, frame };
}

/** Logs OnEnter / OnExit of every GameState value. */
function logTransitions(app: App, log: string[]): void {
  for (const value of GameState.values) {
    app.addSystems(OnEnter(value), ({ app: a }) => void log.push(`enter ${value.name} (state ${a.state(GameState).name})`));
    app.addSystems(OnExit(value), ({ app: a }) => void log.push(`exit ${value.name} (state ${a.state(GameState).name})`));
  }
}

describe("states", () => {
  test("the initial value is entered on the first frame before Startup; requests apply after PreUpdate, in the same frame", () => {
    const { app, frame } = manualApp();
    const log: string[] = [];
    app.initState(GameState, "Menu");
    logTransitions(app, log);
    app.addSystems(Startup, () => void log.push("Startup"));
    app.addSystems(First, () => void log.push("First"));
    app.addSystems(PreUpdate, function start_on_key({ app: a }: SystemContext) {
      log.push("PreUpdate");
      if (a.time.frame === 2) a.nextState(GameState.Playing);
    });
    app.addSystems(FixedUpdate, ({ app: a }) => void log.push(`FixedUpdate in ${a.state(GameState).name}`));
    frame();
    expect(log).toEqual(["enter Menu (state Menu)", "Startup", "First", "PreUpdate"]); // the first frame owes no fixed step
    expect(app.state(GameState)).toBe(GameState.Menu);
    log.length = 0;
    frame();
    // As in Bevy: the state already holds the new value while OnExit runs, then OnEnter.
    expect(log).toEqual(["First", "PreUpdate", "exit Menu (state Playing)", "enter Playing (state Playing)", "FixedUpdate in Playing"]);
    expect(app.state(GameState)).toBe(GameState.Playing);
    expect(app.frameOrder().map((l) => l.name)).toEqual(["First", "PreUpdate", "StateTransition", "FixedUpdate", "Update", "PostUpdate", "Render", "Last"]);
    expect(app.startupOrder()).toEqual([StateTransition, Startup]);
  });

  test("a request for the current value runs nothing; the last request before StateTransition wins; one made during OnEnter waits a frame", () => {
    const { app, frame } = manualApp();
    const log: string[] = [];
    app.initState(GameState, GameState.Playing);
    logTransitions(app, log);
    frame();
    log.length = 0;
    app.nextState(GameState.Playing);
    frame();
    expect(log).toEqual([]); // identity: Bevy's OnEnter/OnExit ignore it too
    app.nextState(GameState.Menu);
    app.nextState(GameState.GameOver);
    frame();
    expect(log).toEqual(["exit Playing (state GameOver)", "enter GameOver (state GameOver)"]);
    log.length = 0;
    app.addSystems(OnEnter(GameState.Menu), ({ app: a }) => a.nextState(GameState.Playing));
    app.nextState(GameState.Menu);
    frame();
    expect(log).toEqual(["exit GameOver (state Menu)", "enter Menu (state Menu)"]);
    expect(app.state(GameState)).toBe(GameState.Menu);
    frame();
    expect(app.state(GameState)).toBe(GameState.Playing);
  });

  test("inState gates systems: they run in frames where the state has that value, including the frame it is entered", () => {
    const { app, frame } = manualApp();
    const ran: string[] = [];
    app.initState(GameState);
    app.addSystems(Update, system(() => void ran.push("menu")).runIf(inState(GameState.Menu)).named("menu_only"));
    app.addSystems(Update, system(() => void ran.push("playing")).runIf(inState(GameState.Playing)).named("playing_only"));
    frame();
    app.nextState(GameState.Playing);
    frame();
    frame();
    app.nextState(GameState.GameOver);
    frame();
    expect(ran).toEqual(["menu", "playing", "playing"]);
  });

  test("inState of a state the app lacks is false, with one warning", () => {
    const { app, frame } = manualApp();
    const Other = defineState("StatesTestOther", ["A", "B"]);
    let runs = 0;
    app.addSystems(Update, system(() => void runs++).runIf(inState(Other.A)));
    const err = captureStderr(() => {
      frame();
      frame();
    });
    expect(runs).toBe(0);
    expect(err.split("\n").filter(Boolean)).toEqual([
      "hotloop: warning: inState(StatesTestOther.A): the app has no state StatesTestOther (app.initState(StatesTestOther)): the systems it gates do not run (said once)",
    ]);
    app.initState(Other);
    frame();
    expect(runs).toBe(1);
  });

  test("initState again (a TypeScript reload runs the plugin again) keeps the value and does not enter it again; new variants at the end are taken", () => {
    const { app, frame } = manualApp();
    let entered = 0;
    app.initState(GameState, "Menu");
    app.addSystems(OnEnter(GameState.Playing), () => void entered++);
    frame();
    app.nextState(GameState.Playing);
    frame();
    expect(entered).toBe(1);
    // The module evaluated again: the same definition comes back, and the plugin asks for Menu again.
    expect(defineState("GameState", ["Menu", "Playing", "GameOver"])).toBe(GameState);
    app.initState(defineState("GameState", ["Menu", "Playing", "GameOver"]), "Menu");
    frame();
    expect(app.state(GameState)).toBe(GameState.Playing);
    expect(entered).toBe(1);
    // A variant added at the end: a new definition, the value and the pending request kept by index.
    const Wider = defineState("StatesTestWider", ["Menu", "Playing"]);
    app.initState(Wider, "Playing");
    frame();
    app.nextState(Wider.Menu);
    const Widened = defineState("StatesTestWider", ["Menu", "Playing", "Paused"]);
    expect(Widened).not.toBe(Wider);
    app.initState(Widened, "Menu");
    expect(app.state(Widened)).toBe(Widened.Playing);
    frame();
    expect(app.state(Widened)).toBe(Widened.Menu);
    app.nextState(Widened.Paused);
    frame();
    expect(app.state(Widened).name).toBe("Paused");
    expect(app.scheduleNamed("OnEnter(StatesTestWider.Paused)")).toBe(OnEnter(Widened.Paused));
    expect(nativeResourceOf(app.resources.findByName("State<StatesTestWider>")?.value)?.struct.layout.text).toBe("State<StatesTestWider>{Menu|Playing|Paused:u32}");
    // Any other change to the variants needs a restart, and says so.
    expect(() => app.initState(defineState("StatesTestWider", ["Menu", "Paused"]))).toThrow(
      "state StatesTestWider: its variants changed from Menu, Playing, Paused to Menu, Paused: a running game takes new variants at the end only; restart it to use these",
    );
  });

  test("Rust's view: State<S> holds the index (read-only), NextState<S> takes index + 1 and is applied like nextState; a bad value is ignored with a warning", () => {
    const { app, frame } = manualApp();
    app.initState(GameState, "Menu");
    frame();
    const state = nativeResourceOf(app.resources.findByName("State<GameState>")?.value)!;
    const next = nativeResourceOf(app.resources.findByName("NextState<GameState>")?.value)!;
    expect(state.struct.layout.text).toBe("State<GameState>{Menu|Playing|GameOver:u32}");
    expect(next.struct.layout.text).toBe("NextState<GameState>{Menu|Playing|GameOver:u32}");
    expect(state.readOnly).toBe(true); // ResMut<State<GameState>> is refused; NextState is the way to ask
    expect(next.readOnly).toBe(false);
    expect(app.resources.insertedBy(app.resources.findByName("State<GameState>")!.key)).toBeUndefined(); // hotloop's own: an inspector does not edit it
    const word = (r: typeof state) => new Uint32Array(r.bytes, 0, 1);
    expect(word(state)[0]).toBe(0);
    word(next)[0] = GameState.GameOver.index + 1; // what `next.set(GameState::GameOver)` writes
    frame();
    expect(app.state(GameState)).toBe(GameState.GameOver);
    expect([word(state)[0], word(next)[0]]).toEqual([2, 0]);
    app.nextState(GameState.Playing);
    expect(word(next)[0]).toBe(2); // TypeScript's request is in the same bytes: Rust sees it pending
    frame();
    expect(word(state)[0]).toBe(1);
    word(next)[0] = 9;
    const err = captureStderr(() => {
      frame();
      word(next)[0] = 9;
      frame();
    });
    expect(app.state(GameState)).toBe(GameState.Playing);
    expect(err.trim()).toBe("hotloop: warning: NextState<GameState> holds 9, which is none of its 3 variants: ignored (said once)");
  });

  test("states apply in the order they were initialised; a state initialised while the game runs is entered at the next StateTransition", () => {
    const { app, frame } = manualApp();
    const Music = defineState("StatesTestMusic", ["Quiet", "Loud"]);
    const log: string[] = [];
    app.initState(GameState);
    app.addSystems(OnEnter(GameState.Playing), () => void log.push("playing"));
    app.addSystems(OnEnter(Music.Quiet), () => void log.push("quiet"));
    app.addSystems(OnEnter(Music.Loud), () => void log.push("loud"));
    app.addSystems(Last, () => void log.push("Last"));
    frame();
    expect(log).toEqual(["Last"]);
    app.initState(Music);
    app.nextState(Music.Loud);
    app.nextState(GameState.Playing);
    frame();
    expect(log).toEqual(["Last", "playing", "quiet", "loud", "Last"]);
  });

  test("a request made by the first OnEnter waits for the next StateTransition (after PreUpdate), not the one before Startup", () => {
    const { app, frame } = manualApp();
    const Phase = defineState("StatesTestPhase", ["Intro", "Main"]);
    const log: string[] = [];
    app.initState(Phase);
    app.addSystems(OnEnter(Phase.Intro), ({ app }) => {
      log.push("intro");
      app.nextState(Phase.Main);
    });
    app.addSystems(OnEnter(Phase.Main), () => void log.push("main"));
    app.addSystems(Startup, () => void log.push("startup"));
    app.addSystems(Last, () => void log.push("Last"));
    frame();
    expect(log).toEqual(["intro", "startup", "main", "Last"]);
  });

  test("one-line errors: bad names and variants, an initial value not of the state, a state the app lacks", () => {
    const { app } = manualApp();
    expect(() => defineState("game_state", ["A"])).toThrow('defineState("game_state"): a state\'s name is a Rust type name');
    expect(() => defineState("Empty", [])).toThrow("a state needs at least one variant");
    expect(() => defineState("Twice", ["A", "A"])).toThrow("variant A is listed twice");
    expect(() => defineState("Lower", ["menu"])).toThrow('variant "menu" must be a Rust enum variant name');
    const Other = defineState("StatesTestErrors", ["A", "B"]);
    expect(() => app.initState(GameState, "Paused" as never)).toThrow('app.initState(GameState, "Paused"): not one of GameState\'s variants (Menu, Playing, GameOver)');
    expect(() => app.initState(GameState, Other.A as never)).toThrow("app.initState(GameState, StatesTestErrors.A): not one of GameState's variants");
    expect(() => app.state(Other)).toThrow("app.state(StatesTestErrors): the app has no state StatesTestErrors: call app.initState(StatesTestErrors) first");
    expect(() => app.nextState(Other.B)).toThrow("app.nextState(StatesTestErrors.B): the app has no state StatesTestErrors");
    expect(String(GameState.Playing)).toBe("GameState.Playing");
    expect(OnEnter(GameState.Playing).name).toBe("OnEnter(GameState.Playing)");
    expect(OnExit(GameState.Playing)).toBe(OnExit(defineState("GameState", ["Menu", "Playing", "GameOver"]).Playing));
  });
});
