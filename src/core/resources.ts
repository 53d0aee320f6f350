import { callerPlace } from "./errors.ts";
/** What hotloop passes as `insertedBy` for a resource of its own (Time, the draw list, a reloader): never the game's to edit. */
export const HOTLOOP_OWN = null;

/** The key of a resource: its class, as in Bevy where a resource is keyed by its type. */
// biome-ignore lint: any is the honest type of a constructor's arguments here
export type ResourceKey<T> = abstract new (...args: any[]) => T;

/** Type-keyed singletons shared by systems: Time, Input, a Score, a reloader. */
export class Resources {
  readonly #map = new Map<ResourceKey<unknown>, unknown>();
  #matchByName = false;
  #epoch = 0;
  /** Where the game inserted each resource (`/abs/src/game.ts:12`); absent for hotloop's own. */
  readonly #origins = new WeakMap<ResourceKey<unknown>, string>();

  /** Bumped whenever a resource is inserted, replaced, adopted or removed: native callers holding a resource's address compare it to know when to look again. */
  get epoch(): number {
    return this.#epoch;
  }

  /**
   * From now on, a class that is not found is looked up by its name too: after the dev runner
   * re-imports a game module, `Score` is a new class with the same name as the one the running
   * resource was made from. A match is adopted: keyed by the new class, given the new class's
   * prototype (new methods, same fields).
   */
  matchByName(): void {
    this.#matchByName = true;
  }

  /** The resource keyed by exactly this class, without the name match. */
  exact<T>(key: ResourceKey<T>): T | undefined {
    return this.#map.get(key) as T | undefined;
  }

  /** The resource whose class has this name, if exactly one has; undefined otherwise. */
  findByName(name: string): { key: ResourceKey<unknown>; value: unknown } | undefined {
    let found: { key: ResourceKey<unknown>; value: unknown } | undefined;
    for (const [key, value] of this.#map) {
      if (key.name !== name) continue;
      if (found) return undefined; // two classes of that name: no guessing
      found = { key, value };
    }
    return found;
  }

  /**
   * Keys `value` by `key` instead of its old class, with `key`'s prototype (its methods) — unless
   * the class has private `#fields`: those belong to the class that made the value, and the new
   * class's methods could not read them, so the value keeps its old methods.
   */
  adopt<T>(key: ResourceKey<T>, oldKey: ResourceKey<unknown>, value: unknown): T {
    this.#epoch++;
    this.#map.delete(oldKey);
    const origin = this.#origins.get(oldKey);
    if (origin) this.#origins.set(key, origin);
    if (!hasPrivateMembers(key) && !hasPrivateMembers(oldKey)) Object.setPrototypeOf(value, key.prototype);
    this.#map.set(key, value);
    return value as T;
  }

  #lookup<T>(key: ResourceKey<T>): T | undefined {
    const value = this.#map.get(key);
    if (value !== undefined || !this.#matchByName) return value as T | undefined;
    const match = this.findByName(key.name);
    return match ? this.adopt(key, match.key, match.value) : undefined;
  }

  /**
   * Inserts (or replaces) a resource, keyed by its constructor. `insertedBy` is where the game's
   * code inserted it (default: the first place on the stack outside hotloop; none when hotloop
   * inserts its own): an inspector lets a developer edit the game's resources, never hotloop's.
   */
  insert<T extends object>(value: T, insertedBy: string | typeof HOTLOOP_OWN | undefined = callerPlace()): T {
    this.#epoch++;
    const key = value.constructor as ResourceKey<T>;
    this.#map.set(key, value);
    if (insertedBy) this.#origins.set(key, insertedBy);
    else this.#origins.delete(key);
    return value;
  }

  /** Where the game's code inserted the resource; undefined for hotloop's own (Time, Input, the draw list…). */
  insertedBy(key: ResourceKey<unknown>): string | undefined {
    return this.#origins.get(key);
  }

  /** The resource, or a one-line error saying how to insert it. */
  get<T>(key: ResourceKey<T>): T {
    const value = this.#lookup(key);
    if (value === undefined) throw new Error(`resource ${key.name} is missing: insert it with app.insertResource(new ${key.name}(...))`);
    return value as T;
  }

  /** The resource, or undefined. */
  tryGet<T>(key: ResourceKey<T>): T | undefined {
    return this.#lookup(key);
  }

  has(key: ResourceKey<unknown>): boolean {
    return this.#lookup(key) !== undefined;
  }

  /** Every resource with its key, in insertion order (an inspector lists them). */
  entries(): [ResourceKey<unknown>, unknown][] {
    return [...this.#map];
  }

  remove(key: ResourceKey<unknown>): boolean {
    this.#epoch++;
    return this.#map.delete(key);
  }
}

/** Whether a class declares private `#` members (their values cannot move to another class). */
export function hasPrivateMembers(key: ResourceKey<unknown>): boolean {
  return /(^|[\s;{}])#[A-Za-z_$]/.test(Function.prototype.toString.call(key));
}
