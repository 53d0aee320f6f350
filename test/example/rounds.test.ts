/**
 * The bevy-like example's rounds, a state shared by TypeScript and Rust, through a whole cycle:
 * Menu → (a key) Playing → (Rust's round_clock, after ROUND_SECONDS) GameOver → (Enter) Menu →
 * Playing again. Rust's start_round runs on each entry into Playing; Rust's collect_coins scores
 * only while Playing.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { First, Key, ManualClock, type App } from "../../src/core/index.ts";
import { defineQuery } from "../../src/ecs/index.ts";
import { Coin, GameState, Position, Round, Score } from "../../examples/bevy-like/src/components.ts";
import { PlayerEntity } from "../../examples/bevy-like/src/gameplay.ts";
import { EXAMPLE_CRATE, exampleApp } from "../support/example.ts";
import { Fixture } from "../support/fixture.ts";

const SLOW = 300_000;
const ROUND_SECONDS = 30; // ROUND_SECONDS in examples/bevy-like/systems/src/round.rs

describe("bevy-like example: menu → playing → game over → menu", () => {
  let crate: Fixture;
  let app: App;
  const clock = new ManualClock();
  const lines: string[] = [];
  const frame = (ms = 1000 / 64) => {
    clock.advance(ms);
    app.update();
  };
  /** Key changes for the next frame, applied in First as a window's input would be (so a press is seen as one). */
  const keys: [number, boolean][] = [];
  const key = (code: number, down: boolean) => void keys.push([code, down]);
  /** Puts a coin under the player: Rust's collect_coins takes it at the next fixed step while Playing. */
  const coinUnderPlayer = () => {
    const player = app.resource(PlayerEntity).id;
    const coin = defineQuery(app.world, [Coin]).ids()[0]!;
    Position.x[coin] = Position.x[player]!;
    Position.y[coin] = Position.y[player]!;
  };

  beforeAll(async () => {
    crate = new Fixture(EXAMPLE_CRATE);
    await crate.build();
    app = await exampleApp({ reload: false, headless: true, library: crate.library, clock, reporter: (e) => void lines.push(JSON.stringify(e)) });
    app.addSystems(First, function test_keys({ input }) {
      for (const [code, down] of keys.splice(0)) input.setKey(code, down);
    });
  }, SLOW);

  afterAll(() => {
    app?.shutdown();
    crate?.cleanup();
  });

  test("a full cycle, twice into Playing", () => {
    frame(); // the first frame: the Menu entered, Startup
    expect(app.state(GameState)).toBe(GameState.Menu);
    coinUnderPlayer();
    frame();
    frame();
    expect(app.resource(Score).value).toBe(0); // in the menu no coin is collected

    // A key starts the round in the frame it is pressed; Rust's start_round fills the clock.
    key(Key.ENTER, true);
    frame();
    key(Key.ENTER, false);
    expect(app.state(GameState)).toBe(GameState.Playing);
    expect(app.resource(Score).value).toBe(1); // the coin under the player, taken at this frame's fixed step
    expect(app.resource(Round).seconds_left).toBeCloseTo(ROUND_SECONDS - 1 / 64, 4);

    // Rust's round_clock runs out: it asks for GameOver, applied at the next frame's StateTransition.
    let frames = 0;
    for (; frames < ROUND_SECONDS * 8 && app.state(GameState) === GameState.Playing; frames++) frame(250); // 16 fixed steps a frame
    expect(frames).toBe(ROUND_SECONDS * 4 + 1); // the clock ran out at the 120th frame; GameOver applied at the next
    expect(app.state(GameState)).toBe(GameState.GameOver);
    expect(app.resource(Round).seconds_left).toBe(0);
    const final = app.resource(Score).value;
    coinUnderPlayer();
    frame();
    frame();
    expect(app.resource(Score).value).toBe(final); // the round is over: coins are not collected

    // Enter leaves the game-over screen; in the menu a movement key starts the next round.
    key(Key.SPACE, true);
    frame();
    key(Key.SPACE, false);
    expect(app.state(GameState)).toBe(GameState.Menu);
    frame();
    expect(app.state(GameState)).toBe(GameState.Menu); // Space was pressed once: no new round by itself
    key(Key.D, true);
    frame();
    expect(app.state(GameState)).toBe(GameState.Playing);
    // start_round ran again (score 0, a full clock), then the coin left under the player is taken.
    expect(app.resource(Score).value).toBe(1);
    expect(app.resource(Round).seconds_left).toBeGreaterThan(ROUND_SECONDS - 0.1);
    expect(lines.filter((l) => l.includes('"panic"'))).toEqual([]);
  });
});
