/**
 * What a game plugin adds to an app, recorded instead of applied: the dev runner builds the game
 * plugin against a recording view of the live app (the same world, components and resources), so
 * a rebuilt plugin can be compared with the running one and applied at a frame boundary.
 */
import type { App, FrameBoundaryHook, FrameEndOptions, ShutdownHook } from "../core/app.ts";
import { buildPlugin, pluginName, type Plugin } from "../core/plugin.ts";
import { HOTLOOP_OWN, type ResourceKey } from "../core/resources.ts";
import type { ScheduleLabel } from "../core/schedule-label.ts";
import { flattenSystems, type SystemConfig, type SystemFn, type SystemLike } from "../core/system.ts";
import { callerPlace } from "../core/errors.ts";
import { SNAPSHOT_PART_HOOK, type SnapshotPart } from "../core/snapshot.ts";
import type { Component } from "../ecs/component.ts";
import { EventQueue, type EventType } from "../ecs/event.ts";
import type { NativeResourceClass } from "../ecs/resource.ts";

/** One thing the plugin did, in order; `owner` is the `once` plugin that did it, if any. */
export type Recorded = { readonly owner?: string } & (
  | { readonly kind: "system"; readonly schedule: ScheduleLabel; readonly config: SystemConfig; readonly source?: string }
  /** `source`: where the game inserted it; absent for hotloop's own. */
  | { readonly kind: "resource"; readonly value: object; readonly source?: string }
  | { readonly kind: "components"; readonly components: readonly Component[] }
  /** An event type defined again with another layout: the new queue, put in place at the boundary. */
  | { readonly kind: "event"; readonly queue: EventQueue }
  | { readonly kind: "boundary" | "next_boundary" | "frame_end" | "frame_end_always"; readonly hook: FrameBoundaryHook }
  | { readonly kind: "part"; readonly part: SnapshotPart }
  | { readonly kind: "shutdown"; readonly hook: ShutdownHook }
  | { readonly kind: "around"; readonly schedule: ScheduleLabel; readonly before?: SystemFn; readonly after?: SystemFn }
);

/** A game plugin's additions, in the order it made them. */
export interface Recording {
  readonly items: readonly Recorded[];
  /** The `once` plugins built (or carried over) in it. */
  readonly once: ReadonlySet<string>;
  /** The options each `once` plugin was first built with, as JSON (see oncePlugin). */
  readonly onceOptions?: ReadonlyMap<string, string>;
  /** `once` plugins given other options than they run with: they need a restart. */
  readonly onceChanged?: readonly string[];
}

/**
 * Builds `plugin` against a view of `app` that records instead of applying. `previous` is the
 * recording of the running game: a `once` plugin it has is not built again, its items are carried
 * over. Resources already in the app are handed back (matched by class name, since a re-imported
 * module makes new classes) so the plugin's closures hold the running values.
 */
export function record(app: App, plugin: Plugin, previous: Recording | undefined): Recording {
  const items: Recorded[] = [];
  const once = new Set<string>();
  const onceOptions = new Map<string, string>();
  const onceChanged: string[] = [];
  let owner: string | undefined;
  const push = (item: Recorded): void => void items.push(owner === undefined ? item : { ...item, owner });
  const staged = new Map<string, object>();
  /** New queues of event types defined again with another layout, by name. */
  const stagedQueues = new Map<string, EventQueue>();
  // Looked up without adopting (exact, findByName): the running code keeps its class until the boundary applies the recording.
  const lookup = <T>(key: ResourceKey<T>): T | undefined => {
    const value = staged.get(key.name) ?? app.resources.exact(key) ?? app.resources.findByName(key.name)?.value;
    return value as T | undefined;
  };
  let recording = true;
  const view: App = new Proxy(app, {
    get(target, property) {
      // addSnapshotPart through the view: the part is the plugin's, live while its build is.
      if (property === SNAPSHOT_PART_HOOK) return (part: SnapshotPart) => void push({ kind: "part", part });
      // After the build, systems that captured the view use the live app (a Startup system inserting a resource).
      const passThrough = !recording;
      switch (passThrough ? undefined : property) {
        case "addPlugins":
          return (...plugins: Plugin[]) => {
            for (const p of plugins) {
              const isOnce = typeof p === "object" && p.once === true;
              if (!isOnce) {
                buildPlugin(p, view);
                continue;
              }
              const name = pluginName(p);
              if (once.has(name)) throw new Error(`plugin ${name} is added twice (it is a once plugin: add it once)`);
              once.add(name);
              const options = optionsText(p);
              if (previous?.once.has(name)) {
                items.push(...previous.items.filter((i) => i.owner === name));
                const running = previous.onceOptions?.get(name);
                if (running !== undefined) onceOptions.set(name, running);
                if (running !== options) onceChanged.push(name);
                continue;
              }
              onceOptions.set(name, options);
              const outer = owner;
              owner = name;
              try {
                buildPlugin(p, view);
              } finally {
                owner = outer;
              }
            }
            return view;
          };
        case "addSystems":
          return (schedule: ScheduleLabel, ...systems: SystemLike[]) => {
            const source = callerPlace(); // where the game adds it: what an inspector shows as the system's source
            for (const config of flattenSystems(systems)) push({ kind: "system", schedule, config, source });
            return view;
          };
        case "insertResource":
          return <T extends object>(value: T, insertedBy: string | typeof HOTLOOP_OWN = callerPlace() ?? HOTLOOP_OWN): T => {
            let running = (app.resources.exact(value.constructor as ResourceKey<T>) ?? app.resources.findByName(value.constructor.name)?.value) as object | undefined;
            // A resource whose schema was edited: the plugin's code keeps the new instance, which
            // the reloader fills from the running one at the boundary (a resource migration).
            if (running && relaidOut(running, value)) running = undefined;
            push({ kind: "resource", value, source: insertedBy ?? undefined });
            staged.set(value.constructor.name, running ?? value);
            return ((running as T | undefined) ?? value);
          };
        case "resource":
          return <T>(key: ResourceKey<T>): T => {
            const value = lookup(key);
            if (value === undefined) throw new Error(`resource ${key.name} is missing: insert it with app.insertResource(new ${key.name}(...))`);
            return value;
          };
        case "getResource":
          return lookup;
        case "hasResource":
          return (key: ResourceKey<unknown>) => lookup(key) !== undefined;
        case "addEvent":
          // An event type whose layout differs from the running queue's gets its new queue now,
          // which the plugin's readers and writers take, and the boundary puts in place (with the
          // build its Rust readers need); a new or unchanged one is added at once.
          return (...types: EventType[]) => {
            for (const type of types) {
              const queue = app.events.get(type.name);
              if (queue && (queue.type.struct.layout.hash !== type.struct.layout.hash || queue.type.capacity !== type.capacity)) {
                const fresh = new EventQueue(type);
                stagedQueues.set(type.name, fresh);
                push({ kind: "event", queue: fresh });
              } else {
                app.addEvent(type);
              }
            }
            return view;
          };
        case "eventQueue":
          return (type: EventType) => stagedQueues.get(type.name) ?? app.eventQueue(type);
        case "eventReader":
          return (type: EventType) => (stagedQueues.get(type.name) ?? app.eventQueue(type)).reader();
        case "sendEvent":
          return (type: EventType, values: Record<string, number>) => (stagedQueues.get(type.name) ?? app.eventQueue(type)).send(values);
        case "registerComponents":
          return (...components: Component[]) => {
            push({ kind: "components", components });
            return view;
          };
        case "onFrameBoundary":
        case "onNextFrameBoundary":
          return (hook: FrameBoundaryHook) => {
            push({ kind: property === "onFrameBoundary" ? "boundary" : "next_boundary", hook });
            return view;
          };
        case "onFrameEnd":
          // `always` kept: a re-simulated frame runs those (a list cleared after every frame).
          return (hook: FrameBoundaryHook, options?: FrameEndOptions) => {
            push({ kind: options?.always ? "frame_end_always" : "frame_end", hook });
            return view;
          };
        case "onShutdown":
          return (hook: ShutdownHook) => {
            push({ kind: "shutdown", hook });
            return view;
          };
        case "aroundSchedule":
          return (schedule: ScheduleLabel, before?: SystemFn, after?: SystemFn) => {
            push({ kind: "around", schedule, before, after });
            return view;
          };
        default: {
          // The App itself as `this`, for getters too: theirs read private fields (`app.replaying`),
          // which the view does not have.
          const value = Reflect.get(target, property, target);
          return typeof value === "function" ? value.bind(target) : value;
        }
      }
    },
  });
  try {
    buildPlugin(plugin, view);
  } finally {
    recording = false;
  }
  return { items, once, onceOptions, onceChanged };
}

/** A plugin's options as JSON (functions and cycles aside): equal texts, equal options. */
function optionsText(plugin: Plugin): string {
  const options = typeof plugin === "object" ? plugin.options : undefined;
  try {
    return JSON.stringify(options ?? null) ?? "null";
  } catch {
    return "unreadable";
  }
}

/** The systems of a recording by `Schedule/name`. */
export function systemsOf(recording: Recording): Map<string, Extract<Recorded, { kind: "system" }>> {
  const out = new Map<string, Extract<Recorded, { kind: "system" }>>();
  for (const item of recording.items) if (item.kind === "system") out.set(systemKey(item.schedule, item.config.name), item);
  return out;
}

/** The key a system is matched by across reloads: its schedule and its name. */
export function systemKey(schedule: ScheduleLabel, name: string): string {
  return `${schedule.name}/${name}`;
}

/** Whether `next` is an instance of a resource class whose C layout differs from the running value's. */
export function relaidOut(running: object, next: object): boolean {
  const before = (running.constructor as Partial<NativeResourceClass>).struct;
  const after = (next.constructor as Partial<NativeResourceClass>).struct;
  return before !== undefined && after !== undefined && before.layout.hash !== after.layout.hash;
}
