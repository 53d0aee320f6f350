/**
 * The bevy-like example's gameplay, as a plugin: a player moved by the hot `player_movement`,
 * coins spun by the hot `coin_spin` (placed in FixedUpdate by the Rust library itself) and
 * collected for score by a TypeScript system. Drawing and
 * the headless report are plugins of their own (render.ts, headless.ts); game.ts puts them together.
 */
import { defineQuery, FixedUpdate, hasComponent, spawn, Startup, system, type App, type SystemContext, type World } from "hotloop";
import { Appearance, Coin, components, Player, Position, PrevPosition, Velocity } from "./components.ts";
import { hotSystem } from "./systems.gen.ts";

/** The arena's size in pixels (the window's); examples/bevy-like/systems keeps the player inside it. */
export const ARENA = { width: 800, height: 450 } as const;
/** Coins on the field at any time. */
export const COINS = 6;
const COIN_RADIUS = 10;
/** Score for one coin: edit it while `bun run dev --features reload` runs. */
const POINTS_PER_COIN = 1;
const COIN_COLOR = 0xffd23cff;

/** The score: coins collected. */
export class Score {
  value = 0;
}

/** The player's entity id, set at Startup. */
export class PlayerEntity {
  constructor(readonly id: number) {}
}

/** A small deterministic generator, so coin positions repeat from run to run (and in tests). */
export class Rng {
  #state: number;
  constructor(seed = 0x2545f491) {
    this.#state = seed >>> 0 || 1;
  }
  /** A float in [0, 1). */
  next(): number {
    let x = this.#state;
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    this.#state = x >>> 0;
    return this.#state / 0x1_0000_0000;
  }
}

/** Spawns a coin somewhere inside the arena. */
function spawnCoin(world: World, rng: Rng): number {
  const margin = 40;
  const x = margin + rng.next() * (ARENA.width - 2 * margin);
  const y = margin + rng.next() * (ARENA.height - 2 * margin);
  return spawn(world, [Position, { x, y }], [PrevPosition, { x, y }], [Coin, { phase: rng.next() * 6.28 }], [Appearance, { color: COIN_COLOR, radius: COIN_RADIUS }]);
}

/** The gameplay: components, resources, the Startup setup and the fixed-step systems. */
export function Gameplay(app: App): void {
  app.registerComponents(...components);
  app.insertResource(new Score());
  const rng = app.insertResource(new Rng());
  const movers = defineQuery(app.world, [Position, PrevPosition]);
  const coins = defineQuery(app.world, [Coin, Position, Appearance]);

  app.addSystems(Startup, function setup({ world, app }: SystemContext) {
    const x = ARENA.width / 2;
    const y = ARENA.height / 2;
    const player = spawn(world, Player, [Position, { x, y }], [PrevPosition, { x, y }], Velocity, [Appearance, { color: 0xffffffff, radius: 16 }]);
    app.insertResource(new PlayerEntity(player));
    for (let i = 0; i < COINS; i++) spawnCoin(world, rng);
  });

  app.addSystems(
    FixedUpdate,
    system(function remember_previous() {
      for (const e of movers.ids()) {
        PrevPosition.x[e] = Position.x[e]!;
        PrevPosition.y[e] = Position.y[e]!;
      }
    }).before("player_movement"),
    hotSystem("player_style").before("player_movement"),
    hotSystem("player_movement"),
    // coin_spin is placed by the Rust library itself (export! { FixedUpdate: [coin_spin...] }).
    system(function collect_coins({ world, resource }: SystemContext) {
      const player = resource(PlayerEntity).id;
      if (!hasComponent(world, player, Player)) return;
      const px = Position.x[player]!;
      const py = Position.y[player]!;
      const reach = Appearance.radius[player]!;
      for (const coin of coins.ids()) {
        const dx = Position.x[coin]! - px;
        const dy = Position.y[coin]! - py;
        const r = reach + Appearance.radius[coin]!;
        if (dx * dx + dy * dy > r * r) continue;
        resource(Score).value += POINTS_PER_COIN;
        app.context.despawn(coin);
        spawnCoin(world, rng);
      }
    }).after("player_movement"),
  );
}
