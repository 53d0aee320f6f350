/**
 * Edit anything in Rust live, on the bevy-like example's crate (a copy), built for real with cargo
 * while the example runs with reload on: a new system placed in a schedule runs from the next
 * frame; a system's query gains a component and a Res<Time> and runs with them; a removed system
 * stops; in one build, a system naming a component the app lacks is kept on its old code alone
 * while another system's constant takes effect. Entities stay where they were throughout.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { defineQuery, Key, ManualClock, type App } from "../../src/api/index.ts";
import { fnv1a64 } from "../../src/ecs/index.ts";
import { formatEvent, HotReloader, type HotEvent } from "../../src/hot/index.ts";
import { Appearance, Coin, Player, Position, Velocity } from "../../examples/bevy-like/src/components.ts";
import { EXAMPLE_CRATE, exampleApp, stepFrames } from "../support/example.ts";
import { Fixture } from "../support/fixture.ts";

const SLOW = 300_000;

describe("the example under reload: Rust edits beyond a body", () => {
  let crate: Fixture;
  let app: App;
  let reloader: HotReloader;
  const clock = new ManualClock();
  const events: HotEvent[] = [];
  const lines = () => events.map(formatEvent);

  beforeAll(async () => {
    crate = new Fixture(EXAMPLE_CRATE);
    await crate.build();
    app = await exampleApp({ reload: true, headless: true, library: crate.library, clock, reporter: (e) => void events.push(e) });
    reloader = app.resource(HotReloader);
    await reloader.ready();
  }, SLOW);

  afterAll(() => {
    app?.shutdown();
    crate?.cleanup();
  });

  const frames = (n: number) => stepFrames(app, clock, n);

  /** Builds the edited crate and runs frames until it is swapped in as `version`. */
  async function rebuilt(version: number): Promise<void> {
    await crate.build();
    for (let i = 0; i < 1000 && reloader.version < version; i++) await frames(1);
    expect(reloader.version).toBe(version);
  }

  const player = () => defineQuery(app.world, [Player]).ids()[0]!;
  const coin = () => defineQuery(app.world, [Coin]).ids()[0]!;

  test("a new system, a changed signature, a removal, and one bad system beside a good change", async () => {
    await frames(5);
    const p = player();
    const c = coin();
    const coins = defineQuery(app.world, [Coin]).ids().length;
    const start = [Position.x[p], Position.y[p]];

    // 1. A new system placed in FixedUpdate by the library: it runs from the next frame.
    crate.edit(
      "/// Spins the coins.",
      "/// Grows every coin by a pixel a step.\npub fn coin_grow(mut coins: Query<Write<Appearance>, With<Coin>>) {\n    for look in coins.iter_mut() {\n        *look.radius += 1.0;\n    }\n}\n\n/// Spins the coins.",
      "src/coins.rs",
    );
    crate.edit("pub use coins::{coin_spin, collect_coins};", "pub use coins::{coin_grow, coin_spin, collect_coins};");
    crate.edit("        round_clock.run_if(in_state(GameState::Playing)),\n    ],", "        round_clock.run_if(in_state(GameState::Playing)),\n        coin_grow,\n    ],");
    await rebuilt(2);
    expect(lines()).toContain("hotloop: added system coin_grow to FixedUpdate after round_clock");
    const grown = Appearance.radius[c]!;
    await frames(3);
    expect(Appearance.radius[c]).toBe(grown + 3);

    // 2. A query gains a component and a Res<Time>: the new signature runs from the next call.
    crate.edit(
      /pub fn player_style\(mut players: Query<Write<Appearance>, With<Player>>\) \{\n {4}for look in players.iter_mut\(\) \{\n {8}\*look.color = PLAYER_COLOR;\n {8}\*look.radius = PLAYER_RADIUS;/,
      "pub fn player_style(mut players: Query<(Write<Appearance>, Read<Velocity>), With<Player>>, time: Res<Time>) {\n    for (look, vel) in players.iter_mut() {\n        *look.color = PLAYER_COLOR;\n        *look.radius = PLAYER_RADIUS + 10.0 + vel.x.abs() * 0.0 + time.delta_f32() * 0.0;",
      "src/player.rs",
    );
    await rebuilt(3);
    expect(lines()).toContain(
      "hotloop: system player_style changed its signature from Query<Write<Appearance>, With<Player>> to Query<(Write<Appearance>, Read<Velocity>), With<Player>>, Res<Time>",
    );
    await frames(2);
    expect(Appearance.radius[p]).toBe(28);

    // 3. The new system taken out of its schedule: it stops running.
    crate.edit("        round_clock.run_if(in_state(GameState::Playing)),\n        coin_grow,\n    ],", "        round_clock.run_if(in_state(GameState::Playing)),\n    ],");
    crate.edit("pub use coins::{coin_grow, coin_spin, collect_coins};", "pub use coins::{coin_spin, collect_coins};");
    crate.edit("pub fn coin_grow(", "#[allow(dead_code)]\npub fn coin_grow(", "src/coins.rs");
    await rebuilt(4);
    expect(lines()).toContain("hotloop: removed system coin_grow from FixedUpdate after round_clock");
    const stopped = Appearance.radius[c]!;
    await frames(3);
    expect(Appearance.radius[c]).toBe(stopped);

    // 4. One build: coin_spin names a component the app lacks (kept on v4, alone), SPEED doubles (runs).
    const phase = Coin.phase[c]!;
    crate.edit("use components::*;", `use components::*;\nhotloop_sdk::component!(Spin, 0x${fnv1a64("Spin{rate:f32}")}, { rate: f32 });`, "src/coins.rs");
    crate.edit("pub fn coin_spin(mut coins: Query<Write<Coin>>, time: Res<Time>) {", "pub fn coin_spin(mut coins: Query<(Write<Coin>, Read<Spin>)>, time: Res<Time>) {", "src/coins.rs");
    crate.edit("for coin in coins.iter_mut() {", "for (coin, _spin) in coins.iter_mut() {", "src/coins.rs");
    crate.setConst("SPEED", "440.0", "src/player.rs");
    await rebuilt(5);
    expect(lines().filter((l) => l.startsWith("hotloop: kept"))).toEqual([
      "hotloop: kept system coin_spin on v4: system coin_spin uses component Spin, which the app has not registered (app.registerComponents(Spin)) (the rest of v5 runs)",
    ]);
    expect(lines().filter((l) => l.includes("refused"))).toEqual([]);
    app.input.setKey(Key.RIGHT, true);
    await frames(2);
    expect(Velocity.x[p]).toBe(440); // the other change runs
    expect(Coin.phase[c]).not.toBe(phase); // coin_spin still runs, on v4's code
    expect(reloader.systems().get("coin_spin")?.version).toBe(4);
    expect(reloader.loadedPaths()).toHaveLength(2); // v5, and v4 (coin_spin runs it; the rollback target): nothing older

    // Entities where they were: the same player, the same coins, nothing re-spawned.
    expect(player()).toBe(p);
    expect(defineQuery(app.world, [Coin]).ids().length).toBe(coins);
    expect(Position.y[p]).toBe(start[1]!);
  }, SLOW);
});
