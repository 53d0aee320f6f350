/**
 * What the host keeps for the parameters of hot systems beyond queries: the command queue, each
 * system's `Local` blocks and event-reader cursors, and the lookups of resources and event queues
 * by name. One per app (a resource), so it outlives every library: a reload keeps a `Local`'s value
 * and a reader's place, because both live here and not in the library.
 */
import { ptr, type Pointer } from "bun:ffi";
import type { App } from "../core/index.ts";
import { CommandQueue, COMMAND_QUEUE_LAYOUT } from "../core/commands.ts";
import { EVENT_QUEUE_LAYOUT, EVENT_READER_LAYOUT, nativeBuffer, nativeResourceOf, type EventQueue, type StructLayout } from "../ecs/index.ts";
import type { HostLayouts } from "./manifest.ts";
import { HOTLOOP_OWN } from "../core/resources.ts";
import { addSnapshotPart } from "../core/snapshot.ts";

/** A `Local` block: a word saying whether the value was initialised, then the value. */
const LOCAL_HEADER_BYTES = 8;

interface LocalBlock {
  readonly layout: string;
  readonly size: number;
  readonly align: number;
  readonly bytes: ArrayBuffer;
  readonly pointer: Pointer;
}

/** What a snapshot holds of {@link HostParams}: each Local's bytes and each reader's cursor, by `system#index`. */
interface HostParamsState {
  readonly locals: ReadonlyMap<string, { readonly layout: string; readonly bytes: ArrayBuffer }>;
  readonly readers: ReadonlyMap<string, readonly [number, number]>;
}

interface ReaderBlock {
  readonly queue: EventQueue;
  readonly words: Uint32Array;
  readonly pointer: Pointer;
}

/** A resource as a native system sees it: its layout and bytes. */
export interface NativeResource {
  readonly struct: StructLayout;
  readonly bytes: ArrayBuffer;
  readonly readOnly: boolean;
}

/** The app's host-side parameter state (see the module comment). */
export class HostParams {
  readonly commands: CommandQueue;
  /** Pointer to the command queue's header: the `Commands` slot. */
  readonly commandsPointer: Pointer;
  readonly #locals = new Map<string, LocalBlock>();
  readonly #readers = new Map<string, ReaderBlock>();
  readonly #queuePointers = new WeakMap<EventQueue, Pointer>();
  /** Where notices go (a Local reset by a layout change); the reloader points it at its reporter. */
  notice: (message: string) => void = (message) => console.error(`hotloop: ${message}`);

  constructor(
    readonly app: App,
    commandWords?: number,
  ) {
    this.commands = new CommandQueue(commandWords);
    const header = new Uint32Array(this.commands.header);
    const words = COMMAND_QUEUE_LAYOUT.byName.words!.offset / 4;
    writePointer(header, words, ptr(new Uint8Array(this.commands.words, 0, 1)));
    this.commandsPointer = ptr(new Uint8Array(this.commands.header, 0, 1));
    // Each Local's bytes and each EventReader's cursor are the game's state: a rewind puts them back.
    addSnapshotPart(app, { name: "hot-params", save: () => this.#saveState(), load: (state) => this.#loadState(state as HostParamsState | undefined) });
  }

  #saveState(): HostParamsState {
    const locals = new Map<string, { layout: string; bytes: ArrayBuffer }>();
    for (const [key, block] of this.#locals) locals.set(key, { layout: block.layout, bytes: block.bytes.slice(0) });
    const readers = new Map<string, readonly [number, number]>();
    const cursor = EVENT_READER_LAYOUT.byName.cursor!.offset / 4;
    for (const [key, block] of this.#readers) readers.set(key, [block.words[cursor]!, block.words[cursor + 1]!]);
    return { locals, readers };
  }

  /** Writes a saved state into the same blocks; a Local the state did not have starts again from its Default (init word 0), a reader from its queue's oldest event. */
  #loadState(state: HostParamsState | undefined): void {
    for (const [key, block] of this.#locals) {
      const saved = state?.locals.get(key);
      const target = new Uint8Array(block.bytes);
      if (saved && saved.layout === block.layout && saved.bytes.byteLength === block.bytes.byteLength) target.set(new Uint8Array(saved.bytes));
      else target.fill(0);
    }
    const cursor = EVENT_READER_LAYOUT.byName.cursor!.offset / 4;
    for (const [key, block] of this.#readers) {
      const saved = state?.readers.get(key);
      block.words[cursor] = saved ? saved[0] : block.queue.firstId >>> 0;
      block.words[cursor + 1] = saved ? saved[1] : Math.floor(block.queue.firstId / 0x1_0000_0000);
    }
  }

  /**
   * The block of `system`'s `index`-th Local: the same block across reloads while the layout
   * (text, size, alignment) holds; a fresh, zeroed one (the SDK writes `T::default()`) with one
   * notice when it changed.
   */
  local(system: string, index: number, layout: string, size: number, align: number): Pointer {
    const key = `${system}#${index}`;
    const known = this.#locals.get(key);
    if (known && known.layout === layout && known.size === size && known.align === align) return known.pointer;
    if (known) this.notice(`system ${system}: Local<${layout}> is not the Local<${known.layout}> it kept (size ${known.size} → ${size}): it starts again from its Default`);
    const bytes = nativeBuffer(LOCAL_HEADER_BYTES + size);
    const block = { layout, size, align, bytes, pointer: ptr(new Uint8Array(bytes, 0, 1)) };
    this.#locals.set(key, block);
    return block.pointer;
  }

  /**
   * The cursor block of `system`'s `index`-th EventReader of `queue`: kept across reloads, so
   * events sent before a swap are read after it, once. A reader new to the queue starts at the
   * oldest event it holds.
   */
  reader(system: string, index: number, queue: EventQueue): Pointer {
    const key = `${system}#${index}`;
    const known = this.#readers.get(key);
    if (known?.queue === queue) return known.pointer;
    const bytes = nativeBuffer(EVENT_READER_LAYOUT.size);
    const words = new Uint32Array(bytes);
    writePointer(words, EVENT_READER_LAYOUT.byName.queue!.offset / 4, this.queuePointer(queue));
    const cursor = EVENT_READER_LAYOUT.byName.cursor!.offset / 4;
    words[cursor] = queue.firstId >>> 0;
    words[cursor + 1] = Math.floor(queue.firstId / 0x1_0000_0000);
    const block = { queue, words, pointer: ptr(new Uint8Array(bytes, 0, 1)) };
    this.#readers.set(key, block);
    return block.pointer;
  }

  /** The header pointer of an event queue (its records pointer written into it once). */
  queuePointer(queue: EventQueue): Pointer {
    const known = this.#queuePointers.get(queue);
    if (known !== undefined) return known;
    writePointer(new Uint32Array(queue.header), EVENT_QUEUE_LAYOUT.byName.records!.offset / 4, ptr(new Uint8Array(queue.records, 0, 1)));
    const pointer = ptr(new Uint8Array(queue.header, 0, 1));
    this.#queuePointers.set(queue, pointer);
    return pointer;
  }

  /** The app's resource of that name with a native layout (Time, Input, defineResource), if any. */
  resource(name: string): NativeResource | undefined {
    return nativeResourceOf(this.app.resources.findByName(name)?.value);
  }

  /** The app's resources and event types, as the manifest checks see them. */
  readonly layouts: HostLayouts = {
    resource: (name) => {
      const r = this.resource(name);
      return r && { hash: r.struct.layout.hash, text: r.struct.layout.text, readOnly: r.readOnly };
    },
    event: (name) => {
      const q = this.app.events.get(name);
      return q && { hash: q.type.struct.layout.hash, text: q.type.struct.layout.text };
    },
  };
}

/** The app's {@link HostParams}, made on first use (`commandWords` sizes the command queue then). */
export function hostParamsOf(app: App, commandWords?: number): HostParams {
  return app.getResource(HostParams) ?? app.insertResource(new HostParams(app, commandWords), HOTLOOP_OWN);
}

/** Writes a pointer as two u32 halves (pointers fit in 53 bits: no BigInt). */
export function writePointer(words: Uint32Array, index: number, value: number): void {
  words[index] = value >>> 0;
  words[index + 1] = Math.floor(value / 0x1_0000_0000);
}
