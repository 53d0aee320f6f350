/**
 * TypeScript hot reload of a game (`hotloop dev --features reload`). The dev runner owns the game
 * plugin (the entry module's default export): on a save, the changed game modules and the modules
 * importing them are evaluated again, the plugin is built again against a recording view of the
 * running app, and at the next frame boundary the app moves to it — system bodies swapped, new
 * systems added, removed ones removed, resources kept (matched by class name), Startup not run
 * again unless a system asks (`rerunOnReload()`), `once` plugins (the window, the hot library)
 * not built again.
 *
 * A component defined again with other fields keeps its identity; its data is migrated to the new
 * layout at the same boundary, together with the Rust library built against it when the library
 * reads that component (src/hot/reloader/typescript-link.ts: awaitBuildFor / swapStaged). The old columns stay until the
 * new code has run one frame: a throw or a panic in that frame restores data and code together.
 */
import { watch as watchDir, type FSWatcher } from "node:fs";
import { dirname, join, relative } from "node:path";
import type { App } from "../core/app.ts";
import { isPlugin, type Plugin } from "../core/plugin.ts";
import { Watchdog } from "../core/watchdog.ts";
import { applyMigration, planMigration, shortLayout, type AppliedMigration, type MigrationPlan } from "../ecs/migrate.ts";
import { withDefinitionHook, type Component } from "../ecs/component.ts";
import { defineQuery } from "../ecs/query.ts";
import type { Layout } from "../ecs/layout.ts";
import { oneLineError, stackPlaces } from "../core/errors.ts";
import type { HotReloader } from "../hot/reloader.ts";
import { reloaderInternals, type TypeScriptLink } from "../hot/reloader/typescript-link.ts";
import type { Reporter } from "../hot/report.ts";
import { GameLayer, type TsSlot } from "./game-layer.ts";
import { forgetModules, isSettled, registryKey, renewRegistryKeys, scanGameModules, settleFailedImport, withImporters, type ModuleGraph } from "./module-graph.ts";
import { record, systemKey, type Recording } from "./recording.ts";
import { applyResourceMove, plannedResourceMoves, replaceEventQueue, type AppliedResourceMove, type ResourceMove } from "./resource-moves.ts";
import { describeLoadError } from "./load-error.ts";
import { HOTLOOP_OWN } from "../core/resources.ts";

/** Options of a {@link GameReloader}. */
export interface GameReloaderOptions {
  /** The entry module: its default export is the game plugin. */
  readonly entry: string;
  /** Where its lines go (reloads, refusals, migrations): `consoleReporter()` prints them. */
  readonly reporter: Reporter;
  /** The app's hot library reloader, when it has one: migrations of components it reads swap with its next build. */
  readonly hot?: HotReloader;
  /** Watch the game's modules (default true; tests may call {@link GameReloader.reload} themselves). */
  readonly watch?: boolean;
  /** Quiet time after the last save before re-importing, in ms (default 10: editors write in bursts). */
  readonly debounceMs?: number;
  /** How a path is shown in messages (default: relative to the working directory). */
  readonly show?: (path: string) => string;
  /**
   * How long a save's import may take, in ms (default 5000): a top-level await that never settles
   * is refused after it, naming the module, and the next save of it loads afresh.
   */
  readonly importTimeoutMs?: number;
  /**
   * How long a frame may run before the watchdog names the TypeScript system it is stuck in, in ms
   * (default 1000; 0: no watchdog). The app's watchdog is shared with the hot reloader, whose
   * budget counts when it came first.
   */
  readonly watchdogMs?: number;
  /** The watchdog's lines as JSON (as `--log-format json`). */
  readonly jsonLines?: boolean;
}

/** A re-imported game waiting for the next frame boundary. */
interface Staged {
  readonly recording: Recording;
  readonly migrations: readonly MigrationPlan[];
  /** Resources whose schema was edited: their values move with the components. */
  readonly resourceMoves: readonly ResourceMove[];
  /** Components whose options changed without their layout (new defaults, a migrate function). */
  readonly options: ReadonlyMap<Component, Component["options"]>;
  /** Whether the hot library reads a migrated component: the swap waits for its build. */
  readonly needsBuild: boolean;
  /** The modules evaluated again. */
  readonly files: ReadonlySet<string>;
  readonly file: string;
  readonly detectedAt: number;
  readonly importedAt: number;
  /** Whether its wait for the build was reported. */
  waitReported: boolean;
  /** How many saves had been seen when it took the dirty files. */
  readonly savesSeen: number;
}

/** A reload applied, revertible until the next one (or, with migrations, until its first frame ended). */
interface Applied {
  readonly version: number;
  readonly files: ReadonlySet<string>;
  /** Systems (schedule/name) whose previous body it replaced. */
  readonly replaced: Set<string>;
  readonly migrations: readonly AppliedMigration[];
  readonly resourceMoves: readonly AppliedResourceMove[];
  readonly withBuild: boolean;
  undo: (() => void) | undefined;
}

/** The TypeScript side of `hotloop dev --features reload`. */
export class GameReloader {
  /** Counts for tests and benchmarks. */
  readonly stats = {
    /** Saves applied. */
    reloads: 0,
    /** Saves refused (a syntax error, a throw, a change that would lose data). */
    refusals: 0,
    /** Reloads rolled back after a system threw. */
    rollbacks: 0,
    /** Systems disabled after a throw with nothing to roll back to. */
    disabled: 0,
    /** Component, resource or event migrations applied. */
    migrations: 0,
  };

  readonly #app: App;
  readonly #applied: ((version: number) => void)[] = [];
  readonly #options: GameReloaderOptions;
  readonly #layer: GameLayer;
  /** The hot library reloader's side for this reloader (what only src/live asks of it). */
  readonly #hot: TypeScriptLink | undefined;
  readonly #show: (path: string) => string;
  /** Every component the game's modules defined, by name: a definition run again returns it. */
  readonly #components = new Map<string, Component>();
  /** Files saved since the last applied reload: evaluated again by every attempt until one applies. */
  readonly #dirty = new Set<string>();
  #graph: ModuleGraph;
  readonly #watchers = new Map<string, FSWatcher>();
  #onEvent: ((path: string) => void) | undefined;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #firstEventAt: number | undefined;
  #staging: Promise<void> | undefined;
  /** A save came during an attempt: another attempt follows it. */
  #restageRequested = false;
  #staged: Staged | undefined;
  #last: Applied | undefined;
  #version = 1;
  /** Saves seen so far (reload calls that named files). */
  #saves = 0;
  /** Why the last attempt to stage a save was refused; undefined when it staged (or nothing was new). */
  #lastRefusal: string | undefined;
  /** The saved files and their contents the current attempt imports (a key: paths and hashes). */
  #attemptSaves: string | undefined;
  /** When the last attempt was refused (performance.now()), and why. */
  #refusedAt = 0;
  #refusedReason: string | undefined;
  readonly #needsBuildListeners: (() => void)[] = [];
  /** Those of the last attempt refused: the same again (the dev runner asked before codegen, then the watcher's event came; an editor that writes twice) is not tried or said twice. */
  #refusedSaves: string | undefined;
  #closed = false;
  #quietRollback = false;

  /** Use {@link GameReloader.start}, which imports the game first. */
  constructor(app: App, options: GameReloaderOptions, graph: ModuleGraph) {
    this.#app = app;
    this.#options = options;
    this.#graph = graph;
    this.#hot = options.hot ? reloaderInternals(options.hot) : undefined;
    this.#show = options.show ?? ((path) => relative(process.cwd(), path) || path);
    const budget = options.watchdogMs ?? 1000;
    const watchdog = budget > 0 ? Watchdog.of(app, budget, options.jsonLines ?? false) : undefined;
    this.#layer = new GameLayer(app, (slot, error) => this.#onSystemThrew(slot, error), watchdog);
    app.resources.matchByName();
    app.onFrameBoundary(() => this.#onFrameBoundary());
    app.onFrameEnd(() => this.#onFrameEnd());
    app.onShutdown(() => void this.close());
  }

  /**
   * Imports the entry, builds its plugin into `app` as the game layer and (by default) watches
   * the game's modules. Throws what the import or the plugin threw: there is no last good code yet.
   */
  static async start(app: App, options: GameReloaderOptions): Promise<GameReloader> {
    const graph = await scanGameModules(options.entry);
    const reloader = new GameReloader(app, options, graph);
    app.insertResource(reloader, HOTLOOP_OWN);
    // Nothing to fall back to at start: the import is waited for, and said once it takes too long.
    const slow = setTimeout(() => options.reporter({ type: "warning", file: reloader.#show(options.entry), message: `the game's modules have not finished loading after ${reloader.#importTimeoutMs() / 1000} s (a top-level await that never settles?); still waiting` }), reloader.#importTimeoutMs());
    const plugin = await reloader.#importPlugin(new Map(), new Map(), true).finally(() => clearTimeout(slow));
    reloader.#layer.apply(record(app, plugin, undefined), true);
    if (options.watch ?? true) reloader.#watch();
    return reloader;
  }

  /** 1 for the first build of the game plugin, + 1 for each reload applied or rolled back. */
  get version(): number {
    return this.#version;
  }

  /** Calls `observer` after each save applied at a frame boundary (still in that boundary): a timeline re-simulates with it. */
  onApplied(observer: (version: number) => void): void {
    this.#applied.push(observer);
  }

  /** Resolves once the watcher is watching (fs.watch is watching when it returns). */
  ready(): Promise<void> {
    return Promise.resolve();
  }

  /** Whether a re-imported game waits for a frame boundary (or for the build it needs). */
  get hasStaged(): boolean {
    return this.#staged !== undefined;
  }

  /** Where the running game adds a TypeScript system, as messages show paths (`src/gameplay.ts:42`). */
  systemSource(schedule: string, name: string): string | undefined {
    const place = this.#layer.sourceOf(schedule, name);
    if (!place) return undefined;
    const colon = place.lastIndexOf(":");
    return `${this.#show(place.slice(0, colon))}${place.slice(colon)}`;
  }

  /** The game's modules, as last scanned. */
  modules(): string[] {
    return [...this.#graph.imports.keys()];
  }

  /**
   * Re-imports after `changed` were saved (the watcher calls this) and stages the result for the
   * next frame boundary; resolves when staged or refused. One attempt at a time: saves during an
   * attempt start another when it ends.
   */
  reload(changed: readonly string[]): Promise<void> {
    for (const file of changed) this.#dirty.add(file);
    if (changed.length > 0) this.#saves++;
    this.#firstEventAt ??= performance.now();
    if (this.#staging) {
      this.#restageRequested = true;
      return this.#staging;
    }
    this.#staging = (async () => {
      try {
        do {
          this.#restageRequested = false;
          await this.#stage();
        } while (this.#restageRequested && !this.#closed);
      } finally {
        this.#staging = undefined;
      }
    })();
    return this.#staging;
  }

  /**
   * Stages a save of `files` (or joins the attempt under way, which takes them too) and returns
   * why it was refused, or undefined when it staged. The dev runner asks before codegen: a
   * components change the game refuses must not reach the Rust views or a build.
   */
  async verdict(files: readonly string[]): Promise<string | undefined> {
    await this.reload(files);
    if (this.#staging) await this.#staging; // a save that came during the attempt: its own attempt follows
    return this.#lastRefusal;
  }

  /**
   * Calls `listener` each time a save is staged that waits for a build of the hot library (a
   * component, resource or event type it reads changed): the dev runner builds then, even when
   * the save that made it acceptable was not one it watches (a module that still read a removed field).
   */
  onStagedNeedingBuild(listener: () => void): void {
    this.#needsBuildListeners.push(listener);
  }

  /** Stops watching. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    clearTimeout(this.#timer);
    if (this.#staged) this.#dispose(this.#staged.recording, this.#layer.current, this.#staged.file);
    this.#staged = undefined;
    for (const watcher of this.#watchers.values()) watcher.close();
    this.#watchers.clear();
  }

  /**
   * Watches the directories of the game's modules (inotify through fs.watch: a file rewritten in
   * place or replaced by an editor's rename both show up) for saves of game modules.
   */
  #watch(): void {
    const pending = new Set<string>();
    const onEvent = (path: string) => {
      if (!this.#graph.imports.has(path) || this.#closed) return;
      this.#firstEventAt ??= performance.now();
      pending.add(path);
      clearTimeout(this.#timer);
      this.#timer = setTimeout(() => {
        const files = [...pending];
        pending.clear();
        void this.reload(files);
      }, this.#options.debounceMs ?? 10);
    };
    this.#watchDirs(onEvent);
    this.#onEvent = onEvent;
  }

  /** Starts a directory watcher for every game module's directory not watched yet. */
  #watchDirs(onEvent: (path: string) => void): void {
    for (const file of this.#graph.imports.keys()) {
      const dir = dirname(file);
      if (this.#watchers.has(dir)) continue;
      try {
        const watcher = watchDir(dir, (_event, name) => {
          if (name) onEvent(join(dir, name.toString()));
        });
        this.#watchers.set(dir, watcher);
      } catch (e) {
        this.#options.reporter({ type: "warning", file: this.#show(dir), message: `cannot watch: ${(e as Error).message}; saves there are not picked up` });
      }
    }
  }

  /** One attempt: scan, forget the dirty modules and their importers, import, record, check. */
  async #stage(): Promise<void> {
    const savesSeen = this.#saves;
    const key = await savesKey(this.#dirty);
    this.#attemptSaves = key;
    // The same refused saves twice (the dev runner asked before codegen, and the watcher's event
    // came too; an editor that writes twice): one import, one line. Tried again once a while has
    // passed (a cause outside the saved files may have gone: a package installed). An accepted
    // save seen twice is imported twice: cheap, and always the code on disk.
    if (key === this.#refusedSaves && performance.now() - this.#refusedAt < SAME_SAVES_MS) {
      this.#lastRefusal = this.#refusedReason; // what verdict() reports: the same saves, the same refusal
      return void (this.#firstEventAt = undefined);
    }
    this.#lastRefusal = undefined;
    const detectedAt = this.#firstEventAt ?? performance.now();
    this.#firstEventAt = undefined;
    const file = [...this.#dirty][0] ?? this.#options.entry;
    const graph = await scanGameModules(this.#options.entry);
    const files = withImporters(graph, this.#dirty);
    forgetModules(files);
    this.#graph = graph;
    if (this.#onEvent) this.#watchDirs(this.#onEvent); // a module imported for the first time may live in a new directory

    const migrations = new Map<string, MigrationPlan>();
    const options = new Map<Component, Component["options"]>();
    let recording: Recording;
    try {
      const plugin = await this.#importPlugin(migrations, options, false);
      recording = record(this.#app, plugin, this.#layer.current);
    } catch (e) {
      if (e instanceof ImportStalled) return this.#stalled(files, graph, e.ms);
      this.#refuse(file, describeLoadError(e, new Set(graph.imports.keys()), this.#show));
      this.#refusedSaves = this.#attemptSaves;
      this.#refusedReason = this.#lastRefusal;
      this.#refusedAt = performance.now();
      return settleFailedImport(files, this.#importTimeoutMs(), (imports) => withDefinitionHook((defined) => this.#components.get(defined.name) ?? this.#app.components.get(defined.name) ?? defined, imports));
    }
    const resourceMoves = plannedResourceMoves(this.#app, recording);
    const problem = (await this.#migrationProblem([...migrations.values()], graph)) ?? resourceMoveProblem(resourceMoves);
    if (problem) {
      this.#dispose(recording, this.#layer.current, file); // its plugin was built: what it started stops
      this.#refuse(file, `${this.#show(file)}: ${problem}`);
      this.#refusedSaves = this.#attemptSaves;
      this.#refusedReason = this.#lastRefusal;
      this.#refusedAt = performance.now();
      return;
    }
    if (this.#staged) this.#dispose(this.#staged.recording, this.#layer.current, this.#staged.file); // superseded, never applied
    const plans = [...migrations.values()];
    const hot = this.#hot;
    // The layouts the hot library must be built against before this reload can apply.
    const eventTypes = recording.items.flatMap((item) => (item.kind === "event" ? [item.queue.type] : []));
    const moved = new Map<string, Layout>([
      ...plans.map((p) => [p.component.name, p.to] as const),
      ...resourceMoves.map((m) => [m.plan.name, m.plan.to] as const),
      ...eventTypes.map((t) => [t.name, t.struct.layout] as const),
    ]);
    const needsBuild = hot !== undefined && moved.size > 0 && hot.usesComponents(moved.keys());
    this.#staged = { recording, migrations: plans, resourceMoves, options, needsBuild, files, file, detectedAt, importedAt: performance.now(), waitReported: false, savesSeen };
    this.#refusedSaves = undefined;
    hot?.awaitBuildFor(needsBuild ? moved : undefined);
    if (needsBuild) for (const listener of this.#needsBuildListeners) listener();
  }

  /** Imports the entry with the definition hook and checks its default export. */
  async #importPlugin(migrations: Map<string, MigrationPlan>, options: Map<Component, Component["options"]>, first: boolean): Promise<Plugin> {
    const hook = (defined: Component): Component => {
      // Known from the first import, or registered by the game (its module may have been imported before the reloader started).
      const live = this.#components.get(defined.name) ?? this.#app.components.get(defined.name);
      if (first || !live) {
        this.#components.set(defined.name, defined);
        return defined;
      }
      if (live.layout.hash === defined.layout.hash) {
        if (live.options !== defined.options) options.set(live, defined.options);
        return live;
      }
      migrations.set(defined.name, planMigration(live, defined));
      return live; // the game's closures keep this object; its columns change at the boundary
    };
    // The timeout is inside the hook's scope, so a stalled import does not leave the hook installed.
    const ms = first ? undefined : this.#importTimeoutMs();
    const module = (await withDefinitionHook(hook, () => withTimeout(import(registryKey(this.#options.entry)), ms))) as Record<string, unknown>;
    const game = module.default;
    if (!isPlugin(game)) throw new Error(`${this.#show(this.#options.entry)}: its default export must be the game plugin (export default function game(app: App) { … })`);
    return game;
  }

  #importTimeoutMs(): number {
    return this.#options.importTimeoutMs ?? 5000;
  }

  /**
   * A save's import did not finish in time: a top-level await that never settles. Refused, naming
   * the module where it waits (an unsettled one whose game imports all settled); the modules of
   * the stalled load get fresh registry keys, so the next save imports them afresh.
   */
  #stalled(files: ReadonlySet<string>, graph: ModuleGraph, ms: number): void {
    const unsettled = [...files].filter((f) => !isSettled(f));
    const waiting = unsettled.filter((f) => (graph.imports.get(f) ?? []).every((dep) => !unsettled.includes(dep)));
    renewRegistryKeys(unsettled);
    const where = waiting.length > 0 ? waiting.map(this.#show).join(", ") : this.#show(this.#options.entry);
    this.#refuse(waiting[0] ?? this.#options.entry, `${where}: its top level has not finished after ${ms / 1000} s (an await that never settles?): not loaded; the game keeps its code, and the next save loads the module afresh`);
  }

  /** Why these migrations cannot run: data lost without a `migrate`, or a removed field the game still reads. */
  async #migrationProblem(plans: readonly MigrationPlan[], graph: ModuleGraph): Promise<string | undefined> {
    for (const plan of plans) {
      if (plan.options.migrate) continue;
      if (plan.losses.length) return `${plan.losses[0]}: give defineComponent("${plan.component.name}", …, { migrate }) to convert it, or keep the type`;
      for (const field of plan.removed) {
        const use = await findUse(graph, plan.component.name, field);
        if (use) return `${plan.component.name}.${field} is removed but still read at ${this.#show(use)}: remove that use too, or give { migrate }`;
      }
    }
    return undefined;
  }

  /** Runs the shutdown hooks of a plugin version that stops running (see GameLayer.dispose); a throw is a warning. */
  #dispose(recording: Recording, keep: Recording, file: string): void {
    for (const error of this.#layer.dispose(recording, keep)) {
      this.#options.reporter({ type: "warning", file: this.#show(file), message: `a shutdown hook of the replaced version threw: ${oneLineError(error)}` });
    }
  }

  #refuse(file: string, reason: string): void {
    this.stats.refusals++;
    this.#lastRefusal = reason;
    this.#options.reporter({ type: "game", status: "refused", file: this.#show(file), version: this.#version, reason });
  }

  /** Between frames: applies the staged reload (with the build it waits for, if any). */
  #onFrameBoundary(): void {
    const staged = this.#staged;
    if (!staged) return;
    const hot = this.#hot;
    if (staged.needsBuild && !this.#options.hot?.hasStaged) {
      if (!staged.waitReported) {
        staged.waitReported = true;
        const layouts = [...staged.migrations.map((p) => shortLayout(p.to)), ...staged.resourceMoves.map((m) => shortLayout(m.plan.to))].join(", ");
        this.#options.reporter({ type: "game", status: "waiting", file: this.#show(staged.file), version: this.#version, reason: `waits for a build of the hot library against ${layouts}` });
      }
      return;
    }
    this.#staged = undefined;
    const started = performance.now();
    const migrated: AppliedMigration[] = [];
    const movedResources: AppliedResourceMove[] = [];
    const optionsBefore = new Map([...staged.options.keys()].map((c) => [c, c.options]));
    const setOptions = (entries: Iterable<[Component, Component["options"]]>) => {
      for (const [c, o] of entries) (c as unknown as { options: Component["options"] }).options = o;
    };
    const applied: Applied = { version: this.#version + 1, files: staged.files, replaced: new Set(), migrations: migrated, resourceMoves: movedResources, withBuild: staged.needsBuild, undo: undefined };
    let layerUndo: (() => void) | undefined;
    const previous = this.#layer.current;
    const revert = () => {
      if (layerUndo) {
        layerUndo();
        this.#dispose(staged.recording, previous, staged.file); // the version rolled back stops; the one restored does not start again
      } else {
        this.#dispose(staged.recording, this.#layer.current, staged.file); // built, never applied
      }
      layerUndo = undefined;
      setOptions(optionsBefore);
      for (const m of [...movedResources].reverse()) m.revert();
      for (const m of [...migrated].reverse()) m.revert();
    };
    let swapped = false;
    try {
      for (const plan of staged.migrations) migrated.push(applyMigration(plan, defineQuery(this.#app.world, [plan.component]).ids()));
      for (const move of staged.resourceMoves) movedResources.push(applyResourceMove(this.#app, move));
      for (const item of staged.recording.items) if (item.kind === "event") movedResources.push(replaceEventQueue(this.#app, item.queue));
      setOptions(staged.options);
      applied.undo = revert;
      if (staged.needsBuild) {
        swapped = hot!.swapStaged({ revert: () => this.#revert(applied) });
        if (!swapped) {
          revert();
          return this.#refuse(staged.file, "the hot library built for the new layout did not load (see above); the components and resources keep their layout");
        }
      }
      const { changes, undo } = this.#layer.apply(staged.recording);
      layerUndo = undo;
      this.#dispose(previous, staged.recording, staged.file);
      for (const s of changes.replaced) applied.replaced.add(systemKey(s.schedule, s.name));
      this.#version++;
      this.#last = applied;
      // The saves it took are running now; one made since (refused, or still on its way) stays
      // dirty, so the next attempt imports it again rather than finding it in the module cache.
      if (this.#saves === staged.savesSeen) this.#dirty.clear();
      this.stats.reloads++;
      const now = performance.now();
      const reporter = this.#options.reporter;
      reporter({
        type: "game",
        status: "ok",
        file: this.#show(staged.file),
        version: this.#version,
        importMs: staged.importedAt - staged.detectedAt,
        applyMs: now - started,
        totalMs: now - staged.detectedAt,
      });
      for (const m of migrated) {
        this.stats.migrations++;
        reporter({ type: "migration", status: "migrated", component: m.plan.component.name, from: describeLayout(m.plan.from, m.plan.to), to: describeLayout(m.plan.to, m.plan.from), entities: m.entities, ms: m.ms });
      }
      for (const m of movedResources) {
        this.stats.migrations++;
        reporter(m.event("migrated"));
      }
      for (const name of staged.recording.onceChanged ?? []) {
        reporter({ type: "warning", file: this.#show(staged.file), message: `${name} was given other options, which a once plugin takes only when the game starts (a window's size or title, the hot library): restart the game to apply them` });
      }
      for (const s of changes.added) reporter({ type: "system", change: "added", system: s.name, placement: s.schedule.name, version: this.#version });
      for (const s of changes.removed) reporter({ type: "system", change: "removed", system: s.name, placement: s.schedule.name, version: this.#version });
      for (const run of changes.rerun) {
        try {
          run(this.#app.context);
        } catch (e) {
          reporter({ type: "warning", file: this.#show(staged.file), message: `a Startup system run again after the reload threw: ${oneLineError(e)}` });
        }
      }
      for (const observer of this.#applied) observer(this.#version);
    } catch (e) {
      if (swapped) {
        this.#quietRollback = true;
        hot!.rollBackPaired(false); // the build swapped in goes back with the migration it needed
        this.#quietRollback = false;
      } else {
        revert();
      }
      this.#refuse(staged.file, describeLoadError(e, new Set(this.#graph.imports.keys()), this.#show));
    }
  }

  /** Frame end: a reload with migrations ran a whole frame without a throw or panic, so its old columns go. */
  #onFrameEnd(): void {
    const last = this.#last;
    if (!last || last.migrations.length + last.resourceMoves.length === 0 || last.undo === undefined) return;
    for (const m of last.migrations) m.commit();
    last.undo = undefined; // the previous code expects the old layout: no going back past this point
    if (last.withBuild) this.#hot?.dropRollbackTarget();
  }

  /** A TypeScript system threw: roll its reload back if it replaced the system's body, else disable it. */
  #onSystemThrew(slot: TsSlot, error: unknown): void {
    this.#app.reportFault(slot.name);
    // Paths as the other lines show them (relative to the project), not the stack's absolute ones.
    const message = oneLineError(error).replace(/\(at (\/[^()]+?)(:\d+:\d+)\)/g, (_, file: string, at: string) => `(at ${this.#show(file)}${at})`);
    const last = this.#last;
    const event = { type: "panic", file: this.#show(stackPlaces(error)[0]?.file ?? this.#options.entry), system: slot.name, version: this.#version, message } as const;
    // In the first frame after a migration any throw may be the migration's doing (a removed field
    // read as Velocity[axis][e], which no scan sees): the reload goes back with its data, not just the system.
    if (last?.undo && (last.replaced.has(systemKey(slot.schedule, slot.name)) || last.migrations.length + last.resourceMoves.length > 0)) {
      this.#quietRollback = true; // the next save applies: importing the same code again would throw again
      if (last.withBuild) this.#hot?.rollBackPaired(false);
      else this.#revert(last);
      this.#quietRollback = false;
      this.#options.reporter({ ...event, action: "rolled_back", now: this.#version });
      return;
    }
    slot.body = undefined;
    this.stats.disabled++;
    this.#options.reporter({ ...event, action: "disabled", now: this.#version });
  }

  /**
   * Undoes an applied reload (a rollback): the layer, the options, the migrations. After a panic of
   * the hot library, the same modules are imported again so the migration waits for the next
   * build; after a TypeScript throw (#quietRollback), the next save applies.
   */
  #revert(applied: Applied): void {
    const undo = applied.undo;
    if (!undo) return;
    applied.undo = undefined;
    const started = performance.now();
    undo();
    this.#version++;
    this.stats.rollbacks++;
    for (const file of applied.files) this.#dirty.add(file); // their running instances are the rolled-back code
    for (const m of applied.migrations) {
      this.#options.reporter({ type: "migration", status: "reverted", component: m.plan.component.name, from: describeLayout(m.plan.to, m.plan.from), to: describeLayout(m.plan.from, m.plan.to), entities: m.entities, ms: performance.now() - started });
    }
    for (const m of applied.resourceMoves) this.#options.reporter(m.event("reverted", performance.now() - started));
    if (!this.#quietRollback && applied.migrations.length + applied.resourceMoves.length) void this.reload([]);
  }

}

/** `Velocity{x,y}`; with types when the other side has the same field names (a widened type is the change). */
function describeLayout(layout: Layout, other: Layout): string {
  const sameNames = layout.fields.map((f) => f.name).join() === other.fields.map((f) => f.name).join();
  return shortLayout(layout, sameNames);
}

/**
 * The first place in the game's modules that reads `Component.field`, as `file:line`: written
 * `Velocity.y`, `Velocity["y"]`, or taken apart as `const { y } = Velocity`. A computed read
 * (`Velocity[axis]`) cannot be seen here; the first frame after the migration catches it (a throw
 * there rolls the reload back with its data).
 */
async function findUse(graph: ModuleGraph, component: string, field: string): Promise<string | undefined> {
  const quoted = field.replace(/[$]/g, "\\$");
  const direct = new RegExp(`\\b${component}\\s*(\\?\\.|\\.)\\s*${quoted}\\b|\\b${component}\\s*\\[\\s*(["'\`])${quoted}\\2\\s*\\]`, "g");
  const destructured = new RegExp(`\\{([^{}]*)\\}\\s*=\\s*${component}\\b`, "g");
  for (const file of graph.imports.keys()) {
    let text: string;
    try {
      text = await Bun.file(file).text();
    } catch {
      continue;
    }
    const places: number[] = [];
    for (const m of text.matchAll(direct)) places.push(m.index);
    for (const m of text.matchAll(destructured)) {
      const names = m[1]!.split(",").map((part) => part.trim().split(/[\s:=]/)[0]);
      if (names.includes(field)) places.push(m.index);
    }
    const textLines = text.split("\n");
    const lines = places
      .map((at) => text.slice(0, at).split("\n").length)
      .filter((line) => !/^\s*(\/\/|\*)/.test(textLines[line - 1] ?? ""))
      .sort((a, b) => a - b);
    if (lines.length > 0) return `${file}:${lines[0]}`;
  }
  return undefined;
}

/** How long the same refused saves are not tried again, in ms: the dev runner's question (which may wait behind a build) and the watcher's event for one save come within it. */
const SAME_SAVES_MS = 10_000;

/** An import that did not finish within its time. */
class ImportStalled extends Error {
  constructor(readonly ms: number) {
    super(`the import has not finished after ${ms} ms`);
  }
}

/** `promise`, or an ImportStalled rejection after `ms` (no limit when undefined). */
function withTimeout<T>(promise: Promise<T>, ms: number | undefined): Promise<T> {
  if (ms === undefined) return promise;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new ImportStalled(ms)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** The saved files with a hash of what each holds now: two attempts with the same key import the same code. */
async function savesKey(files: ReadonlySet<string>): Promise<string> {
  const parts: string[] = [];
  for (const file of [...files].sort()) {
    let text = "";
    try {
      text = await Bun.file(file).text();
    } catch {
      // gone: its absence is part of the key
    }
    parts.push(`${file}:${Bun.hash(text).toString(16)}`);
  }
  return parts.join("\n");
}

/** Why these resource moves cannot run: a change that loses data, without `migrate`. */
function resourceMoveProblem(moves: readonly ResourceMove[]): string | undefined {
  for (const { plan } of moves) {
    if (!plan.migrate && plan.losses.length) return `${plan.losses[0]}: give defineResource("${plan.name}", …, { migrate }) to convert it, or keep the type`;
  }
  return undefined;
}
