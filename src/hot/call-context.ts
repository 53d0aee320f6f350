import { ptr, type Pointer } from "bun:ffi";
import type { App } from "../core/index.ts";
import { columnsOf, defineQuery, nativeBuffer, Not, storageEpoch, type ColumnOf, type Component, type FieldType, type RegisteredQuery } from "../ecs/index.ts";
import type { QueryParamManifest, SystemManifest } from "./manifest.ts";

/** One query parameter's live state: the bitecs query and where its slots start. */
interface QuerySlots {
  readonly query: RegisteredQuery;
  readonly components: readonly Component[];
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

  constructor(app: App, system: SystemManifest) {
    const slotCount = system.params.reduce((n, p) => n + (p.kind === "res" ? 1 : 3 + componentsOf(app, p).reduce((c, comp) => c + comp.fieldNames.length, 0)), 0);
    this.#words = new Uint32Array(nativeBuffer(Math.max(1, slotCount) * 8));
    this.pointer = ptr(this.#words);
    let slot = 0;
    for (const param of system.params) {
      if (param.kind === "res") {
        this.#write(slot++, param.name === "Time" ? ptr(app.time.data) : ptr(new Uint8Array(app.input.buffer)));
        continue;
      }
      const components = componentsOf(app, param);
      const terms = [
        ...components,
        ...param.with.map((n) => app.components.get(n)!),
        ...param.without.map((n) => Not(app.components.get(n)!)),
      ];
      const written = param.components.filter((c) => c.access === "write").map((c) => app.components.get(c.name)!);
      this.#queries.push({ query: defineQuery(app.world, terms), components, written, first: slot, idsBuffer: undefined });
      slot += 3 + components.reduce((n, c) => n + c.fieldNames.length, 0);
    }
    this.hasQueries = this.#queries.length > 0;
    this.layoutKey = layoutKeyOf(app, system);
    this.refresh();
  }

  /** Brings counts and pointers up to date; cheap when nothing moved. */
  refresh(): void {
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
    for (const component of q.components) {
      capacity = Math.min(capacity, component.capacity);
      for (const column of columnsOf(component)) this.#write(slot++, ptr(column));
    }
    this.#write(q.first + 2, q.components.length ? capacity : 0xffffffff);
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
  return system.params.map((p) => (p.kind === "query" ? componentsOf(app, p).map((c) => c.layout.hash).join(",") : "res")).join(";");
}

function componentsOf(app: App, param: QueryParamManifest): Component[] {
  return param.components.map((c) => app.components.get(c.name)!);
}
