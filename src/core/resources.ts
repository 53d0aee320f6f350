/** The key of a resource: its class, as in Bevy where a resource is keyed by its type. */
// biome-ignore lint: any is the honest type of a constructor's arguments here
export type ResourceKey<T> = abstract new (...args: any[]) => T;

/** Type-keyed singletons shared by systems: Time, Input, a Score, a reloader. */
export class Resources {
  readonly #map = new Map<ResourceKey<unknown>, unknown>();

  /** Inserts (or replaces) a resource, keyed by its constructor. */
  insert<T extends object>(value: T): T {
    this.#map.set(value.constructor as ResourceKey<T>, value);
    return value;
  }

  /** The resource, or a one-line error saying how to insert it. */
  get<T>(key: ResourceKey<T>): T {
    const value = this.#map.get(key);
    if (value === undefined) throw new Error(`resource ${key.name} is missing: insert it with app.insertResource(new ${key.name}(...))`);
    return value as T;
  }

  /** The resource, or undefined. */
  tryGet<T>(key: ResourceKey<T>): T | undefined {
    return this.#map.get(key) as T | undefined;
  }

  has(key: ResourceKey<unknown>): boolean {
    return this.#map.has(key);
  }

  remove(key: ResourceKey<unknown>): boolean {
    return this.#map.delete(key);
  }
}
