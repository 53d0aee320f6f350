/**
 * `hotloop/render`: raylib through bun:ffi and the RaylibPlugin that puts a window, input and the
 * Render schedule on an App. raylib is built once per user from the raylib-sys crate's C sources
 * (or taken from HOTLOOP_RAYLIB / a system raylib) and cached under ~/.cache/hotloop.
 *
 *     app.addPlugins(RaylibPlugin({ width: 800, height: 450, title: "my game" }));
 *     app.addSystems(Render, ({ resource }) => resource(Raylib).drawText("hi", 10, 10, 20, Colors.RAYWHITE));
 *
 * @module hotloop/render
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
  type AudioDeviceOpening,
  type Color,
} from "../render/raylib.ts";
// raylib's own constants and struct shapes, generated from raylib_api.json (src/render/raylib.gen.ts).
export {
  BlendMode,
  CameraMode,
  CameraProjection,
  ConfigFlags,
  CubemapLayout,
  Defines,
  FontType,
  Gesture,
  MaterialMapIndex,
  MouseCursor,
  NPatchLayout,
  PixelFormat,
  RAYLIB_API_VERSION,
  RaylibBindings,
  ShaderAttributeDataType,
  ShaderLocationIndex,
  ShaderUniformDataType,
  TextureFilter,
  TextureWrap,
  TraceLogLevel,
  type AudioStream,
  type AutomationEvent,
  type AutomationEventList,
  type BoneInfo,
  type BoundingBox,
  type Camera,
  type Camera3D,
  type FilePathList,
  type Font,
  type GlyphInfo,
  type Image,
  type Material,
  type MaterialMap,
  type Matrix,
  type Mesh,
  type Model,
  type ModelAnimation,
  type Music,
  type NPatchInfo,
  type PointerLike,
  type Quaternion,
  type Ray,
  type RayCollision,
  type Rectangle,
  type RenderTexture,
  type RenderTexture2D,
  type Shader,
  type Sound,
  type Texture,
  type Texture2D,
  type TextureCubemap,
  type Transform,
  type Vector2,
  type Vector3,
  type Vector4,
  type VrDeviceInfo,
  type VrStereoConfig,
  type Wave,
} from "../render/raylib.ts";
export { RAYLIB_SYS_VERSION, RAYLIB_VERSION, RaylibSetupError } from "../render/build-raylib.ts";
export { ScreenshotPlugin, type ScreenshotOptions } from "../render/screenshot.ts";
export { loadTexture, textureSize } from "../render/textures.ts";
export { fontSize, loadFont } from "../render/fonts.ts";
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
