/**
 * The bevy-like example's gameplay, as a plugin: a player moved by the hot `player_movement`,
 * coins spun by the hot `coin_spin` and collected for score by the hot `collect_coins` (both
 * placed in FixedUpdate by the Rust library itself; collect_coins despawns with Commands, scores
 * with ResMut<Score> and sends CoinCollected), and a TypeScript system that answers each
 * CoinCollected with a new coin. Rounds are a state, GameState: Menu → Playing → GameOver → Menu
 * (a key starts a round; Rust's start_round runs on entering it, its round_clock ends it).
 * Drawing and the headless report are plugins of their own (render.ts, headless.ts); game.ts
 * puts them together.
 */
import { defineQuery, FixedUpdate, GamepadAxis, GlobalRng, GamepadButton, inState, Key, PreUpdate, spawn, Startup, system, Update, type App, type SystemContext, type World } from "hotloop";
import { Appearance, Coin, CoinCollected, components, GameState, Player, Position, PrevPosition, Round, Score, Velocity } from "./components.ts";
import { hotSystem } from "./systems.gen.ts";

/** The world's size in pixels; examples/bevy-like/systems keeps the player inside it. */
export const ARENA = { width: 1600, height: 900 } as const;
/** The window's size: the camera (Rust's camera_follow) shows this much of the world. */
export const VIEW = { width: 800, height: 450 } as const;
/** Coins on the field at any time. */
export const COINS = 12;
/** A new coin's radius: edit it while `bun run dev --features reload` runs. */
const COIN_RADIUS = 10;
const COIN_COLOR = 0xffd23cff;

/** Held, any of them starts a round from the menu; Enter or Space pressed does too, and leaves the game-over screen. */
const MOVE_KEYS = [Key.RIGHT, Key.LEFT, Key.UP, Key.DOWN, Key.W, Key.A, Key.S, Key.D];
/** The same on gamepad 0: the d-pad held or the left stick leaning starts a round; A (Xbox; cross on PlayStation) or Start is Enter. */
const MOVE_BUTTONS = [GamepadButton.LEFT_FACE_RIGHT, GamepadButton.LEFT_FACE_LEFT, GamepadButton.LEFT_FACE_UP, GamepadButton.LEFT_FACE_DOWN];
const CONFIRM_BUTTONS = [GamepadButton.RIGHT_FACE_DOWN, GamepadButton.MIDDLE_RIGHT];

/** The player's entity id, set at Startup. */
export class PlayerEntity {
  constructor(readonly id: number) {}
}

/** Spawns a coin somewhere inside the arena. */
function spawnCoin(world: World, rng: GlobalRng): number {
  const margin = 40;
  const x = rng.range(margin, ARENA.width - margin);
  const y = rng.range(margin, ARENA.height - margin);
  return spawn(world, [Position, { x, y }], [PrevPosition, { x, y }], [Coin, { phase: rng.range(0, 6.28) }], [Appearance, { color: COIN_COLOR, radius: COIN_RADIUS }]);
}

/** The gameplay: components, resources, the Startup setup and the fixed-step systems. */
export function Gameplay(app: App): void {
  app.registerComponents(...components);
  app.insertResource(new Score());
  app.insertResource(new Round());
  // Kept across TypeScript saves: a save while Playing goes on playing (OnEnter does not run again).
  app.initState(GameState, "Menu");
  app.addEvent(CoinCollected);
  // The app's generator, not one of the game's own: its state is in every snapshot, so a rewind
  // or a replay puts the same coins in the same places (and Rust systems could draw from it too).
  const rng = app.resource(GlobalRng);
  const movers = defineQuery(app.world, [Position, PrevPosition]);
  const collected = app.eventReader(CoinCollected);

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
    // coin_spin and collect_coins are placed by the Rust library itself (export! { FixedUpdate: [...] }).
  );

  // The menu and the game-over screen: a request is applied right after PreUpdate (StateTransition),
  // so a round started by a key moves the player in that same frame.
  const pressed = ({ input }: SystemContext) => input.isKeyPressed(Key.ENTER) || input.isKeyPressed(Key.SPACE) || CONFIRM_BUTTONS.some((b) => input.gamepadPressed(0, b));
  const moving = ({ input }: SystemContext) =>
    MOVE_KEYS.some((k) => input.isKeyDown(k)) ||
    MOVE_BUTTONS.some((b) => input.gamepadDown(0, b)) ||
    Math.abs(input.gamepadAxis(0, GamepadAxis.LEFT_X)) > 0.5 ||
    Math.abs(input.gamepadAxis(0, GamepadAxis.LEFT_Y)) > 0.5;
  app.addSystems(
    PreUpdate,
    system(function start_on_key(ctx: SystemContext) {
      if (pressed(ctx) || moving(ctx)) ctx.app.nextState(GameState.Playing);
    }).runIf(inState(GameState.Menu)),
    system(function back_to_menu(ctx: SystemContext) {
      if (pressed(ctx)) ctx.app.nextState(GameState.Menu);
    }).runIf(inState(GameState.GameOver)),
  );

  // Each coin Rust collected comes back somewhere else: the event crosses from Rust to TypeScript.
  app.addSystems(Update, function respawn_coins({ world }: SystemContext) {
    for (let n = collected.read().length; n > 0; n--) spawnCoin(world, rng);
  });
}
