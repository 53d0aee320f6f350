/**
 * `hotloop`: the public surface for games. A curated list, as Bevy's prelude and bitecs' explicit
 * exports are: what a game needs to define components, build an App and run hot Rust systems.
 * Everything not named here (ELF checks, shadow dirs, the library loader, call contexts) is
 * internal and may change without notice. Rendering is `hotloop/render`; build and watch tooling
 * is `hotloop/dev`.
 *
 * @module hotloop
 */

// ECS: components as native-ready columns, queries, entities.
export {
  defineComponent,
  defineTag,
  storageEpoch,
  type Component,
  type ComponentOptions,
  type MigratedValues,
  type OldValues,
  type Schema,
  type Tag,
} from "../ecs/component.ts";
export { FieldTypes, type FieldType } from "../ecs/field.ts";
export type { Layout, LayoutField } from "../ecs/layout.ts";
export { defineQuery, type RegisteredQuery } from "../ecs/query.ts";
export { ComponentRegistry } from "../ecs/registry.ts";
export { defineResource, type ResourceClass, type ResourceFields, type ResourceOptions } from "../ecs/resource.ts";
export { defineEvent, EventCursor, type EventOptions, type EventQueueState, type EventType } from "../ecs/event.ts";
export {
  addComponent,
  createWorld,
  despawn,
  hasComponent,
  removeComponent,
  setValues,
  spawn,
  type ComponentInit,
  type ComponentInits,
  type Values,
  type World,
} from "../ecs/world.ts";

// The App: schedules, systems, resources, time, input, the loop.
export { App, type AppOptions, type FrameDriver, type FrameEndOptions, type FrameInput, type RunOptions } from "../core/app.ts";
export { ManualClock, systemClock, type Clock } from "../core/clock.ts";
export { Camera2D, type Camera2DInit, type Camera2DValue, type Vector2 } from "../core/camera.ts";
export { DEFAULT_SEED, GlobalRng } from "../core/rng.ts";
export { addSnapshotPart, appChecksum, appChecksums, restoreApp, RESTORE, SNAPSHOT, snapshotApp, type AppSnapshot, type RestoreOptions, type SavedResource, type SnapshotPart, type Snapshottable } from "../core/snapshot.ts";
export { Timeline, TimelinePlugin, type ReplayResult, type TimelineOptions, type TimelineStatus } from "../core/timeline.ts";
export { DeterminismCheck, DeterminismCheckPlugin, type DeterminismCheckOptions, type DivergenceReport } from "../core/determinism.ts";
export {
  DRAW_LIST_DEFAULTS,
  DrawFlag,
  DrawKind,
  DrawList,
  drawListOf,
  DrawSpace,
  type DrawExtensionValue,
  type DrawListOptions,
  type DrawRecordValue,
  type Rectangle,
} from "../core/draw-list.ts";
export { Headless, isHeadless } from "../core/headless.ts";
export { Assets, assetPath } from "../core/assets.ts";
export {
  GamepadAxis,
  gamepadAxisCode,
  GamepadButton,
  gamepadButtonCode,
  Input,
  Key,
  keyCode,
  MAX_GAMEPADS,
  MouseButton,
  type GamepadAxisName,
  type GamepadButtonName,
  type KeyName,
} from "../core/input.ts";
export { oncePlugin, type Plugin } from "../core/plugin.ts";
export type { ResourceKey } from "../core/resources.ts";
export {
  defineSchedule,
  First,
  FixedUpdate,
  Last,
  PostUpdate,
  PreUpdate,
  Render,
  scheduleLabel,
  Startup,
  StateTransition,
  Update,
  type ScheduleLabel,
} from "../core/schedule-label.ts";
export { defineState, inState, OnEnter, OnExit, type States, type StatesBase, type StateValue } from "../core/states.ts";
export {
  parseKeyScript,
  ScriptedInputPlugin,
  type GamepadAxisEvent,
  type GamepadButtonEvent,
  type GamepadConnectionEvent,
  type KeyEvent,
  type ScriptEvent,
} from "../core/scripted-input.ts";
export {
  chain,
  conditions,
  runIf,
  system,
  SystemConfig,
  type SystemFlags,
  type Condition,
  type SystemContext,
  type SystemFn,
  type SystemLike,
} from "../core/system.ts";
export { Time, type TimeState } from "../core/time.ts";

// Hot systems: Rust functions swapped between frames.
export { hotSystem } from "../hot/hot-system.ts";
export { HOTLOOP_ABI_VERSION } from "../hot/manifest.ts";
export { HotPlugin, libraryFileName, libraryPath } from "../hot/plugin.ts";
export { HotReloader, type AboutToReload, type ReloadBlock, type Reloaded, type ReloaderOptions, type StagedWait } from "../hot/reloader.ts";
export { consoleReporter, formatEvent, type HotEvent, type LogFormat, type Reporter } from "../hot/report.ts";
