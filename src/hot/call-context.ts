import { ptr, type Pointer } from "bun:ffi";
import type { App } from "../core/index.ts";
import { columnsOf, defineQuery, fitPresence, nativeBuffer, Not, presenceOf, storageEpoch, type ColumnOf, type Component, type FieldType, type Presence, type RegisteredQuery } from "../ecs/index.ts";
import { hostParamsOf, type HostParams } from "./host-params.ts";
import type { ParamManifest, QueryParamManifest, SystemManifest } from "./manifest.ts";
import { drawListOf } from "../core/draw-list.ts";
import { audioListOf } from "../core/audio-list.ts";

/** One query parameter's live state: the bitecs query and where its slots start. */
interface QuerySlots {
  readonly query: RegisteredQuery;
  /** Its component terms in query order; an optional one (`Option<Read<T>>`) with T's presence bytes. */
  readonly terms: readonly { readonly component: Component; readonly presence: Presence | undefined }[];
  /** The components it declares as written (their columns are what a panic may leave half-done). */
  readonly written: readonly Component[];
  /** Index of the first u64 slot (ids pointer); count, capacity and columns follow. */
  readonly first: number;
  idsBuffer: ArrayBufferLike | undefined;
}

/**
 * The host-owned `u64` slots one hot system reads (docs/abi.md, "The call context"). Built once
 * per registered hot system from its manifest parameters; `refresh()` runs before every call and
 * rewrites only what moved: the entity count always, the ids pointer when bitecs reallocated the
 * query buffer, column pointers and capacity when component storage grew (storage epoch).
 */
export class CallContext {
  /** The slots as 32-bit halves: pointers fit in 53 bits, written without BigInt. */
  readonly #words: Uint32Array;
  /** Pointer to slot 0: the `ctx` argument of the system's entry. */
  readonly pointer: Pointer;
  readonly #queries: QuerySlots[] = [];
  /** Buffers for the copies a snapshot makes, kept from call to call. */
  readonly #copies: ColumnOf<FieldType>[] = [];
  #epoch = -1;
  /** Whether any parameter is a query (else nothing ever needs refreshing). A field, not a getter: it is read on every call. */
  readonly hasQueries: boolean;
  /** The layouts its slots were laid out for: a live migration of one of them needs a new context. */
  readonly layoutKey: string;
  /** The command queue when a parameter is `Commands`: the host applies it after each call. */
  readonly commands: HostParams["commands"] | undefined;
  /** Resource slots: re-pointed when the app's resources change (one inserted again, say). */
  readonly #resources: { readonly slot: number; readonly name: string }[] = [];
  /** The resources' bytes the slots point into, held so they stay alive while the slots do. */
  #resourceBytes: ArrayBuffer[] = [];
  #resourceEpoch = -1;
  readonly #app: App;
  readonly #host: HostParams;
  /**
   * What each slot holds, in order (`ids count capacity col:Position.x res:Time commands ...`):
   * the layout docs/abi.md describes, checked against systems-rs/hotloop-sdk/abi/slots.golden.txt.
   */
  readonly slots: readonly string[];

  constructor(app: App, system: SystemManifest) {
    this.#app = app;
    this.#host = hostParamsOf(app);
    // Each parameter's slots, named: their number is where the next parameter's start.
    const slotsOf = system.params.map((param) => slotNames(app, param));
    this.slots = slotsOf.flat();
    this.#words = new Uint32Array(nativeBuffer(Math.max(1, this.slots.length) * 8));
    this.pointer = ptr(this.#words);
    let slot = 0;
    let commands: HostParams["commands"] | undefined;
    system.params.forEach((param, index) => {
      const first = slot;
      slot += slotsOf[index]!.length;
      if (param.kind !== "query") {
        if (param.kind === "commands") commands = this.#host.commands;
        if (param.kind === "res") this.#resources.push({ slot: first, name: param.name });
        else this.#write(first, this.#pointerOf(system.name, index, param));
        return;
      }
      const terms = param.components.map((c) => {
        const component = app.components.get(c.name)!;
        return { component, presence: isOptional(c.access) ? presenceOf(app.world, component) : undefined };
      });
      // An optional term does not narrow the query: bitecs matches the other terms only.
      const matched = [
        ...terms.filter((t) => !t.presence).map((t) => t.component),
        ...param.with.map((n) => app.components.get(n)!),
        ...param.without.map((n) => Not(app.components.get(n)!)),
      ];
      // Every entity (`Query<(Entity, Option<Read<T>>)>`, `Query<Entity>`): bitecs keeps a query of
      // no terms only as it was when registered, but a `Not` query is checked on every new entity.
      if (matched.length === 0) matched.push(Not(NO_ENTITY_HAS));
      const written = param.components.filter((c) => c.access === "write" || c.access === "optional_write").map((c) => app.components.get(c.name)!);
      this.#queries.push({ query: defineQuery(app.world, matched), terms, written, first, idsBuffer: undefined });
    });
    this.commands = commands;
    this.hasQueries = this.#queries.length > 0 || this.#resources.length > 0;
    this.layoutKey = layoutKeyOf(app, system);
    this.refresh();
  }

  /** The slot value of a parameter that is neither a query nor a resource. */
  #pointerOf(system: string, index: number, param: Exclude<ParamManifest, QueryParamManifest | { kind: "res" }>): number {
    switch (param.kind) {
      case "commands":
        return this.#host.commandsPointer;
      case "local":
        return this.#host.local(system, index, param.type, param.size, param.align);
      case "event_writer":
        return this.#host.queuePointer(this.#queue(param.name));
      case "event_reader":
        return this.#host.reader(system, index, this.#queue(param.name));
      case "draw":
        return drawListOf(this.#app).pointer;
      case "audio":
        return audioListOf(this.#app).pointer;
    }
  }

  #queue(name: string) {
    const queue = this.#app.events.get(name);
    if (!queue) throw new Error(`event ${name} is not added: call app.addEvent(${name})`);
    return queue;
  }

  /** Points the resource slots at the app's resources of their names (checked by the loader before). */
  #pointResources(): void {
    const bytes: ArrayBuffer[] = [];
    for (const { slot, name } of this.#resources) {
      const found = this.#host.resource(name);
      // A resource removed since the check: keep the old bytes (held below), never a dangling pointer.
      const target = found?.bytes ?? this.#resourceBytes[bytes.length];
      if (!target) throw new Error(`resource ${name} is missing: insert it with app.insertResource(new ${name}())`);
      bytes.push(target);
      this.#write(slot, ptr(new Uint8Array(target, 0, 1)));
    }
    this.#resourceBytes = bytes;
  }

  /** Brings counts and pointers up to date; cheap when nothing moved. */
  refresh(): void {
    if (this.#resources.length > 0) {
      const epoch = this.#app.resources.epoch;
      if (epoch !== this.#resourceEpoch) {
        this.#resourceEpoch = epoch;
        this.#pointResources();
      }
    }
    const queries = this.#queries;
    if (queries.length === 0) return;
    const epoch = storageEpoch();
    const grown = epoch !== this.#epoch;
    this.#epoch = epoch;
    for (let i = 0; i < queries.length; i++) {
      const q = queries[i]!;
      const ids = q.query.ids();
      if (ids.buffer !== q.idsBuffer) {
        q.idsBuffer = ids.buffer;
        // bitecs' dense buffer is an explicit ArrayBuffer of >= 1000 u32: its address is stable until it is replaced
        this.#write(q.first, ptr(new Uint32Array(ids.buffer, 0, 1)));
      }
      this.#words[(q.first + 1) * 2] = ids.length;
      if (grown) this.#writeColumns(q);
    }
  }

  /**
   * Copies the columns a call may write (whole: one memcpy each, cheaper than picking the rows a
   * query matched, and exactly the state before the call). {@link restore} puts them back after a
   * panic. The copies live in buffers kept for the next call.
   */
  snapshot(): WriteSnapshot {
    const saved: SavedColumn[] = [];
    let n = 0;
    for (const q of this.#queries) {
      for (const component of q.written) {
        for (const column of columnsOf(component)) {
          let copy = this.#copies[n];
          if (copy === undefined || copy.length !== column.length || copy.constructor !== column.constructor) {
            copy = new (column.constructor as new (length: number) => ColumnOf<FieldType>)(column.length);
            this.#copies[n] = copy;
          }
          copy.set(column as never);
          saved.push({ column, copy });
          n++;
        }
      }
    }
    return saved;
  }

  /** Puts the columns of a {@link snapshot} back. */
  static restore(snapshot: WriteSnapshot): void {
    for (const { column, copy } of snapshot) column.set(copy as never);
  }

  #writeColumns(q: QuerySlots): void {
    let capacity = Infinity;
    let slot = q.first + 3;
    for (const { component, presence } of q.terms) {
      if (presence) {
        // An optional term has its own capacity: its component's, which may be below the query's.
        fitPresence(presence, component.capacity);
        this.#write(slot++, component.capacity);
        this.#write(slot++, ptr(presence.bytes));
      } else {
        capacity = Math.min(capacity, component.capacity);
      }
      for (const column of columnsOf(component)) this.#write(slot++, ptr(column));
    }
    this.#write(q.first + 2, capacity === Infinity ? 0xffffffff : capacity);
  }

  #write(slot: number, value: number): void {
    this.#words[slot * 2] = value >>> 0;
    this.#words[slot * 2 + 1] = Math.floor(value / 0x1_0000_0000);
  }
}

/** One written column and its copy from before a call. */
interface SavedColumn {
  readonly column: ColumnOf<FieldType>;
  readonly copy: ColumnOf<FieldType>;
}

/** What {@link CallContext.snapshot} saved. */
export type WriteSnapshot = readonly SavedColumn[];

/** The layouts of the components a system's queries read: what its context's slot layout depends on. */
export function layoutKeyOf(app: App, system: SystemManifest): string {
  return system.params.map((p) => (p.kind === "query" ? componentsOf(app, p).map((c) => c.layout.hash).join(",") : p.kind)).join(";");
}

/** The names of the slots one parameter takes (see {@link CallContext.slots}). */
function slotNames(app: App, param: ParamManifest): string[] {
  switch (param.kind) {
    case "query":
      return [
        "ids",
        "count",
        "capacity",
        ...param.components.flatMap(({ name, access }) => {
          const columns = app.components.get(name)!.fieldNames.map((f) => `col:${name}.${f}`);
          return isOptional(access) ? [`capacity:${name}`, `has:${name}`, ...columns] : columns;
        }),
      ];
    case "res":
    case "event_writer":
    case "event_reader":
      return [`${param.kind}:${param.name}`];
    case "local":
      return [`local:${param.type}`];
    default:
      return [param.kind];
  }
}

function componentsOf(app: App, param: QueryParamManifest): Component[] {
  return param.components.map((c) => app.components.get(c.name)!);
}

/** A component no entity ever gets: `Not(NO_ENTITY_HAS)` matches every entity, kept up to date. */
const NO_ENTITY_HAS = {};

function isOptional(access: QueryParamManifest["components"][number]["access"]): boolean {
  return access === "optional_read" || access === "optional_write";
}

