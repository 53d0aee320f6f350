import type { Component } from "./component.ts";

/**
 * The components an app knows by name. Hot libraries name components in their manifest; the
 * registry resolves those names and lets the loader compare layouts.
 */
export class ComponentRegistry {
  readonly #byName = new Map<string, Component>();

  /** Registers components; registering the same object twice is a no-op, a second one of the same name an error. */
  register(...components: Component[]): void {
    for (const component of components) {
      const known = this.#byName.get(component.name);
      if (known && known !== component) {
        throw new Error(`two different components are named ${component.name}: component names must be unique in an app`);
      }
      this.#byName.set(component.name, component);
    }
  }

  /** The component of that name, if registered. */
  get(name: string): Component | undefined {
    return this.#byName.get(name);
  }

  /** Every registered component, in registration order. */
  all(): Component[] {
    return [...this.#byName.values()];
  }
}
