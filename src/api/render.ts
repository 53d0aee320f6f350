/**
 * `hotloop/render`: raylib through bun:ffi and the RaylibPlugin that puts a window, input and the
 * Render schedule on an App. raylib is built once per user from the raylib-sys crate's C sources
 * (or taken from HOTLOOP_RAYLIB / a system raylib) and cached under ~/.cache/hotloop.
 *
 *     app.addPlugins(RaylibPlugin({ width: 800, height: 450, title: "my game" }));
 *     app.addSystems(Render, ({ resource }) => resource(Raylib).drawText("hi", 10, 10, 20, Colors.RAYWHITE));
 *
 * @module
 */
export { RaylibPlugin, type RaylibPluginOptions } from "../render/plugin.ts";
export {
  colorComponents,
  Colors,
  colorToString,
  ConfigFlag,
  displayProblem,
  hasDisplay,
  headlessRaylib,
  KeyboardKey,
  loadRaylib,
  loadRaylibSync,
  LogLevel,
  MouseButtonCode,
  Raylib,
  rgba,
  WindowOpenError,
  type Color,
} from "../render/raylib.ts";
export { RAYLIB_SYS_VERSION, RAYLIB_VERSION, RaylibSetupError } from "../render/build-raylib.ts";
export { ScreenshotPlugin, type ScreenshotOptions } from "../render/screenshot.ts";
export { loadTexture, textureSize } from "../render/textures.ts";
export {
  Audio,
  AudioPlugin,
  MusicStreams,
  NULL_AUDIO_CONFIG,
  Sounds,
  type AudioDevice,
  type AudioPluginOptions,
  type AudioReload,
  type LoadOptions,
} from "../render/audio.ts";
export {
  AUDIO_LIST_DEFAULTS,
  AudioFlag,
  AudioKind,
  AudioList,
  audioListOf,
  type AudioListOptions,
  type AudioRecordValue,
  type MusicPlayOptions,
  type PlayOptions,
} from "../core/audio-list.ts";
