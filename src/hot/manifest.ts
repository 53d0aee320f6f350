import { z } from "zod";

/** The ABI this host speaks (docs/abi.md). A library of another version is refused. */
export const HOTLOOP_ABI_VERSION = 5;

/** Names are identifiers: long ones are a library lying, not a game. */
const Name = z.string().min(1).max(256);

const QueryParam = z.object({
  /** A `Query<D, F>` parameter. */
  kind: z.literal("query"),
  /** Its data terms with components, in order (`Entity` terms take no slot and are not listed). */
  components: z
    .array(
      z.object({
        /** The component's name, as in `components`. */
        name: Name,
        /** `read` / `write`: `Read<C>` / `Write<C>`; `optional_read` / `optional_write`: `Option<Read<C>>` / `Option<Write<C>>`, which do not narrow the query. */
        access: z.enum(["read", "write", "optional_read", "optional_write"]),
      }),
    )
    .max(64),
  /** Components the query requires without reading them (`With<C>`). */
  with: z.array(Name).max(64).default([]),
  /** Components the query excludes (`Without<C>`). */
  without: z.array(Name).max(64).default([]),
  /** Where `Entity` terms stand among the data terms (they take no slot): only for messages. */
  entity: z.array(z.number().int().min(0).max(127)).max(64).optional(),
});

const ResParam = z.object({
  /** A `Res<T>` or `ResMut<T>` parameter. */
  kind: z.literal("res"),
  /** The resource's name, as in `resources`. */
  name: Name,
  /** `read` for `Res<T>`, `write` for `ResMut<T>`. */
  access: z.enum(["read", "write"]),
});
const CommandsParam = z.object({
  /** A `Commands` parameter. */
  kind: z.literal("commands"),
});
/**
 * The largest `Local<T>` a system may take, in bytes. A Local is a handful of numbers, not a heap,
 * and the cap keeps the game alive: the SDK builds `T::default()` on the stack of the game's
 * thread before it moves it into the host's block, so a Local near the stack's size (8 MiB by
 * default on Linux, shared with Bun's frames and the system's own) overflows it, and the process
 * dies of SIGSEGV, with no panic to catch: with the cap lifted, an 8 MiB Local did, 2 and 4 MiB
 * ones ran. The host also keeps a zeroed block of 8 + size bytes for each (system, Local) for the
 * whole session. Big state belongs in a resource or in components. A
 * system with a bigger Local is refused alone ({@link systemOwnProblem}), never its library.
 */
export const MAX_LOCAL_BYTES = 1 << 20;

const LocalParam = z.object({
  /** A `Local<T>` parameter. */
  kind: z.literal("local"),
  /** `T`'s layout text: `Gun{cooldown:f32}` for a `local!` struct, the type's name for a number or `bool`. */
  type: z.string().min(1).max(4096),
  // Any size a type can have (a safe integer): one over MAX_LOCAL_BYTES refuses its system, not the library.
  /** `T`'s size in bytes. */
  size: z.number().int().min(0),
  /** `T`'s alignment in bytes: 1, 2, 4 or 8. */
  align: z.number().int().refine((a) => a === 1 || a === 2 || a === 4 || a === 8, "a Local's alignment is 1, 2, 4 or 8"),
});
const EventWriterParam = z.object({
  /** An `EventWriter<E>` parameter. */
  kind: z.literal("event_writer"),
  /** The event type's name, as in `events`. */
  name: Name,
});
const EventReaderParam = z.object({
  /** An `EventReader<E>` parameter. */
  kind: z.literal("event_reader"),
  /** The event type's name, as in `events`. */
  name: Name,
});
const DrawParam = z.object({
  /** A `DrawList` parameter. */
  kind: z.literal("draw"),
});
const AudioParam = z.object({
  /** An `Audio` parameter. */
  kind: z.literal("audio"),
});

/** The parameter kinds this host knows: a library asking for another one was built by a newer SDK. */
const PARAM_KINDS: readonly string[] = ["query", "res", "commands", "local", "event_writer", "event_reader", "draw", "audio"];

/** A named layout the library was compiled against: a component, resource or event type. */
const LayoutEntry = z.object({
  /** Its name, as TypeScript's `defineComponent` / `defineResource` / `defineEvent` gives it. */
  name: Name,
  /** The layout hash it was compiled against: 16 lowercase hex digits of 64-bit FNV-1a (docs/abi.md, "Layout hash"). */
  hash: z.string().regex(/^[0-9a-f]{16}$/, "a layout hash is 16 lowercase hex digits"),
  /** Its fields in declaration order (none for a tag). */
  fields: z
    .array(
      z.object({
        /** The field's name. */
        name: Name,
        /** Its type: `f32`, `u8`, … (`u8[512]` for an array field of a built-in resource). */
        type: z.string().max(16),
      }),
    )
    .max(256),
});

/** The manifest a hot library exports (docs/abi.md), checked field by field. */
export const ManifestSchema = z.object({
  /** The ABI version the library was built for ({@link HOTLOOP_ABI_VERSION} or refused). */
  abi: z.number().int(),
  /** The SDK's version (its crate's). */
  sdk: z.string(),
  /** The library crate's name. */
  crate: z.string(),
  /** Problems the Rust compiler could not catch (two systems of one name, …): the host refuses a library that has one, with this message. */
  error: z.string().optional(),
  /** Whether the library has its own `on_load` / `on_unload` hook (the exports exist either way). */
  hooks: z.object({
    /** `on_load` was given. */
    load: z.boolean(),
    /** `on_unload` was given. */
    unload: z.boolean(),
  }),
  /** Every component any system names, once, with the layout it was compiled against. */
  components: z.array(LayoutEntry).max(4096),
  /** Every resource any system names (`Res`, `ResMut`), once, with its layout. */
  resources: z.array(LayoutEntry).max(4096),
  /** Every event type any system names (`EventWriter`, `EventReader`), once, with its layout. */
  events: z.array(LayoutEntry).max(4096),
  /** The exported systems, in the system table's order. */
  systems: z
    .array(
      z.object({
        /** The Rust function's name: what `hotSystem("…")` names. */
        name: Name,
        /** Where the library places the system; absent: the app places it with hotSystem(). */
        schedule: Name.optional(),
        /** Systems (Rust or TypeScript) it runs after, with `schedule`. */
        after: z.array(Name).max(256).default([]),
        /** Systems it runs before, with `schedule`. */
        before: z.array(Name).max(256).default([]),
        /** Its parameters, in order: what the host fills the call context from. */
        params: z.array(z.discriminatedUnion("kind", [QueryParam, ResParam, CommandsParam, LocalParam, EventWriterParam, EventReaderParam, DrawParam, AudioParam])).max(32),
      }),
    )
    .max(4096),
});

/** A hot library's manifest, as its schema (`ManifestSchema`) checked it (docs/abi.md, "The manifest"). */
export type Manifest = z.infer<typeof ManifestSchema>;
/** One system of a manifest. */
export type SystemManifest = Manifest["systems"][number];
/** One parameter of a manifest's system. */
export type ParamManifest = SystemManifest["params"][number];
/** A manifest's `Query` parameter. */
export type QueryParamManifest = z.infer<typeof QueryParam>;

/** A refusal: why a library cannot be used, as one line without the file name (the caller adds it). */
export class ManifestError extends Error {
  override name = "ManifestError";
}

/** Manifests parsed lately, by their text: most builds change a body, not the manifest. */
const recentManifests = new Map<string, Manifest>();
const RECENT_MANIFESTS = 8;

/**
 * Parses and shape-checks manifest JSON text; throws a ManifestError with the first problem. The
 * result is frozen and shared: a build whose manifest text is one of the last few parsed gets the
 * same object back (a body-only edit does not pay the schema check again, a third of a reload's
 * load time).
 */
export function parseManifest(text: string): Manifest {
  const known = recentManifests.get(text);
  if (known) return known;
  const manifest = deepFreeze(checkManifest(text));
  if (recentManifests.size >= RECENT_MANIFESTS) recentManifests.delete(recentManifests.keys().next().value!);
  recentManifests.set(text, manifest);
  return manifest;
}

/**
 * Forgets the manifests parsed lately: the next parse of any text pays the full check. For the
 * benchmark, which times reloads whose manifest the process has not seen (bench/suites/reload.ts).
 * @internal
 */
export function forgetRecentManifests(): void {
  recentManifests.clear();
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === "object" && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const inner of Object.values(value)) deepFreeze(inner);
  }
  return value;
}

function checkManifest(text: string): Manifest {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new ManifestError(`manifest is not valid JSON (${(e as Error).message})`);
  }
  if (json && typeof json === "object" && "abi" in json && json.abi !== HOTLOOP_ABI_VERSION) {
    throw new ManifestError(`SDK ABI version ${String(json.abi)} does not match the host's ${HOTLOOP_ABI_VERSION}: rebuild the library against this hotloop`);
  }
  const unknown = unknownParamKind(json);
  if (unknown) throw new ManifestError(unknown);
  const parsed = ManifestSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const where = issue.path.length ? issue.path.map((p) => (typeof p === "number" ? `[${p}]` : `.${String(p)}`)).join("").replace(/^\./, "") : "manifest";
    throw new ManifestError(`manifest ${where}: ${issue.message}`);
  }
  if (parsed.data.error) throw new ManifestError(`library reports: ${parsed.data.error}`);
  // Two systems of one name would bind the second one's code to the first one's checked parameters.
  const seen = new Set<string>();
  for (const system of parsed.data.systems) {
    if (seen.has(system.name)) throw new ManifestError(`manifest lists two systems named ${system.name}`);
    seen.add(system.name);
  }
  return parsed.data;
}

/**
 * The first parameter of a kind this host does not know, as a refusal that says why (a newer SDK
 * than this hotloop), rather than the schema's list of the kinds it expected.
 */
function unknownParamKind(json: unknown): string | undefined {
  const systems = json && typeof json === "object" && "systems" in json && Array.isArray(json.systems) ? (json.systems as unknown[]) : [];
  for (const system of systems) {
    const params = system && typeof system === "object" && "params" in system && Array.isArray(system.params) ? (system.params as unknown[]) : [];
    for (const param of params) {
      const kind = param && typeof param === "object" && "kind" in param ? param.kind : undefined;
      if (typeof kind !== "string" || PARAM_KINDS.includes(kind)) continue;
      const name = system && typeof system === "object" && "name" in system ? String(system.name) : "?";
      return `system ${name} takes a parameter of kind ${JSON.stringify(kind.slice(0, 64))}, which this hotloop does not know: the library was built with a newer hotloop SDK; update hotloop (or build against its SDK)`;
    }
  }
  return undefined;
}

/** A system's parameters as Rust-like text: `Query<(Write<Position>, Read<Velocity>), With<Player>>, Res<Time>`. */
export function describeParams(params: readonly ParamManifest[]): string {
  return params.map(describeParam).join(", ") || "(no parameters)";
}

function describeParam(p: ParamManifest): string {
  if (p.kind === "res") return `${p.access === "write" ? "ResMut" : "Res"}<${p.name}>`;
  if (p.kind === "commands") return "Commands";
  if (p.kind === "local") return `Local<${p.type}>`;
  if (p.kind === "event_writer") return `EventWriter<${p.name}>`;
  if (p.kind === "event_reader") return `EventReader<${p.name}>`;
  if (p.kind === "draw") return "DrawList";
  if (p.kind === "audio") return "Audio";
  const items = p.components.map((c) => TERM_TEXT[c.access](c.name));
  // `Entity` terms back in their places (a position past the end goes last).
  for (const at of [...(p.entity ?? [])].sort((a, b) => a - b)) items.splice(Math.min(at, items.length), 0, "Entity");
  const data = items.length === 1 ? items[0]! : `(${items.join(", ")})`;
  const filters = [...p.with.map((n) => `With<${n}>`), ...p.without.map((n) => `Without<${n}>`)];
  const filter = filters.length === 0 ? "" : filters.length === 1 ? `, ${filters[0]}` : `, (${filters.join(", ")})`;
  return `Query<${data}${filter}>`;
}

/** A query term as Rust spells it, by its manifest access. */
const TERM_TEXT: Record<QueryParamManifest["components"][number]["access"], (name: string) => string> = {
  read: (n) => `Read<${n}>`,
  write: (n) => `Write<${n}>`,
  optional_read: (n) => `Option<Read<${n}>>`,
  optional_write: (n) => `Option<Write<${n}>>`,
};

/** Where a system runs as the library places it: `FixedUpdate`, `FixedUpdate after a, b`; undefined when the app places it. */
export function describePlacement(system: SystemManifest): string | undefined {
  if (!system.schedule) return undefined;
  // Each name once: `.after("a").after("a")`, or an order given twice, is one constraint.
  const after = [...new Set(system.after)];
  const before = [...new Set(system.before)];
  const order = [...(after.length ? [`after ${after.join(", ")}`] : []), ...(before.length ? [`before ${before.join(", ")}`] : [])];
  return [system.schedule, ...order].join(" ");
}

/** The system of that name, or undefined. */
export function findSystem(manifest: Manifest, name: string): SystemManifest | undefined {
  return manifest.systems.find((s) => s.name === name);
}

/**
 * Checks one system's use of components against the app: every component it names is registered
 * and has the layout the library was compiled against; no column is written by one parameter and
 * touched by another that can match the same entity, or named twice in one query (that would
 * alias in Rust). Two queries cannot match one entity when one requires a component (a
 * non-optional term or `With`) that the other excludes (`Without`). The SDK refuses the same at
 * compile time; this is the backstop for any library.
 */
export function checkSystemComponents(manifest: Manifest, system: SystemManifest, registry: ComponentLayouts, source?: SourceLayouts): void {
  const compiled = new Map(manifest.components.map((c) => [c.name, c]));
  const access = new Map<string, { param: QueryParamManifest; write: boolean }[]>();
  system.params.forEach((p) => {
    if (p.kind !== "query") return;
    const seen = new Set<string>();
    for (const c of p.components) {
      if (seen.has(c.name)) throw new ManifestError(`system ${system.name} names component ${c.name} twice in one query`);
      seen.add(c.name);
      access.set(c.name, [...(access.get(c.name) ?? []), { param: p, write: c.access === "write" || c.access === "optional_write" }]);
    }
    for (const name of [...p.components.map((c) => c.name), ...p.with, ...p.without]) {
      const app = registry.get(name);
      if (!app) {
        throw new ManifestError(`system ${system.name} uses component ${name}, which the app has not registered (app.registerComponents(${name}))`);
      }
      const lib = compiled.get(name);
      if (!lib) throw new ManifestError(`system ${system.name} uses component ${name}, missing from the manifest's components`);
      if (lib.hash !== app.layout.hash) throw layoutMismatch(name, lib, app.layout, source?.get(name));
    }
  });
  for (const [name, uses] of access) {
    for (let i = 0; i < uses.length; i++) {
      for (let j = i + 1; j < uses.length; j++) {
        const [a, b] = [uses[i]!, uses[j]!];
        if ((a.write || b.write) && !disjointQueries(a.param, b.param)) {
          throw new ManifestError(`system ${system.name} writes component ${name} in one parameter and reads it in another: merge them into one query`);
        }
      }
    }
  }
}

/** Whether no entity can match both queries: one requires a component the other excludes. */
export function disjointQueries(a: QueryParamManifest, b: QueryParamManifest): boolean {
  const required = (q: QueryParamManifest) => [...q.components.filter((c) => c.access === "read" || c.access === "write").map((c) => c.name), ...q.with];
  const apart = (x: QueryParamManifest, y: QueryParamManifest) => required(x).some((name) => y.without.includes(name));
  return apart(a, b) || apart(b, a);
}

/** Resources and event types as the checks see them: by name, their layout hash. */
export interface HostLayouts {
  resource(name: string): { readonly hash: string; readonly text: string; readonly readOnly: boolean } | undefined;
  event(name: string): { readonly hash: string; readonly text: string } | undefined;
}

/**
 * Checks a system's resources and events against the app: each exists with the layout the library
 * was compiled against; a read-only resource (Time, Input) is not taken as ResMut.
 */
export function checkSystemHostParams(manifest: Manifest, system: SystemManifest, host: HostLayouts): void {
  for (const p of system.params) {
    if (p.kind === "res") {
      const app = host.resource(p.name);
      const lib = manifest.resources.find((r) => r.name === p.name);
      if (!app) throw new ManifestError(`system ${system.name} takes ${describeParam(p)}, but the app has no resource ${p.name} with a schema (defineResource("${p.name}", ...), then app.insertResource(new ${p.name}()) when the plugin is built)`);
      if (!lib) throw new ManifestError(`system ${system.name} takes resource ${p.name}, missing from the manifest's resources`);
      if (lib.hash !== app.hash && STATE_CARRIER.test(p.name)) throw stateMismatch(system.name, p.name, lib, app.text);
      if (lib.hash !== app.hash) throw new ManifestError(`resource ${p.name} layout differs: the library was compiled against ${layoutText(p.name, lib)} (hash ${lib.hash}), the app has ${app.text} (hash ${app.hash}): run \`hotloop codegen\` and rebuild`);
      if (p.access === "write" && app.readOnly) throw new ManifestError(`system ${system.name} takes ResMut<${p.name}>: ${p.name} is written by the host only; take Res<${p.name}>`);
    } else if (p.kind === "event_writer" || p.kind === "event_reader") {
      const app = host.event(p.name);
      const lib = manifest.events.find((e) => e.name === p.name);
      if (!app) throw new ManifestError(`system ${system.name} uses event ${p.name}, which the app has not added (app.addEvent(${p.name}))`);
      if (!lib) throw new ManifestError(`system ${system.name} uses event ${p.name}, missing from the manifest's events`);
      if (lib.hash !== app.hash) throw new ManifestError(`event ${p.name} layout differs: the library was compiled against ${layoutText(p.name, lib)} (hash ${lib.hash}), the app has ${app.text} (hash ${app.hash}): run \`hotloop codegen\` and rebuild`);
    }
  }
}

/** A state's carrier resources (src/core/states.ts): `State<GameState>`, `NextState<GameState>`; their one field is named by the variants. */
const STATE_CARRIER = /^(?:Next)?State<(\w+)>$/;

/** The refusal for a Rust `state!` enum whose variants are not the app's `defineState`'s. */
function stateMismatch(system: string, resource: string, lib: { readonly fields: readonly { name: string }[] }, appText: string): ManifestError {
  const state = STATE_CARRIER.exec(resource)![1]!;
  const variants = (field: string | undefined) => (field ?? "").split("|").join(", ");
  const app = /\{(.*):u32\}$/.exec(appText)?.[1];
  return new ManifestError(`system ${system} takes ${resource}, but the library's state! ${state} has the variants ${variants(lib.fields[0]?.name)} and the app's defineState("${state}") has ${variants(app)}: list the same variants, in the same order, on both sides`);
}

function layoutText(name: string, entry: { readonly fields: readonly { name: string; type: string }[] }): string {
  return `${name}{${entry.fields.map((f) => `${f.name}:${f.type}`).join(",")}}`;
}

/**
 * Why a system cannot run in any app, whatever its components and resources, as one line naming
 * it; undefined when it can. Today: a Local over {@link MAX_LOCAL_BYTES}.
 */
export function systemOwnProblem(system: SystemManifest): string | undefined {
  for (const p of system.params) {
    if (p.kind === "local" && p.size > MAX_LOCAL_BYTES) {
      const { size, cap } = localSizes(p.size);
      return `system ${system.name} takes Local<${localTypeName(p.type)}>, which is ${size}; a Local is at most ${cap} (keep big state in a resource or a component)`;
    }
  }
  return undefined;
}

/**
 * The problems of a library's systems that hold in any app ({@link systemOwnProblem}), one line
 * each: what a build can say before any game loads it. The library itself is sound: its other
 * systems load and run.
 */
export function librarySystemProblems(manifest: Manifest): string[] {
  return manifest.systems.map(systemOwnProblem).filter((p): p is string => p !== undefined);
}

/** A Local's type as a message names it: `Gun` for the layout text `Gun{shots:u32,...}`, cut when long. */
function localTypeName(layout: string): string {
  const name = layout.split("{")[0] || layout;
  return name.length > 80 ? `${name.slice(0, 80)}…` : name;
}

/**
 * A Local's size against the cap, for a message: `2 MiB` and `1 MiB`, `2.00 MiB` for 2097156
 * bytes; in bytes when two decimals would not tell it from the cap (`1048577 bytes`, `1048576 bytes`).
 */
function localSizes(bytes: number): { size: string; cap: string } {
  const mib = bytes / 2 ** 20;
  if (Number.isInteger(mib)) return { size: `${mib} MiB`, cap: `${MAX_LOCAL_BYTES / 2 ** 20} MiB` };
  if (mib.toFixed(2) === (MAX_LOCAL_BYTES / 2 ** 20).toFixed(2)) return { size: `${bytes} bytes`, cap: `${MAX_LOCAL_BYTES} bytes` };
  return { size: `${mib.toFixed(2)} MiB`, cap: `${MAX_LOCAL_BYTES / 2 ** 20} MiB` };
}

/** Why a system cannot run against this app, as one line; undefined when it can. */
export function systemProblem(manifest: Manifest, system: SystemManifest, registry: ComponentLayouts, source?: SourceLayouts, host?: HostLayouts): string | undefined {
  const own = systemOwnProblem(system);
  if (own) return own;
  try {
    checkSystemComponents(manifest, system, registry, source);
    if (host) checkSystemHostParams(manifest, system, host);
    return undefined;
  } catch (e) {
    if (e instanceof ManifestError) return e.message;
    throw e;
  }
}

/** The app's components as a check sees them (the registry, or the layouts a staged migration will give them). */
export interface ComponentLayouts {
  get(name: string): { readonly layout: { readonly text: string; readonly hash: string } } | undefined;
}

/**
 * Each component's layout hash as its TypeScript source defines it now (the dev runner learns it
 * from the codegen it runs before each build): tells which side of a mismatch is stale.
 */
export type SourceLayouts = ReadonlyMap<string, string>;

/** The refusal for a component compiled with another layout than the app's, saying which side is stale. */
function layoutMismatch(name: string, lib: Manifest["components"][number], app: { text: string; hash: string }, sourceHash: string | undefined): ManifestError {
  const libLayout = layoutText(name, lib);
  const differs = `component ${name} layout differs: the library was compiled against ${libLayout} (hash ${lib.hash}), the app has ${app.text} (hash ${app.hash})`;
  if (sourceHash === lib.hash) {
    return new ManifestError(`${differs}: the running app has the old components (${name} was edited after it started): restart the game to use the new layout`);
  }
  if (sourceHash === app.hash) {
    return new ManifestError(`${differs}: the library is older than the components: run \`hotloop codegen\` and rebuild`);
  }
  return new ManifestError(`${differs}: if the library is the stale side, run \`hotloop codegen\` and rebuild; if ${name} was edited after the game started, restart it`);
}

/** The exported system names, for messages: the first 20, and how many more (a library may export a thousand). */
export function exportList(manifest: Manifest): string {
  const names = manifest.systems.map((s) => s.name);
  if (names.length === 0) return "none";
  return names.length > 20 ? `${names.slice(0, 20).join(", ")} and ${names.length - 20} more` : names.join(", ");
}
