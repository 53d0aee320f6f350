/**
 * The command queue hot systems write with `Commands` (docs/abi.md, "Commands"), and how the host
 * applies it: right after the system returns, all of it or none of it.
 *
 * Why all or none: a command list that names a dead entity or an unknown component is a bug in
 * the system; applying half of it would leave the world in a state no code wrote. The list is
 * checked first, then applied, so a bad list changes nothing and is reported in one line.
 */
import { addComponent, despawn, entityExists, nativeBuffer, removeComponent, spawn, structLayout, type Component, type ComponentRegistry, type World } from "../ecs/index.ts";

/** The queue's header as Rust reads it (`CommandQueueData`). */
export const COMMAND_QUEUE_LAYOUT = structLayout("CommandQueueData", { words: "u64", capacity: "u32", len: "u32", spawned: "u32", reserved: "u32" });

/** The operations, in the low byte of a command's first word (the SDK's `op` module). */
export const CommandOp = { Spawn: 1, Insert: 2, Remove: 3, Despawn: 4 } as const;

/** Placeholder ids (entities spawned in the same call) have this bit set. */
export const SPAWNED_BIT = 0x8000_0000;

/** Default queue size in words: about 100k spawns of two components per system call. */
export const DEFAULT_COMMAND_WORDS = 1 << 20;

const LEN = COMMAND_QUEUE_LAYOUT.byName.len!.offset / 4;
const SPAWNED = COMMAND_QUEUE_LAYOUT.byName.spawned!.offset / 4;
const CAPACITY = COMMAND_QUEUE_LAYOUT.byName.capacity!.offset / 4;

/** One app's command queue: a header and `capacity` u64 words, in native memory. */
export class CommandQueue {
  /** The header block (`CommandQueueData`); src/hot writes the words pointer into it. */
  readonly header = nativeBuffer(COMMAND_QUEUE_LAYOUT.size);
  readonly words: ArrayBuffer;
  readonly #h = new Uint32Array(this.header);
  readonly #w: Uint32Array;
  readonly #f: Float64Array;
  /** Components by the low 53 bits of their layout hash, with both halves to compare; rebuilt when a lookup misses. */
  #byHash = new Map<number, HashedComponent>();
  /** Real ids of this call's spawns, by placeholder index (kept to avoid an allocation per call). */
  readonly #spawned: number[] = [];
  /** Despawned-in-this-list marks, by entity id (real ids, then placeholders): equal to #stamp when marked. */
  #dead = new Uint32Array(1024);
  #deadSpawned = new Uint32Array(1024);
  #stamp = 0;

  constructor(readonly capacity = DEFAULT_COMMAND_WORDS) {
    if (!Number.isInteger(capacity) || capacity < 16 || capacity > 0xffff_ffff) throw new Error(`the command queue needs 16 to 2^32-1 words, got ${capacity}`);
    this.words = nativeBuffer(capacity * 8);
    this.#w = new Uint32Array(this.words);
    this.#f = new Float64Array(this.words);
    this.#h[CAPACITY] = capacity;
  }

  /** Words written since the last apply. */
  get length(): number {
    return this.#h[LEN]!;
  }

  /** Forgets what the last call wrote (after a panic: its commands never happened). */
  discard(): void {
    this.#h[LEN] = 0;
    this.#h[SPAWNED] = 0;
  }

  /**
   * Checks every command, then applies them in order and empties the queue. Returns undefined, or
   * the first problem as one line (then nothing was applied).
   */
  apply(world: World, components: ComponentRegistry): string | undefined {
    const problem = this.#check(world, components);
    if (problem !== undefined) {
      this.discard();
      return `Commands: ${problem}; none of this call's commands were applied`;
    }
    const w = this.#w;
    const f = this.#f;
    const len = this.length;
    const spawned = this.#spawned;
    spawned.length = 0;
    for (let i = 0; i < len; ) {
      const head = w[2 * i]!;
      const op = head & 0xff;
      const n = head >>> 8;
      const target = w[2 * i + 1]!;
      const entity = target >= SPAWNED_BIT ? spawned[target - SPAWNED_BIT]! : target;
      if (op === CommandOp.Spawn) {
        spawned.push(spawn(world));
        i += 1;
      } else if (op === CommandOp.Insert) {
        const component = this.#lookup(w[2 * i + 2]!, w[2 * i + 3]!, components)!;
        addComponent(world, entity, component);
        const columns = component as unknown as Record<string, { [k: number]: number }>;
        const fields = component.fieldNames;
        for (let k = 0; k < n; k++) columns[fields[k]!]![entity] = f[i + 2 + k]!;
        i += 2 + n;
      } else if (op === CommandOp.Remove) {
        removeComponent(world, entity, this.#lookup(w[2 * i + 2]!, w[2 * i + 3]!, components)!);
        i += 2;
      } else {
        despawn(world, entity);
        i += 1;
      }
    }
    this.discard();
    return undefined;
  }

  /** The first reason the queued commands cannot be applied, or undefined. */
  #check(world: World, components: ComponentRegistry): string | undefined {
    const w = this.#w;
    const len = this.length;
    if (len > this.capacity) return `the queue reports ${len} words in a buffer of ${this.capacity}`;
    let spawns = 0;
    const stamp = this.#nextStamp();
    const isDead = (target: number) => (target >= SPAWNED_BIT ? this.#deadSpawned[target - SPAWNED_BIT] === stamp : this.#dead[target] === stamp);
    const alive = (target: number): string | undefined => {
      if (isDead(target)) return `entity ${describe(target)} was already despawned by this call`;
      if (target >= SPAWNED_BIT) return target - SPAWNED_BIT < spawns ? undefined : `entity ${describe(target)} was not spawned by this call`;
      return entityExists(world, target) ? undefined : `entity ${target} does not exist`;
    };
    for (let i = 0; i < len; ) {
      const head = w[2 * i]!;
      const op = head & 0xff;
      const n = head >>> 8;
      const target = w[2 * i + 1]!;
      if (op === CommandOp.Spawn) {
        if (target !== SPAWNED_BIT + spawns) return `spawn ${spawns + 1} carries placeholder ${target}`;
        spawns++;
        i += 1;
        continue;
      }
      if (op === CommandOp.Despawn) {
        const problem = alive(target);
        if (problem) return `despawn: ${problem}`;
        this.#markDead(target, stamp);
        i += 1;
        continue;
      }
      if (op !== CommandOp.Insert && op !== CommandOp.Remove) return `unknown command ${op} at word ${i}`;
      const words = op === CommandOp.Insert ? 2 + n : 2;
      if (i + words > len) return `a command at word ${i} runs past the end of the queue`;
      const verb = op === CommandOp.Insert ? "insert" : "remove";
      const component = this.#lookup(w[2 * i + 2]!, w[2 * i + 3]!, components);
      if (!component) return `${verb} of an unknown component (layout hash ${hex(w[2 * i + 3]!, w[2 * i + 2]!)}: not registered in the app, or the library was built against another layout of it)`;
      if (op === CommandOp.Insert && n !== 0 && n !== component.fieldNames.length) return `insert of ${component.name} with ${n} values for its ${component.fieldNames.length} fields`;
      const problem = alive(target);
      if (problem) return `${verb} ${component.name}: ${problem}`;
      i += words;
    }
    return undefined;
  }

  #nextStamp(): number {
    if (++this.#stamp === 0xffff_ffff) {
      this.#stamp = 1;
      this.#dead.fill(0);
      this.#deadSpawned.fill(0);
    }
    return this.#stamp;
  }

  #markDead(target: number, stamp: number): void {
    const spawned = target >= SPAWNED_BIT;
    const index = spawned ? target - SPAWNED_BIT : target;
    let marks = spawned ? this.#deadSpawned : this.#dead;
    if (index >= marks.length) {
      const grown = new Uint32Array(Math.max(index + 1, marks.length * 2));
      grown.set(marks);
      marks = grown;
      if (spawned) this.#deadSpawned = grown;
      else this.#dead = grown;
    }
    marks[index] = stamp;
  }

  #lookup(lo: number, hi: number, components: ComponentRegistry): Component | undefined {
    const key = keyOf(lo, hi);
    const found = this.#byHash.get(key);
    // The same layout text object as when it was hashed: not migrated since (a migration gives a new layout).
    if (found !== undefined && found.hi === hi && found.lo === lo && found.hash === found.component.layout.hash) return found.component;
    this.#byHash = new Map(components.all().map((c) => hashed(c)).map((h) => [keyOf(h.lo, h.hi), h]));
    const again = this.#byHash.get(key);
    return again !== undefined && again.hi === hi && again.lo === lo ? again.component : undefined;
  }
}

/** A component with its layout hash split as the queue carries it. */
interface HashedComponent {
  readonly component: Component;
  readonly hash: string;
  readonly hi: number;
  readonly lo: number;
}

function hashed(component: Component): HashedComponent {
  const hash = component.layout.hash;
  return { component, hash, hi: Number.parseInt(hash.slice(0, 8), 16), lo: Number.parseInt(hash.slice(8), 16) };
}

/** The map key of a layout hash: its low 53 bits (exact in a number); a hit is confirmed on both halves. */
function keyOf(lo: number, hi: number): number {
  return lo + (hi & 0x1f_ffff) * 0x1_0000_0000;
}

function hex(hi: number, lo: number): string {
  return hi.toString(16).padStart(8, "0") + lo.toString(16).padStart(8, "0");
}

function describe(target: number): string {
  return target >= SPAWNED_BIT ? `spawned #${target - SPAWNED_BIT + 1}` : String(target);
}
