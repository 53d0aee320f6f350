/**
 * Events: typed messages between systems, TypeScript or Rust, double-buffered per frame as in
 * Bevy: an event can be read in the frame it was sent and the next, and each reader sees it once.
 *
 *     export const CoinCollected = defineEvent("CoinCollected", { x: "f32", y: "f32" });
 *     app.addEvent(CoinCollected);
 *     app.sendEvent(CoinCollected, { x, y });                 // TypeScript writer
 *     const collected = app.eventReader(CoinCollected);       // TypeScript reader: keep it
 *     for (const e of collected.read()) console.log(e.x);
 *     // Rust: EventWriter<CoinCollected> / EventReader<CoinCollected>
 *
 * Why one native queue per type: Rust writers append records in place (docs/abi.md, "Events"),
 * and TypeScript reads the same bytes; nothing is copied across the boundary.
 */
import type { FieldType } from "./field.ts";
import { nativeBuffer } from "./native-buffer.ts";
import { checkSchema, fieldAccess, type ResourceFields } from "./resource.ts";
import { structLayout, type StructLayout, type StructSchema } from "./struct-layout.ts";

/** An event type: its name, fields and C layout. */
export interface EventType<S extends Readonly<Record<string, FieldType>> = Readonly<Record<string, FieldType>>> {
  /** The event type's name, as `defineEvent` got it (and Rust's `event!` names it). */
  readonly name: string;
  /** Its fields and their types, in order. */
  readonly schema: S;
  /** Its C layout: one event as Rust reads it. */
  readonly struct: StructLayout;
  /** Events the queue holds over two frames. */
  readonly capacity: number;
}

/** Options of {@link defineEvent}. */
export interface EventOptions {
  /** Events the queue holds over the current and the previous frame (default 4096). */
  readonly capacity?: number;
}

/** Defines an event type with numeric fields. Throws a one-line error on a bad name or type. */
export function defineEvent<const S extends Readonly<Record<string, FieldType>>>(name: string, schema: S, options: EventOptions = {}): EventType<S> {
  checkSchema("event", name, schema);
  const capacity = options.capacity ?? 4096;
  if (!Number.isInteger(capacity) || capacity < 1) throw new Error(`event ${name}: capacity must be a positive integer`);
  return Object.freeze({ name, schema, struct: structLayout(name, schema as StructSchema), capacity });
}

/** The header of a queue, as Rust reads it (`EventQueueData`). */
export const EVENT_QUEUE_LAYOUT = structLayout("EventQueueData", { records: "u64", capacity: "u32", count: "u32", first_id: "u64", record_size: "u32", reserved: "u32" });
/** One Rust reader's state (`EventReaderData`): its queue and the next id it has not read. */
export const EVENT_READER_LAYOUT = structLayout("EventReaderData", { queue: "u64", cursor: "u64" });

const H = EVENT_QUEUE_LAYOUT.byName;

/** An event queue between two frames, as `EventQueue.saveState` returns it (an app snapshot holds one per event type). */
export interface EventQueueState {
  /** The event type's layout hash then: a queue of another layout is emptied on load. */
  readonly layoutHash: string;
  /** Events held. */
  readonly count: number;
  /** The oldest held event's id. */
  readonly firstId: number;
  /** The id one past the last event present at the update before (older ones go at the next). */
  readonly previousEnd: number;
  /** The held events' records. */
  readonly records: ArrayBuffer;
  /** Where each TypeScript reader stood (held strongly while the state is kept). */
  readonly cursors: ReadonlyMap<EventCursor, number>;
}

/** One event type's queue: a header and `capacity` records in native memory. */
export class EventQueue<S extends Readonly<Record<string, FieldType>> = Readonly<Record<string, FieldType>>> {
  /** The header block (`EventQueueData`); its `records` word is set by whoever takes pointers (src/hot). */
  readonly header = nativeBuffer(EVENT_QUEUE_LAYOUT.size);
  /** The records block. */
  readonly records: ArrayBuffer;
  readonly #words = new Uint32Array(this.header);
  readonly #data: DataView;
  /** Each field's name, offset and DataView accessors, resolved once. */
  readonly #fields: readonly ({ readonly name: string; readonly offset: number } & ReturnType<typeof fieldAccess>)[];
  /** The id one past the last event present at the previous update: older ones are dropped at the next. */
  #previousEnd = 0;
  /** The TypeScript readers made by {@link reader}, so a snapshot can put them back. */
  #readers: WeakRef<EventCursor>[] = [];

  constructor(readonly type: EventType<S>) {
    this.records = nativeBuffer(type.capacity * Math.max(1, type.struct.size));
    this.#data = new DataView(this.records);
    this.#fields = type.struct.fields.map((f) => ({ name: f.name, offset: f.offset, ...fieldAccess(f.scalar as FieldType) }));
    this.#words[H.capacity!.offset / 4] = type.capacity;
    this.#words[H.record_size!.offset / 4] = type.struct.size;
  }

  /** Events held now (this frame's and the previous frame's). */
  get count(): number {
    return this.#words[H.count!.offset / 4]!;
  }

  /** The id of the oldest event held. */
  get firstId(): number {
    return this.#words[H.first_id!.offset / 4]! + this.#words[H.first_id!.offset / 4 + 1]! * 0x1_0000_0000;
  }

  /** The id the next event sent will get. */
  get endId(): number {
    return this.firstId + this.count;
  }

  /** Sends one event; throws a one-line error when the queue is full. */
  send(values: Partial<ResourceFields<S>>): void {
    const count = this.count;
    if (count >= this.type.capacity) throw new Error(`the ${this.type.name} event queue is full (${this.type.capacity} events over two frames): raise its capacity in defineEvent`);
    const base = count * this.type.struct.size;
    for (const f of this.#fields) f.set.call(this.#data, base + f.offset, (values as Record<string, number>)[f.name] ?? 0, true);
    this.#words[H.count!.offset / 4] = count + 1;
  }

  /** The events with ids in `[from, endId)` (clamped to those held), as plain objects. */
  readFrom(from: number): ResourceFields<S>[] {
    const first = this.firstId;
    const start = Math.max(from, first) - first;
    const out: ResourceFields<S>[] = [];
    for (let i = start; i < this.count; i++) out.push(this.#record(i));
    return out;
  }

  /**
   * A reader that sees every event sent from now on, each once. From now on, not the events still
   * held: a game module re-imported by the dev runner makes its readers again, and they must not
   * read what the old ones already did.
   */
  reader(): EventCursor<S> {
    const cursor = new EventCursor(this, this.endId);
    // Weakly: a reader of a module the dev runner replaced goes with its closures (and its entry
    // with the next prune; each reload makes readers again, with or without a timeline).
    if (this.#readers.length >= 16 && (this.#readers.length & (this.#readers.length - 1)) === 0) this.#readers = this.#readers.filter((ref) => ref.deref() !== undefined);
    this.#readers.push(new WeakRef(cursor as unknown as EventCursor));
    return cursor;
  }

  /**
   * The queue as it stands between two frames (its events, ids, the previous update's end, and
   * where each TypeScript reader is), for a snapshot; {@link loadState} puts it back.
   */
  saveState(): EventQueueState {
    const live = this.#readers.filter((ref) => ref.deref() !== undefined);
    this.#readers = live;
    const cursors = new Map<EventCursor, number>();
    for (const ref of live) {
      const cursor = ref.deref()!;
      cursors.set(cursor, cursor.cursor);
    }
    return { layoutHash: this.type.struct.layout.hash, count: this.count, firstId: this.firstId, previousEnd: this.#previousEnd, records: this.records.slice(0, this.count * this.type.struct.size), cursors };
  }

  /**
   * Puts a {@link saveState} back into the same native blocks (hot systems keep their pointers).
   * A reader made since (by a reloaded module) starts from the restored queue's end, as a new
   * reader does; a state of another layout leaves the queue empty.
   */
  loadState(state: EventQueueState): void {
    const same = state.layoutHash === this.type.struct.layout.hash;
    const count = same ? state.count : 0;
    if (same) new Uint8Array(this.records).set(new Uint8Array(state.records));
    this.#words[H.count!.offset / 4] = count;
    this.#words[H.first_id!.offset / 4] = state.firstId >>> 0;
    this.#words[H.first_id!.offset / 4 + 1] = Math.floor(state.firstId / 0x1_0000_0000);
    this.#previousEnd = same ? state.previousEnd : state.firstId;
    for (const ref of this.#readers) {
      const cursor = ref.deref();
      if (cursor) cursor.cursor = state.cursors.get(cursor) ?? this.endId;
    }
  }

  /**
   * Starts a frame: drops the events sent before the previous update, so each event lives for
   * the frame it was sent in and the next. The App calls it before `First`.
   */
  update(): void {
    const first = this.firstId;
    const drop = Math.min(this.count, Math.max(0, this.#previousEnd - first));
    if (drop > 0) {
      const size = this.type.struct.size;
      new Uint8Array(this.records).copyWithin(0, drop * size, this.count * size);
      this.#words[H.count!.offset / 4] = this.count - drop;
      const next = first + drop;
      this.#words[H.first_id!.offset / 4] = next >>> 0;
      this.#words[H.first_id!.offset / 4 + 1] = Math.floor(next / 0x1_0000_0000);
    }
    this.#previousEnd = this.endId;
  }

  #record(i: number): ResourceFields<S> {
    const base = i * this.type.struct.size;
    const out: Record<string, number> = {};
    for (const f of this.#fields) out[f.name] = f.get.call(this.#data, base + f.offset, true);
    return out as ResourceFields<S>;
  }
}

/** A TypeScript reader of one queue: `read()` returns the events it has not seen yet. */
export class EventCursor<S extends Readonly<Record<string, FieldType>> = Readonly<Record<string, FieldType>>> {
  constructor(
    /** The event type's queue it reads (`app.events`). */
    readonly queue: EventQueue<S>,
    /** The id of the next event this reader has not read. */
    public cursor: number,
  ) {}

  /** The unseen events, oldest first; they count as read. */
  read(): ResourceFields<S>[] {
    const events = this.queue.readFrom(this.cursor);
    this.cursor = this.queue.endId;
    return events;
  }

  /** How many events this reader has not seen. */
  get length(): number {
    return this.queue.endId - Math.max(this.cursor, this.queue.firstId);
  }
}

/** An app's event queues, by event name (a type defined again by a reloaded module keeps its queue). */
export class EventQueues {
  readonly #queues = new Map<string, EventQueue>();
  /** The same queues as a list: a frame walks an array, not a Map iterator (an allocation and ~5 ns, bench frame_ts). */
  #list: EventQueue[] = [];

  /** The queue of `type`, made on first use; a type of the same name with another layout gets a new one. */
  add<S extends Readonly<Record<string, FieldType>>>(type: EventType<S>): EventQueue<S> {
    const known = this.#queues.get(type.name);
    if (known && known.type.struct.layout.hash === type.struct.layout.hash && known.type.capacity === type.capacity) return known as unknown as EventQueue<S>;
    const queue = new EventQueue(type);
    this.#queues.set(type.name, queue as unknown as EventQueue);
    this.#list = [...this.#queues.values()];
    return queue;
  }

  /** The queue of the event type of that name, if added. */
  get(name: string): EventQueue | undefined {
    return this.#queues.get(name);
  }

  /** Puts a queue (back) as its type's queue: a rolled-back reload restores the queue it replaced. */
  put(queue: EventQueue): void {
    this.#queues.set(queue.type.name, queue);
    this.#list = [...this.#queues.values()];
  }

  /** Every queue, in the order their types were added. */
  list(): readonly EventQueue[] {
    return this.#list;
  }

  /** Starts a frame for every queue (see {@link EventQueue.update}). */
  update(): void {
    const list = this.#list;
    for (let i = 0; i < list.length; i++) list[i]!.update();
  }
}
