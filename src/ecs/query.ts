import { commitRemovals, registerQuery, type QueryTerm } from "bitecs";
import type { World } from "./world.ts";

/**
 * A query registered once, read every frame. Unlike bitecs' `query()`, reading it does not hash
 * its terms again; `ids()` commits pending removals first, so a despawned entity never shows up.
 */
export interface RegisteredQuery {
  readonly world: World;
  readonly terms: readonly QueryTerm[];
  /**
   * The matching entity ids, a view over a bitecs-owned ArrayBuffer that doubles when full.
   * Native callers must re-take its pointer whenever `ids().buffer` changes.
   */
  ids(): Uint32Array;
}

/** Registers a query over `terms` (components, or bitecs' `Not(...)`, `Or(...)`) for hot paths. */
export function defineQuery(world: World, terms: readonly QueryTerm[]): RegisteredQuery {
  const registered = registerQuery(world, [...terms], { buffered: true });
  return {
    world,
    terms,
    ids(): Uint32Array {
      commitRemovals(world);
      return registered.dense as Uint32Array;
    },
  };
}

export { Not, Or, And } from "bitecs";
