import { commitRemovals, registerQuery, type QueryTerm } from "bitecs";
import type { World } from "./world.ts";

/**
 * A query registered once, read every frame. Unlike bitecs' `query()`, reading it does not hash
 * its terms again; `ids()` commits pending removals first, so a despawned entity never shows up.
 */
export interface RegisteredQuery {
  /** The world it reads. */
  readonly world: World;
  /** What it matches: components an entity must have, and `Not(...)` terms it must lack. */
  readonly terms: readonly QueryTerm[];
  /**
   * The matching entity ids, a view over a bitecs-owned ArrayBuffer that doubles when full.
   * Native callers must re-take its pointer whenever `ids().buffer` changes.
   */
  ids(): Uint32Array;
}

const OP_TYPE = Symbol.for("bitecs-opType");
const OP_TERMS = Symbol.for("bitecs-opTerms");
const termIds = new WeakMap<object, number>();
let nextTermId = 1;
/** Each world's queries by their terms: the same terms share one bitecs query. */
const registeredByWorld = new WeakMap<World, Map<string, RegisteredQuery>>();

/** A key for a term list: components by identity, operators by their type and operands (order kept). */
function termsKey(terms: readonly QueryTerm[]): string {
  const key = (term: QueryTerm): string => {
    const op = term as unknown as Record<symbol, unknown>;
    if (op[OP_TYPE] !== undefined) return `${String(op[OP_TYPE])}(${(op[OP_TERMS] as QueryTerm[]).map(key).join(",")})`;
    let id = termIds.get(term as object);
    if (id === undefined) termIds.set(term as object, (id = nextTermId++));
    return `#${id}`;
  };
  return terms.map(key).join(",");
}

/**
 * Registers a query over `terms` (components, or bitecs' `Not(...)`, `Or(...)`) for hot paths.
 * Asking again for the same terms in the same world returns the same query: each bitecs query is
 * updated on every component change, so a plugin built again (a TypeScript reload) or a thousand
 * hot systems over one term set must not each add one.
 */
export function defineQuery(world: World, terms: readonly QueryTerm[]): RegisteredQuery {
  let known = registeredByWorld.get(world);
  if (!known) registeredByWorld.set(world, (known = new Map()));
  const key = termsKey(terms);
  const existing = known.get(key);
  if (existing) return existing;
  const registered = registerQuery(world, [...terms], { buffered: true });
  const made: RegisteredQuery = {
    world,
    terms,
    ids(): Uint32Array {
      commitRemovals(world);
      return registered.dense as Uint32Array;
    },
  };
  known.set(key, made);
  return made;
}

export { Not, Or, And } from "bitecs";
