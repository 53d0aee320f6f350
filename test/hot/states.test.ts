/**
 * States from Rust, built by cargo and run in a real App (test/fixtures/states-fixture): systems
 * placed on OnEnter / OnExit by `export!`, systems gated with `run_if(in_state(..))`, the state
 * read with `Res<State<S>>` and changed with `ResMut<NextState<S>>`; a rebuild keeps the
 * placements and the state (OnEnter does not run again); an enum whose variants are not the app's
 * is refused for the systems that read it, with one line.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { copyFileSync } from "node:fs";
import { join } from "node:path";
import { App, defineState, ManualClock, yieldToEventLoop } from "../../src/core/index.ts";
import { spawn } from "../../src/ecs/index.ts";
import { formatEvent, HotPlugin, HotReloader, type HotEvent } from "../../src/hot/index.ts";
import { Position, Stamp, Tally, Trap, Velocity } from "../fixtures/hot-fixture/components.ts";
import { Fixture } from "../support/fixture.ts";

const SLOW = 300_000;
const Phase = defineState("Phase", ["Lobby", "Round", "Over"]);

describe("states from Rust", () => {
  let fixture: Fixture;
  let app: App;
  let reloader: HotReloader;
  const clock = new ManualClock();
  const events: HotEvent[] = [];
  let tally: InstanceType<typeof Tally>;
  let entity: number;

  const frame = async () => {
    clock.advance(1000 / 64); // one fixed step
    app.update();
    await Bun.sleep(2);
    await yieldToEventLoop();
  };
  const until = async (done: () => boolean, what: string, max = 1500) => {
    for (let n = 0; n < max; n++) {
      if (done()) return;
      await frame();
    }
    throw new Error(`${what} not reached within ${max} frames; events: ${events.map(formatEvent).join("\n")}`);
  };

  beforeAll(async () => {
    fixture = new Fixture("test/fixtures/states-fixture");
    copyFileSync(join(import.meta.dir, "../fixtures/hot-fixture/src/components.rs"), fixture.path("src/components.rs"));
    await fixture.build();
    app = new App({ clock });
    app.registerComponents(Position, Velocity, Stamp, Trap);
    tally = app.insertResource(new Tally());
    app.initState(Phase, "Lobby");
    app.addPlugins(HotPlugin({ library: fixture.library, reload: true, debounceMs: 10, reporter: (e) => void events.push(e) }));
    reloader = app.resource(HotReloader);
    await reloader.ready();
    entity = spawn(app.world, [Position, { x: 0, y: 0 }], [Stamp, { value: 0 }]);
    await frame(); // the first frame: the library's systems placed, Lobby entered, Startup
  }, SLOW);

  afterAll(() => {
    app?.shutdown();
    fixture?.cleanup();
  });

  test("placed on OnEnter / OnExit, gated on the Round, the state read and changed from Rust", async () => {
    const placements = Object.fromEntries([...reloader.systems()].map(([name, s]) => [name, s.placement]));
    expect(placements).toEqual({
      start_round: "OnEnter(Phase.Round)",
      end_round: "OnExit(Phase.Round)",
      advance: "FixedUpdate",
      referee: "FixedUpdate after advance",
      watch: "FixedUpdate after referee",
    });
    for (let i = 0; i < 5; i++) await frame();
    // The Lobby: the gated systems do not run, the ungated one reads Lobby.
    expect([Position.x[entity], tally.value, tally.heard, tally.calls]).toEqual([0, 0, 1, 5]);

    app.nextState(Phase.Round);
    await frame();
    // OnEnter(Round) ran Rust's start_round before this frame's fixed step, which ran advance.
    expect([tally.value, Stamp.value[entity], Position.x[entity], tally.heard]).toEqual([1, 1, 1, 2]);
    expect(app.state(Phase)).toBe(Phase.Round);

    // At x = 3 the Rust referee asks for Over (NextState): applied at the next frame's StateTransition.
    await frame();
    await frame();
    expect([Position.x[entity], app.state(Phase)]).toEqual([3, Phase.Round]);
    await frame();
    expect(app.state(Phase)).toBe(Phase.Over);
    expect([Position.x[entity], tally.last, tally.heard]).toEqual([3, 1, 3]); // OnExit(Round) ran end_round; advance stopped
    for (let i = 0; i < 3; i++) await frame();
    expect(Position.x[entity]).toBe(3);
    expect(events.filter((e) => e.type === "panic")).toEqual([]);
  }, SLOW);

  test("a rebuild keeps the placements and the state; OnEnter runs the new code at the next entry, not at the swap", async () => {
    const version = reloader.version;
    fixture.setConst("STAMP", "2");
    await fixture.build();
    await until(() => reloader.version > version, "the rebuild swapped in");
    for (let i = 0; i < 3; i++) await frame();
    expect(app.state(Phase)).toBe(Phase.Over);
    expect([tally.value, Stamp.value[entity]]).toEqual([1, 1]); // nothing entered again
    expect(reloader.systems().get("start_round")).toMatchObject({ version: reloader.version, placement: "OnEnter(Phase.Round)" });
    Position.x[entity] = 0;
    app.nextState(Phase.Round);
    await frame();
    expect([tally.value, Stamp.value[entity], app.state(Phase)]).toEqual([2, 2, Phase.Round]);
  }, SLOW);

  test("an enum whose variants are not the app's: the systems reading the state keep their code, with one line each", async () => {
    const version = reloader.version;
    fixture.edit("pub enum Phase { Lobby, Round, Over }", "pub enum Phase { Lobby, Over, Round }");
    fixture.setConst("STAMP", "3");
    await fixture.build();
    await until(() => reloader.version > version, "the rebuild swapped in");
    const reason = (system: string, resource: string) =>
      `system ${system} takes ${resource}, but the library's state! Phase has the variants Lobby, Over, Round and the app's defineState("Phase") has Lobby, Round, Over: list the same variants, in the same order, on both sides`;
    const lines = events.map(formatEvent);
    expect(lines).toContain(`hotloop: kept system advance on v${version}: ${reason("advance", "State<Phase>")} (the rest of v${reloader.version} runs)`);
    expect(lines).toContain(`hotloop: kept system referee on v${version}: ${reason("referee", "State<Phase>")} (the rest of v${reloader.version} runs)`);
    expect(lines).toContain(`hotloop: kept system watch on v${version}: ${reason("watch", "State<Phase>")} (the rest of v${reloader.version} runs)`);
    // start_round does not read the state: it swaps in, still on OnEnter(Round) by the app's name for it.
    expect(reloader.systems().get("start_round")).toMatchObject({ version: reloader.version });
    app.nextState(Phase.Lobby);
    await frame();
    app.nextState(Phase.Round);
    await frame();
    expect([tally.value, Stamp.value[entity]]).toEqual([3, 3]);
  }, SLOW);
});
