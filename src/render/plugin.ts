/**
 * The raylib plugin: a window, input from it, and the Render schedule drawn into it.
 *
 *     new App()
 *       .addPlugins(RaylibPlugin({ width: 800, height: 450, title: "bevy-like" }))
 *       .addSystems(Render, (ctx) => ctx.resource(Raylib).drawText("hi", 10, 10, 20, Colors.BLACK));
 *
 * What it does to a frame:
 *  - at build: loads raylib (building it once if needed), opens the window, inserts the
 *    {@link Raylib} resource (Startup systems can already load and draw);
 *  - First, before its systems: applies raylib's keyboard, mouse and gamepad changes to the core
 *    `Input` and asks the app to exit once `WindowShouldClose()` (close button, ESC by default);
 *  - Render: its systems run between `BeginDrawing()` and `EndDrawing()` (EndDrawing also swaps
 *    and polls input events), even when a render system throws; after them, the app's draw list
 *    (`drawListOf(app)`, where Rust's `DrawList` writes too) is drawn in one call, through the
 *    app's `Camera2D` (its screen-space records outside it); what render systems draw with raylib
 *    directly is on the screen, outside the camera;
 *  - shutdown: unloads the textures `loadTexture` and the fonts `loadFont` loaded, closes the window.
 * It also adds an AudioPlugin (src/render/audio.ts: the `Audio` resource, sounds and music),
 * unless `audio: false`; headless, its device is "off" unless HOTLOOP_AUDIO or `audio.device`
 * asks for one.
 * It never calls SetTargetFPS: the App's runner paces frames.
 *
 * @module
 */
import {
  assetPath,
  Camera2D,
  DrawList,
  First,
  GAMEPAD_AXIS_COUNT,
  GAMEPAD_BUTTON_COUNT,
  isHeadless,
  MAX_GAMEPADS,
  oncePlugin,
  Render,
  type App,
  type Input,
  type Plugin,
  type SystemContext,
} from "../core/index.ts";
import {
  type Color,
  displayProblem,
  headlessRaylib,
  InputFlag,
  loadRaylibSync,
  MAX_KEYBOARD_KEYS,
  MOUSE_BUTTON_COUNT,
  Raylib,
  WindowOpenError,
} from "./raylib.ts";
import { RaylibSetupError } from "./build-raylib.ts";
import { Fonts } from "./fonts.ts";
import { Textures } from "./textures.ts";
import { Audio, AudioPlugin, type AudioPluginOptions } from "./audio.ts";
import { buildPlugin } from "../core/plugin.ts";
import { HOTLOOP_OWN } from "../core/resources.ts";

/** Options of {@link RaylibPlugin}. */
export interface RaylibPluginOptions {
  /** Window width in pixels. */
  readonly width: number;
  /** Window height in pixels. */
  readonly height: number;
  /** Window title (the starter's is the project's name). */
  readonly title: string;
  /**
   * The window's icon: an image in the project's asset folder (see `Assets`), travelling with a
   * released game like the other assets. One that cannot be loaded is a warning, not an error.
   */
  readonly icon?: string;
  /**
   * No window and no raylib: the {@link Raylib} resource is a no-op stand-in, so render systems
   * run but draw nothing, and Input is left to other sources. Default: the app has the core
   * `Headless` resource (`hotloop dev --headless`, or no display), or `HOTLOOP_HEADLESS=1`.
   */
  readonly headless?: boolean;
  /** Cleared to at the start of every Render; omit to leave clearing to your render systems. */
  readonly clearColor?: Color;
  /** raylib window flags (see `ConfigFlag`), applied before the window opens. */
  readonly configFlags?: number;
  /** The key that closes the window (raylib's default is ESC; `KeyboardKey.NULL` disables it). */
  readonly exitKey?: number;
  /** Request app exit when the window should close. Default true. */
  readonly exitOnClose?: boolean;
  /**
   * The AudioPlugin it adds (sounds and music, see `Audio`), with these options; `false`: none
   * (add your own AudioPlugin, or have no audio). Headless, its device defaults to "off" (no
   * sound, raylib's audio untouched) unless HOTLOOP_AUDIO says otherwise. Default: `{}`.
   */
  readonly audio?: false | AudioPluginOptions;
}

/**
 * Applies raylib's gamepads to Input, all four in one FFI call (`hl_poll_gamepads`): for a
 * connected pad, its button transitions (as for keys) and its axes; a pad raylib stops seeing is
 * disconnected in Input (its buttons released, its axes at rest). With no gamepad, as on most
 * frames, the call writes nothing and returns 0, and nothing else is done. Pads raylib never
 * reported are left alone, so a key script's gamepads survive in a window.
 */
function makeGamepadPoller(rl: Raylib): (input: Input) => void {
  const buttons = new Uint8Array(new ArrayBuffer(MAX_GAMEPADS * GAMEPAD_BUTTON_COUNT));
  const axes = new Float32Array(new ArrayBuffer(MAX_GAMEPADS * GAMEPAD_AXIS_COUNT * 4));
  const CHANGED = InputFlag.PRESSED | InputFlag.RELEASED;
  let before = 0; // the pads connected at the last poll, as bits
  return (input) => {
    const now = rl.shim.hl_poll_gamepads(buttons, axes, MAX_GAMEPADS, GAMEPAD_BUTTON_COUNT, GAMEPAD_AXIS_COUNT);
    if ((now | before) === 0) return;
    for (let pad = 0; pad < MAX_GAMEPADS; pad++) {
      const bit = 1 << pad;
      if ((now & bit) === 0) {
        if ((before & bit) !== 0) input.setGamepadConnected(pad, false);
        continue;
      }
      input.setGamepadConnected(pad, true);
      for (let b = 0; b < GAMEPAD_BUTTON_COUNT; b++) {
        const f = buttons[pad * GAMEPAD_BUTTON_COUNT + b]!;
        if ((f & CHANGED) !== 0) input.setGamepadButton(pad, b, (f & InputFlag.DOWN) !== 0);
      }
      for (let a = 0; a < GAMEPAD_AXIS_COUNT; a++) input.setGamepadAxis(pad, a, axes[pad * GAMEPAD_AXIS_COUNT + a]!);
    }
    before = now;
  };
}

/**
 * Applies raylib's key and mouse transitions to Input (pressed -> down, released -> up), so
 * Input's own pressed/released flags follow, then its gamepads ({@link makeGamepadPoller}).
 * Transitions rather than a mirror of the held state, so other input sources
 * (ScriptedInputPlugin, tests) can hold keys alongside a real window; once after
 * `Input.requestResync()` (a timeline resuming) the held state itself. Keys in
 * {@link Raylib.reservedKeys} (hotloop's own, e.g. the timeline's) are left out.
 */
function makeInputPoller(rl: Raylib): (ctx: SystemContext) => void {
  const keys = new Uint8Array(new ArrayBuffer(MAX_KEYBOARD_KEYS));
  const buttons = new Uint8Array(new ArrayBuffer(MOUSE_BUTTON_COUNT));
  const CHANGED = InputFlag.PRESSED | InputFlag.RELEASED;
  const pollGamepads = makeGamepadPoller(rl);
  const reserved = rl.reservedKeys;
  let epoch = -1;
  return (ctx) => {
    const input = ctx.input;
    pollGamepads(input);
    // After a rewind or a pause (Input.requestResync), once and in a frame that may write Input:
    // the held state itself, not only its changes.
    const all = !input.locked && epoch !== -1 && epoch !== input.resyncEpoch;
    if (!input.locked) epoch = input.resyncEpoch;
    rl.pollKeys(keys);
    for (let k = 0; k < MAX_KEYBOARD_KEYS; k++) {
      const f = keys[k]!;
      if ((all || (f & CHANGED) !== 0) && !reserved.has(k)) input.setKey(k, (f & InputFlag.DOWN) !== 0);
    }
    rl.pollMouse(buttons);
    for (let b = 0; b < MOUSE_BUTTON_COUNT; b++) {
      const f = buttons[b]!;
      if (all || (f & CHANGED) !== 0) input.setMouseButton(b, (f & InputFlag.DOWN) !== 0);
    }
    const mouse = rl.getMousePosition();
    input.setMousePosition(mouse.x, mouse.y);
  };
}

/**
 * Draws the app's draw list, if it has records, in one FFI call, through the app's camera. Looked
 * up every frame rather than made at build: the list is made by its first user, with that user's
 * capacities.
 */
function drawTheList(app: App, rl: Raylib): void {
  const list = app.getResource(DrawList);
  if (list === undefined || list.len === 0) return;
  const camera = app.getResource(Camera2D);
  // The shim indexes these arrays up to the list's counts: an array smaller than that (a bigger list
  // inserted after the first one sized them) is not passed, and what names it draws nothing.
  const textures = app.getResource(Textures);
  const fonts = app.getResource(Fonts);
  const texturesFit = textures !== undefined && textures.capacity >= list.textureCount;
  const fontsFit = fonts !== undefined && fonts.capacity >= list.fontCount;
  rl.drawList(list.pointer, texturesFit ? textures.pointer : null, fontsFit ? fonts.pointer : null, camera?.pointer ?? null);
}

/**
 * Loads raylib for a window. raylib that cannot be had (its build into the cache failed: a full
 * disk, a compiler error; a library the loader refuses) means no window, like a display that
 * cannot open one: a {@link WindowOpenError} of that one line, so whoever falls back to headless
 * for a window does so here too, instead of the game ending with a stack trace.
 */
function raylibOrWindowError(): Raylib {
  try {
    return loadRaylibSync();
  } catch (e) {
    if (!(e instanceof RaylibSetupError)) throw e;
    const error = new WindowOpenError(e.message);
    error.cause = e;
    throw error;
  }
}

/**
 * The raylib plugin (Bevy's shape: a function of the app). Opens the window when added, fills
 * Input every frame, brackets Render with Begin/EndDrawing, exits on close, closes on shutdown.
 * Throws the same one line as `Raylib.initWindow` ({@link WindowOpenError}) when no window can be
 * opened and `headless` is not set; the display is checked before raylib is loaded or built, and
 * a raylib that cannot be loaded or built is such a line too (`hotloop dev` then runs headless).
 * A `once` plugin: a TypeScript reload of the game keeps the window rather than opening another.
 */
export function RaylibPlugin(options: RaylibPluginOptions): Plugin {
  return oncePlugin("RaylibPlugin", function raylibPlugin(app: App): void {
    const headless = options.headless ?? (isHeadless(app) || process.env.HOTLOOP_HEADLESS === "1");
    const problem = headless ? undefined : displayProblem();
    if (problem) throw new WindowOpenError(problem);
    const rl = headless ? headlessRaylib() : raylibOrWindowError();
    if (!headless && rl.isWindowReady()) {
      throw new Error("RaylibPlugin: a raylib window is already open in this process (raylib has one window)");
    }
    if (options.configFlags !== undefined) rl.setConfigFlags(options.configFlags);
    rl.initWindow(options.width, options.height, options.title); // ready, or a WindowOpenError
    if (options.icon !== undefined && !headless) {
      const file = assetPath(app, options.icon);
      if (!rl.setWindowIconFile(file)) console.error(`hotloop: warning: the window icon ${file} could not be loaded as an image; the window keeps the default icon`);
    }
    if (options.exitKey !== undefined) rl.setExitKey(options.exitKey);
    app.insertResource(rl, HOTLOOP_OWN);
    if (!headless) {
      // loadTexture and loadFont calls made before the window; one that fails ends the plugin with
      // its line, so the window it opened is closed first (no shutdown hook is registered yet).
      try {
        app.getResource(Textures)?.loadPending(rl);
        app.getResource(Fonts)?.loadPending(rl);
      } catch (e) {
        app.getResource(Textures)?.unloadAll(rl);
        app.getResource(Fonts)?.unloadAll(rl);
        rl.closeWindow();
        throw e;
      }
    }

    if (options.audio !== false && !app.hasResource(Audio)) {
      const audio = options.audio ?? {};
      // Built as part of this plugin (not added): a TypeScript reload keeps both, as one.
      buildPlugin(AudioPlugin({ ...audio, device: audio.device ?? (headless && !process.env.HOTLOOP_AUDIO ? "off" : undefined) }), app);
    }

    const exitOnClose = options.exitOnClose ?? true;
    if (!headless) {
      const poll = makeInputPoller(rl);
      app.aroundSchedule(First, (ctx) => {
        poll(ctx);
        if (exitOnClose && rl.windowShouldClose()) ctx.exit(0);
      });
    }

    const clear = options.clearColor;
    app.aroundSchedule(
      Render,
      clear === undefined
        ? () => rl.beginDrawing()
        : () => {
            rl.beginDrawing();
            rl.clearBackground(clear);
          },
      () => {
        try {
          drawTheList(app, rl);
          for (const hook of rl.beforeEndDrawing) hook();
        } finally {
          rl.endDrawing();
        }
      },
    );

    app.onShutdown(() => {
      if (headless || !rl.isWindowReady()) return;
      app.getResource(Textures)?.unloadAll(rl);
      app.getResource(Fonts)?.unloadAll(rl);
      rl.closeWindow();
    });
  }, options);
}

export { Raylib };
