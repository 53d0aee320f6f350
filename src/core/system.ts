import type { ComponentInits, Schema, World } from "../ecs/index.ts";
import type { App } from "./app.ts";
import type { Input } from "./input.ts";
import type { ResourceKey } from "./resources.ts";
import type { ScheduleLabel } from "./schedule-label.ts";
import type { Time } from "./time.ts";

/** What every system receives: the world, resources, time, and a way to spawn and despawn. */
export interface SystemContext {
  /** The app the system runs in. */
  readonly app: App;
  /** The app's world (`app.world`). */
  readonly world: World;
  /** The Time resource: the fixed step's `delta` in FixedUpdate, the frame's elsewhere. */
  readonly time: Time;
  /** The Input resource: this frame's keyboard, mouse and gamepads. */
  readonly input: Input;
  /** A resource by its class; a clear error when missing. */
  resource<T>(key: ResourceKey<T>): T;
  /** Creates an entity with components, each one's values typed from its schema (see `spawn` in src/ecs). */
  spawn<const L extends readonly Schema[]>(...components: ComponentInits<L>): number;
  /** Removes an entity. */
  despawn(eid: number): void;
  /** Asks the runner to stop after this frame. */
  exit(code?: number): void;
}

/** A static system: a plain function of the context. */
export type SystemFn = (ctx: SystemContext) => void;

/**
 * How consecutive systems of one kind run as one step. A schedule fuses a run of neighbours whose
 * functions carry the same `fusion` (no other system and no run condition between them) into the
 * one function `fuse` makes, rebuilt whenever the order changes. Hot systems use it to cross into
 * Rust once for a run of them; each member still runs in order, as its own system.
 */
export interface Fusion {
  /** One function running `members` (two or more, in run order) exactly as they would run one by one. */
  fuse(members: readonly SystemFn[]): SystemFn;
}

/** A system function that may be fused with its neighbours (see {@link Fusion}). */
export type FusibleSystemFn = SystemFn & { readonly fusion?: Fusion };

/** A run condition: the system runs only in frames where it returns true. */
export type Condition = (ctx: SystemContext) => boolean;

/**
 * Makes the function that runs a system in one app. Plain systems return themselves; hot systems
 * resolve their library entry here, so an unknown name fails when the system is added.
 */
export type SystemFactory = (app: App, schedule: ScheduleLabel) => SystemFn;

/**
 * A system with its name, ordering constraints and run conditions. Immutable: `before`, `after`
 * and `runIf` return a new config, as Bevy's `.before()` does.
 */
export class SystemConfig {
  constructor(
    /** The system's name: its function's name, or `hotSystem`'s; what `.before`/`.after` and reloads match by. */
    readonly name: string,
    /** Makes the function that runs it in one app (a hot system resolves its library entry there). */
    readonly factory: SystemFactory,
    /** Systems of the same schedule it runs before, by name. */
    readonly beforeNames: readonly string[] = [],
    /** Systems of the same schedule it runs after, by name. */
    readonly afterNames: readonly string[] = [],
    /** Run conditions: it runs in a frame only when every one is true. */
    readonly conditions: readonly Condition[] = [],
    /** How reloads treat it. */
    readonly flags: SystemFlags = {},
  ) {}

  /** Runs this system before the named systems of the same schedule. */
  before(...names: (string | SystemConfig | SystemFn)[]): SystemConfig {
    return new SystemConfig(this.name, this.factory, [...this.beforeNames, ...names.map(nameOf)], this.afterNames, this.conditions, this.flags);
  }

  /** Runs this system after the named systems of the same schedule. */
  after(...names: (string | SystemConfig | SystemFn)[]): SystemConfig {
    return new SystemConfig(this.name, this.factory, this.beforeNames, [...this.afterNames, ...names.map(nameOf)], this.conditions, this.flags);
  }

  /** Adds a run condition; all conditions must hold. */
  runIf(condition: Condition): SystemConfig {
    return new SystemConfig(this.name, this.factory, this.beforeNames, this.afterNames, [...this.conditions, condition], this.flags);
  }

  /** Renames the system (names are what `before`/`after` refer to). */
  named(name: string): SystemConfig {
    return new SystemConfig(name, this.factory, this.beforeNames, this.afterNames, this.conditions, this.flags);
  }

  /**
   * For a Startup system: run it again after each TypeScript reload of the game (under
   * `hotloop dev --features reload`), so a changed setup takes effect without a restart. Startup
   * systems otherwise run once per process. The system should undo what its last run made
   * (despawn what it spawned) before making it again.
   */
  rerunOnReload(): SystemConfig {
    return new SystemConfig(this.name, this.factory, this.beforeNames, this.afterNames, this.conditions, { ...this.flags, rerunOnReload: true });
  }
}

/** Markers a system carries besides its ordering (see {@link SystemConfig.rerunOnReload}). */
export interface SystemFlags {
  /** A Startup system that runs again after each TypeScript reload (`system(setup).rerunOnReload()`). */
  readonly rerunOnReload?: boolean;
  /** Set by `hotSystem()`: the body is hot Rust code, swapped by the library's reloader. */
  readonly hot?: boolean;
}

/** Anything `addSystems` accepts: a function, a config, or a (nested) list of them. */
export type SystemLike = SystemFn | SystemConfig | readonly SystemLike[];

function nameOf(target: string | SystemConfig | SystemFn): string {
  if (typeof target === "string") return target;
  if (target instanceof SystemConfig) return target.name;
  return systemName(target);
}

/** A function's system name: its own name, or "anonymous". */
export function systemName(fn: SystemFn): string {
  return fn.name || "anonymous";
}

/** Wraps a function as a configurable system. */
export function system(fn: SystemFn | SystemConfig, name?: string): SystemConfig {
  const config = fn instanceof SystemConfig ? fn : new SystemConfig(systemName(fn), () => fn);
  return name ? config.named(name) : config;
}

/** Applies a run condition to every system given. */
export function runIf(condition: Condition, ...systems: SystemLike[]): SystemConfig[] {
  return flattenSystems(systems).map((s) => s.runIf(condition));
}

/** Orders the systems one after another, as Bevy's `.chain()`. */
export function chain(...systems: SystemLike[]): SystemConfig[] {
  const flat = flattenSystems(systems);
  return flat.map((s, i) => (i === 0 ? s : s.after(flat[i - 1]!.name)));
}

/** Flattens nested lists and wraps plain functions. */
export function flattenSystems(systems: readonly SystemLike[]): SystemConfig[] {
  const out: SystemConfig[] = [];
  const visit = (s: SystemLike): void => {
    if (typeof s === "function") out.push(system(s));
    else if (s instanceof SystemConfig) out.push(s);
    else for (const inner of s) visit(inner);
  };
  for (const s of systems) visit(s);
  return out;
}

/** Condition helpers. */
export const conditions = {
  /** True when the resource exists. */
  resourceExists: (key: ResourceKey<unknown>): Condition => (ctx) => ctx.app.hasResource(key),
  /** True every `n`th frame. */
  everyNthFrame: (n: number): Condition => (ctx) => ctx.time.frame % n === 0,
  /** Negates a condition. */
  not: (condition: Condition): Condition => (ctx) => !condition(ctx),
};
